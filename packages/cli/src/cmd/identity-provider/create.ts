// qlik identity-provider create: POST /api/v1/identity-providers. Help texts from Qlik's page (qlik.dev
// identity-provider-create.md, generation G3, last_updated 2026-06-03), flags in its order; the nested flags
// (--options-claimsMapping-email, --pendingOptions-certificates-name…) build the nested body, the `unknowns` ones take
// a JSON array. The created IdP is printed with its secrets masked (--json, --raw: as the server sent it).
import { defineOperation } from '../../api/operation.js';
import { allowedValues } from '../../cmdutil/flags.js';

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
      {
        flag: {
          name: 'options-allowIdpInitiatedLogin',
          type: 'bool',
          usage: 'Toggle to allow IdP initated login by the SAML IdP.',
        },
        field: 'options.allowIdpInitiatedLogin',
      },
      {
        flag: {
          name: 'options-allowedClientIds',
          type: 'strings',
          usage:
            'Only clients with IDs in this list will be allowed API access. A blank list or empty value means any client IDs authenticated against the IdP will be allowed access.',
        },
        field: 'options.allowedClientIds',
      },
      {
        flag: { name: 'options-audience', type: 'string', usage: 'Allows for setting audience in access tokens.' },
        field: 'options.audience',
      },
      {
        flag: {
          name: 'options-certificates',
          type: 'unknowns',
          usage: '(Deprecated) Array of JSON-objects to send as the property options-certificates.',
        },
        field: 'options.certificates',
      },
      {
        flag: {
          name: 'options-certificates-certificate',
          type: 'string',
          usage: 'The X.509 certificate for validating signed SAML responses.',
        },
        field: 'options.certificates[].certificate',
      },
      {
        flag: {
          name: 'options-certificates-encryption',
          type: 'bool',
          usage: 'Indicates whether the certificate is used for encryption.',
        },
        field: 'options.certificates[].encryption',
      },
      {
        flag: { name: 'options-certificates-name', type: 'string', usage: 'Given name for this certificate.' },
        field: 'options.certificates[].name',
      },
      {
        flag: {
          name: 'options-certificates-signature',
          type: 'bool',
          usage: 'Indicates whether the certificate is used for the signature.',
        },
        field: 'options.certificates[].signature',
      },
      {
        flag: {
          name: 'options-claimsMapping-client_id',
          type: 'strings',
          usage: "A list of JSON pointers used to map the user's client ID.",
        },
        field: 'options.claimsMapping.client_id',
      },
      {
        flag: {
          name: 'options-claimsMapping-email',
          type: 'strings',
          usage: "A list of SAML attributes used to map the user's email.",
        },
        field: 'options.claimsMapping.email',
      },
      {
        flag: {
          name: 'options-claimsMapping-groups',
          type: 'strings',
          usage: "A list of SAML attributes used to map the user's groups.",
        },
        field: 'options.claimsMapping.groups',
      },
      {
        flag: {
          name: 'options-claimsMapping-name',
          type: 'strings',
          usage: "A list of SAML attributes used to map the user's name.",
        },
        field: 'options.claimsMapping.name',
      },
      {
        flag: {
          name: 'options-claimsMapping-picture',
          type: 'strings',
          usage: "A list of SAML attributes used to map the user's picture.",
        },
        field: 'options.claimsMapping.picture',
      },
      { flag: { name: 'options-claimsMapping-sub', type: 'strings', usage: '' }, field: 'options.claimsMapping.sub' },
      {
        flag: {
          name: 'options-discoveryUrl',
          type: 'string',
          usage:
            'The OpenID configuration endpoint. (Ex: https://<domain>/.well-known/openid-configuration). Required if openid_configuration is not given.',
        },
        field: 'options.discoveryUrl',
      },
      {
        flag: {
          name: 'options-entityId',
          type: 'string',
          usage: 'The entity ID for the SAML IdP. Required if metadata is not provided.',
        },
        field: 'options.entityId',
      },
      { flag: { name: 'options-issuer', type: 'string', usage: 'The JWT issuer.' }, field: 'options.issuer' },
      {
        flag: { name: 'options-metadata-raw', type: 'string', usage: 'The IDP metadata XML in base64-encoded format.' },
        field: 'options.metadata.raw',
      },
      {
        flag: {
          name: 'options-nameIdFormat',
          type: 'string',
          choices: [
            'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress',
            'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent',
            'urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified',
          ],
          usage:
            'The name identifier format that will be requested from the identity provider.' +
            allowedValues([
              'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress',
              'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent',
              'urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified',
            ]),
        },
        field: 'options.nameIdFormat',
      },
      {
        flag: {
          name: 'options-openid_configuration-authorization_endpoint',
          type: 'string',
          usage: 'OAuth 2.0 Authorization Endpoint',
        },
        field: 'options.openid_configuration.authorization_endpoint',
      },
      {
        flag: {
          name: 'options-openid_configuration-end_session_endpoint',
          type: 'string',
          usage:
            'URL at the OP to which an RP can perform a redirect to request that the End-User be logged out at the OP.',
        },
        field: 'options.openid_configuration.end_session_endpoint',
      },
      {
        flag: {
          name: 'options-openid_configuration-introspection_endpoint',
          type: 'string',
          usage:
            'The introspection endpoint is an OAuth 2.0 endpoint that takes a parameter representing an OAuth 2.0 token and returns a JSON [RFC7159] document representing the meta information.',
        },
        field: 'options.openid_configuration.introspection_endpoint',
      },
      {
        flag: { name: 'options-openid_configuration-issuer', type: 'string', usage: 'OpenID Provider issuer' },
        field: 'options.openid_configuration.issuer',
      },
      {
        flag: {
          name: 'options-openid_configuration-jwks_uri',
          type: 'string',
          usage: "URL of the OP's JSON Web Key Set [JWK] document",
        },
        field: 'options.openid_configuration.jwks_uri',
      },
      {
        flag: {
          name: 'options-openid_configuration-token_endpoint',
          type: 'string',
          usage: 'OAuth 2.0 Token Endpoint',
        },
        field: 'options.openid_configuration.token_endpoint',
      },
      {
        flag: {
          name: 'options-openid_configuration-userinfo_endpoint',
          type: 'string',
          usage: "URL of the OP's UserInfo Endpoint",
        },
        field: 'options.openid_configuration.userinfo_endpoint',
      },
      {
        flag: { name: 'options-realm', type: 'string', usage: 'The realm identifier for the IdP.' },
        field: 'options.realm',
      },
      {
        flag: {
          name: 'options-signOnUrl',
          type: 'string',
          usage: 'The sign on URL for the SAML IdP. Required if metadata is not provided.',
        },
        field: 'options.signOnUrl',
      },
      {
        flag: {
          name: 'options-staticKeys',
          type: 'unknowns',
          usage: '(Deprecated) Array of JSON-objects to send as the property options-staticKeys.',
        },
        field: 'options.staticKeys',
      },
      {
        flag: { name: 'options-staticKeys-kid', type: 'string', usage: 'Key ID used to sign the JWTs.' },
        field: 'options.staticKeys[].kid',
      },
      {
        flag: {
          name: 'options-staticKeys-pem',
          type: 'string',
          usage: 'Pem-encoded public key for verifying the JWTs.',
        },
        field: 'options.staticKeys[].pem',
      },
      {
        flag: {
          name: 'pendingOptions-allowIdpInitiatedLogin',
          type: 'bool',
          usage: 'Toggle to allow IdP initated login by the SAML IdP.',
        },
        field: 'pendingOptions.allowIdpInitiatedLogin',
      },
      {
        flag: {
          name: 'pendingOptions-blockOfflineAccessScope',
          type: 'bool',
          usage: 'When true, the ˋoffline_accessˋ scope will not be requested from the IdP where applicable.',
        },
        field: 'pendingOptions.blockOfflineAccessScope',
      },
      {
        flag: {
          name: 'pendingOptions-certificates',
          type: 'unknowns',
          usage: '(Deprecated) Array of JSON-objects to send as the property pendingOptions-certificates.',
        },
        field: 'pendingOptions.certificates',
      },
      {
        flag: {
          name: 'pendingOptions-certificates-certificate',
          type: 'string',
          usage: 'The X.509 certificate for validating signed SAML responses.',
        },
        field: 'pendingOptions.certificates[].certificate',
      },
      {
        flag: {
          name: 'pendingOptions-certificates-encryption',
          type: 'bool',
          usage: 'Indicates whether the certificate is used for encryption.',
        },
        field: 'pendingOptions.certificates[].encryption',
      },
      {
        flag: { name: 'pendingOptions-certificates-name', type: 'string', usage: 'Given name for this certificate.' },
        field: 'pendingOptions.certificates[].name',
      },
      {
        flag: {
          name: 'pendingOptions-certificates-signature',
          type: 'bool',
          usage: 'Indicates whether the certificate is used for the signature.',
        },
        field: 'pendingOptions.certificates[].signature',
      },
      {
        flag: {
          name: 'pendingOptions-claimsMapping-client_id',
          type: 'strings',
          usage: "A list of JSON pointers used to map the user's client ID.",
        },
        field: 'pendingOptions.claimsMapping.client_id',
      },
      {
        flag: { name: 'pendingOptions-claimsMapping-email', type: 'strings', usage: '' },
        field: 'pendingOptions.claimsMapping.email',
      },
      {
        flag: {
          name: 'pendingOptions-claimsMapping-email_verified',
          type: 'strings',
          usage: "A list of JSON pointers used to map the user's email_verified claim.",
        },
        field: 'pendingOptions.claimsMapping.email_verified',
      },
      {
        flag: { name: 'pendingOptions-claimsMapping-groups', type: 'strings', usage: '' },
        field: 'pendingOptions.claimsMapping.groups',
      },
      {
        flag: {
          name: 'pendingOptions-claimsMapping-locale',
          type: 'strings',
          usage: "A list of JSON pointers used to map the user's locale.",
        },
        field: 'pendingOptions.claimsMapping.locale',
      },
      {
        flag: { name: 'pendingOptions-claimsMapping-name', type: 'strings', usage: '' },
        field: 'pendingOptions.claimsMapping.name',
      },
      {
        flag: { name: 'pendingOptions-claimsMapping-picture', type: 'strings', usage: '' },
        field: 'pendingOptions.claimsMapping.picture',
      },
      {
        flag: { name: 'pendingOptions-claimsMapping-sub', type: 'strings', usage: '' },
        field: 'pendingOptions.claimsMapping.sub',
      },
      {
        flag: {
          name: 'pendingOptions-claimsMapping-zoneinfo',
          type: 'strings',
          usage: "A list of JSON pointers used to map the user's zoneinfo.",
        },
        field: 'pendingOptions.claimsMapping.zoneinfo',
      },
      {
        flag: {
          name: 'pendingOptions-clientId',
          type: 'string',
          usage: 'The client identifier used as part of authenticating an interactive identity provider.',
        },
        field: 'pendingOptions.clientId',
      },
      {
        flag: {
          name: 'pendingOptions-clientSecret',
          type: 'string',
          usage: 'The client secret used as part of authenticating an interactive identity provider.',
        },
        field: 'pendingOptions.clientSecret',
      },
      {
        flag: {
          name: 'pendingOptions-decryptingKey-certificate',
          type: 'string',
          usage: "The key's certificate in pem format",
        },
        field: 'pendingOptions.decryptingKey.certificate',
      },
      {
        flag: {
          name: 'pendingOptions-decryptingKey-createdAt',
          type: 'string',
          usage: 'The timestamp for when the decrypting key was created.',
        },
        field: 'pendingOptions.decryptingKey.createdAt',
      },
      {
        flag: {
          name: 'pendingOptions-decryptingKey-createdBy',
          type: 'string',
          usage: 'The user id of the user who created the decrypting key',
        },
        field: 'pendingOptions.decryptingKey.createdBy',
      },
      {
        flag: { name: 'pendingOptions-decryptingKey-jwks', type: 'string', usage: 'The public key in jwk format' },
        field: 'pendingOptions.decryptingKey.jwks',
      },
      {
        flag: { name: 'pendingOptions-decryptingKey-keyId', type: 'string', usage: 'The id of the decrypting key' },
        field: 'pendingOptions.decryptingKey.keyId',
      },
      {
        flag: {
          name: 'pendingOptions-decryptingKey-keySize',
          type: 'int',
          usage: 'The algorithm size of the decrypting key',
        },
        field: 'pendingOptions.decryptingKey.keySize',
      },
      {
        flag: {
          name: 'pendingOptions-decryptingKey-keyType',
          type: 'string',
          usage: 'The algorithm type of the decrypting key',
        },
        field: 'pendingOptions.decryptingKey.keyType',
      },
      {
        flag: { name: 'pendingOptions-decryptingKey-publicKey', type: 'string', usage: 'The public key in pem format' },
        field: 'pendingOptions.decryptingKey.publicKey',
      },
      {
        flag: {
          name: 'pendingOptions-discoveryUrl',
          type: 'string',
          usage:
            'The OpenID configuration endpoint. (Ex: https://<domain>/.well-known/openid-configuration). Required if openid_configuration is not given.',
        },
        field: 'pendingOptions.discoveryUrl',
      },
      {
        flag: {
          name: 'pendingOptions-emailVerifiedAlwaysTrue',
          type: 'bool',
          usage:
            'Only ADFS and AzureAD IdPs can set this property. For ADFS and AzureAD, it defaults to false. For other IdPs, it defaults to undefined.',
        },
        field: 'pendingOptions.emailVerifiedAlwaysTrue',
      },
      {
        flag: {
          name: 'pendingOptions-entityId',
          type: 'string',
          usage: 'The entity ID for the SAML IdP. Required if metadata is not provided.',
        },
        field: 'pendingOptions.entityId',
      },
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
      {
        flag: {
          name: 'pendingOptions-metadata-raw',
          type: 'string',
          usage: 'The IDP metadata XML in base64-encoded format.',
        },
        field: 'pendingOptions.metadata.raw',
      },
      {
        flag: {
          name: 'pendingOptions-nameIdFormat',
          type: 'string',
          choices: [
            'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress',
            'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent',
            'urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified',
          ],
          usage:
            'The name identifier format that will be requested from the identity provider.' +
            allowedValues([
              'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress',
              'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent',
              'urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified',
            ]),
        },
        field: 'pendingOptions.nameIdFormat',
      },
      {
        flag: {
          name: 'pendingOptions-openid_configuration-authorization_endpoint',
          type: 'string',
          usage: 'OAuth 2.0 Authorization Endpoint',
        },
        field: 'pendingOptions.openid_configuration.authorization_endpoint',
      },
      {
        flag: {
          name: 'pendingOptions-openid_configuration-end_session_endpoint',
          type: 'string',
          usage:
            'URL at the OP to which an RP can perform a redirect to request that the End-User be logged out at the OP.',
        },
        field: 'pendingOptions.openid_configuration.end_session_endpoint',
      },
      {
        flag: {
          name: 'pendingOptions-openid_configuration-introspection_endpoint',
          type: 'string',
          usage:
            'The introspection endpoint is an OAuth 2.0 endpoint that takes a parameter representing an OAuth 2.0 token and returns a JSON [RFC7159] document representing the meta information.',
        },
        field: 'pendingOptions.openid_configuration.introspection_endpoint',
      },
      {
        flag: { name: 'pendingOptions-openid_configuration-issuer', type: 'string', usage: 'OpenID Provider issuer' },
        field: 'pendingOptions.openid_configuration.issuer',
      },
      {
        flag: {
          name: 'pendingOptions-openid_configuration-jwks_uri',
          type: 'string',
          usage: "URL of the OP's JSON Web Key Set [JWK] document",
        },
        field: 'pendingOptions.openid_configuration.jwks_uri',
      },
      {
        flag: {
          name: 'pendingOptions-openid_configuration-token_endpoint',
          type: 'string',
          usage: 'OAuth 2.0 Token Endpoint',
        },
        field: 'pendingOptions.openid_configuration.token_endpoint',
      },
      {
        flag: {
          name: 'pendingOptions-openid_configuration-userinfo_endpoint',
          type: 'string',
          usage: "URL of the OP's UserInfo Endpoint",
        },
        field: 'pendingOptions.openid_configuration.userinfo_endpoint',
      },
      {
        flag: { name: 'pendingOptions-realm', type: 'string', usage: 'The realm identifier for the IdP.' },
        field: 'pendingOptions.realm',
      },
      {
        flag: {
          name: 'pendingOptions-scope',
          type: 'string',
          usage:
            'Scope which will be sent along with token requests to the IdP. Scopes should be space delimited. Will default to certain values depending on the IdP provider.',
        },
        field: 'pendingOptions.scope',
      },
      {
        flag: {
          name: 'pendingOptions-signOnUrl',
          type: 'string',
          usage: 'The sign on URL for the SAML IdP. Required if metadata is not provided.',
        },
        field: 'pendingOptions.signOnUrl',
      },
      {
        flag: {
          name: 'pendingOptions-useClaimsFromIdToken',
          type: 'bool',
          usage: 'If true, will use the claims from the ID token. By default it is set to true for ADFS and AzureAD.',
        },
        field: 'pendingOptions.useClaimsFromIdToken',
      },
      { flag: { name: 'postLogoutRedirectUri', type: 'string', usage: '' } },
      { flag: { name: 'protocol', type: 'string', usage: '' } },
      { flag: { name: 'provider', type: 'string', usage: '' } },
      { flag: { name: 'skipVerify', type: 'bool', usage: '' } },
      { flag: { name: 'tenantIds', type: 'strings', usage: '' } },
    ],
  },
});
