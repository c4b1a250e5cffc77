// The rest of the api-key group (ls, get, rm, patch, edit, config get|patch|edit) and `user me` / `tenant me`,
// end to end. Keys are minted through the emulator's control API; runs are tagged with X-Test-Run so that the
// concurrent tests each read their own part of the request log.
import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it, type ExpectStatic } from 'vitest';
import { startEmulator, type Emulator, type EmulatorUser } from '../../../../test/kit/emulator.js';
import {
  assertBuilt,
  json,
  lines,
  newTag,
  qlik,
  removeDir,
  requestsTagged,
  tempDir,
  writeContexts,
  type RunOptions,
  type RunResult,
} from './kit.js';

let emu: Emulator;
let home: string;
let files: string;
let lister: EmulatorUser;
let pager: EmulatorUser;

const KEYS = '/api/v1/api-keys';

interface Minted {
  id: string;
  token: string;
  description: string;
}

async function mint(user: EmulatorUser, description: string): Promise<Minted> {
  return emu.control<Minted>('POST', 'keys', { userId: user.id, description });
}

async function addUser(name: string, roles: string[]): Promise<EmulatorUser> {
  return emu.control<EmulatorUser>('POST', 'users', { name, roles });
}

beforeAll(async () => {
  assertBuilt();
  emu = await startEmulator();
  lister = await addUser('lister', ['ManageApiKeys']);
  pager = await addUser('pager', ['ManageApiKeys']);
  home = await tempDir('qlik-e2e-home-');
  await writeContexts(home, emu, [emu.admin, emu.dev, emu.viewer, lister, pager], 'admin');
  files = await tempDir('qlik-e2e-files-');
});
afterAll(async () => {
  await emu.stop();
  await removeDir(home);
  await removeDir(files);
});

type Tagged = RunResult & { tag: string };

async function run(args: string[], o: Partial<RunOptions> = {}): Promise<Tagged> {
  const tag = newTag();
  const r = await qlik([...args, '--headers', `X-Test-Run=${tag}`], { home, ...o });
  return { ...r, tag };
}

async function sent(tag: string): Promise<string[]> {
  return (await requestsTagged(emu, tag)).map(
    (r) => `${r.method} ${r.path.replace(/[0-9a-f-]{36}$/, ':id')} ${r.status}`,
  );
}

function ok(expect: ExpectStatic, r: RunResult): void {
  expect(r.code, `exit ${String(r.code)}; stderr: ${r.stderr}`).toBe(0);
}

/** What the server says about a key (admin view), without links, as the CLI prints it. */
async function serverKey(id: string): Promise<{ status: number; body: Record<string, unknown> | undefined }> {
  const res = await emu.api('GET', `${KEYS}/${id}`);
  if (res.status !== 200) return { status: res.status, body: undefined };
  const rest = { ...(res.body as Record<string, unknown>) };
  delete rest.links;
  return { status: 200, body: rest };
}

let scriptCount = 0;
/** An executable $EDITOR: a shell script that receives the file to edit as $1. */
async function editorScript(body: string): Promise<string> {
  const path = join(files, `editor-${scriptCount++}.sh`);
  await writeFile(path, `#!/bin/sh\nset -e\n${body}\n`);
  await chmod(path, 0o755);
  return path;
}

