// qlik group settings ls: GET /api/v1/groups/settings (the path of @qlik/api's getGroupsSettings; groups.yml does not
// list it). Help texts from Qlik's page (qlik.dev group-settings-ls.md, generation G2, the newest found).
import { defineOperation } from '../../api/operation.js';

export const groupSettingsLsOperation = defineOperation({
  use: 'ls',
  short: 'Get group settings',
  long: "Returns the tenant's group settings, such as whether automatic group creation and IdP group synchronization are enabled or disabled, and roles assigned to system groups.",
  method: 'GET',
  path: '/api/v1/groups/settings',
  output: 'object',
});
