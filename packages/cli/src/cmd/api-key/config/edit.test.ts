// qlik api-key config edit: the three fields in $EDITOR, a PATCH of what changed, values checked before sending, and
// an interrupt that sends nothing.
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { empty, json } from '../../../../../../test/kit/httpmock.js';
import { alive } from '../../../../../../test/kit/process.mjs';
import {
  currentTenant,
  editorScript,
  lines,
  runStubbed,
  sent,
  waitingEditor,
} from '../../../../../../test/kit/verb.js';
import { CancelledError } from '../../../errors/errors.js';

const CONFIG_PATH = '/api/v1/api-keys/configs/t1';
const CONFIG = { max_api_key_expiry: 'PT24H', max_keys_per_user: 5, scim_externalClient_expiry: 'P365D' };
const sedField = (from: string, to: string) => `sed 's/${from}/${to}/' "$1" > "$1.new"\nmv "$1.new" "$1"`;

describe('api-key config edit', () => {
  it('without the tenant id: the current tenant, then a PATCH of the changed field', async () => {
    const editor = await editorScript(sedField('"max_keys_per_user": 5', '"max_keys_per_user": 7'));
    const r = await runStubbed(
      ['api-key', 'config', 'edit'],
      (reg) => {
        currentTenant(reg);
        reg.register('GET', CONFIG_PATH, json(200, CONFIG));
        reg.register('PATCH', CONFIG_PATH, empty(204));
      },
      { env: { EDITOR: editor } },
    );
    expect(r).toMatchObject({ code: 0, stdout: '204 No Content\n', stderr: 'Updated max_keys_per_user\n' });
    expect(r.requests.map(sent).at(-1)).toEqual({
      method: 'PATCH',
      path: CONFIG_PATH,
      body: [{ op: 'replace', path: '/max_keys_per_user', value: 7 }],
    });
  });

  it('with the tenant id: no tenant lookup; two changed fields, two operations', async () => {
    const editor = await editorScript(`${sedField('"PT24H"', '"PT48H"')}\n${sedField('"P365D"', '"P30D"')}`);
    const r = await runStubbed(
      ['api-key', 'config', 'edit', 't1'],
      (reg) => {
        reg.register('GET', CONFIG_PATH, json(200, CONFIG));
        reg.register('PATCH', CONFIG_PATH, empty(204));
      },
      { env: { EDITOR: editor } },
    );
    expect(r).toMatchObject({ code: 0, stderr: 'Updated max_api_key_expiry, scim_externalClient_expiry\n' });
    expect(r.requests.map(sent).at(-1)?.body).toEqual([
      { op: 'replace', path: '/max_api_key_expiry', value: 'PT48H' },
      { op: 'replace', path: '/scim_externalClient_expiry', value: 'P30D' },
    ]);
  });

  it.each([
    [
      'a duration that is not ISO 8601',
      sedField('"PT24H"', '"7D"'),
      /^Error: edited max_api_key_expiry: expiry "7D": not an ISO 8601 duration/,
    ],
    [
      'a negative duration',
      sedField('"P365D"', '"-P1D"'),
      /^Error: edited scim_externalClient_expiry: expiry "-P1D": the duration must be positive/,
    ],
    [
      'a count that is not a whole number',
      sedField('"max_keys_per_user": 5', '"max_keys_per_user": 2.5'),
      /^Error: max_keys_per_user must be a whole number; nothing was changed$/,
    ],
  ])('%s: one error line, no PATCH', async (_name, script, error) => {
    const editor = await editorScript(script);
    const r = await runStubbed(
      ['api-key', 'config', 'edit', 't1'],
      (reg) => reg.register('GET', CONFIG_PATH, json(200, CONFIG)),
      { env: { EDITOR: editor } },
    );
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(lines(r.stderr)).toHaveLength(1);
    expect(lines(r.stderr)[0]).toMatch(error);
  });

  it('SIGTERM while the editor runs: the editor is ended, the temporary directory removed, nothing sent, exit 143', async () => {
    const { editor, started } = await waitingEditor();
    const interrupt = new AbortController();
    const run = runStubbed(
      ['api-key', 'config', 'edit', 't1'],
      (reg) => reg.register('GET', CONFIG_PATH, json(200, CONFIG)),
      {
        env: { EDITOR: editor },
        signal: interrupt.signal,
      },
    );
    const { pid, file } = await started();
    interrupt.abort(new CancelledError('SIGTERM'));
    const r = await run;
    expect(r).toMatchObject({ code: 143, stdout: '', stderr: 'Error: interrupted by SIGTERM\n' });
    expect(alive(pid)).toBe(false);
    expect(existsSync(dirname(file))).toBe(false);
    expect(r.requests.map((q) => q.method)).toEqual(['GET']);
  });
});