describe.concurrent('api-key ls', () => {
  it('prints a bare JSON array without links, the same keys the API lists', async ({ expect }) => {
    const user = await addUser('ls-plain', ['ManageApiKeys']);
    for (const d of ['ls one', 'ls two', 'ls three']) await mint(user, d);
    const r = await run(['api-key', 'ls', '--headers', `Authorization=Bearer ${user.apiKey}`]);
    ok(expect, r);
    const items = json(r.stdout) as Record<string, unknown>[];
    expect(Array.isArray(items)).toBe(true);
    expect(r.stdout).toBe(`${JSON.stringify(items, null, 2)}\n`);
    const api = await emu.api('GET', KEYS, { token: user.apiKey });
    const expected = (api.body.data as Record<string, unknown>[]).map((k) =>
      Object.fromEntries(Object.entries(k).filter(([name]) => name !== 'links')),
    );
    expect(items).toEqual(expected);
    expect(items.map((k) => k.description).sort()).toEqual(['ls one', 'ls three', 'ls two', 'qlik-emulator bootstrap']);
    for (const k of items) expect(k).not.toHaveProperty('links');
    expect(await sent(r.tag)).toEqual(['GET /api/v1/api-keys 200']);
  });

  it('passes the filters to the server and prints what it answers', async ({ expect }) => {
    const a = await mint(lister, 'filter b');
    await mint(lister, 'filter a');
    await mint(lister, 'filter c');
    // An admin revokes one of lister's keys.
    expect((await emu.api('DELETE', `${KEYS}/${a.id}`)).status).toBe(204);
    const revoked = await run(['--context', 'lister', 'api-key', 'ls', '--status', 'revoked']);
    ok(expect, revoked);
    expect((json(revoked.stdout) as { id: string }[]).map((k) => k.id)).toEqual([a.id]);
    const [req] = await requestsTagged(emu, revoked.tag);
    expect(req!.query).toEqual({ status: 'revoked' });

    const sorted = await run([
      '--context',
      'lister',
      'api-key',
      'ls',
      '--status',
      'active',
      '--sort',
      '+description',
      '--sub',
      lister.id,
      '--createdByUser',
      lister.id,
    ]);
    ok(expect, sorted);
    const descriptions = (json(sorted.stdout) as { description: string }[]).map((k) => k.description);
    expect(descriptions).toEqual(['filter a', 'filter c', 'qlik-emulator bootstrap']);
    expect(descriptions).not.toContain('filter b');
    expect((await requestsTagged(emu, sorted.tag))[0]!.query).toEqual({
      status: 'active',
      sort: '+description',
      sub: lister.id,
      createdByUser: lister.id,
    });

    const badSort = await run(['--context', 'lister', 'api-key', 'ls', '--sort', 'name']);
    expect(badSort.code).toBe(1);
    expect(badSort.stderr).toMatch(/^Error: invalid argument "name" for "--sort" flag: must be one of /);
    expect(await sent(badSort.tag)).toEqual([]);

    const forbidden = await run(['--context', 'lister', 'api-key', 'ls', '--createdByUser', emu.admin.id]);
    expect(forbidden.code).toBe(1);
    expect(json(forbidden.stderr).errors[0].status).toBe(403);
  });

  it('-q prints the ids one per line; --raw prints the first page as the server sent it, links included', async ({
    expect,
  }) => {
    const user = await addUser('ls-quiet', ['ManageApiKeys']);
    for (let i = 0; i < 3; i++) await mint(user, `quiet ${i}`);
    const auth = ['--headers', `Authorization=Bearer ${user.apiKey}`];
    const [full, quiet, raw] = await Promise.all([
      run(['api-key', 'ls', ...auth]),
      run(['api-key', 'ls', '-q', ...auth]),
      run(['api-key', 'ls', '--raw', '--limit', '2', ...auth]),
    ]);
    for (const r of [full, quiet, raw]) ok(expect, r);
    const ids = (json(full.stdout) as { id: string }[]).map((k) => k.id);
    expect(ids).toHaveLength(4);
    expect(quiet.stdout).toBe(`${ids.join('\n')}\n`);
    expect(quiet.stderr).toBe('');

    const page = json(raw.stdout);
    expect(raw.stdout).toBe(`${JSON.stringify(page)}\n`);
    expect(page.data.map((k: { id: string }) => k.id)).toEqual(ids.slice(0, 2));
    expect(page.links.self.href).toContain('/api/v1/api-keys?');
    expect(page.links.next.href).toContain(`startingAfter=${ids[1]!}`);
    // --raw prints the first page only.
    expect(await sent(raw.tag)).toEqual(['GET /api/v1/api-keys 200']);
  });

  it('follows links.next for --limit above one page: 230 of 250 keys, all distinct', async ({ expect }) => {
    const minted: string[] = [];
    for (let batch = 0; batch < 10; batch++) {
      const keys = await Promise.all(Array.from({ length: 25 }, (_v, i) => mint(pager, `page key ${batch * 25 + i}`)));
      minted.push(...keys.map((k) => k.id));
    }
    const r = await run(['--context', 'pager', 'api-key', 'ls', '--limit', '230', '-q']);
    ok(expect, r);
    const ids = lines(r.stdout);
    expect(ids).toHaveLength(230);
    expect(new Set(ids).size).toBe(230);
    // Newest first: the 230 are all minted keys (the user's older bootstrap key comes last).
    const mintedSet = new Set(minted);
    expect(ids.filter((id) => !mintedSet.has(id))).toEqual([]);
    const requests = await requestsTagged(emu, r.tag);
    expect(requests.map((q) => q.query.limit)).toEqual(['100', '100', '100']);
    expect(requests[1]!.query.startingAfter).toBe(ids[99]);
    expect(requests[2]!.query.startingAfter).toBe(ids[199]);

    // Without --limit, one page of the server's default size.
    const first = await run(['--context', 'pager', 'api-key', 'ls', '-q']);
    ok(expect, first);
    expect(lines(first.stdout)).toEqual(ids.slice(0, 20));
    expect(await sent(first.tag)).toEqual(['GET /api/v1/api-keys 200']);
  });
});

