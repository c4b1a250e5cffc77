// The users service's errors. Only USERS-7 is a code seen in Qlik's documentation; USERS-1..3 are the emulator's
// own (USERS-4, USERS-5 for the write API), with the users spec's shape (numeric status, source naming the parameter or the body field).
import {
  ApiError,
  errors as edge,
  jsonBodyErrors,
  serviceError as users,
  type ErrorSource,
} from '../../shared/errors.js';

const usersBadBody = (detail: string, pointer: string): ApiError =>
  users(400, 'USERS-3', 'Invalid request body', detail, { pointer });

export const errors = {
  ...edge,
  /** A malformed JSON body (readJson; the filter action's body is optional). */
  body: jsonBodyErrors((detail) => usersBadBody(detail, '')),
  userNotFound: (): ApiError =>
    new ApiError(404, { code: 'USERS-7', title: 'Not found', detail: 'User was not found', status: 404 }),
  usersBadQuery: (detail: string, parameter: string): ApiError =>
    users(400, 'USERS-1', 'Invalid query parameter', detail, { parameter }),
  usersBadFilter: (detail: string, source: ErrorSource): ApiError =>
    users(400, 'USERS-2', 'Invalid filter', detail, source),
  usersBadBody,
  // The write API (#21): the emulator's codes, in the same shape.
  usersForbidden: (detail = 'The TenantAdmin role is required'): ApiError => users(403, 'USERS-4', 'Forbidden', detail),
  usersConflict: (detail: string): ApiError => users(409, 'USERS-5', 'Conflict', detail),
};
