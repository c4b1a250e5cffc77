// The emulator's rule for API keys created with an OAuth client's (machine-to-machine) token, which Qlik does
// not document: see M2M_API_KEY_MODES (shared/settings.ts).
import type { Principal } from '../../http/auth.js';
import type { M2mApiKeyMode } from '../../shared/settings.js';
import { CLIENT_CREDENTIALS } from '../oauth/index.js';
import { errors } from './errors.js';

/**
 * Applies --m2m-api-keys to POST /api/v1/api-keys once the key's subject is known. It applies whenever the key's
 * subject is a bot user (an OAuth client's user), whatever the grant type of the caller's token (issue 18: 19):
 * `deny` refuses every client_credentials token and every key for a bot (an impersonation token for the bot
 * included); `for-users` refuses a key whose subject is a bot, so no bot mints a key for itself or another bot.
 * `subjectIsBot` says whether the subject is an OAuth client's user.
 */
export function checkM2mApiKey(principal: Principal, subjectIsBot: boolean, mode: M2mApiKeyMode): void {
  if (mode === 'allow') return;
  const m2mToken = principal.oauth?.grantType === CLIENT_CREDENTIALS;
  if (mode === 'deny' && (m2mToken || subjectIsBot))
    throw errors.createForbidden(
      m2mToken
        ? 'An OAuth client (machine-to-machine) token cannot create API keys on this tenant'
        : 'The bot user of an OAuth client cannot own API keys on this tenant',
    );
  if (subjectIsBot)
    throw errors.createForbidden(
      'The bot user of an OAuth client cannot own API keys; create the key for a user with "sub"',
    );
}
