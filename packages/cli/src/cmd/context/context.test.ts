// The context group as a whole, in process: a hand-written file in Qlik's format keeps every comment and unknown
// field through create, update, use, rename and rm; the bare group prints its help.
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { StubRegistry } from '../../../../../test/kit/httpmock.js';
import { runQlik } from '../../../../../test/kit/run.js';
import { contextsFile, homeWith } from './test/kit.js';

// A hand-edited file in the format Qlik's CLI writes, with comments everywhere and a field this CLI does not know.
const COMMENTED = `# qlik contexts, maintained by hand by the platform team
# (please keep the order)

current-context: staging # switched for the release
contexts:
  # Production tenant; its key rotates every month
  production:
    server: https://prod.us.qlikcloud.com # the main tenant
    headers:
      Authorization: Bearer prod-secret-value-1234567890
    comment: live
  # Staging tenant behind a self-signed certificate
  staging:
    server: https://staging.internal.example
    insecure: true # self-signed
    server-type: cloud
  # Kept for the migration
  legacy:
    server: https://legacy.example.org
    team-owner: data-eng # not a field qlik knows
# a closing note for humans
`;

const KEPT_COMMENTS = [
  '# qlik contexts, maintained by hand by the platform team\n# (please keep the order)\n',
  '  # Production tenant; its key rotates every month\n',
  ' # the main tenant\n',
  '  # Staging tenant behind a self-signed certificate\n',
  '    insecure: true # self-signed\n',
  '  # Kept for the migration\n',
  '    team-owner: data-eng # not a field qlik knows\n',
  '# a closing note for humans\n',
];

describe('context verbs on a hand-written file', () => {
  it('keep every comment and unknown field through create, update, use, rename and rm', async () => {
    const home = await homeWith(COMMENTED);
    const file = contextsFile(home);
    const steps: [string[], string][] = [
      [
        ['context', 'create', 'dev', '--server', 'https://dev.example.com', '--comment', 'new one'],
        "Context 'dev' created\n",
      ],
      [['context', 'update', 'production', '--comment', 'rotated'], "Context 'production' updated\n"],
      [['context', 'use', 'production'], 'Context: production\n'],
      [['context', 'rename', 'staging', 'stage'], "Context 'staging' renamed to 'stage'\n"],
      [['context', 'rm', 'dev'], "Context 'dev' removed\n"],
    ];
    const reg = new StubRegistry();
    for (const [args, stderr] of steps) {
      expect(await runQlik(args, { home, transport: reg }), args.join(' ')).toMatchObject({
        code: 0,
        stdout: '',
        stderr,
      });
      const text = await readFile(file, 'utf8');
      for (const c of KEPT_COMMENTS) expect(text, `after ${args.join(' ')}`).toContain(c);
    }
    reg.verify();
    const final = parseYaml(await readFile(file, 'utf8')) as {
      'current-context': string;
      contexts: Record<string, unknown>;
    };
    expect(final['current-context']).toBe('production');
    expect(Object.keys(final.contexts)).toEqual(['production', 'stage', 'legacy']);
    expect(final.contexts).toEqual({
      production: {
        server: 'https://prod.us.qlikcloud.com',
        headers: { Authorization: 'Bearer prod-secret-value-1234567890' },
        comment: 'rotated',
      },
      stage: { server: 'https://staging.internal.example', insecure: true, 'server-type': 'cloud' },
      legacy: { server: 'https://legacy.example.org', 'team-owner': 'data-eng' },
    });
    // `context get` on the hand-written file masks its key too.
    const get = await runQlik(['context', 'get'], { home });
    expect(get.stdout.split('\n')[0]).toBe('name: production');
    expect(get.stdout).toContain('  Authorization: Bearer **omitted**\n');
    expect(get.stdout).not.toContain('prod-secret-value');
  });

  it('a bare `qlik context` prints the group help', async () => {
    const r = await runQlik(['context']);
    expect(r.code).toBe(0);
    expect(r.stdout.startsWith('Create, update and use contexts\n\nContexts store connection information')).toBe(true);
    expect(r.stdout).toContain('\nAvailable Commands:\n  clear       Set the current context to none\n');
  });
});
