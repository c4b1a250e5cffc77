// The identity-providers service's error table. identity-providers.yml types `status` as a number and
// documents no codes: IDPS-1..7 are the emulator's own, in the spec's {"errors":[…],"traceId"} shape.
import { jsonBodyErrors, serviceError as idpError, type ApiError } from '../../shared/errors.js';

export const idpErrors = {
  badBody: (detail: string, pointer: string): ApiError =>
    idpError(400, 'IDPS-1', 'Invalid request', detail, { pointer }),
  badQuery: (detail: string, parameter: string): ApiError =>
    idpError(400, 'IDPS-2', 'Invalid query parameter', detail, { parameter }),
  forbidden: (detail = 'The TenantAdmin role is required'): ApiError => idpError(403, 'IDPS-3', 'Forbidden', detail),
  notFound: (): ApiError => idpError(404, 'IDPS-4', 'Not found', 'No identity provider exists with the given ID'),
  badState: (detail: string, pointer?: string): ApiError =>
    idpError(400, 'IDPS-5', 'Invalid state transition', detail, pointer === undefined ? undefined : { pointer }),
  precondition: (detail: string): ApiError => idpError(412, 'IDPS-6', 'Precondition Failed', detail),
  /** A missing or malformed JSON body (readJson). */
  body: jsonBodyErrors((detail) => idpError(400, 'IDPS-7', 'Malformed JSON', detail, { pointer: '' })),
};
