// The groups service's error table. groups.yml types `status` as an integer and shows GROUPS-7 "Not found";
// the other codes are the emulator's own, in the same shape.
import { jsonBodyErrors, serviceError as groupError, type ApiError, type ErrorSource } from '../../shared/errors.js';

export const groupErrors = {
  badQuery: (detail: string, parameter: string): ApiError =>
    groupError(400, 'GROUPS-1', 'Invalid query parameter', detail, { parameter }),
  badFilter: (detail: string, source: ErrorSource): ApiError =>
    groupError(400, 'GROUPS-2', 'Invalid filter', detail, source),
  badBody: (detail: string, pointer: string): ApiError =>
    groupError(400, 'GROUPS-3', 'Invalid request body', detail, { pointer }),
  forbidden: (detail = 'The TenantAdmin role is required'): ApiError =>
    groupError(403, 'GROUPS-4', 'Forbidden', detail),
  conflict: (name: string): ApiError =>
    groupError(409, 'GROUPS-5', 'Conflict', `A group named ${JSON.stringify(name)} already exists`),
  notFound: (): ApiError => groupError(404, 'GROUPS-7', 'Not found', 'Group was not found'),
  /** A missing or malformed JSON body (readJson). */
  body: jsonBodyErrors((detail) => groupError(400, 'GROUPS-6', 'Malformed JSON', detail, { pointer: '' })),
};
