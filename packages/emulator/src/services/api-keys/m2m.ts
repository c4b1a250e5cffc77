// The emulator's rule for API keys created with an OAuth client's (machine-to-machine) token, which Qlik does
// not document: see M2M_API_KEY_MODES (shared/settings.ts).
import type { Principal } from '../../http/auth.js';
import type { M2mApiKeyMode } from '../../shared/settings.js';
import { CLIENT_CREDENTIALS } from '../oauth/index.js';
import { errors } from './errors.js';

/**
 * Applies --m2m-api-keys to POST /api/v1/api-keys once the key's subject is known. Only tokens of
 * the client_credentials grant are concerned: an impersonation token acts as its user.
 */
export function checkM2mApiKey(principal: Principal, sub: string, mode: M2mApiKeyMode): void {
  if (principal.oauth?.grantType !== CLIENT_CREDENTIALS || mode === 'allow') return;
  if (mode === 'deny')
    throw errors.createForbidden('An OAuth client (machine-to-machine) token cannot create API keys on this tenant');
  if (sub === principal.sub)
    throw errors.createForbidden(
      'The bot user of an OAuth client cannot own API keys; create the key for a user with "sub"',
    );
}
