import type { Command } from 'commander';
import type { Factory } from '../../cmdutil/factory.js';
import type { ApiOperation } from '../../api/operation.js';
import { newCmdOperation, runOperation, type OperationOptions } from '../../api/runner.js';

export type PatchOptions = OperationOptions;

export const patchOperation: ApiOperation = {
  use: 'patch <api-keyId>',
  short: 'Update API key description',
  long: 'Updates an API key description for a given API key ID.',
  method: 'PATCH',
  path: '/api/v1/api-keys/{api-keyId}',
  output: 'none',
  body: { kind: 'patch', ops: ['replace'], paths: ['/description'], value: 'string' },
};

export function newCmdPatch(f: Factory, runF: (o: PatchOptions) => Promise<void> = runOperation): Command {
  return newCmdOperation(f, patchOperation, runF);
}
