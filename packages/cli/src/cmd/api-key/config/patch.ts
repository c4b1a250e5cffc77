import type { Command } from 'commander';
import type { Factory } from '../../../cmdutil/factory.js';
import type { ApiOperation } from '../../../api/operation.js';
import { currentTenantId } from '../../../api/current-tenant.js';
import { newCmdOperation, runOperation, type OperationOptions } from '../../../api/runner.js';

export type ConfigPatchOptions = OperationOptions;

export const CONFIG_PATHS = ['/max_api_key_expiry', '/max_keys_per_user', '/scim_externalClient_expiry'] as const;

export const configPatchOperation: ApiOperation = {
  use: 'patch <configId>',
  short: 'Update API keys configuration',
  long: 'Updates the API keys configuration for a given tenant ID. When <configId> is omitted, the current tenant is used.',
  method: 'PATCH',
  path: '/api/v1/api-keys/configs/{configId}',
  output: 'none',
  body: { kind: 'patch', ops: ['replace'], paths: CONFIG_PATHS, value: 'json' },
  argDefaults: { configId: currentTenantId },
};

export function newCmdConfigPatch(f: Factory, runF: (o: ConfigPatchOptions) => Promise<void> = runOperation): Command {
  return newCmdOperation(f, configPatchOperation, runF);
}
