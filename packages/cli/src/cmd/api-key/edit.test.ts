// qlik api-key edit: GET, the editable fields in $EDITOR (a real child process), a PATCH of what changed; guards that
// change nothing; and interrupts: the editor is ended, the temporary directory removed, nothing sent.
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { empty, json } from '../../../../../test/kit/httpmock.js';
import { homeWithContext } from '../../../../../test/kit/run.js';
import { alive } from '../../../../../test/kit/process.mjs';
import {
  editorScript,
  keyRecord,
  runStubbed,
  scratchDir,
  sent,
  SERVER,
  waitingEditor,
} from '../../../../../test/kit/verb.js';
import { CancelledError } from '../../errors/errors.js';

const PATH = '/api/v1/api-keys/k1';
const KEY = keyRecord('k1', { description: 'before edit' });
const toAfter = `sed 's/"before edit"/"after edit"/' "$1" > "$1.new"\nmv "$1.new" "$1"`;

describe('api-key edit: the edit → the PATCH sent', () => {
  it('sends a PATCH of what the editor changed; the empty answer prints its status line', async () => {
    const editor = await editorScript(toAfter);
    const r = await runStubbed(
      ['api-key', 'edit', 'k1'],
      (reg) => {
        reg.register('GET', PATH, json(200, KEY));
        reg.register('PATCH', PATH, empty(204));
      },
      { env: { EDITOR: editor } },
    );
    expect(r).toMatchObject({ code: 0, stdout: '204 No Content\n', stderr: 'Updated description\n' });
    expect(r.requests.map(sent)).toEqual([
      { method: 'GET', path: PATH, body: undefined },
      { method: 'PATCH', path: PATH, body: [{ op: 'replace', path: '/description', value: 'after edit' }] },
    ]);
  });

  it.each([
    ['--json', `${JSON.stringify({ status: 204, title: 'No Content' }, null, 2)}\n`],
    ['-q', ''],
  ])('%s', async (flag, stdout) => {
    const editor = await editorScript(toAfter);
    const r = await runStubbed(
      ['api-key', 'edit', 'k1', flag],
      (reg) => {
        reg.register('GET', PATH, json(200, KEY));
        reg.register('PATCH', PATH, empty(204));
      },
      { env: { EDITOR: editor } },
    );
    expect(r).toMatchObject({ code: 0, stdout, stderr: 'Updated description\n' });
  });

  it('shows the editor only the editable fields, and sends nothing when nothing changed', async () => {
    const seen = join(await scratchDir(), 'seen.json');
    const editor = await editorScript(`cp "$1" "${seen}"`);
    const r = await runStubbed(['api-key', 'edit', 'k1'], (reg) => reg.register('GET', PATH, json(200, KEY)), {
      env: { EDITOR: editor },
    });
    expect(r).toMatchObject({ code: 0, stdout: '', stderr: 'Nothing changed\n' });
    expect(await readFile(seen, 'utf8')).toBe('{\n  "description": "before edit"\n}\n');
  });

  it('uses $VISUAL before $EDITOR, and an editor command with arguments or a variable assignment', async () => {
    const never = await editorScript('exit 9');
    const plain = await editorScript(toAfter);
    const withArg = await editorScript(`test "$1" = --wait\nshift\n${toAfter}`);
    const withVar = await editorScript(`test "$QLIK_EDIT_TEST" = yes\n${toAfter}`);
    for (const env of [
      { EDITOR: never, VISUAL: plain },
      { EDITOR: `${withArg} --wait` },
      { EDITOR: `QLIK_EDIT_TEST=yes ${withVar}` },
    ]) {
      const r = await runStubbed(
        ['api-key', 'edit', 'k1'],
        (reg) => {
          reg.register('GET', PATH, json(200, KEY));
          reg.register('PATCH', PATH, empty(204));
        },
        { env },
      );
      expect(r.code, r.stderr).toBe(0);
    }
  });

  it('takes --retry from a -c config file, like every other verb', async () => {
    const home = await homeWithContext(SERVER);
    const cfg = join(home, 'qlik.yml');
    await writeFile(cfg, 'retry: 1\n');
    const editor = await editorScript('true');
    const r = await runStubbed(
      ['api-key', 'edit', 'k1', '-c', cfg],
      (reg) => {
        reg.register('GET', PATH, json(503, {}));
        reg.register('GET', PATH, json(200, KEY));
      },
      { home, env: { EDITOR: editor } },
    );
    expect(r).toMatchObject({
      code: 0,
      stderr: 'Server error (503 Service Unavailable); retrying in 1 s (1/1)\nNothing changed\n',
    });
  });
});

