// qlik api-key create: the founding command. Its help text is reproduced byte for byte from Qlik's documentation.
import type { Command } from 'commander';
import { ConfigError, FlagError } from '../../cmdutil/errors.js';
import type { Factory } from '../../cmdutil/factory.js';
import { invalidArgument } from '../../cmdutil/flags.js';
import type { ApiOperation } from '../../api/operation.js';
import { newCmdOperation, runOperation, type OperationOptions } from '../../api/runner.js';
import { apiKeyReconciler } from './reconcile.js';

export type CreateOptions = OperationOptions;
export const SUB_TYPES = ['user', 'externalClient'] as const;

/** Checks an ISO 8601 duration with Temporal (loaded only here); the user's string is sent unchanged. */
export async function checkDuration(value: unknown, source: string): Promise<void> {
  const fail = (why: string) =>
    source.startsWith('--') && !source.includes(' ')
      ? invalidArgument(String(value), source, why)
      : new ConfigError(`${source}: expiry ${JSON.stringify(value)}: ${why}`);
  if (typeof value !== 'string') throw fail('must be a string');
  const { Temporal } = await import('temporal-polyfill');
  let d;
  try {
    d = Temporal.Duration.from(value);
  } catch {
    throw fail('not an ISO 8601 duration (examples: P7D, PT12H, P1Y2M, P1DT12H)');
  }
  if (d.sign <= 0) throw fail('the duration must be positive');
}

export const createOperation: ApiOperation = {
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
      if (typeof body.description !== 'string') throw new FlagError(`${source('description')}: description must be a string`);
      if (body.expiry !== undefined) await checkDuration(body.expiry, source('expiry'));
      if (body.subType !== undefined && !(SUB_TYPES as readonly unknown[]).includes(body.subType)) {
        throw new FlagError(`${source('subType')}: subType must be one of "user", "externalClient"`);
      }
      if (body.sub !== undefined && typeof body.sub !== 'string') throw new FlagError(`${source('sub')}: sub must be a string`);
    },
  },
  reconcile: apiKeyReconciler,
  quietWarning: 'Warning: -q printed only the id; the token, shown only once, was not printed. Run without -q to keep it.',
};

export function newCmdCreate(f: Factory, runF: (o: CreateOptions) => Promise<void> = runCreate): Command {
  return newCmdOperation(f, createOperation, runF);
}

export const runCreate = runOperation;