describe.concurrent('api-key get and rm', () => {
  it('get prints the key without links; -q its id; an unknown id is the server 404 body', async ({ expect }) => {
    const k = await mint(emu.dev, 'to get');
    const [full, quiet, missing] = await Promise.all([
      run(['api-key', 'get', k.id]),
      run(['api-key', 'get', k.id, '-q']),
      run(['api-key', 'get', '00000000-0000-4000-8000-00000000dead']),
    ]);
    ok(expect, full);
    const shown = json(full.stdout);
    expect(full.stdout).toBe(`${JSON.stringify(shown, null, 2)}\n`);
    expect(shown).toEqual((await serverKey(k.id)).body);
    expect(shown).not.toHaveProperty('token');
    ok(expect, quiet);
    expect(quiet.stdout).toBe(`${k.id}\n`);
    expect(missing.code).toBe(1);
    expect(missing.stdout).toBe('');
    expect(json(missing.stderr).errors[0].status).toBe(404);
    const args = await run(['api-key', 'get']);
    expect(args.code).toBe(1);
    expect(args.stderr).toBe('Error: accepts 1 arg(s), received 0\n');
  });

  it('rm by the owner deletes the key: nothing on stdout, "deleted" on stderr, then 404', async ({ expect }) => {
    const k = await mint(emu.dev, 'owner removes');
    const r = await run(['--context', 'dev', 'api-key', 'rm', k.id]);
    ok(expect, r);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`API key ${k.id} deleted\n`);
    expect((await serverKey(k.id)).status).toBe(404);
    expect((await sent(r.tag))[0]).toBe('DELETE /api/v1/api-keys/:id 204');
  });

  it("rm by an admin on someone else's key revokes it: the key's token stops working", async ({ expect }) => {
    const k = await mint(emu.dev, 'admin revokes');
    expect((await emu.api('GET', '/api/v1/users/me', { token: k.token })).status).toBe(301);
    const r = await run(['--context', 'admin', 'api-key', 'rm', k.id]);
    ok(expect, r);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`API key ${k.id} revoked\n`);
    expect((await serverKey(k.id)).body).toMatchObject({ status: 'revoked' });
    expect((await emu.api('GET', '/api/v1/users/me', { token: k.token })).status).toBe(401);
  });

  it('rm of an unknown key fails with the server body', async ({ expect }) => {
    const r = await run(['api-key', 'rm', '00000000-0000-4000-8000-00000000beef']);
    expect(r.code).toBe(1);
    expect(json(r.stderr).errors[0].status).toBe(404);
  });
});

