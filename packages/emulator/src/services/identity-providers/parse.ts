// Request parsing for /api/v1/identity-providers: the create bodies (OIDC, SAML, jwtAuth, per
// identity-providers.yml's CreateOIDCPayload/CreateSAMLPayload/CreateJWTAuthPayload), the JSON Patch
// operations of PatchOIDCPayload/PatchSAMLPayload/PatchJWTAuthPayload, and the list query.
import type { ApiError } from '../../shared/errors.js';
import {
  decodeCursor,
  pagePosition,
  parseGoBool,
  parseLimit,
  refuseUnknownParams,
  type PageCursor,
} from '../../shared/list-query.js';
import { isPlainObject, objectBody, pointer, type Fail } from '../../shared/validate.js';
import { idpErrors } from './errors.js';
import type { IdpFields, IdpProtocol } from './store.js';

const fail: Fail = (detail, at) => idpErrors.badBody(detail, at);

export const PROVIDERS: Record<IdpProtocol, readonly string[]> = {
  OIDC: ['auth0', 'okta', 'generic', 'salesforce', 'keycloak', 'adfs', 'azureAD'],
  SAML: ['okta', 'generic', 'adfs', 'azureAD'],
  jwtAuth: ['external'],
};

const NAME_ID_FORMATS = [
  'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress',
  'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent',
  'urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified',
];
const REALM_RE = /^[A-Za-z0-9][A-Za-z0-9.\-_]+$/;

/** What a field of an options object must hold. */
type Kind = 'string' | 'boolean' | 'strings' | 'object' | 'claims' | 'certificates';

const OIDC_OPTIONS: Record<string, Kind> = {
  realm: 'string',
  audience: 'string',
  scope: 'string',
  issuer: 'string',
  clientId: 'string',
  clientSecret: 'string',
  discoveryUrl: 'string',
  claimsMapping: 'claims',
  allowedClientIds: 'strings',
  openid_configuration: 'object',
  decryptingKey: 'object',
  idTokenSignatureAlg: 'string',
  useClaimsFromIdToken: 'boolean',
  blockOfflineAccessScope: 'boolean',
  emailVerifiedAlwaysTrue: 'boolean',
};
const SAML_OPTIONS: Record<string, Kind> = {
  entityId: 'string',
  signOnUrl: 'string',
  metadata: 'object',
  certificates: 'certificates',
  nameIdFormat: 'string',
  claimsMapping: 'claims',
  allowIdpInitiatedLogin: 'boolean',
  signingKeySelectedRefId: 'string',
};

function checkValue(kind: Kind, value: unknown, at: string): void {
  const name = at.split('/').pop() ?? '';
  const ok =
    kind === 'string'
      ? typeof value === 'string'
      : kind === 'boolean'
        ? typeof value === 'boolean'
        : kind === 'strings'
          ? Array.isArray(value) && value.every((v) => typeof v === 'string')
          : kind === 'certificates'
            ? Array.isArray(value) &&
              value.length >= 1 &&
              value.length <= 5 &&
              value.every((c) => isPlainObject(c) && typeof c['certificate'] === 'string')
            : isPlainObject(value);
  if (!ok) {
    const what = {
      string: 'a string',
      boolean: 'a boolean',
      strings: 'an array of strings',
      object: 'an object',
      claims: 'an object of arrays of strings',
      certificates: 'an array of 1-5 objects with a "certificate" string',
    }[kind];
    throw fail(`"${name}" must be ${what}`, at);
  }
  if (kind === 'claims') {
    for (const [claim, list] of Object.entries(value as Record<string, unknown>)) {
      if (!Array.isArray(list) || !list.every((v) => typeof v === 'string'))
        throw fail(`"claimsMapping.${claim}" must be an array of strings`, `${at}${pointer(claim)}`);
    }
  }
  if (name === 'realm' && (typeof value !== 'string' || value.length > 254 || !REALM_RE.test(value)))
    throw fail('"realm" must be 2-254 characters of A-Z, a-z, 0-9, ., - or _, starting with a letter or digit', at);
  if (name === 'nameIdFormat' && !NAME_ID_FORMATS.includes(value as string))
    throw fail(`"nameIdFormat" must be one of: ${NAME_ID_FORMATS.join(', ')}`, at);
  if (name === 'idTokenSignatureAlg' && value !== 'RS256' && value !== 'RS512')
    throw fail('"idTokenSignatureAlg" must be one of: RS256, RS512', at);
}