describe('api-key edit: edits that change nothing', () => {
  it.each([
    [
      'an editor that fails',
      'exit 3',
      (e: string) => `Error: the editor ${JSON.stringify(e)} exited with code 3; nothing was changed\n`,
    ],
    [
      'a file that is not JSON',
      'echo "{ not json" > "$1"',
      () => /^Error: the edited file is not valid JSON \(at .+\); nothing was changed\n$/,
    ],
    [
      'a JSON value that is not an object',
      `echo '[1]' > "$1"`,
      () => 'Error: the edited file must hold one JSON object; nothing was changed\n',
    ],
    [
      'a field that cannot be edited',
      `printf '{"description":"before edit","status":"revoked"}' > "$1"`,
      () => 'Error: field "status" cannot be edited (editable: description); nothing was changed\n',
    ],
  ])('%s: one error line, only the GET', async (_name, body, error) => {
    const editor = await editorScript(body);
    const r = await runStubbed(['api-key', 'edit', 'k1'], (reg) => reg.register('GET', PATH, json(200, KEY)), {
      env: { EDITOR: editor },
    });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    const want = error(editor);
    if (typeof want === 'string') expect(r.stderr).toBe(want);
    else expect(r.stderr).toMatch(want);
  });

  it('an unknown key: the server body, no editor', async () => {
    const editor = await editorScript('exit 9');
    const r = await runStubbed(
      ['api-key', 'edit', 'k1'],
      (reg) => reg.register('GET', PATH, json(404, { errors: [{ status: 404 }] })),
      { env: { EDITOR: editor } },
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('Error: 404 Not Found\nHint: list the ids of your keys with: qlik api-key ls -q\n');
  });

  it('no argument: the error, no request', async () => {
    const r = await runStubbed(['api-key', 'edit']);
    expect(r).toMatchObject({ code: 1, stderr: 'Error: accepts 1 arg(s), received 0\n', requests: [] });
  });
});

describe('api-key edit: interrupted while the editor runs', () => {
  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
    ['SIGHUP', 129],
  ] as const)(
    '%s: the editor is ended, the temporary directory removed, nothing sent, exit %i',
    async (signal, code) => {
      const { editor, started } = await waitingEditor();
      const interrupt = new AbortController();
      // Only the GET is registered: a PATCH would fail the run's verify().
      const run = runStubbed(['api-key', 'edit', 'k1'], (reg) => reg.register('GET', PATH, json(200, KEY)), {
        env: { EDITOR: editor },
        signal: interrupt.signal,
      });
      const { pid, file } = await started();
      expect(alive(pid)).toBe(true);
      expect(existsSync(file)).toBe(true);
      interrupt.abort(new CancelledError(signal));
      const r = await run;
      expect(r).toMatchObject({ code, stdout: '', stderr: `Error: interrupted by ${signal}\n` });
      expect(alive(pid)).toBe(false);
      expect(existsSync(dirname(file))).toBe(false);
      expect(r.requests.map((q) => q.method)).toEqual(['GET']);
    },
  );

  it('an editor that ignores SIGTERM is killed after a grace period', async () => {
    const { editor, started } = await waitingEditor("trap '' TERM");
    const interrupt = new AbortController();
    const run = runStubbed(['api-key', 'edit', 'k1'], (reg) => reg.register('GET', PATH, json(200, KEY)), {
      env: { EDITOR: editor },
      signal: interrupt.signal,
    });
    const { pid, file } = await started();
    const t0 = performance.now();
    interrupt.abort(new CancelledError('SIGTERM'));
    const r = await run;
    expect(performance.now() - t0).toBeGreaterThanOrEqual(950);
    expect(r).toMatchObject({ code: 143, stdout: '' });
    expect(alive(pid)).toBe(false);
    expect(existsSync(dirname(file))).toBe(false);
  });
});
