// The users write API's errors (#21). Qlik documents only USERS-7 (not found); USERS-4 and USERS-5 are the
// emulator's, in the users spec's shape (numeric status). Bad bodies and patches reuse USERS-3.
import { ApiError } from '../../errors.js';

function users(status: number, code: string, title: string, detail: string): ApiError {
  return new ApiError(status, { code, title, detail, status });
}

export const usersWriteErrors = {
  forbidden: (detail = 'The TenantAdmin role is required'): ApiError => users(403, 'USERS-4', 'Forbidden', detail),
  conflict: (detail: string): ApiError => users(409, 'USERS-5', 'Conflict', detail),
};
