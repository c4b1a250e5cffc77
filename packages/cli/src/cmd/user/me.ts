import type { Command } from 'commander';
import type { Factory } from '../../cmdutil/factory.js';
import { newGroup } from '../../cmdutil/group.js';
import type { ApiOperation } from '../../api/operation.js';
import { newCmdOperation, runOperation, type OperationOptions } from '../../api/runner.js';

export const userMeOperation: ApiOperation = {
  use: 'me',
  short: 'Get the requesting user',
  long: 'Returns the user the credentials belong to (GET /api/v1/users/me, following its redirect). Use -q for just the id.',
  method: 'GET',
  path: '/api/v1/users/me',
  output: 'object',
};

export function newCmdUserMe(f: Factory, runF: (o: OperationOptions) => Promise<void> = runOperation): Command {
  return newCmdOperation(f, userMeOperation, runF);
}

export function newCmdUser(f: Factory): Command {
  return newGroup(f, { use: 'user', short: 'Manage users' }, [newCmdUserMe(f)]);
}
