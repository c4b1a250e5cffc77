// qlik identity-provider create: POST /api/v1/identity-providers. Help texts from Qlik's page (qlik.dev
// identity-provider-create.md, generation G3, last_updated 2026-06-03), flags in its order; the nested flags
// (--options-claimsMapping-email, --pendingOptions-certificates-name…) build the nested body, the `unknowns` ones take
// a JSON array. The created IdP is printed with its secrets masked (--json, --raw: as the server sent it).
import { bodyFlag, defineOperation, type BodyField } from '../../api/operation.js';
import { allowedValues, type FlagSpec } from '../../cmdutil/flags.js';

const NAME_ID_FORMATS = [
  'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress',
  'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent',
  'urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified',
];

/** The SAML name identifier format, asked the same way under `options` and `pendingOptions`. */
function nameIdFormat(prefix: 'options' | 'pendingOptions'): BodyField {
  return {
    flag: {
      name: `${prefix}-nameIdFormat`,
      type: 'string',
      choices: NAME_ID_FORMATS,
      usage: `The name identifier format that will be requested from the identity provider.${allowedValues(NAME_ID_FORMATS)}`,
    },
    field: `${prefix}.nameIdFormat`,
  };
}

/**
 * Flags Qlik's page gives `options` and `pendingOptions` alike (the same type and text): the name and field after the
 * prefix, as `bodyFlag` takes them.
 */
const BOTH_OPTIONS: readonly [string, FlagSpec['type'], string, string?][] = [
  ['allowIdpInitiatedLogin', 'bool', 'Toggle to allow IdP initated login by the SAML IdP.'],
  [
    'certificates-certificate',
    'string',
    'The X.509 certificate for validating signed SAML responses.',
    'certificates[].certificate',
  ],
  [
    'certificates-encryption',
    'bool',
    'Indicates whether the certificate is used for encryption.',
    'certificates[].encryption',
  ],
  ['certificates-name', 'string', 'Given name for this certificate.', 'certificates[].name'],
  [
    'certificates-signature',
    'bool',
    'Indicates whether the certificate is used for the signature.',
    'certificates[].signature',
  ],
  ['claimsMapping-client_id', 'strings', "A list of JSON pointers used to map the user's client ID."],
  ['claimsMapping-sub', 'strings', ''],
  [
    'discoveryUrl',
    'string',
    'The OpenID configuration endpoint. (Ex: https://<domain>/.well-known/openid-configuration). Required if openid_configuration is not given.',
  ],
  ['entityId', 'string', 'The entity ID for the SAML IdP. Required if metadata is not provided.'],
  ['metadata-raw', 'string', 'The IDP metadata XML in base64-encoded format.'],
  ['openid_configuration-authorization_endpoint', 'string', 'OAuth 2.0 Authorization Endpoint'],
  [
    'openid_configuration-end_session_endpoint',
    'string',
    'URL at the OP to which an RP can perform a redirect to request that the End-User be logged out at the OP.',
  ],
  [
    'openid_configuration-introspection_endpoint',
    'string',
    'The introspection endpoint is an OAuth 2.0 endpoint that takes a parameter representing an OAuth 2.0 token and returns a JSON [RFC7159] document representing the meta information.',
  ],
  ['openid_configuration-issuer', 'string', 'OpenID Provider issuer'],
  ['openid_configuration-jwks_uri', 'string', "URL of the OP's JSON Web Key Set [JWK] document"],
  ['openid_configuration-token_endpoint', 'string', 'OAuth 2.0 Token Endpoint'],
  ['openid_configuration-userinfo_endpoint', 'string', "URL of the OP's UserInfo Endpoint"],
  ['realm', 'string', 'The realm identifier for the IdP.'],
  ['signOnUrl', 'string', 'The sign on URL for the SAML IdP. Required if metadata is not provided.'],
];

/** The flags of `prefix` (`options` or `pendingOptions`): its own and those of BOTH_OPTIONS, in name order (Qlik's). */
function optionFields(prefix: string, own: readonly BodyField[]): BodyField[] {
  const both = BOTH_OPTIONS.map(([name, type, usage, field = name.replaceAll('-', '.')]) =>
    bodyFlag(`${prefix}-${name}`, type, usage, `${prefix}.${field}`),
  );
  return [...own, ...both].sort((a, b) => (a.flag.name < b.flag.name ? -1 : 1));
}

