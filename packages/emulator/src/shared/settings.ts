// Settings of the emulator that the control API may change at run time (shared by the options, the
// App and the oauth service).

/**
 * Whether a token from the client_credentials grant (the client's bot user) may create API keys,
 * which Qlik does not document: `allow` as any TenantAdmin; `for-users` (default) only for another
 * user (`sub`), not a key of the bot itself; `deny` never.
 */
export const M2M_API_KEY_MODES = ['allow', 'for-users', 'deny'] as const;
export type M2mApiKeyMode = (typeof M2M_API_KEY_MODES)[number];
export const DEFAULT_M2M_API_KEYS: M2mApiKeyMode = 'for-users';

export interface OAuthSettings {
  m2mApiKeys: M2mApiKeyMode;
}
