import { defineOperation } from '../../api/operation.js';
import { allowedValues } from '../../cmdutil/flags.js';

export const oauthTokenLsOperation = defineOperation({
  use: 'ls',
  short: 'List OAuth tokens',
  long: 'Retrieve list of OAuth tokens that the user has access to. Users assigned with a `TenantAdmin` role can list OAuth tokens generated for all users in the tenant.',
  method: 'GET',
  path: '/api/v1/oauth-tokens',
  output: 'list',
  paging: { pageMax: 100 },
  query: [
    { flag: { name: 'page', type: 'string', usage: 'The target page.' } },
    {
      flag: {
        name: 'sort',
        type: 'string',
        choices: ['userId'],
        usage: `The field to sort by.${allowedValues(['userId'])}`,
      },
    },
    { flag: { name: 'userId', type: 'string', usage: 'The ID of the user to limit results to.' } },
  ],
});
