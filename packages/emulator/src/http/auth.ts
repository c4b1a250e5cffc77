// API-key tokens and permissions. Tokens are ES384 JWTs shaped exactly like Qlik's:
// header {"alg":"ES384","kid":<key id>,"typ":"JWT"}, payload {subType, tenantId, jti, aud, iss, sub}
// with no exp/iat. One P-384 key pair signs every token; it is created on first start and kept in the store.
import { SignJWT, decodeJwt, exportJWK, generateKeyPair, importJWK, jwtVerify, type JWK } from 'jose';
import type { Clock } from '../shared/clock.js';
import { errors } from '../shared/errors.js';
import { isKeyId } from '../shared/ids.js';
import type { Store, SubType, UserRecord } from '../store/store.js';

const TOKEN_ISSUER = 'qlik.api/api-keys';
/** OAuth access tokens' `iss` (qlik.dev changelog 67, "OAuth token contents"). */
const ACCESS_TOKEN_ISSUER = 'qlik.api';
const TOKEN_AUDIENCE = 'qlik.api';
const SIGNING_KEY_META = 'signing_key_jwk';

export interface TokenClaims {
  subType: SubType;
  tenantId: string;
  jti: string;
  sub: string;
}

export interface Permissions {
  admin: boolean;
  manageApiKeys: boolean;
}

/** The claims of an OAuth access token, in the order Qlik's tokens carry them. */
interface AccessTokenClaims {
  jti: string;
  /** Seconds since the epoch. */
  iat: number;
  exp: number;
  /** The tenant URL the token was issued for. */
  aud: string;
}

export interface Principal {
  /** The API key's id, or the OAuth token's. */
  keyId: string;
  tenantId: string;
  sub: string;
  subType: SubType;
  /** The user behind a `user` key; undefined for SCIM (externalClient) keys. */
  user: UserRecord | undefined;
  perms: Permissions;
  /** Set when the request carried an OAuth access token instead of an API key. */
  oauth?: { grantType: string };
}

const NO_PERMISSIONS: Permissions = { admin: false, manageApiKeys: false };

type SigningKey = Awaited<ReturnType<typeof importJWK>>;

export class TokenService {
  private readonly verified = new Map<string, TokenClaims>();
  private readonly verifiedAccess = new Map<string, AccessTokenClaims>();
  private readonly privateKey: SigningKey;
  private readonly publicKey: SigningKey;
  readonly publicJwk: JWK;

  private constructor(privateKey: SigningKey, publicKey: SigningKey, publicJwk: JWK) {
    this.privateKey = privateKey;
    this.publicKey = publicKey;
    this.publicJwk = publicJwk;
  }

  /** Loads the signing key pair from the store, creating and saving it on first start. */
  static async load(store: Store): Promise<TokenService> {
    let privateJwk: JWK;
    const saved = store.getMeta(SIGNING_KEY_META);
    if (saved === undefined) {
      const pair = await generateKeyPair('ES384', { extractable: true });
      privateJwk = await exportJWK(pair.privateKey);
      store.setMeta(SIGNING_KEY_META, JSON.stringify(privateJwk));
    } else {
      privateJwk = JSON.parse(saved) as JWK;
    }
    const publicJwk: JWK = { ...privateJwk };
    delete publicJwk.d;
    return new TokenService(await importJWK(privateJwk, 'ES384'), await importJWK(publicJwk, 'ES384'), publicJwk);
  }

  sign(claims: TokenClaims): Promise<string> {
    // The payload object's key order is the claim order in the token.
    const payload = {
      subType: claims.subType,
      tenantId: claims.tenantId,
      jti: claims.jti,
      aud: TOKEN_AUDIENCE,
      iss: TOKEN_ISSUER,
      sub: claims.sub,
    };
    return new SignJWT(payload).setProtectedHeader({ alg: 'ES384', kid: claims.jti, typ: 'JWT' }).sign(this.privateKey);
  }

  /** An OAuth access token: header {"alg":"ES384","typ":"JWT"}, payload {subType, purpose, jti, iat, exp, aud, iss}. */
  signAccessToken(claims: AccessTokenClaims): Promise<string> {
    const payload = {
      subType: 'user',
      purpose: 'accessToken',
      jti: claims.jti,
      iat: claims.iat,
      exp: claims.exp,
      aud: claims.aud,
      iss: ACCESS_TOKEN_ISSUER,
    };
    return new SignJWT(payload).setProtectedHeader({ alg: 'ES384', typ: 'JWT' }).sign(this.privateKey);
  }

  /**
   * Whether a bearer token claims to be an OAuth access token (its `iss`; nothing is verified here). A token verified
   * before is known from the caches, without decoding it again on every request.
   */
  isAccessToken(token: string): boolean {
    if (this.verified.has(token)) return false;
    if (this.verifiedAccess.has(token)) return true;
    try {
      return decodeJwt(token).iss === ACCESS_TOKEN_ISSUER;
    } catch {
      return false;
    }
  }

