// `qlik context get`, in process: `key: value` lines with the name first and the authentication kind last, secrets
// masked, terminal controls stripped from human output, --json exact.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempHome, type RunResult } from '../../../../../test/kit/run.js';
import { contextsFile, homeWith, runContext } from './test/kit.js';

const get = (args: string[], home: string): Promise<RunResult> => runContext(['get', ...args], { home });

const FILE = `current-context: beta
contexts:
  alpha:
    comment: A
    headers:
      Authorization: Bearer alpha-key-0123456789
    server: https://alpha.example.com
  beta:
    comment: B
    headers:
      Authorization: Bearer beta-key-0123456789
    server: https://beta.example.com/x
  oauth:
    headers:
      Cookie: sid=cookie-value-999
      X-Plain: visible
    oauth-client-id: client-1
    oauth-client-secret: oauth-secret-42424242
    server: https://o.example.com
  cookie:
    headers:
      X-Qlik-Session: session-value-777
    server: https://c.example.com
  bare:
    server: https://bare.example.com
    team-owner: data-eng
`;

describe('context get', () => {
  it('prints the current context: name first, file order, the key masked, the authentication kind last', async () => {
    const r = await get([], await homeWith(FILE));
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toBe(
      [
        'name: beta',
        'comment: B',
        'headers:',
        '  Authorization: Bearer **omitted**',
        'server: https://beta.example.com/x',
        'authentication: api-key',
        '',
      ].join('\n'),
    );
  });

  it('prints a named context with --json, masked the same way', async () => {
    const r = await get(['alpha', '--json'], await homeWith(FILE));
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      name: 'alpha',
      comment: 'A',
      headers: { Authorization: 'Bearer **omitted**' },
      server: 'https://alpha.example.com',
      authentication: 'api-key',
    });
    expect(r.stdout).not.toContain('0123456789');
  });

  it('shows an OAuth context: client id visible, secret and cookie masked, authentication: oauth', async () => {
    const r = await get(['oauth'], await homeWith(FILE));
    expect(r.stdout).toBe(
      [
        'name: oauth',
        'headers:',
        '  Cookie: **omitted**',
        '  X-Plain: visible',
        'oauth-client-id: client-1',
        'oauth-client-secret: **omitted**',
        'server: https://o.example.com',
        'authentication: oauth',
        '',
      ].join('\n'),
    );
    expect(r.stdout).not.toContain('cookie-value-999');
    expect(r.stdout).not.toContain('oauth-secret-42424242');
  });

  it.each([
    ['cookie', 'headers'],
    ['bare', 'none'],
  ])('authentication of %s is %s; unknown fields are shown', async (name, kind) => {
    const r = await get([name, '--json'], await homeWith(FILE));
    expect(JSON.parse(r.stdout)).toMatchObject({ name, authentication: kind });
    if (name === 'bare')
      expect(JSON.parse(r.stdout)).toEqual({
        name,
        server: 'https://bare.example.com',
        'team-owner': 'data-eng',
        authentication: 'none',
      });
    if (name === 'cookie') expect(r.stdout).not.toContain('session-value-777');
  });

  it('says "No current context" without one (null with --json)', async () => {
    const home = await homeWith('current-context: ""\ncontexts:\n  a:\n    server: https://a.example.com\n');
    expect(await get([], home)).toMatchObject({ code: 0, stdout: 'No current context\n', stderr: '' });
    expect(await get(['--json'], home)).toMatchObject({ code: 0, stdout: 'null\n', stderr: '' });
    // No file at all is the same.
    expect(await get([], await tempHome())).toMatchObject({ code: 0, stdout: 'No current context\n', stderr: '' });
  });

  it('follows json: true in a -c config file', async () => {
    const home = await homeWith(FILE);
    const cfg = join(home, 'cfg.yml');
    await writeFile(cfg, 'json: true\n');
    const r = await get(['bare', '-c', cfg], home);
    expect(JSON.parse(r.stdout)).toMatchObject({ name: 'bare' });
  });

  it('fails for an unknown name, naming the file', async () => {
    const home = await homeWith(FILE);
    expect(await get(['gamma'], home)).toMatchObject({
      code: 1,
      stdout: '',
      stderr: `Error: No context by the name 'gamma' in ${contextsFile(home)}\nHint: the contexts are: alpha, beta, oauth, cookie, bare (qlik context ls)\n`,
    });
  });

  it('fails for more than one name', async () => {
    expect(await get(['a', 'b'], await tempHome())).toMatchObject({
      code: 1,
      stdout: '',
      stderr: 'Error: accepts at most 1 arg(s), received 2\n',
    });
  });

  it('never lets fields named name or authentication in the file stand in for its own lines', async () => {
    const home = await homeWith(
      'contexts:\n  real:\n    name: fake\n    authentication: api-key\n    server: https://r.example.com\n',
    );
    const r = await get(['real'], home);
    expect(r.stdout).toBe('name: real\nserver: https://r.example.com\nauthentication: none\n');
  });
});

// Values a hostile or broken file can hold (#8.6): escape sequences (CSI colour, OSC window title, a clear-screen),
// C1 controls, bidi overrides and isolates, CR, backspace, TAB and LF.
const HOSTILE = String.raw`current-context: "ev\e[31mil\e]0;pwned\a"
contexts:
  "ev\e[31mil\e]0;pwned\a":
    server: "https://x.example.com/\e[2J\x9b6n"
    comment: "\u202Egnp.exe\u2066hidden\u2069 \rover\bX\ttab\nline"
    headers:
      "X-\e[1mBold": "v\e[0m"
`;

describe('context get on hostile values', () => {
  it('strips controls, sequences and bidi characters from human output, and turns TAB/LF into spaces', async () => {
    const r = await get([], await homeWith(HOSTILE));
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toBe(
      [
        'name: evil',
        'server: https://x.example.com/6n',
        'comment: gnp.exehidden overX tab line',
        'headers:',
        '  X-Bold: v',
        'authentication: none',
        '',
      ].join('\n'),
    );
    // eslint-disable-next-line no-control-regex
    expect(r.stdout).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
  });

  it('keeps --json exact: the same characters, as JSON escapes where JSON needs them', async () => {
    const r = await get(['--json'], await homeWith(HOSTILE));
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      name: 'ev\u001b[31mil\u001b]0;pwned\u0007',
      server: 'https://x.example.com/\u001b[2J\u009b6n',
      comment: '\u202egnp.exe\u2066hidden\u2069 \rover\bX\ttab\nline',
      headers: { 'X-\u001b[1mBold': 'v\u001b[0m' },
      authentication: 'none',
    });
    // ESC and the other C0 controls appear only as escapes, never raw.
    // eslint-disable-next-line no-control-regex
    expect(r.stdout.replace(/\n/g, '')).not.toMatch(/[\u0000-\u001f]/);
  });
});
