// `qlik context update`, in process: only the given fields change; pflag booleans; secrets from stdin; an API key
// and an OAuth client replace each other (and stderr says so); bad input writes nothing.
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import type { RunResult } from '../../../../../test/kit/run.js';
import { contextsFile, homeWith, runContext, saved } from './test/kit.js';

async function ctxOf(home: string, name: string): Promise<Record<string, unknown> | undefined> {
  return (await saved(home)).contexts?.[name];
}

const update = (args: string[], opts: { home: string; stdin?: string }): Promise<RunResult> =>
  runContext(['update', ...args], opts);

const PLAIN =
  'current-context: c1\ncontexts:\n  c1:\n    comment: first\n    headers:\n      X-A: "1"\n    server: https://one.example.com\n';
const API_KEY =
  'contexts:\n  k:\n    comment: keep\n    headers:\n      Authorization: Bearer old-key-0123456789\n      X-Team: blue\n    server: https://k.example.com\n';
const OAUTH =
  'contexts:\n  o:\n    oauth-client-id: client-1\n    oauth-client-secret: old-secret-0123456789\n    oauth-scope: user_default\n    server: https://o.example.com\n';

describe('context update', () => {
  it('changes only the given fields and merges headers', async () => {
    const home = await homeWith(PLAIN);
    const r = await update(['c1', '--comment', 'second', '--headers', 'X-B=2'], { home });
    expect(r).toMatchObject({ code: 0, stdout: '', stderr: "Context 'c1' updated\n" });
    expect(await ctxOf(home, 'c1')).toEqual({
      server: 'https://one.example.com',
      comment: 'second',
      headers: { 'X-A': '1', 'X-B': '2' },
    });
  });

  it('sets server, server-type and insecure from the global flags', async () => {
    const home = await homeWith(PLAIN);
    expect(
      (await update(['c1', '--server', 'two.example.com/base/', '--server-type', 'Windows', '--insecure'], { home }))
        .code,
    ).toBe(0);
    expect(await ctxOf(home, 'c1')).toMatchObject({
      server: 'https://two.example.com/base',
      'server-type': 'windows',
      insecure: true,
    });
  });

  // pflag's boolean syntax: `--insecure=false` is the way back after `create --insecure` (#10.3).
  it.each([
    ['--insecure=false', false],
    ['--insecure=0', false],
    ['--insecure=f', false],
    ['--insecure=FALSE', false],
    ['--insecure', true],
    ['--insecure=true', true],
    ['--insecure=T', true],
  ])('%s stores insecure: %s', async (flag, want) => {
    const home = await homeWith('contexts:\n  s:\n    insecure: true\n    server: https://s.example.com\n');
    if (!want) {
      expect((await update(['s', flag], { home })).code).toBe(0);
      expect(await ctxOf(home, 's')).toEqual({ server: 'https://s.example.com', insecure: false });
      return;
    }
    expect((await update(['s', '--insecure=false'], { home })).code).toBe(0);
    expect((await update(['s', flag], { home })).code).toBe(0);
    expect(await ctxOf(home, 's')).toEqual({ server: 'https://s.example.com', insecure: true });
  });

  it('--insecure=false is written as a YAML boolean that Qlik’s CLI reads back', async () => {
    const home = await homeWith('contexts:\n  s:\n    insecure: true\n    server: https://s.example.com\n');
    await update(['s', '--insecure=false'], { home });
    expect(await readFile(contextsFile(home), 'utf8')).toBe(
      'contexts:\n  s:\n    insecure: false\n    server: https://s.example.com\n',
    );
  });

  it('--api-key - rotates the key from stdin; empty stdin fails and keeps the old key', async () => {
    const home = await homeWith(API_KEY);
    const r = await update(['k', '--api-key', '-'], { home, stdin: 'rotated-key-from-stdin-987654321\n' });
    expect(r).toMatchObject({ code: 0, stdout: '', stderr: "Context 'k' updated\n" });
    expect(await ctxOf(home, 'k')).toEqual({
      comment: 'keep',
      server: 'https://k.example.com',
      headers: { Authorization: 'Bearer rotated-key-from-stdin-987654321', 'X-Team': 'blue' },
    });
    const before = await readFile(contextsFile(home), 'utf8');
    const empty = await update(['k', '--api-key', '-'], { home, stdin: '  \n' });
    expect(empty).toMatchObject({ code: 1, stdout: '', stderr: 'Error: --api-key -: stdin was empty\n' });
    expect(await readFile(contextsFile(home), 'utf8')).toBe(before);
  });

  it('an OAuth client replaces the API key (other headers stay) and says so', async () => {
    const home = await homeWith(API_KEY);
    const r = await update(['k', '--oauth-client-id', 'client-9', '--oauth-client-secret', '-'], {
      home,
      stdin: 'new-secret-0123456789',
    });
    expect(r).toMatchObject({
      code: 0,
      stdout: '',
      stderr:
        "Context 'k': removed the API key (the Authorization header); the context now uses the OAuth client\nContext 'k' updated\n",
    });
    expect(await ctxOf(home, 'k')).toEqual({
      comment: 'keep',
      server: 'https://k.example.com',
      headers: { 'X-Team': 'blue' },
      'oauth-client-id': 'client-9',
      'oauth-client-secret': 'new-secret-0123456789',
    });
    expect(r.stderr).not.toContain('new-secret');
  });

  it('removes the headers map when the API key was its only header', async () => {
    const home = await homeWith(
      'contexts:\n  k:\n    headers:\n      authorization: Bearer only-0123456789\n    server: https://k.example.com\n',
    );
    const r = await update(['k', '--oauth-client-id', 'c', '--oauth-client-secret', '-'], { home, stdin: 's\n' });
    expect(r.stderr).toBe(
      "Context 'k': removed the API key (the authorization header); the context now uses the OAuth client\nContext 'k' updated\n",
    );
    expect(await ctxOf(home, 'k')).toEqual({
      server: 'https://k.example.com',
      'oauth-client-id': 'c',
      'oauth-client-secret': 's',
    });
  });

  it('an API key replaces the OAuth client (id, secret and scope) and says so', async () => {
    const home = await homeWith(OAUTH);
    const r = await update(['o', '--api-key', 'fresh-key-0123456789'], { home });
    expect(r).toMatchObject({
      code: 0,
      stdout: '',
      stderr:
        "Context 'o': removed the OAuth client (oauth-client-id, oauth-client-secret, oauth-scope); the context now uses the API key\nContext 'o' updated\n" +
        'Warning: --api-key on the command line can be read from the process list and shell history; pipe the secret in with --api-key - instead\n',
    });
    expect(await ctxOf(home, 'o')).toEqual({
      server: 'https://o.example.com',
      headers: { Authorization: 'Bearer fresh-key-0123456789' },
    });
  });

  it('an Authorization header given with --headers counts as an API key too', async () => {
    const home = await homeWith(OAUTH);
    const r = await update(['o', '--headers', 'Authorization=Bearer via-headers-0123'], { home });
    expect(r.stderr).toContain("Context 'o': removed the OAuth client");
    expect(await ctxOf(home, 'o')).toEqual({
      server: 'https://o.example.com',
      headers: { Authorization: 'Bearer via-headers-0123' },
    });
  });

  it('rotating the OAuth secret (or setting the scope) keeps the client and says nothing extra', async () => {
    const home = await homeWith(OAUTH);
    const r = await update(['o', '--oauth-client-secret', '-', '--oauth-scope', 'admin_classic'], {
      home,
      stdin: 'rotated-secret-1234',
    });
    expect(r.stderr).toBe("Context 'o' updated\n");
    expect(await ctxOf(home, 'o')).toEqual({
      server: 'https://o.example.com',
      'oauth-client-id': 'client-1',
      'oauth-client-secret': 'rotated-secret-1234',
      'oauth-scope': 'admin_classic',
    });
  });

  it.each<[string, string, string[], string]>([
    [
      'an unknown context',
      PLAIN,
      ['nope', '--comment', 'x'],
      "No context by the name 'nope'\nHint: the contexts are: c1 (qlik context ls)",
    ],
    [
      'a misspelt context',
      PLAIN,
      ['c2', '--comment', 'x'],
      "No context by the name 'c2'\nHint: did you mean 'c1'? qlik context update c1 (with the same flags)",
    ],
    [
      'a bad boolean',
      PLAIN,
      ['c1', '--insecure=maybe'],
      'invalid argument "maybe" for "--insecure" flag: strconv.ParseBool: parsing "maybe": invalid syntax',
    ],
    [
      'a bad server',
      PLAIN,
      ['c1', '--server', 'ftp://x'],
      '--server: unsupported scheme "ftp" in "ftp://x" (use https:// or http://)',
    ],
    [
      'both kinds at once',
      API_KEY,
      ['k', '--api-key', 'a-1', '--oauth-client-id', 'c'],
      '--api-key and --oauth-client-id/--oauth-client-secret cannot be used together: a context uses an API key or an OAuth client, not both',
    ],
    [
      'a secret for a context without a client id',
      API_KEY,
      ['k', '--oauth-client-secret', 's'],
      "--oauth-client-secret: context 'k' has no OAuth client id; give --oauth-client-id too",
    ],
    [
      'a scope for a context without a client id',
      PLAIN,
      ['c1', '--oauth-scope', 'x'],
      "--oauth-scope: context 'c1' has no OAuth client id; give --oauth-client-id too",
    ],
    ['no name', PLAIN, [], 'accepts 1 arg(s), received 0'],
  ])('fails for %s and leaves the file as it was', async (_what, yaml, args, message) => {
    const home = await homeWith(yaml);
    const r = await update(args, { home });
    expect(r).toMatchObject({ code: 1, stdout: '', stderr: `Error: ${message}\n` });
    expect(await readFile(contextsFile(home), 'utf8')).toBe(yaml);
  });
});
