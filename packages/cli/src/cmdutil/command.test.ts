// The parser, with pflag's and Cobra's rules: a table of argv → what runs with which flags and arguments, and a
// table of argv → Cobra's exact error.
import { describe, expect, it } from 'vitest';
import { FlagError, UnknownCommandError } from '../errors/errors.js';
import { Command, resolve, stripFlags, type Resolution } from './command.js';
import { globalFlags } from './flags.js';

const noop = (): Promise<void> => Promise.resolve();
const tree = new Command({ use: 'qlik', short: 'root', persistentFlags: globalFlags }, [
  new Command({ use: 'api-key', short: 'keys' }, [
    new Command({
      use: 'create',
      short: 'Create API key',
      flags: [
        { name: 'description', type: 'string', usage: '' },
        { name: 'quiet', short: 'q', type: 'bool', usage: '' },
        { name: 'file', short: 'f', type: 'string', usage: '' },
        { name: 'retry', type: 'int', usage: '' },
      ],
      args: { min: 0, max: 0 },
      run: noop,
    }),
    new Command({ use: 'get <api-keyId>', short: 'Get', args: { min: 1, max: 1 }, run: noop }),
    new Command({ use: 'config', short: 'config' }, [new Command({ use: 'get', short: 'get', run: noop })]),
  ]),
  new Command({ use: 'context', short: 'contexts' }, [
    new Command({ use: 'use <name>', short: 'use', args: { min: 1, max: 1 }, run: noop }),
  ]),
]);

function run(argv: string[]): { path: string; args: string[]; flags: Record<string, unknown> } {
  const r: Resolution = resolve(tree, argv);
  if (r.kind !== 'run') throw new Error(`expected a run, got help for ${r.cmd.path()}`);
  return {
    path: r.inv.cmd.path(),
    args: r.inv.args,
    flags: Object.fromEntries(r.inv.flags.names().map((n) => [n, r.inv.flags.get(n)])),
  };
}

function error(argv: string[]): string {
  try {
    resolve(tree, argv);
  } catch (e) {
    expect(e).toBeInstanceOf(FlagError);
    return (e as Error).message;
  }
  throw new Error(`expected ${argv.join(' ')} to fail`);
}

describe('finding the command and parsing flags', () => {
  it.each<[string[], string, string[], Record<string, unknown>]>([
    [['api-key', 'create', '--description', 'x'], 'qlik api-key create', [], { description: 'x' }],
    [['api-key', 'create', '--description=x=y'], 'qlik api-key create', [], { description: 'x=y' }],
    [['--server', 'https://h', 'api-key', 'create'], 'qlik api-key create', [], { server: 'https://h' }],
    [['--context', 'api-key', 'api-key', 'create'], 'qlik api-key create', [], { context: 'api-key' }],
    [['api-key', '--json', 'create', '-q'], 'qlik api-key create', [], { json: true, quiet: true }],
    [['api-key', 'create', '--insecure=false'], 'qlik api-key create', [], { insecure: false }],
    [['api-key', 'create', '--json=1', '-v=f'], 'qlik api-key create', [], { json: true, verbose: false }],
    [['api-key', 'create', '-q=true'], 'qlik api-key create', [], { quiet: true }],
    [['api-key', 'create', '-qv'], 'qlik api-key create', [], { quiet: true, verbose: true }],
    [['api-key', 'create', '-qfbody.json'], 'qlik api-key create', [], { quiet: true, file: 'body.json' }],
    [['api-key', 'create', '-f', '-'], 'qlik api-key create', [], { file: '-' }],
    [['api-key', 'create', '-f=-'], 'qlik api-key create', [], { file: '-' }],
    [['api-key', 'create', '--retry', '0x3'], 'qlik api-key create', [], { retry: 3 }],
    [
      ['api-key', 'create', '--headers', 'a=1', '--headers', 'b=2'],
      'qlik api-key create',
      [],
      { headers: { a: '1', b: '2' } },
    ],
    [['api-key', 'get', 'id-1', '--json'], 'qlik api-key get', ['id-1'], { json: true }],
    [['api-key', 'get', '--', '-my-key'], 'qlik api-key get', ['-my-key'], {}],
    [['api-key', 'config', 'get'], 'qlik api-key config get', [], {}],
    [['context', 'use', 'config'], 'qlik context use', ['config'], {}],
  ])('%j runs %s', (argv, path, args, flags) => {
    expect(run(argv)).toEqual({ path, args, flags });
  });

  it('asks for help with -h/--help anywhere, and for groups without a verb', () => {
    for (const argv of [
      ['api-key', 'create', '--description', 'x', '-h'],
      ['--help', 'api-key', 'create'],
      ['api-key', 'create', '--help=true'],
      ['api-key'],
      [],
    ]) {
      expect(resolve(tree, argv).kind).toBe('help');
    }
    expect(resolve(tree, ['api-key', 'create', '--help=false']).kind).toBe('run');
  });

  it('strips flags and their values to find subcommand words (Cobra stripFlags)', () => {
    expect(stripFlags(['--server', 'x', 'api-key', '-v', 'create', '--', 'y'], tree)).toEqual(['api-key', 'create']);
    // As in Cobra, a flag the command does not know is taken to have a value.
    expect(stripFlags(['--unknown', 'api-key', 'create'], tree)).toEqual(['create']);
  });
});

