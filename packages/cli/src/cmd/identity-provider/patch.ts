// qlik identity-provider patch: a JSON Patch to PATCH /api/v1/identity-providers/{id} (204). Help texts from Qlik's
// page (qlik.dev identity-provider-patch.md, generation G2, the newest found): --op, --path and --value have no usage
// text. The accepted operations and paths are the spec's (the SAML and OIDC patch payloads); `promote-options` takes
// no path.
import { defineOperation } from '../../api/operation.js';
import { idpArgCompletion } from './shared.js';

const PATHS = [
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
  '/pendingOptions/idTokenSignatureAlg',
  '/pendingOptions/decryptingKey',
  '/pendingOptions/nameIdFormat',
  '/pendingOptions/allowIdpInitiatedLogin',
  '/pendingOptions/entityId',
  '/pendingOptions/signOnUrl',
  '/pendingOptions/metadata',
  '/pendingOptions/certificates',
  '/postLogoutRedirectUri',
  '/clockToleranceSec',
];

export const idpPatchOperation = defineOperation({
  use: 'patch <identity-providerId>',
  short: 'Update identity providers',
  long: 'Updates the configuration of an IdP. Requesting user must be assigned the `TenantAdmin` role. Partial failure is treated as complete failure and returns an error.',
  page: 'G2',
  method: 'PATCH',
  path: '/api/v1/identity-providers/{identity-providerId}',
  completeArgs: idpArgCompletion,
  output: 'none',
  body: {
    kind: 'patch',
    ops: ['replace', 'promote-options'],
    pathlessOps: ['promote-options'],
    paths: PATHS,
    value: 'json',
    usage: { op: '', path: '', value: '' },
  },
});
