import type { Command } from 'commander';
import type { Factory } from '../../../cmdutil/factory.js';
import type { ApiOperation } from '../../../api/operation.js';
import { currentTenantId } from '../../../api/current-tenant.js';
import { newCmdOperation, runOperation, type OperationOptions } from '../../../api/runner.js';

export type ConfigGetOptions = OperationOptions;

export const configGetOperation: ApiOperation = {
  use: 'get <configId>',
  short: 'Get API key configuration',
  long: 'Retrieves the API key configuration for a tenant. <configId> is the tenant ID; when it is omitted, the current tenant is used.',
  method: 'GET',
  path: '/api/v1/api-keys/configs/{configId}',
  output: 'object',
  argDefaults: { configId: currentTenantId },
};

export function newCmdConfigGet(f: Factory, runF: (o: ConfigGetOptions) => Promise<void> = runOperation): Command {
  return newCmdOperation(f, configGetOperation, runF);
}