  /** The claims of an access token signed here and not expired at `now` (the emulator clock); undefined otherwise. */
  async verifyAccessToken(token: string, now: number): Promise<AccessTokenClaims | undefined> {
    let claims = this.verifiedAccess.get(token);
    if (!claims) {
      try {
        const { payload } = await jwtVerify(token, this.publicKey, {
          algorithms: ['ES384'],
          issuer: ACCESS_TOKEN_ISSUER,
          typ: 'JWT',
          currentDate: new Date(now),
          requiredClaims: ['jti', 'iat', 'exp', 'aud'],
        });
        const { jti, iat, exp, aud, subType, purpose } = payload;
        if (typeof jti !== 'string' || typeof iat !== 'number' || typeof exp !== 'number' || typeof aud !== 'string')
          return undefined;
        if (subType !== 'user' || purpose !== 'accessToken') return undefined;
        claims = { jti, iat, exp, aud };
      } catch {
        return undefined;
      }
      if (this.verifiedAccess.size >= 10_000) this.verifiedAccess.clear();
      this.verifiedAccess.set(token, claims);
    }
    return claims.exp * 1000 > now ? claims : undefined;
  }

  /** The claims of a token whose signature, alg, typ, iss and aud are right; undefined otherwise. */
  async verify(token: string): Promise<TokenClaims | undefined> {
    const cached = this.verified.get(token);
    if (cached) return cached;
    let claims: TokenClaims;
    try {
      const { payload, protectedHeader } = await jwtVerify(token, this.publicKey, {
        algorithms: ['ES384'],
        issuer: TOKEN_ISSUER,
        audience: TOKEN_AUDIENCE,
        typ: 'JWT',
      });
      const { subType, tenantId, jti, sub } = payload;
      if (typeof tenantId !== 'string' || typeof jti !== 'string' || typeof sub !== 'string') return undefined;
      if (subType !== 'user' && subType !== 'externalClient') return undefined;
      if (!isKeyId(jti) || protectedHeader.kid !== jti) return undefined;
      claims = { subType, tenantId, jti, sub };
    } catch {
      return undefined;
    }
    if (this.verified.size >= 10_000) this.verified.clear();
    this.verified.set(token, claims);
    return claims;
  }
}

/** The user behind the principal; 403 for keys that do not belong to a user (SCIM keys). */
export function requireUser(principal: Principal): UserRecord {
  if (!principal.user) throw errors.notAUser();
  return principal.user;
}

/** What authentication reads: the token service, the store, the clock, the tenant and the users' permissions. */
interface AuthDeps {
  tokens: TokenService;
  store: Store;
  clock: Clock;
  tenantId: string;
  roles: { permissionsOf(user: UserRecord): Permissions };
}

const BEARER_RE = /^Bearer +([A-Za-z0-9_\-.]+) *$/i;

/**
 * Authenticates a request: a valid signature, the right tenant, a key record that exists,
 * is neither revoked nor expired, and whose user is active. Throws a 401 ApiError otherwise.
 */
export async function authenticate(authorization: string | undefined, deps: AuthDeps): Promise<Principal> {
  const match = authorization === undefined ? null : BEARER_RE.exec(authorization);
  if (!match?.[1]) throw errors.unauthorized();
  if (deps.tokens.isAccessToken(match[1])) return authenticateAccessToken(match[1], deps);
  const claims = await deps.tokens.verify(match[1]);
  if (!claims || claims.tenantId !== deps.tenantId) throw errors.unauthorized();
  const key = deps.store.getKey(deps.tenantId, claims.jti);
  if (!key || key.sub !== claims.sub || key.subType !== claims.subType) throw errors.unauthorized();
  if (key.revoked || key.expiry <= deps.clock.now()) throw errors.expiredOrRevoked();
  if (claims.subType === 'externalClient') {
    return {
      keyId: key.id,
      tenantId: key.tenantId,
      sub: key.sub,
      subType: key.subType,
      user: undefined,
      perms: { ...NO_PERMISSIONS },
    };
  }
  const user = deps.store.getUser(deps.tenantId, claims.sub);
  if (user?.status !== 'active') throw errors.unauthorized();
  return {
    keyId: key.id,
    tenantId: key.tenantId,
    sub: key.sub,
    subType: key.subType,
    user,
    perms: deps.roles.permissionsOf(user),
  };
}

// ---- OAuth access tokens (#11) ----

/**
 * An access token authenticates as its user (a client's bot user, or the impersonated user) with
 * that user's roles, while its signature is good, `exp` is ahead of the emulator clock, its record
 * is neither revoked nor expired, and the user is active.
 */
async function authenticateAccessToken(token: string, deps: AuthDeps): Promise<Principal> {
  const now = deps.clock.now();
  const claims = await deps.tokens.verifyAccessToken(token, now);
  const record = claims && deps.store.getOAuthToken(deps.tenantId, claims.jti);
  if (!record || record.revoked || record.expiresAt <= now) throw errors.unauthorized();
  const user = deps.store.getUser(deps.tenantId, record.userId);
  if (user?.status !== 'active') throw errors.unauthorized();
  deps.store.touchOAuthToken(record.id, now);
  return {
    keyId: record.id,
    tenantId: record.tenantId,
    sub: user.id,
    subType: 'user',
    user,
    perms: deps.roles.permissionsOf(user),
    oauth: { grantType: record.grantType },
  };
}
