import type { Command } from 'commander';
import type { Factory } from '../../cmdutil/factory.js';
import type { ApiOperation } from '../../api/operation.js';
import { newCmdOperation, runOperation, type OperationOptions } from '../../api/runner.js';

export type GetOptions = OperationOptions;

export const getOperation: ApiOperation = {
  use: 'get <api-keyId>',
  short: 'Get API key',
  long: 'Returns the API key for a given API key ID. The token is never returned: it is shown only when the key is created.',
  method: 'GET',
  path: '/api/v1/api-keys/{api-keyId}',
  output: 'object',
};

export function newCmdGet(f: Factory, runF: (o: GetOptions) => Promise<void> = runOperation): Command {
  return newCmdOperation(f, getOperation, runF);
}