describe("Cobra's and pflag's errors", () => {
  it.each<[string[], string]>([
    [['api-key', 'create', '--bogus'], 'unknown flag: --bogus'],
    [['api-key', 'create', '--bogus=1'], 'unknown flag: --bogus'],
    [['api-key', 'create', '-x'], "unknown shorthand flag: 'x' in -x"],
    [['api-key', 'create', '-qx'], "unknown shorthand flag: 'x' in -x"],
    [['api-key', 'create', '--description'], 'flag needs an argument: --description'],
    [['api-key', 'create', '-f'], "flag needs an argument: 'f' in -f"],
    [['api-key', 'create', '---x'], 'bad flag syntax: ---x'],
    [
      ['api-key', 'create', '--insecure=maybe'],
      'invalid argument "maybe" for "--insecure" flag: strconv.ParseBool: parsing "maybe": invalid syntax',
    ],
    [
      ['api-key', 'create', '-q=2'],
      'invalid argument "2" for "-q, --quiet" flag: strconv.ParseBool: parsing "2": invalid syntax',
    ],
    [['api-key', 'create', 'extra'], 'accepts 0 arg(s), received 1'],
    [['api-key', 'get'], 'accepts 1 arg(s), received 0'],
    [['api-key', 'get', 'a', 'b'], 'accepts 1 arg(s), received 2'],
    [['api-key', 'nope'], 'unknown command "nope" for "qlik api-key"'],
  ])('%j fails: %s', (argv, message) => {
    expect(error(argv)).toBe(message);
  });

  it("suggests commands as Cobra does (distance 2, case-insensitive, or prefix), before parsing the root's flags", () => {
    expect(error(['api-kye', '--bogus'])).toBe(
      'unknown command "api-kye" for "qlik"\n\nDid you mean this?\n\tapi-key\n',
    );
    expect(error(['API-KEY'])).toBe('unknown command "API-KEY" for "qlik"\n\nDid you mean this?\n\tapi-key\n');
    expect(error(['con'])).toBe('unknown command "con" for "qlik"\n\nDid you mean this?\n\tcontext\n');
    expect(error(['zzz'])).toBe('unknown command "zzz" for "qlik"');
    expect(() => resolve(tree, ['zzz'])).toThrow(UnknownCommandError);
    expect(error(['api-key', 'creat'])).toBe(
      'unknown command "creat" for "qlik api-key"\n\nDid you mean this?\n\tcreate\n',
    );
  });
});
