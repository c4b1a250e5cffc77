// qlik api-key audit, in-process against the emulator: keys joined with owners, the findings (expired, expiring,
// owner disabled, this CLI's leftovers older than 10 minutes), table / JSON / CSV, exit 0 or 3, and --fix deleting
// only this CLI's own leftovers.
import { beforeEach, describe, expect, it } from 'vitest';
import { useEmulator } from '../../../../../test/kit/emulator.js';
import { homeWithContext, runQlik } from '../../../../../test/kit/run.js';

const emu = useEmulator();
let admin: string;
beforeEach(async () => {
  admin = await homeWithContext(emu.url, { apiKey: emu.admin.apiKey });
});

async function key(token: string, description: string, expiry = 'PT20H'): Promise<string> {
  const r = await emu.call('POST', '/api/v1/api-keys', { token, body: { description, expiry } });
  expect(r.status).toBe(201);
  return r.body.id as string;
}

interface AuditRow {
  id: string;
  ownerName: string;
  ownerStatus: string;
  findings: string[];
}

describe('api-key audit', () => {
  it('clean tenant: exit 0; then findings: exit 3 with each kind named', async () => {
    const clean = await runQlik(['api-key', 'audit', '--within', 'PT1H', '--json'], { home: admin });
    expect(clean.code, clean.stderr).toBe(0);
    await emu.setConfig({ max_keys_per_user: 10 });
    const orphan = await key(emu.dev.apiKey, 'ci [qlik-cli:rot.AAAAAAAA]');
    const leftover = await key(emu.dev.apiKey, 'job [qlik-cli:exec.BBBBBBBB]');
    const young = await key(emu.dev.apiKey, 'job [qlik-cli:exec.CCCCCCCC]', 'PT20H');
    const short = await key(emu.dev.apiKey, 'short', 'PT30M');
    const u = await emu.addUser({
      name: 'Gone Away',
      email: 'gone@example.com',
      roles: ['Developer'],
      status: 'disabled',
    });
    const made = await emu.call('POST', '/api/v1/api-keys', {
      as: emu.admin,
      body: { description: 'theirs', sub: u.id, expiry: 'PT20H' },
    });
    const theirs = made.body.id as string;
    // Eleven minutes later (the added user's own key counts too: its owner is disabled); young2 is made now.
    await emu.setTime({ offsetMs: 11 * 60_000 });
    const young2 = await key(emu.dev.apiKey, 'job [qlik-cli:exec.DDDDDDDD]');
    const r = await runQlik(['api-key', 'audit', '--within', 'PT1H', '--json'], { home: admin });
    expect(r.code, r.stderr).toBe(3);
    const out = JSON.parse(r.stdout) as { keys: AuditRow[]; found: number };
    const byId = new Map(out.keys.map((k) => [k.id, k]));
    expect(byId.get(orphan)!.findings).toEqual(['orphan']);
    expect(byId.get(leftover)!.findings).toEqual(['exec-leftover']);
    expect(byId.get(young2)!.findings).toEqual([]);
    expect(byId.get(young)!.findings).toEqual(['exec-leftover']);
    expect(byId.get(short)!.findings).toEqual(['expiring']);
    expect(byId.get(theirs)).toMatchObject({
      ownerName: 'Gone Away',
      ownerStatus: 'disabled',
      findings: ['owner-disabled'],
    });
    expect(r.stderr).toMatch(/^\d+ API keys, 6 need attention\n$/);

    // --fix deletes only this CLI's tagged leftovers older than 10 minutes, and lists them.
    const fix = await runQlik(['api-key', 'audit', '--within', 'PT1H', '--fix'], { home: admin });
    expect(fix.code).toBe(3);
    for (const id of [orphan, leftover, young])
      expect(fix.stderr).toContain(`Deleted API key ${id}: left behind by this CLI`);
    for (const id of [orphan, leftover, young])
      expect((await emu.call('GET', `/api/v1/api-keys/${id}`, { as: emu.admin })).body.status).not.toBe('active');
    for (const id of [short, theirs, young2])
      expect((await emu.call('GET', `/api/v1/api-keys/${id}`, { as: emu.admin })).body.status).toBe('active');
  });

  it('--csv: a header and one line per key; a table on a terminal', async () => {
    await key(emu.dev.apiKey, 'a, "quoted" one');
    const r = await runQlik(['api-key', 'audit', '--csv'], { home: admin });
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe(
      'id,description,subType,owner,ownerName,ownerEmail,ownerStatus,idp,status,created,expiry,findings',
    );
    expect(r.stdout).toContain('"a, ""quoted"" one"');
    const t = await runQlik(['api-key', 'audit'], { home: admin, stdoutTTY: true });
    expect(t.stdout.split('\n')[0]).toMatch(/^id +owner +email +owner status +idp +status +expiry +findings$/);
  });

  it('bad input: one line, no request', async () => {
    const r = await runQlik(['api-key', 'audit', '--within', 'week'], { home: admin });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^Error: invalid argument "week" for "--within" flag/);
    const r2 = await runQlik(['api-key', 'audit', '--csv', '--json'], { home: admin });
    expect(r2.stderr).toBe('{"error":"--csv and --json cannot be used together"}\n');
  });

  it('a non-admin gets the server error', async () => {
    const dev = await homeWithContext(emu.url, { apiKey: emu.dev.apiKey });
    const r = await runQlik(['api-key', 'audit'], { home: dev });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      "Error: 'qlik api-key audit' needs the TenantAdmin role: it reads every API key and user of the tenant\n",
    );
  });
});
