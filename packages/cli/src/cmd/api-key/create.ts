// qlik api-key create: the founding command. Its help text is reproduced byte for byte from Qlik's documentation.
// The create never leaves a duplicate or an orphan behind (api/create-safely.ts, with the attribution in shared/attribution.ts, which rotate and exec use too).
import { subjectIds } from '../../api/candidates.js';
import { defineOperation } from '../../api/operation.js';
import { FlagError } from '../../errors/errors.js';
import { idpCandidates } from '../identity-provider/shared.js';
import { checkDuration, scimSubject } from './shared/input.js';

const SUB_TYPES = ['user', 'externalClient'] as const;

export const createOperation = defineOperation({
  use: 'create',
  short: 'Create API key',
  long: 'Creates an API key, either for a user, or for configuring SCIM for a compatible Identity Provider. Sending sub and subType is required only for creating SCIM keys.',
  method: 'POST',
  path: '/api/v1/api-keys',
  output: 'object',
  body: {
    kind: 'object',
    required: ['description'],
    fields: [
      { flag: { name: 'description', type: 'string', usage: 'Text that describes the API key.' } },
      {
        flag: {
          name: 'expiry',
          type: 'string',
          usage:
            'The expiry of the API key, in ISO8601 duration format. For example, ˋP7Dˋ sets expiry after 7 days. If not provided, defaults to the maximum API key or SCIM key expiry configured in the tenant.',
        },
      },
      {
        flag: {
          name: 'sub',
          type: 'string',
          complete: subjectIds,
          usage:
            'The ID of the subject for the API key. For SCIM the format is ˋSCIM\\\\{{IDP-ID}}ˋ, where ˋ{{IDP-ID}}ˋ is the ID of the IDP in Qlik. When creating an API key for a user, this is their user ID, e.g. ˋ64ef645a3b7009d55dee5a2bˋ, and will default to the requesting user if not provided. User must be assigned the ˋDeveloperˋ role.',
        },
      },
      {
        flag: {
          name: 'subType',
          type: 'string',
          choices: SUB_TYPES,
          usage: 'Type of the subject. For SCIM, it should be ˋexternalClientˋ. If not specified, defaults to ˋuserˋ.',
        },
      },
    ],
    async validate(body, source) {
      if (typeof body.description !== 'string')
        throw new FlagError(`${source('description')}: description must be a string`);
      // An empty description would be sent, tagged, and then left as an untaggable key: refused here.
      if (body.description.trim() === '')
        throw new FlagError(`${source('description')}: description must not be empty`);
      if (body.expiry !== undefined) await checkDuration(body.expiry, source('expiry'));
      if (body.subType !== undefined && !(SUB_TYPES as readonly unknown[]).includes(body.subType)) {
        throw new FlagError(`${source('subType')}: subType must be one of "user", "externalClient"`);
      }
      if (body.sub !== undefined && typeof body.sub !== 'string')
        throw new FlagError(`${source('sub')}: sub must be a string`);
      // `SCIM\\<id>` as Qlik's help prints it, typed literally, is the same subject as `SCIM\<id>`.
      if (typeof body.sub === 'string') body.sub = scimSubject(body.sub);
    },
  },
  completeFlags: {
    // A SCIM key's subject is `SCIM\<IdP id>`: after `--subType externalClient`, `--sub <TAB>` offers the tenant's IdPs.
    sub: async (f, req) =>
      req.flags?.get('subType') === 'externalClient' ? idpCandidates(f, req.toComplete, 'SCIM\\') : undefined,
  },
  create: async () => (await import('./shared/attribution.js')).apiKeyAttribution,
  quietWarning:
    'Warning: -q printed only the id; the token, shown only once, was not printed. Run without -q to keep it.',
});