describe.concurrent('api-key patch', () => {
  it('applies repeated --op/--path/--value in order and prints nothing', async ({ expect }) => {
    const k = await mint(emu.dev, 'patch me');
    const r = await run([
      'api-key',
      'patch',
      k.id,
      '--op',
      'replace',
      '--path',
      '/description',
      '--value',
      'first',
      '--path',
      '/description',
      '--value',
      'second',
      '-v',
    ]);
    ok(expect, r);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(
      '> [{"op":"replace","path":"/description","value":"first"},{"op":"replace","path":"/description","value":"second"}]\n',
    );
    expect((await serverKey(k.id)).body).toMatchObject({ description: 'second' });
    expect(await sent(r.tag)).toEqual(['PATCH /api/v1/api-keys/:id 204']);
  });

  it('takes the patch from --body, -f FILE and -f -', async ({ expect }) => {
    const [a, b, c] = await Promise.all([mint(emu.dev, 'body'), mint(emu.dev, 'file'), mint(emu.dev, 'stdin')]);
    const file = join(files, 'patch.json');
    await writeFile(file, '[{"op":"replace","path":"/description","value":"from file"}]');
    const results = await Promise.all([
      run(['api-key', 'patch', a.id, '--body', '[{"op":"replace","path":"/description","value":"from body"}]']),
      run(['api-key', 'patch', b.id, '-f', file]),
      run(['api-key', 'patch', c.id, '-f', '-'], {
        stdin: '[{"op":"replace","path":"/description","value":"from stdin"}]',
      }),
    ]);
    for (const r of results) {
      ok(expect, r);
      expect(r.stdout).toBe('');
    }
    expect((await serverKey(a.id)).body).toMatchObject({ description: 'from body' });
    expect((await serverKey(b.id)).body).toMatchObject({ description: 'from file' });
    expect((await serverKey(c.id)).body).toMatchObject({ description: 'from stdin' });
  });

  it('refuses bad patches before sending', async ({ expect }) => {
    const k = await mint(emu.dev, 'unpatched');
    const cases: [string[], string][] = [
      [
        ['--path', '/status', '--value', 'x'],
        'Error: invalid argument "/status" for "--path" flag: must be one of "/description"\n',
      ],
      [
        ['--op', 'add', '--path', '/description', '--value', 'x'],
        'Error: invalid argument "add" for "--op" flag: must be one of "replace"\n',
      ],
      [
        ['--path', '/description'],
        'Error: --path was given 1 time(s) but --value 0 time(s); give one --value per --path\n',
      ],
      [['--body', 'not json'], 'Error: --body: invalid JSON: '],
      [['--body', '{"op":"replace"}'], 'Error: --body: a JSON Patch must be an array of operations\n'],
      [
        ['--body', '[{"op":"remove","path":"/description"}]'],
        'Error: --body: operation 0: op must be one of replace\n',
      ],
      [
        ['--body', '[]', '--path', '/description', '--value', 'x'],
        'Error: use only one of --file, --body, or --op/--path/--value\n',
      ],
      [[], 'Error: required flag(s) "path" not set (or give --file or --body)\n'],
    ];
    const results = await Promise.all(cases.map(([args]) => run(['api-key', 'patch', k.id, ...args])));
    for (const [i, r] of results.entries()) {
      expect(r.code).toBe(1);
      expect(r.stderr.startsWith(cases[i]![1]), r.stderr).toBe(true);
      expect(lines(r.stderr)).toHaveLength(1);
      expect(await sent(r.tag)).toEqual([]);
    }
    expect((await serverKey(k.id)).body).toMatchObject({ description: 'unpatched' });
  });
});

