// Qlik-style error bodies: {"errors":[{code,title,detail,status,source}],"traceId"}.
// Service errors (APIKEYS-n, USERS-n) carry a numeric status, as the api-keys and users specs type
// it; edge errors (HTTP-4xx/5xx) and the tenants service carry it as a string, as real edge
// responses and tenants.yml show it.
import { newTraceId } from './ids.js';
import { printable } from './text.js';

export interface ErrorSource {
  pointer?: string;
  parameter?: string;
}

export interface QlikError {
  code: string;
  title: string;
  detail?: string;
  status?: number | string;
  source?: ErrorSource;
}

export interface ErrorBody {
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

function service(status: number, code: string, title: string, detail: string, source?: ErrorSource): ApiError {
  const error: QlikError = { code, title, detail, status };
  if (source) error.source = source;
  return new ApiError(status, error);
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

export function httpTitle(status: number): string {
  return HTTP_TITLES[status] ?? `HTTP ${status}`;
}

/** An edge error such as `{"code":"HTTP-404","title":"Not Found","status":"404"}`. */
export function edgeError(status: number, detail?: string): ApiError {
  const error: QlikError = { code: `HTTP-${status}`, title: httpTitle(status), status: String(status) };
  if (detail !== undefined) error.detail = detail;
  return new ApiError(status, error);
}

export const errors = {
  unauthorized: (): ApiError => edgeError(401),
  expiredOrRevoked: (): ApiError =>
    new ApiError(401, {
      code: 'APIKEYS-18',
      title: 'Unauthorized',
      detail: 'The api key is either expired or revoked',
      status: '401',
    }),
  routeNotFound: (): ApiError => edgeError(404, 'The requested resource does not exist'),
  notEmulated: (method: string, path: string): ApiError =>
    edgeError(501, `${method} ${printable(path, 200)} is not emulated by qlik-emulator`),
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

  invalidBody: (detail: string, pointer: string): ApiError =>
    service(400, 'APIKEYS-1', 'Invalid request', detail, { pointer }),
  invalidQuery: (detail: string, parameter: string): ApiError =>
    service(400, 'APIKEYS-2', 'Invalid query parameter', detail, { parameter }),
  malformedJson: (detail: string): ApiError => service(400, 'APIKEYS-3', 'Malformed JSON', detail, { pointer: '' }),
  keyNotFound: (): ApiError =>
    service(404, 'APIKEYS-4', 'API key was not found', 'No API key exists with the given ID'),
  createForbidden: (detail: string): ApiError =>
    service(403, 'APIKEYS-5', 'Requestor not allowed to create an API key', detail),
  quotaReached: (max: number): ApiError =>
    service(
      403,
      'APIKEYS-6',
      'Requestor not allowed to create an API key',
      `The maximum number of active API keys per user (${max}) has been reached`,
    ),
  expiryTooLong: (max: string): ApiError =>
    service(400, 'APIKEYS-7', 'Invalid request', `The expiry exceeds the maximum allowed for this tenant (${max})`, {
      pointer: '/expiry',
    }),
  listForbidden: (detail: string, parameter: string): ApiError =>
    service(403, 'APIKEYS-8', 'Requestor not allowed to list API keys', detail, { parameter }),
  readForbidden: (): ApiError =>
    service(403, 'APIKEYS-9', 'Requestor not allowed to query this API key', 'The API key belongs to another user'),
  updateForbidden: (detail = 'The API key belongs to another user'): ApiError =>
    service(403, 'APIKEYS-10', 'Requestor not allowed to update this API key', detail),
  deleteForbidden: (detail = 'The API key belongs to another user'): ApiError =>
    service(403, 'APIKEYS-11', 'Requestor not allowed to delete or revoke this API key', detail),
  configForbidden: (): ApiError =>
    service(
      403,
      'APIKEYS-12',
      'Requestor not allowed to update the API keys configuration',
      'The TenantAdmin role is required',
    ),
  configNotFound: (): ApiError =>
    service(
      404,
      'APIKEYS-13',
      'API keys configuration was not found',
      'No API keys configuration exists for this tenant',
    ),
  notAUser: (): ApiError => edgeError(403, 'This API key does not belong to a user'),
  userNotFound: (): ApiError =>
    new ApiError(404, { code: 'USERS-7', title: 'Not found', detail: 'User was not found', status: 404 }),
  tenantNotFound: (): ApiError =>
    new ApiError(404, { code: 'TENANTS-8', title: 'Not found', detail: 'Tenant was not found', status: '404' }),
  ...usersErrors(),
  ...oauthErrors(),
  control: (detail: string, pointer?: string): ApiError => {
    const error = edgeError(400, detail);
    if (pointer !== undefined) error.error.source = { pointer };
    return error;
  },
};

// ---- users API (#12) ----
// Only USERS-7 is a code seen in Qlik's documentation; USERS-1..3 are the emulator's own, with the
// users spec's shape (numeric status, source naming the parameter or the body field).
function usersErrors() {
  const users = (status: number, code: string, title: string, detail: string, source?: ErrorSource): ApiError =>
    service(status, code, title, detail, source);
  return {
    usersBadQuery: (detail: string, parameter: string): ApiError =>
      users(400, 'USERS-1', 'Invalid query parameter', detail, { parameter }),
    usersBadFilter: (detail: string, source: ErrorSource): ApiError =>
      users(400, 'USERS-2', 'Invalid filter', detail, source),
    usersBadBody: (detail: string, pointer: string): ApiError =>
      users(400, 'USERS-3', 'Invalid request body', detail, { pointer }),
  };
}

// ---- OAuth (#11) ----
// /oauth/token, /oauth/revoke and /api/v1/oauth-tokens answer Qlik's {"errors":[...]} shape with a
// string status (as the OAuth spec and @qlik/api's oauth-tokens types have it), never RFC 6749's
// {"error": ...}. Qlik's own codes are not documented: OAUTH-1..6 are the emulator's.
function oauthErrors() {
  const oauth = (status: number, code: string, title: string, detail: string): ApiError =>
    new ApiError(status, { code, title, detail, status: String(status) });
  return {
    oauthBadRequest: (detail: string): ApiError => oauth(400, 'OAUTH-1', 'Bad Request', detail),
    oauthBadClient: (): ApiError => oauth(401, 'OAUTH-2', 'Unauthorized', 'The client credentials are invalid'),
    oauthUserDisabled: (status: string): ApiError =>
      oauth(
        403,
        'OAUTH-3',
        'Forbidden',
        `The user is ${status === 'disabled' ? 'disabled' : `not active (${status})`}`,
      ),
    oauthTokenNotFound: (): ApiError =>
      oauth(404, 'OAUTH-4', 'Not Found', 'No active OAuth token exists with the given ID'),
    oauthTokenForbidden: (): ApiError =>
      oauth(403, 'OAUTH-5', 'Forbidden', 'The TenantAdmin role is required to revoke tokens of other users'),
    oauthBadQuery: (detail: string): ApiError => oauth(400, 'OAUTH-6', 'Bad Request', detail),
  };
}
