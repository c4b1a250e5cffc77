// Qlik-style error bodies: {"errors":[{code,title,detail,status,source}],"traceId"}, the edge's own errors
// (HTTP-4xx/5xx, authentication, the control API's 400), and what a service's error table provides.
// Each service keeps its own table (services/<name>/errors.ts, codes APIKEYS-n, USERS-n, …).
// Service errors carry a numeric status, as the api-keys and users specs type it (serviceError); edge errors
// (HTTP-4xx/5xx), the tenants service and OAuth carry it as a string, as real edge responses, tenants.yml and the
// OAuth spec show it (stringStatusError).
import { newTraceId } from './ids.js';
import { printable } from './text.js';

export interface ErrorSource {
  pointer?: string;
  parameter?: string;
}

interface QlikError {
  code: string;
  title: string;
  detail?: string;
  status?: number | string;
  source?: ErrorSource;
}

interface ErrorBody {
  errors: QlikError[];
  traceId: string;
}

export class ApiError extends Error {
  readonly status: number;
  readonly error: QlikError;
  readonly headers: Record<string, string>;

  constructor(status: number, error: QlikError, headers: Record<string, string> = {}) {
    super(error.detail ?? error.title);
    this.status = status;
    this.error = error;
    this.headers = headers;
  }

  body(): ErrorBody {
    return { errors: [this.error], traceId: newTraceId() };
  }
}

/** A service error with a numeric status. */
export function serviceError(
  status: number,
  code: string,
  title: string,
  detail: string,
  source?: ErrorSource,
): ApiError {
  const error: QlikError = { code, title, detail, status };
  if (source) error.source = source;
  return new ApiError(status, error);
}

/** A service error with a string status. */
export function stringStatusError(status: number, code: string, title: string, detail: string): ApiError {
  return new ApiError(status, { code, title, detail, status: String(status) });
}

/**
 * How a service answers a request body that is missing or not JSON (readJson): every service passes its own
 * table, so each answers with its own code.
 */
export interface BodyErrors {
  /** An ApiError, or the error a service with its own error shape (SCIM) turns into its reply. */
  emptyBody(): Error;
  /** `parserMessage` is JSON.parse's; a service whose bodies hold secrets leaves it out (it quotes the body). */
  invalidJson(parserMessage: string): Error;
}

/** The usual BodyErrors: one error builder, the usual details (JSON.parse's message included). */
export function jsonBodyErrors(malformed: (detail: string) => Error): BodyErrors {
  return {
    emptyBody: () => malformed('A JSON request body is required'),
    invalidJson: (message) => malformed(`The request body is not valid JSON: ${message}`),
  };
}

const HTTP_TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  501: 'Not Implemented',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

function httpTitle(status: number): string {
  return HTTP_TITLES[status] ?? `HTTP ${status}`;
}

/** An edge error such as `{"code":"HTTP-404","title":"Not Found","status":"404"}`. */
export function edgeError(status: number, detail?: string): ApiError {
  const error: QlikError = { code: `HTTP-${status}`, title: httpTitle(status), status: String(status) };
  if (detail !== undefined) error.detail = detail;
  return new ApiError(status, error);
}

/** The edge's errors (and the control API's 400): shared by every layer. */
export const errors = {
  unauthorized: (): ApiError => edgeError(401),
  /** Authentication with an API key that expired or was revoked (the api-keys service's code, at the edge). */
  expiredOrRevoked: (): ApiError =>
    new ApiError(401, {
      code: 'APIKEYS-18',
      title: 'Unauthorized',
      detail: 'The api key is either expired or revoked',
      status: '401',
    }),
  routeNotFound: (): ApiError => edgeError(404, 'The requested resource does not exist'),
  /** An operation of a Qlik service the emulator does not serve (#21). */
  notEmulated: (method: string, path: string): ApiError =>
    edgeError(501, `${printable(method, 20)} ${printable(path, 200)} is not emulated by qlik-emulator`),
  /** A method an emulated path does not take, with the `Allow` header (#21). */
  methodNotAllowed: (method: string, allowed: string[]): ApiError => {
    const error = edgeError(405, `${printable(method, 20)} is not allowed here; allowed: ${allowed.join(', ')}`);
    return new ApiError(405, error.error, { allow: allowed.join(', ') });
  },
  payloadTooLarge: (limit: number): ApiError => edgeError(413, `The request body exceeds the limit of ${limit} bytes`),
  rateLimited: (seconds: number): ApiError =>
    new ApiError(
      429,
      {
        code: 'HTTP-429',
        title: 'API rate limit reached.',
        detail: `You need to wait ${seconds} seconds until limit is lifted.`,
      },
      { 'retry-after': String(seconds) },
    ),
  internal: (): ApiError => edgeError(500, 'An unexpected error occurred'),
  notAUser: (): ApiError => edgeError(403, 'This API key does not belong to a user'),
  control: (detail: string, pointer?: string): ApiError => {
    const error = edgeError(400, detail);
    if (pointer !== undefined) error.error.source = { pointer };
    return error;
  },
};

/** How the control API (/__emulator/) answers a missing or malformed JSON body. */
export const controlBodyErrors: BodyErrors = jsonBodyErrors((detail) => errors.control(detail, ''));
