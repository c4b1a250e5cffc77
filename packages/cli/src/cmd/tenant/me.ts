import type { Command } from 'commander';
import type { Factory } from '../../cmdutil/factory.js';
import { newGroup } from '../../cmdutil/group.js';
import type { ApiOperation } from '../../api/operation.js';
import { newCmdOperation, runOperation, type OperationOptions } from '../../api/runner.js';

export const tenantMeOperation: ApiOperation = {
  use: 'me',
  short: 'Redirect to current tenant',
  long: 'Returns the tenant the credentials belong to (GET /api/v1/tenants/me, following its redirect). Use -q for just the id.',
  method: 'GET',
  path: '/api/v1/tenants/me',
  output: 'object',
};

export function newCmdTenantMe(f: Factory, runF: (o: OperationOptions) => Promise<void> = runOperation): Command {
  return newCmdOperation(f, tenantMeOperation, runF);
}

export function newCmdTenant(f: Factory): Command {
  return newGroup(f, { use: 'tenant', short: 'Manage tenants' }, [newCmdTenantMe(f)]);
}