/** An options or pendingOptions object of the protocol, its required fields present. */
function parseOptions(
  protocol: 'OIDC' | 'SAML',
  value: unknown,
  at: string,
  required: readonly string[],
): Record<string, unknown> {
  const fields = protocol === 'OIDC' ? OIDC_OPTIONS : SAML_OPTIONS;
  const obj = objectBody(value, Object.keys(fields), fail, at);
  for (const [key, v] of Object.entries(obj)) checkValue(fields[key] ?? 'object', v, `${at}${pointer(key)}`);
  for (const key of required) if (obj[key] === undefined) throw fail(`"${key}" is required`, `${at}${pointer(key)}`);
  if (protocol === 'OIDC' && obj['discoveryUrl'] === undefined && obj['openid_configuration'] === undefined)
    throw fail('"discoveryUrl" is required when "openid_configuration" is not given', `${at}/discoveryUrl`);
  if (protocol === 'SAML' && obj['metadata'] === undefined) {
    for (const key of ['entityId', 'signOnUrl', 'certificates'])
      if (obj[key] === undefined) throw fail(`"${key}" is required when "metadata" is not given`, `${at}/${key}`);
  }
  if (protocol === 'SAML') {
    const claims = obj['claimsMapping'] as Record<string, unknown>;
    for (const key of ['sub', 'name', 'email', 'picture', 'groups'])
      if (claims[key] === undefined) throw fail(`"${key}" is required`, `${at}/claimsMapping/${key}`);
  }
  return obj;
}

export interface CreateIdpInput extends IdpFields {
  tenantIds?: string[];
}

function optional<T>(
  obj: Record<string, unknown>,
  key: string,
  check: (v: unknown) => v is T,
  what: string,
): T | undefined {
  const value = obj[key];
  if (value === undefined) return undefined;
  if (!check(value)) throw fail(`"${key}" must be ${what}`, pointer(key));
  return value;
}
const isBool = (v: unknown): v is boolean => typeof v === 'boolean';
const isString = (v: unknown): v is string => typeof v === 'string';
const isStrings = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === 'string');

function clockTolerance(obj: Record<string, unknown>): number {
  const value = obj['clockToleranceSec'];
  if (value === undefined) return 5;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 7200)
    throw fail('"clockToleranceSec" must be an integer between 0 and 7200', '/clockToleranceSec');
  return value;
}

function maxLength(value: string | undefined, max: number, at: string): string | undefined {
  if (value !== undefined && value.length > max) throw fail(`"${at.slice(1)}" must be at most ${max} characters`, at);
  return value;
}

const COMMON = ['protocol', 'provider', 'tenantIds', 'description', 'clockToleranceSec'];
const INTERACTIVE = [
  'interactive',
  'skipVerify',
  'createNewUsersOnLogin',
  'postLogoutRedirectUri',
  'options',
  'pendingOptions',
];

