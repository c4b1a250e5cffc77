// The OAuth service's errors (/oauth/token, /oauth/revoke): Qlik's {"errors":[...]} shape with a string status
// (as the OAuth spec has it), never RFC 6749's {"error": ...}. Qlik's own codes are not documented: OAUTH-1..3 are
// the emulator's (OAUTH-4..6: services/oauth-tokens/errors.ts).
import { errors as edge, stringStatusError as oauth, type ApiError, type BodyErrors } from '../../shared/errors.js';

const oauthBadRequest = (detail: string): ApiError => oauth(400, 'OAUTH-1', 'Bad Request', detail);

export const errors = {
  ...edge,
  /** A missing or malformed JSON body: never quoting JSON.parse's message, which quotes the body (a secret). */
  body: {
    emptyBody: () => oauthBadRequest('A request body is required'),
    invalidJson: () => oauthBadRequest('The request body is not valid JSON'),
  } satisfies BodyErrors,
  oauthBadRequest,
  oauthBadClient: (): ApiError => oauth(401, 'OAUTH-2', 'Unauthorized', 'The client credentials are invalid'),
  oauthUserDisabled: (status: string): ApiError =>
    oauth(403, 'OAUTH-3', 'Forbidden', `The user is ${status === 'disabled' ? 'disabled' : `not active (${status})`}`),
};