describe.concurrent('api-key edit', () => {
  it('sends a PATCH of what the editor changed', async ({ expect }) => {
    const k = await mint(emu.dev, 'before edit');
    const editor = await editorScript(`sed 's/"before edit"/"after edit"/' "$1" > "$1.new"\nmv "$1.new" "$1"`);
    const r = await run(['api-key', 'edit', k.id, '-v'], { env: { EDITOR: editor } });
    ok(expect, r);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('> [{"op":"replace","path":"/description","value":"after edit"}]\n');
    expect(lines(r.stderr).at(-1)).toBe('Updated description');
    expect((await serverKey(k.id)).body).toMatchObject({ description: 'after edit' });
    expect(await sent(r.tag)).toEqual(['GET /api/v1/api-keys/:id 200', 'PATCH /api/v1/api-keys/:id 204']);
  });

  it('shows the editor only the editable fields, and sends nothing when nothing changed', async ({ expect }) => {
    const k = await mint(emu.dev, 'untouched');
    const seen = join(files, `seen-${k.id}.json`);
    const editor = await editorScript(`cp "$1" "${seen}"`);
    const r = await run(['api-key', 'edit', k.id], { env: { EDITOR: editor } });
    ok(expect, r);
    expect(r.stderr).toBe('Nothing changed\n');
    expect(await sent(r.tag)).toEqual(['GET /api/v1/api-keys/:id 200']);
    const { readFile } = await import('node:fs/promises');
    expect(await readFile(seen, 'utf8')).toBe('{\n  "description": "untouched"\n}\n');
  });

  it('uses $VISUAL before $EDITOR, and changes nothing when the editor fails or writes something unusable', async ({
    expect,
  }) => {
    const k = await mint(emu.dev, 'guarded');
    const failing = await editorScript('exit 3');
    const garbage = await editorScript('echo "{ not json" > "$1"');
    const otherField = await editorScript(`printf '{"description":"guarded","status":"revoked"}' > "$1"`);
    const neverRun = await editorScript('echo ran > /dev/null; exit 9');
    const [a, b, c, d] = await Promise.all([
      run(['api-key', 'edit', k.id], { env: { EDITOR: failing } }),
      run(['api-key', 'edit', k.id], { env: { EDITOR: garbage } }),
      run(['api-key', 'edit', k.id], { env: { EDITOR: otherField } }),
      run(['api-key', 'edit', k.id], { env: { EDITOR: neverRun, VISUAL: 'true' } }),
    ]);
    expect(a.code).toBe(1);
    expect(a.stderr).toBe(`Error: the editor ${JSON.stringify(failing)} exited with code 3; nothing was changed\n`);
    expect(b.code).toBe(1);
    expect(b.stderr).toMatch(/^Error: the edited file is not valid JSON \(.*\); nothing was changed\n$/);
    expect(c.code).toBe(1);
    expect(c.stderr).toBe('Error: field "status" cannot be edited (editable: description); nothing was changed\n');
    ok(expect, d);
    expect(d.stderr).toBe('Nothing changed\n');
    for (const r of [a, b, c, d]) expect(await sent(r.tag)).toEqual(['GET /api/v1/api-keys/:id 200']);
    expect((await serverKey(k.id)).body).toMatchObject({ description: 'guarded', status: 'active' });
  });
});

describe.concurrent('user me and tenant me', () => {
  it('print the caller and the tenant as JSON without links, or their ids with -q', async ({ expect }) => {
    const [user, userQ, tenant, tenantQ] = await Promise.all([
      run(['--context', 'dev', 'user', 'me']),
      run(['--context', 'dev', 'user', 'me', '-q']),
      run(['tenant', 'me']),
      run(['tenant', 'me', '-q']),
    ]);
    for (const r of [user, userQ, tenant, tenantQ]) ok(expect, r);
    const u = json(user.stdout);
    expect(u).toMatchObject({ id: emu.dev.id, name: 'dev', email: emu.dev.email, tenantId: emu.tenantId });
    expect(u).not.toHaveProperty('links');
    expect(userQ.stdout).toBe(`${emu.dev.id}\n`);
    const t = json(tenant.stdout);
    expect(t).toMatchObject({ id: emu.tenantId });
    expect(t).not.toHaveProperty('links');
    expect(tenantQ.stdout).toBe(`${emu.tenantId}\n`);
    expect(await sent(userQ.tag)).toEqual(['GET /api/v1/users/me 301', `GET /api/v1/users/${emu.dev.id} 200`]);
    expect(await sent(tenantQ.tag)).toEqual(['GET /api/v1/tenants/me 302', `GET /api/v1/tenants/${emu.tenantId} 200`]);
  });
});