/** POST /api/v1/identity-providers. */
export function parseCreateIdp(body: unknown): CreateIdpInput {
  if (!isPlainObject(body)) throw fail('The request body must be a JSON object', '');
  const protocol = body['protocol'];
  if (protocol !== 'OIDC' && protocol !== 'SAML' && protocol !== 'jwtAuth')
    throw fail('"protocol" must be one of: OIDC, SAML, jwtAuth', '/protocol');
  const obj = objectBody(body, protocol === 'jwtAuth' ? [...COMMON, 'options'] : [...COMMON, ...INTERACTIVE], fail);
  const provider = obj['provider'];
  if (typeof provider !== 'string' || !PROVIDERS[protocol].includes(provider))
    throw fail(`"provider" must be one of: ${PROVIDERS[protocol].join(', ')}`, '/provider');
  const input: CreateIdpInput = {
    protocol,
    provider,
    interactive: false,
    clockToleranceSec: clockTolerance(obj),
  };
  const tenantIds = optional(obj, 'tenantIds', isStrings, 'an array of strings');
  if (tenantIds !== undefined) input.tenantIds = tenantIds;
  const description = maxLength(optional(obj, 'description', isString, 'a string'), 128, '/description');
  if (description !== undefined) input.description = description;
  if (protocol === 'jwtAuth') {
    input.options = parseJwtOptions(obj['options']);
    return input;
  }
  const interactive = optional(obj, 'interactive', isBool, 'a boolean');
  if (interactive === undefined) throw fail('"interactive" is required', '/interactive');
  if (protocol === 'SAML' && !interactive) throw fail('"interactive" must be true for SAML IdPs', '/interactive');
  input.interactive = interactive;
  const skipVerify = optional(obj, 'skipVerify', isBool, 'a boolean') ?? false;
  input.createNewUsersOnLogin = optional(obj, 'createNewUsersOnLogin', isBool, 'a boolean') ?? true;
  const logout = maxLength(
    optional(obj, 'postLogoutRedirectUri', isString, 'a string'),
    2083,
    '/postLogoutRedirectUri',
  );
  if (logout !== undefined) input.postLogoutRedirectUri = logout;
  const hasOptions = obj['options'] !== undefined;
  const hasPending = obj['pendingOptions'] !== undefined;
  if (interactive) {
    if (hasOptions && hasPending)
      throw fail('Send either "options" (with "skipVerify") or "pendingOptions"', '/options');
    if (hasOptions && !skipVerify)
      throw fail(
        '"options" of an interactive IdP require "skipVerify": true (else send "pendingOptions")',
        '/skipVerify',
      );
    if (!hasOptions && !hasPending)
      throw fail('"pendingOptions" is required for an interactive IdP', '/pendingOptions');
    if (hasPending) {
      const required = protocol === 'OIDC' ? ['clientId', 'clientSecret', 'claimsMapping'] : ['claimsMapping'];
      input.pendingOptions = parseOptions(protocol, obj['pendingOptions'], '/pendingOptions', required);
    } else input.options = parseOptions(protocol, obj['options'], '/options', ['claimsMapping']);
    return input;
  }
  if (hasPending) throw fail('"pendingOptions" is for interactive IdPs; send "options"', '/pendingOptions');
  if (!hasOptions) throw fail('"options" is required for a non-interactive IdP', '/options');
  input.options = parseOptions(protocol, obj['options'], '/options', ['claimsMapping']);
  return input;
}

function parseJwtOptions(value: unknown): Record<string, unknown> {
  if (value === undefined) throw fail('"options" is required', '/options');
  const obj = objectBody(value, ['issuer', 'staticKeys'], fail, '/options');
  if (typeof obj['issuer'] !== 'string' || obj['issuer'] === '') throw fail('"issuer" is required', '/options/issuer');
  const keys = obj['staticKeys'];
  if (!Array.isArray(keys) || keys.length !== 1)
    throw fail(
      '"staticKeys" must hold exactly one key (limited to 1 key per identity provider)',
      '/options/staticKeys',
    );
  const key = objectBody(keys[0], ['kid', 'pem'], fail, '/options/staticKeys/0');
  for (const name of ['kid', 'pem'])
    if (typeof key[name] !== 'string' || key[name] === '')
      throw fail(`"${name}" is required`, `/options/staticKeys/0/${name}`);
  return obj;
}

// ---- PATCH ----

const OIDC_PATHS = [
  '/active',
  '/description',
  '/meta',
  '/options',
  '/options/realm',
  '/options/discoveryUrl',
  '/options/claimsMapping',
  '/pendingOptions',
  '/pendingOptions/realm',
  '/pendingOptions/discoveryUrl',
  '/pendingOptions/clientId',
  '/pendingOptions/clientSecret',
  '/pendingOptions/emailVerifiedAlwaysTrue',
  '/pendingOptions/claimsMapping',
  '/postLogoutRedirectUri',
  '/clockToleranceSec',
  '/pendingOptions/idTokenSignatureAlg',
  '/pendingOptions/decryptingKey',
];
const SAML_PATHS = [
  '/active',
  '/description',
  '/pendingOptions',
  '/pendingOptions/nameIdFormat',
  '/pendingOptions/allowIdpInitiatedLogin',
  '/pendingOptions/entityId',
  '/pendingOptions/signOnUrl',
  '/pendingOptions/metadata',
  '/pendingOptions/certificates',
  '/pendingOptions/claimsMapping',
  '/postLogoutRedirectUri',
  '/clockToleranceSec',
];
export const PATCH_PATHS: Record<IdpProtocol, readonly string[]> = {
  OIDC: OIDC_PATHS,
  SAML: SAML_PATHS,
  jwtAuth: ['/description'],
};

