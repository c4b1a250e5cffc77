// The oauth-tokens service's errors (/api/v1/oauth-tokens): string status, as @qlik/api's oauth-tokens types have
// it; OAUTH-4..6 are the emulator's own codes (Qlik's are not documented).
import { errors as edge, stringStatusError as oauth, type ApiError } from '../../shared/errors.js';

export const errors = {
  ...edge,
  oauthTokenNotFound: (): ApiError =>
    oauth(404, 'OAUTH-4', 'Not Found', 'No active OAuth token exists with the given ID'),
  oauthTokenForbidden: (): ApiError =>
    oauth(403, 'OAUTH-5', 'Forbidden', 'The TenantAdmin role is required to revoke tokens of other users'),
  oauthBadQuery: (detail: string): ApiError => oauth(400, 'OAUTH-6', 'Bad Request', detail),
};
