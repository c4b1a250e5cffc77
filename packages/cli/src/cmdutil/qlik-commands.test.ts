// Every command of Qlik's CLI that this qlik does not implement answers in one line that names it and the way round
// (exit 1, no request); mistyped commands of this qlik still get Cobra's suggestions, and a mistyped subcommand is
// reported as such even when flags follow it.
import { describe, expect, it } from 'vitest';
import { runStubbed } from '../../../../test/kit/verb.js';
import { testIO } from '../iostreams/testio.js';
import { newRootCmd } from '../root.js';
import { walk } from './command.js';
import { newFactory } from './factory.js';
import { NOT_IMPLEMENTED } from './qlik-commands.js';

const implemented = walk(newRootCmd(newFactory({ io: testIO(), env: {}, home: '/nonexistent' }))).map((c) =>
  c.path().split(' ').slice(1).join(' '),
);

describe("Qlik's commands this qlik does not implement", () => {
  it('the list holds the names the issue names, and none that this qlik implements', () => {
    for (const name of [
      'app',
      'space',
      'item',
      'reload',
      'automation',
      'data-file',
      'extension',
      'theme',
      'webhook',
      'tenant create',
      'update',
      'alias',
      'spec',
    ]) {
      expect(NOT_IMPLEMENTED).toContain(name);
    }
    for (const name of NOT_IMPLEMENTED) expect(implemented).not.toContain(name);
    expect(NOT_IMPLEMENTED.length).toBeGreaterThan(60);
  });

  it.each(NOT_IMPLEMENTED.map((n) => [n]))(
    'qlik %s ls --x y → one line naming it and the way round, exit 1, no request',
    async (name) => {
      const r = await runStubbed([...name.split(' '), 'ls', '--x', 'y']);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.requests).toEqual([]);
      expect(r.stderr).toMatch(
        new RegExp(`^Error: "qlik ${name}" is a command of Qlik's CLI that this qlik does not implement; [^\\n]+\\n$`),
      );
    },
  );

  it.each([
    [
      ['app', 'ls'],
      'Error: "qlik app" is a command of Qlik\'s CLI that this qlik does not implement; "qlik raw get v1/apps" reaches the same API\n',
    ],
    [
      ['tenant', 'create', '--name', 'x'],
      'Error: "qlik tenant create" is a command of Qlik\'s CLI that this qlik does not implement; "qlik raw post v1/tenants" reaches the same API\n',
    ],
    [
      ['update'],
      'Error: "qlik update" is a command of Qlik\'s CLI that this qlik does not implement; update this qlik with the package manager that installed it\n',
    ],
    [
      ['context', 'login'],
      'Error: "qlik context login" is a command of Qlik\'s CLI that this qlik does not implement; "qlik context init" sets up a context with an API key or OAuth client credentials\n',
    ],
  ])('%j', async (argv, stderr) => {
    const r = await runStubbed(argv);
    expect(r).toMatchObject({ code: 1, stdout: '', stderr, requests: [] });
  });
});

describe('mistyped commands of this qlik', () => {
  it.each([
    [
      ['usr', 'ls'],
      'Error: unknown command "usr" for "qlik"\n\nDid you mean this?\n\tuser\n\nRun \'qlik --help\' for usage.\n',
    ],
    [
      ['idenity-provider'],
      'Error: unknown command "idenity-provider" for "qlik"\n\nDid you mean this?\n\tidentity-provider\n\nRun \'qlik --help\' for usage.\n',
    ],
    // The unknown subcommand is reported, not the flag that follows it.
    [
      ['api-key', 'creat', '--description', 'x'],
      'Error: unknown command "creat" for "qlik api-key"\n\nDid you mean this?\n\tcreate\n\nRun \'qlik api-key --help\' for usage.\n',
    ],
    [
      ['group', 'settings', 'lss', '--value', 'x'],
      'Error: unknown command "lss" for "qlik group settings"\n\nDid you mean this?\n\tls\n\nRun \'qlik group settings --help\' for usage.\n',
    ],
    [
      ['role', 'lsx'],
      'Error: unknown command "lsx" for "qlik role"\n\nDid you mean this?\n\tls\n\nRun \'qlik role --help\' for usage.\n',
    ],
  ])('%j', async (argv, stderr) => {
    const r = await runStubbed(argv);
    expect(r).toMatchObject({ code: 1, stdout: '', stderr, requests: [] });
  });
});