export const idpCreateOperation = defineOperation({
  use: 'create',
  short: 'Create identity providers of type OIDC or JWTAuth',
  long: 'Creates a new IdP on a tenant. Requesting user must be assigned the `TenantAdmin` role. For non-interactive IdPs (e.g. JWT), IdP must be created by sending `options` payload. For interactive IdPs (e.g. SAML or OIDC), send `pendingOptions` payload to require the interactive verification step; or send `options` payload with `skipVerify` set to `true` to skip validation step and make IdP immediately available.',
  page: 'G3',
  method: 'POST',
  path: '/api/v1/identity-providers',
  output: 'object',
  maskSecrets: true,
  body: {
    kind: 'object',
    fields: [
      { flag: { name: 'clockToleranceSec', type: 'int', usage: '' } },
      { flag: { name: 'createNewUsersOnLogin', type: 'bool', usage: '' } },
      { flag: { name: 'description', type: 'string', usage: '' } },
      { flag: { name: 'interactive', type: 'bool', usage: '' } },
      ...optionFields('options', [
        bodyFlag(
          'options-allowedClientIds',
          'strings',
          'Only clients with IDs in this list will be allowed API access. A blank list or empty value means any client IDs authenticated against the IdP will be allowed access.',
        ),
        bodyFlag('options-audience', 'string', 'Allows for setting audience in access tokens.'),
        bodyFlag(
          'options-certificates',
          'unknowns',
          '(Deprecated) Array of JSON-objects to send as the property options-certificates.',
        ),
        bodyFlag('options-claimsMapping-email', 'strings', "A list of SAML attributes used to map the user's email."),
        bodyFlag('options-claimsMapping-groups', 'strings', "A list of SAML attributes used to map the user's groups."),
        bodyFlag('options-claimsMapping-name', 'strings', "A list of SAML attributes used to map the user's name."),
        bodyFlag(
          'options-claimsMapping-picture',
          'strings',
          "A list of SAML attributes used to map the user's picture.",
        ),
        bodyFlag('options-issuer', 'string', 'The JWT issuer.'),
        nameIdFormat('options'),
        bodyFlag(
          'options-staticKeys',
          'unknowns',
          '(Deprecated) Array of JSON-objects to send as the property options-staticKeys.',
        ),
        bodyFlag('options-staticKeys-kid', 'string', 'Key ID used to sign the JWTs.', 'options.staticKeys[].kid'),
        bodyFlag(
          'options-staticKeys-pem',
          'string',
          'Pem-encoded public key for verifying the JWTs.',
          'options.staticKeys[].pem',
        ),
      ]),
      ...optionFields('pendingOptions', [
        bodyFlag(
          'pendingOptions-blockOfflineAccessScope',
          'bool',
          'When true, the ˋoffline_accessˋ scope will not be requested from the IdP where applicable.',
        ),
        bodyFlag(
          'pendingOptions-certificates',
          'unknowns',
          '(Deprecated) Array of JSON-objects to send as the property pendingOptions-certificates.',
        ),
        bodyFlag('pendingOptions-claimsMapping-email', 'strings', ''),
        bodyFlag(
          'pendingOptions-claimsMapping-email_verified',
          'strings',
          "A list of JSON pointers used to map the user's email_verified claim.",
        ),
        bodyFlag('pendingOptions-claimsMapping-groups', 'strings', ''),
        bodyFlag(
          'pendingOptions-claimsMapping-locale',
          'strings',
          "A list of JSON pointers used to map the user's locale.",
        ),
        bodyFlag('pendingOptions-claimsMapping-name', 'strings', ''),
        bodyFlag('pendingOptions-claimsMapping-picture', 'strings', ''),
        bodyFlag(
          'pendingOptions-claimsMapping-zoneinfo',
          'strings',
          "A list of JSON pointers used to map the user's zoneinfo.",
        ),
        bodyFlag(
          'pendingOptions-clientId',
          'string',
          'The client identifier used as part of authenticating an interactive identity provider.',
        ),
        bodyFlag(
          'pendingOptions-clientSecret',
          'string',
          'The client secret used as part of authenticating an interactive identity provider.',
        ),
        bodyFlag('pendingOptions-decryptingKey-certificate', 'string', "The key's certificate in pem format"),
        bodyFlag(
          'pendingOptions-decryptingKey-createdAt',
          'string',
          'The timestamp for when the decrypting key was created.',
        ),
        bodyFlag(
          'pendingOptions-decryptingKey-createdBy',
          'string',
          'The user id of the user who created the decrypting key',
        ),
        bodyFlag('pendingOptions-decryptingKey-jwks', 'string', 'The public key in jwk format'),
        bodyFlag('pendingOptions-decryptingKey-keyId', 'string', 'The id of the decrypting key'),
        bodyFlag('pendingOptions-decryptingKey-keySize', 'int', 'The algorithm size of the decrypting key'),
        bodyFlag('pendingOptions-decryptingKey-keyType', 'string', 'The algorithm type of the decrypting key'),
        bodyFlag('pendingOptions-decryptingKey-publicKey', 'string', 'The public key in pem format'),
        bodyFlag(
          'pendingOptions-emailVerifiedAlwaysTrue',
          'bool',
          'Only ADFS and AzureAD IdPs can set this property. For ADFS and AzureAD, it defaults to false. For other IdPs, it defaults to undefined.',
        ),
        {
          flag: {
            name: 'pendingOptions-idTokenSignatureAlg',
            type: 'string',
            choices: ['RS256', 'RS512'],
            usage:
              'The algorithm used to sign the ID token. The default algorithm is RS256.' +
              allowedValues(['RS256', 'RS512']),
          },
          field: 'pendingOptions.idTokenSignatureAlg',
        },
        nameIdFormat('pendingOptions'),
        bodyFlag(
          'pendingOptions-scope',
          'string',
          'Scope which will be sent along with token requests to the IdP. Scopes should be space delimited. Will default to certain values depending on the IdP provider.',
        ),
        bodyFlag(
          'pendingOptions-useClaimsFromIdToken',
          'bool',
          'If true, will use the claims from the ID token. By default it is set to true for ADFS and AzureAD.',
        ),
      ]),
      { flag: { name: 'postLogoutRedirectUri', type: 'string', usage: '' } },
      { flag: { name: 'protocol', type: 'string', usage: '' } },
      { flag: { name: 'provider', type: 'string', usage: '' } },
      { flag: { name: 'skipVerify', type: 'bool', usage: '' } },
      { flag: { name: 'tenantIds', type: 'strings', usage: '' } },
    ],
  },
});
