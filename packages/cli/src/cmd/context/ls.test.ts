// `qlik context ls`, in process: a tab-separated table when piped, aligned on a terminal, JSON with --json; terminal
// controls stripped from the table; warnings about who may change the contexts file (#8.12).
import { chmod, chown } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { json, StubRegistry } from '../../../../../test/kit/httpmock.js';
import { runQlik, tempHome, type RunResult } from '../../../../../test/kit/run.js';
import { contextsFile, homeWith, runContext } from './test/kit.js';

const ls = (args: string[], home: string, stdoutTTY = false): Promise<RunResult> =>
  runContext(['ls', ...args], { home, stdoutTTY });

const TWO = `current-context: beta
contexts:
  alpha:
    comment: A
    headers:
      Authorization: Bearer alpha-key-0123456789
    server: https://alpha.example.com
  beta:
    comment: B
    server: https://beta.example.com/x
`;

describe('context ls', () => {
  it('prints tab-separated rows when piped, the current context starred', async () => {
    const r = await ls([], await homeWith(TWO));
    expect(r).toMatchObject({
      code: 0,
      stderr: '',
      stdout:
        'name\tserver\tcurrent\tcomment\nalpha\thttps://alpha.example.com\t\tA\nbeta\thttps://beta.example.com/x\t*\tB\n',
    });
  });

  it('aligns the columns on a terminal', async () => {
    const r = await ls([], await homeWith(TWO), true);
    expect(r.stdout).toBe(
      [
        'name   server                      current  comment',
        'alpha  https://alpha.example.com            A',
        'beta   https://beta.example.com/x  *        B',
        '',
      ].join('\n'),
    );
  });

  it('prints JSON with --json (no secrets: only name, server, current, comment)', async () => {
    const r = await ls(['--json'], await homeWith(TWO));
    expect(JSON.parse(r.stdout)).toEqual([
      { name: 'alpha', server: 'https://alpha.example.com', current: false, comment: 'A' },
      { name: 'beta', server: 'https://beta.example.com/x', current: true, comment: 'B' },
    ]);
    expect(r.stdout).not.toContain('alpha-key');
  });

  it('prints only the header for no contexts, and [] with --json', async () => {
    const home = await tempHome();
    expect((await ls([], home)).stdout).toBe('name\tserver\tcurrent\tcomment\n');
    expect((await ls(['--json'], home)).stdout).toBe('[]\n');
  });

  it('takes no arguments', async () => {
    expect(await ls(['extra'], await tempHome())).toMatchObject({
      code: 1,
      stdout: '',
      stderr: 'Error: accepts 0 arg(s), received 1\n',
    });
  });

  it('reports a broken file in one line with its position', async () => {
    const home = await homeWith('contexts:\n  a: [1, 2]\n');
    expect(await ls([], home)).toMatchObject({
      code: 1,
      stdout: '',
      stderr: `Error: ${contextsFile(home)}:2:6: context 'a' must be a map, not a list\n`,
    });
  });
});

const HOSTILE = String.raw`current-context: ""
contexts:
  "ev\e[31mil\e]0;pwned\a\ttab":
    server: "https://x.example.com/\e[2J\x9b6n"
    comment: "\u202Egnp.exe\u2066hidden\u2069\r\bX\nline"
`;

describe('context ls on hostile values (#8.6)', () => {
  it.each([false, true])(
    'strips controls, sequences and bidi characters (terminal: %s); a TAB cannot add a column',
    async (tty) => {
      const r = await ls([], await homeWith(HOSTILE), tty);
      const rows = r.stdout.split('\n');
      if (!tty) expect(rows[1]).toBe('evil tab\thttps://x.example.com/6n\t\tgnp.exehiddenX line');
      else expect(rows[1]).toBe('evil tab  https://x.example.com/6n           gnp.exehiddenX line');
      // eslint-disable-next-line no-control-regex
      expect(r.stdout.replace(/[\t\n]/g, '')).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
    },
  );

  it('keeps --json exact', async () => {
    const r = await ls(['--json'], await homeWith(HOSTILE));
    expect(JSON.parse(r.stdout)).toEqual([
      {
        name: 'ev\u001b[31mil\u001b]0;pwned\u0007\ttab',
        server: 'https://x.example.com/\u001b[2J\u009b6n',
        current: false,
        comment: '\u202egnp.exe\u2066hidden\u2069\r\bX\nline',
      },
    ]);
    // eslint-disable-next-line no-control-regex
    expect(r.stdout.replace(/\n/g, '')).not.toMatch(/[\u0000-\u001f]/);
  });
});

describe('who may change the contexts file (#8.12)', () => {
  it('warns once per problem, naming the file and the fix, and still lists', async () => {
    const home = await homeWith(TWO);
    await chmod(contextsFile(home), 0o664);
    await chmod(join(home, '.qlik'), 0o757);
    const r = await ls([], home);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(
      [
        `Warning: file ${contextsFile(home)} is writable by other users (mode 0664); they could change where your credentials are sent. Fix: chmod 600 ${contextsFile(home)}`,
        `Warning: directory ${join(home, '.qlik')} is writable by other users (mode 0757); they could change where your credentials are sent. Fix: chmod 700 ${join(home, '.qlik')}`,
        '',
      ].join('\n'),
    );
    expect(r.stdout).toContain('alpha\t');
  });

  it('is quiet for a 0644 file in a 0755 directory (readable is not writable)', async () => {
    const home = await homeWith(TWO);
    await chmod(contextsFile(home), 0o644);
    await chmod(join(home, '.qlik'), 0o755);
    expect((await ls([], home)).stderr).toBe('');
  });

  const root = process.getuid?.() === 0;
  it.skipIf(!root)('warns about a file owned by another user (needs root to chown; skipped otherwise)', async () => {
    const home = await homeWith(TWO);
    await chown(contextsFile(home), 4242, 4242);
    const r = await ls([], home);
    expect(r.stderr).toBe(
      `Warning: file ${contextsFile(home)} belongs to another user (uid 4242); that user could change where your credentials are sent. Fix: move it away and create your own\n`,
    );
  });

  it('the same warning comes from any command that reads the contexts (through the Factory), once', async () => {
    const home = await homeWith(
      'current-context: t\ncontexts:\n  t:\n    headers:\n      Authorization: Bearer k-0123456789\n    server: https://t.example.com\n',
    );
    await chmod(contextsFile(home), 0o666);
    const reg = new StubRegistry().register('GET', '/api/v1/users/me', json(200, { id: 'u1', name: 'Dev' }));
    const r = await runQlik(['user', 'me', '-q'], { home, transport: reg });
    reg.verify();
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(
      `Warning: file ${contextsFile(home)} is writable by other users (mode 0666); they could change where your credentials are sent. Fix: chmod 600 ${contextsFile(home)}\n`,
    );
  });
});