type IdpPatchOp = { op: 'replace'; path: string; value: unknown } | { op: 'promote-options' };

/** The operations of a PATCH, each checked against the IdP's protocol (every one before any is applied). */
export function parseIdpPatch(body: unknown, protocol: IdpProtocol): IdpPatchOp[] {
  if (!Array.isArray(body)) throw fail('The request body must be a JSON Patch array', '');
  if (body.length === 0) throw fail('The JSON Patch array must contain at least one operation', '');
  const ops = protocol === 'jwtAuth' ? ['replace'] : ['replace', 'promote-options'];
  const paths = PATCH_PATHS[protocol];
  return body.map((raw: unknown, i): IdpPatchOp => {
    const op = objectBody(raw, ['op', 'path', 'value'], fail, pointer(i));
    if (typeof op['op'] !== 'string' || !ops.includes(op['op']))
      throw fail(`"op" must be one of: ${ops.join(', ')}`, pointer(i, 'op'));
    if (op['op'] === 'promote-options') return { op: 'promote-options' };
    const path = op['path'];
    if (typeof path !== 'string' || !paths.includes(path))
      throw fail(`"path" must be one of: ${paths.join(', ')}`, pointer(i, 'path'));
    if (!('value' in op)) throw fail('"value" is required', pointer(i, 'value'));
    checkPatchValue(protocol, path, op['value'], pointer(i, 'value'));
    return { op: 'replace', path, value: op['value'] };
  });
}

function checkPatchValue(protocol: IdpProtocol, path: string, value: unknown, at: string): void {
  const [top, sub] = path.slice(1).split('/');
  const named = (what: string): ApiError => fail(`"${path}" takes ${what}`, at);
  switch (top) {
    case 'active':
      if (typeof value !== 'boolean') throw named('a boolean');
      return;
    case 'description':
      if (typeof value !== 'string' || value.length > 128) throw named('a string of at most 128 characters');
      return;
    case 'postLogoutRedirectUri':
      if (typeof value !== 'string' || value.length > 2083) throw named('a string of at most 2083 characters');
      return;
    case 'clockToleranceSec':
      if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 7200)
        throw named('an integer between 0 and 7200');
      return;
    case 'meta':
      if (!isPlainObject(value)) throw named('an object');
      return;
    default: {
      if (protocol === 'jwtAuth') return;
      if (sub === undefined) {
        parseOptions(protocol, value, at, []);
        return;
      }
      const fields = protocol === 'OIDC' ? OIDC_OPTIONS : SAML_OPTIONS;
      checkValue(fields[sub] ?? 'object', value, at);
    }
  }
}

// ---- GET /api/v1/identity-providers ----

interface IdpListQuery {
  active?: boolean;
  limit: number;
  cursor?: PageCursor;
}

const queryFail: Fail = (detail, parameter) => idpErrors.badQuery(detail, parameter);

/** The tag of the list's cursor tokens. */
export const CURSOR_TAG = 'idp';

export function parseIdpListQuery(query: URLSearchParams, strict: boolean): IdpListQuery {
  if (strict) refuseUnknownParams(query, ['active', 'limit', 'next', 'prev'], queryFail);
  const q: IdpListQuery = { limit: 20 };
  const active = query.get('active');
  if (active !== null) q.active = parseGoBool(active, 'active', queryFail);
  const limit = query.get('limit');
  if (limit !== null) q.limit = parseLimit(limit, queryFail);
  const at = pagePosition(query, ['next', 'prev'], queryFail);
  if (at) q.cursor = { direction: at.direction, id: decodeCursor(at.value, CURSOR_TAG, 0, at.parameter, queryFail).id };
  return q;
}
