// How a client authenticates when the credential is not a fixed header: an Authenticator hands out the
// Authorization value for each request and renews it after a 401 (OAuth access tokens, see oauth.ts).

export interface Authenticator {
  /** The Authorization header value for the next request. */
  header(): Promise<string>;
  /**
   * The server answered 401 to a request that carried `used`: forget it and get a new one. Undefined when a new
   * credential cannot help (it was fresh already), so the 401 stands.
   */
  refresh(used: string): Promise<string | undefined>;
}
