// What the emulator tells its user when it is ready: the startup JSON line, GET /__emulator/info,
// and the fields of the programmatic API's Emulator object.

/** A user with their bootstrap API key. */
export interface EmulatorUser {
  id: string;
  name: string;
  email: string;
  roles: string[];
  apiKey: string;
}

/** An OAuth client: its credentials for POST /oauth/token, and its bot user's id. */
export interface OAuthClientInfo {
  clientId: string;
  clientSecret: string;
  userId: string;
  name: string;
}

/** The startup line printed on stdout, and GET /__emulator/info. */
export interface StartupInfo {
  url: string;
  tenantId: string;
  users: EmulatorUser[];
  oauthClients: OAuthClientInfo[];
  /** The PEM file of the self-signed certificate, with TLS only. */
  caCert?: string;
}
