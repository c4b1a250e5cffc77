// The api-keys service's errors: APIKEYS-1..13 (APIKEYS-18, authentication, is the edge's: shared/errors.ts).
import { errors as edge, jsonBodyErrors, serviceError as service, type ApiError } from '../../shared/errors.js';

const malformedJson = (detail: string): ApiError =>
  service(400, 'APIKEYS-3', 'Malformed JSON', detail, { pointer: '' });

export const errors = {
  ...edge,
  /** A missing or malformed JSON body (readJson). */
  body: jsonBodyErrors(malformedJson),
  invalidBody: (detail: string, pointer: string): ApiError =>
    service(400, 'APIKEYS-1', 'Invalid request', detail, { pointer }),
  invalidQuery: (detail: string, parameter: string): ApiError =>
    service(400, 'APIKEYS-2', 'Invalid query parameter', detail, { parameter }),
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
};
