// SCIM errors (RFC 7644 §3.12): {"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"409",
// "scimType":"uniqueness","detail":"…"} as application/scim+json, `status` a string. Errors raised by the shared
// layers (401 for a revoked key, 413, 429 with retry-after) are given the same shape on SCIM routes.
import { ApiError, jsonBodyErrors, type BodyErrors } from '../../shared/errors.js';
import type { Reply } from '../../http/reply.js';

const SCIM_CONTENT_TYPE = 'application/scim+json; charset=utf-8';
const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';

type ScimType =
  | 'invalidFilter'
  | 'tooMany'
  | 'uniqueness'
  | 'mutability'
  | 'invalidSyntax'
  | 'invalidPath'
  | 'noTarget'
  | 'invalidValue'
  | 'invalidVers'
  | 'sensitive';

class ScimError extends Error {
  readonly status: number;
  readonly scimType: ScimType | undefined;
  readonly headers: Record<string, string>;

  constructor(status: number, detail: string, scimType?: ScimType, headers: Record<string, string> = {}) {
    super(detail);
    this.status = status;
    this.scimType = scimType;
    this.headers = headers;
  }
}

export const scimErrors = {
  badRequest: (scimType: ScimType, detail: string): ScimError => new ScimError(400, detail, scimType),
  unauthorized: (detail: string): ScimError => new ScimError(401, detail),
  forbidden: (detail: string): ScimError => new ScimError(403, detail),
  notFound: (detail: string): ScimError => new ScimError(404, detail),
  conflict: (detail: string): ScimError => new ScimError(409, detail, 'uniqueness'),
  notImplemented: (detail: string): ScimError => new ScimError(501, detail),
};

/** A missing or malformed JSON body (application/scim+json or application/json, readJson): 400 invalidSyntax. */
export const scimBodyErrors: BodyErrors = jsonBodyErrors((detail) => scimErrors.badRequest('invalidSyntax', detail));

/** The reply for anything a SCIM handler threw, or undefined for what is not an API or SCIM error (a 500). */
export function scimErrorReply(thrown: unknown): Reply | undefined {
  let error: ScimError;
  if (thrown instanceof ScimError) error = thrown;
  else if (thrown instanceof ApiError)
    error = new ScimError(thrown.status, thrown.error.detail ?? thrown.error.title, undefined, thrown.headers);
  else return undefined;
  return {
    status: error.status,
    headers: { ...error.headers, 'content-type': SCIM_CONTENT_TYPE },
    json: {
      schemas: [ERROR_SCHEMA],
      status: String(error.status),
      ...(error.scimType === undefined ? {} : { scimType: error.scimType }),
      detail: error.message,
    },
  };
}

export function scimReply(status: number, json: unknown, headers: Record<string, string> = {}): Reply {
  return { status, json, headers: { ...headers, 'content-type': SCIM_CONTENT_TYPE } };
}