// The tenant configuration is shared by every test: these run one after the other, after the concurrent ones.
describe('api-key config', () => {
  it('get works with and without the tenant id', async ({ expect }) => {
    const [withId, withoutId] = await Promise.all([
      run(['api-key', 'config', 'get', emu.tenantId]),
      run(['api-key', 'config', 'get']),
    ]);
    ok(expect, withId);
    ok(expect, withoutId);
    const server = (await emu.api('GET', `${KEYS}/configs/${emu.tenantId}`)).body;
    expect(json(withId.stdout)).toEqual(server);
    expect(withoutId.stdout).toBe(withId.stdout);
    expect(await sent(withId.tag)).toEqual([`GET /api/v1/api-keys/configs/${emu.tenantId} 200`]);
    expect(await sent(withoutId.tag)).toEqual([
      'GET /api/v1/tenants/me 302',
      `GET /api/v1/tenants/${emu.tenantId} 200`,
      `GET /api/v1/api-keys/configs/${emu.tenantId} 200`,
    ]);
  });

  it('patch sends a number for --value 10 and a string for --value PT48H, with or without the tenant id', async ({
    expect,
  }) => {
    const count = await run(['api-key', 'config', 'patch', '--path', '/max_keys_per_user', '--value', '10', '-v']);
    ok(expect, count);
    expect(count.stdout).toBe('');
    expect(count.stderr).toContain('> [{"op":"replace","path":"/max_keys_per_user","value":10}]\n');
    const expiry = await run([
      'api-key',
      'config',
      'patch',
      emu.tenantId,
      '--path',
      '/max_api_key_expiry',
      '--value',
      'PT48H',
      '-v',
    ]);
    ok(expect, expiry);
    expect(expiry.stdout).toBe('');
    expect(expiry.stderr).toContain('> [{"op":"replace","path":"/max_api_key_expiry","value":"PT48H"}]\n');
    const config = (await emu.api('GET', `${KEYS}/configs/${emu.tenantId}`)).body;
    expect(config.max_keys_per_user).toBe(10);
    expect(config.max_api_key_expiry).toBe('PT48H');
    expect(await sent(expiry.tag)).toEqual([`PATCH /api/v1/api-keys/configs/${emu.tenantId} 204`]);

    const denied = await run([
      '--context',
      'dev',
      'api-key',
      'config',
      'patch',
      '--path',
      '/max_keys_per_user',
      '--value',
      '3',
    ]);
    expect(denied.code).toBe(1);
    expect(json(denied.stderr).errors[0].status).toBe(403);
    expect((await emu.api('GET', `${KEYS}/configs/${emu.tenantId}`)).body.max_keys_per_user).toBe(10);
  });

  it('edit patches the fields changed in the editor and checks durations first', async ({ expect }) => {
    const editor = await editorScript(
      `sed 's/"max_keys_per_user": [0-9]*/"max_keys_per_user": 7/' "$1" > "$1.new"\nmv "$1.new" "$1"`,
    );
    const r = await run(['api-key', 'config', 'edit', '-v'], { env: { EDITOR: editor } });
    ok(expect, r);
    expect(r.stderr).toContain('> [{"op":"replace","path":"/max_keys_per_user","value":7}]\n');
    expect((await emu.api('GET', `${KEYS}/configs/${emu.tenantId}`)).body.max_keys_per_user).toBe(7);

    const badDuration = await editorScript(
      `sed 's/"max_api_key_expiry": "[^"]*"/"max_api_key_expiry": "7D"/' "$1" > "$1.new"\nmv "$1.new" "$1"`,
    );
    const bad = await run(['api-key', 'config', 'edit', emu.tenantId], { env: { EDITOR: badDuration } });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^Error: edited max_api_key_expiry: expiry "7D": not an ISO 8601 duration/);
    expect((await sent(bad.tag)).filter((s) => s.startsWith('PATCH'))).toEqual([]);
    expect((await emu.api('GET', `${KEYS}/configs/${emu.tenantId}`)).body.max_api_key_expiry).not.toBe('7D');
  });
});
