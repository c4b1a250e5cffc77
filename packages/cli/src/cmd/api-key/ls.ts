import { subjectIds } from '../../api/candidates.js';
import { defineOperation } from '../../api/operation.js';
import { allowedValues } from '../../cmdutil/flags.js';
import { scimSubject } from './shared/input.js';

const sortValues = ['createdByUser', 'sub', 'status', 'description', 'created'].flatMap((f) => [f, `+${f}`, `-${f}`]);

export const lsOperation = defineOperation({
  use: 'ls',
  short: 'List API keys',
  long: 'Lists API keys for the tenant. To list API keys owned by other users, requesting user must be assigned the `TenantAdmin` role.',
  method: 'GET',
  path: '/api/v1/api-keys',
  output: 'list',
  paging: { pageMax: 100 },
  query: [
    { flag: { name: 'createdByUser', type: 'string', usage: 'The user ID that created the API key.' } },
    {
      flag: {
        name: 'endingBefore',
        type: 'string',
        usage:
          'Get resources with IDs that are lower than the target resource ID. Cannot be used in conjunction with startingAfter.',
      },
    },
    {
      flag: {
        name: 'sort',
        type: 'string',
        choices: sortValues,
        usage: `The field to sort by, with +/- prefix indicating sort order${allowedValues(sortValues)}`,
      },
    },
    {
      flag: {
        name: 'startingAfter',
        type: 'string',
        usage:
          'Get resources with IDs that are higher than the target resource ID. Cannot be used in conjunction with endingBefore.',
      },
    },
    {
      flag: {
        name: 'status',
        type: 'string',
        choices: ['active', 'expired', 'revoked'],
        usage: `The status of the API key.${allowedValues(['active', 'expired', 'revoked'])}`,
      },
    },
    {
      flag: {
        name: 'sub',
        type: 'string',
        complete: subjectIds,
        usage:
          'The ID of the subject. For SCIM the format is ˋSCIM\\\\{{IDP-ID}}ˋ, where ˋ{{IDP-ID}}ˋ is the ID of the IDP in Qlik. For users, use their user ID, e.g. ˋ64ef645a3b7009d55dee5a2bˋ.',
      },
      // `SCIM\\<id>` as the help prints it, typed literally, is the subject `SCIM\<id>`.
      transform: scimSubject,
    },
  ],
});
