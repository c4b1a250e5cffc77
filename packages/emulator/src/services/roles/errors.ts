// The roles service's error table. Qlik documents none of its codes except the spec's example
// (`IDENTITIES-10402` "Not Found"), used here for 404; ROLES-1..5 are the emulator's. The roles spec's
// Error has no `status`; it is sent as a string, as edge errors carry it.
import { ApiError, jsonBodyErrors, type ErrorSource } from '../../shared/errors.js';
import type { Fail } from '../../shared/validate.js';

function roles(status: number, code: string, title: string, detail: string, source?: ErrorSource): ApiError {
  return new ApiError(status, { code, title, detail, status: String(status), ...(source ? { source } : {}) });
}

const badBody = (detail: string, pointer: string): ApiError =>
  roles(400, 'ROLES-2', 'Invalid request', detail, { pointer });

export const rolesErrors = {
  /** A missing or malformed JSON body (readJson). */
  body: jsonBodyErrors((detail) => badBody(detail, '')),
  notFound: (): ApiError => roles(404, 'IDENTITIES-10402', 'Not Found', 'Role was not found'),
  badQuery: (detail: string, parameter: string): ApiError =>
    roles(400, 'ROLES-1', 'Invalid query parameter', detail, { parameter }),
  badBody,
  forbidden: (detail = 'The TenantAdmin role is required'): ApiError => roles(403, 'ROLES-3', 'Forbidden', detail),
  inUse: (detail: string): ApiError => roles(400, 'ROLES-4', 'Role is in use', detail),
  limit: (max: number): ApiError =>
    roles(400, 'ROLES-5', 'Invalid request', `A tenant can have at most ${max} custom roles`),
};

export const rolesFail: Fail = (detail, pointer) => rolesErrors.badBody(detail, pointer);
