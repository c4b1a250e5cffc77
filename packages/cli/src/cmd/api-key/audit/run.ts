// `qlik api-key audit`: every key of the tenant joined with its owner; findings; --fix for this CLI's own leftovers.
import type { Factory } from '../../../cmdutil/factory.js';
import { CliError, HttpError, SilentError } from '../../../errors/errors.js';
import type { HttpClient, RetryPolicy } from '../../../http/client.js';
import { printJson, printTable } from '../../../iostreams/print.js';
import {
  deleteKey,
  execRecords,
  getJson,
  listAllPages,
  ownerAlive,
  parseRunTag,
  TAG_MARK,
  type ApiKey,
} from '../shared/keys.js';

export interface AuditOptions {
  within: string;
  csv: boolean;
  fix: boolean;
  policy: RetryPolicy;
}

interface User {
  id: string;
  name?: string;
  email?: string;
  status?: string;
}

interface Row {
  id: string;
  description: string;
  subType: string;
  owner: string;
  ownerName: string;
  ownerEmail: string;
  ownerStatus: string;
  idp: string;
  status: string;
  created: string;
  expiry: string;
  findings: string[];
}

/** Ten minutes: a tagged key younger than this may belong to a run still going. */
const LEFTOVER_AGE_MS = 10 * 60_000;

/** The server's clock (its Date header), so that an audit judges expiry as the server does. */
async function serverNow(http: HttpClient, policy: RetryPolicy): Promise<number> {
  const res = await http.send({ method: 'GET', path: '/api/v1/api-keys?limit=1' }, policy);
  if (res.status !== 200) throw HttpError.fromResponse(res);
  const t = Date.parse(res.headers.date ?? '');
  return Number.isNaN(t) ? Date.now() : t;
}

async function withinMs(d: string, now: number): Promise<number> {
  const { Temporal } = await import('temporal-polyfill');
  return Temporal.Duration.from(d).total({
    unit: 'milliseconds',
    relativeTo: Temporal.Instant.fromEpochMilliseconds(now).toZonedDateTimeISO('UTC'),
  });
}

function csvField(v: string): string {
  return /[",\r\n]/.test(v) || /^[=+\-@]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

export async function runAudit(f: Factory, o: AuditOptions): Promise<void> {
  const http = await f.httpClient();
  const p = o.policy;
  const caller = await getJson<{ roles?: unknown; assignedRoles?: unknown }>(http, '/api/v1/users/me', p);
  const list = (v: unknown): unknown[] => (Array.isArray(v) ? (v as unknown[]) : []);
  const roles = [...list(caller.roles), ...list(caller.assignedRoles).map((r) => (r as { name?: unknown }).name)];
  if (!roles.includes('TenantAdmin'))
    throw new CliError(
      "'qlik api-key audit' needs the TenantAdmin role: it reads every API key and user of the tenant",
    );
  const now = await serverNow(http, p);
  const soon = now + (await withinMs(o.within, now));
  const keys = await listAllPages<ApiKey>(http, '/api/v1/api-keys?limit=100', p);
  const users = new Map<string, User>();
  for (const u of await listAllPages<User>(
    http,
    '/api/v1/users?limit=100&status=active,invited,disabled,deleted,provisioned',
    p,
  ))
    users.set(u.id, u);
  const live = new Set(
    execRecords(f.contextsPath())
      .filter((r) => ownerAlive(r.record))
      .map((r) => r.record.nonce),
  );

  const rows: Row[] = [];
  const leftovers: Row[] = [];
  for (const k of keys) {
    const subType = k.subType ?? 'user';
    const scim = subType === 'externalClient';
    const ownerId = scim ? (k.createdByUser ?? '') : (k.sub ?? '');
    const u = users.get(ownerId);
    const findings: string[] = [];
    const expiry = Date.parse(k.expiry ?? '');
    const active = (k.status ?? 'active') === 'active';
    if (k.status === 'expired' || (!Number.isNaN(expiry) && expiry <= now)) findings.push('expired');
    else if (active && !Number.isNaN(expiry) && expiry <= soon) findings.push('expiring');
    if (active && !scim && (u === undefined || u.status === 'deleted')) findings.push('owner-deleted');
    else if (active && !scim && u?.status === 'disabled') findings.push('owner-disabled');
    const tag = parseRunTag(k.description);
    const age = now - Date.parse(k.created ?? '');
    const tagged = (k.description ?? '').includes(TAG_MARK);
    const old = !Number.isNaN(age) && age > LEFTOVER_AGE_MS;
    let leftover = false;
    // An expired leftover still exists (and counts in listings): it is removed too; a revoked one is already gone.
    const present = active || findings.includes('expired');
    if (present && tagged && old && !(tag !== undefined && live.has(tag.nonce))) {
      findings.push(tag?.kind === 'exec' ? 'exec-leftover' : 'orphan');
      leftover = true;
    }
    const row: Row = {
      id: k.id,
      description: k.description ?? '',
      subType,
      owner: ownerId,
      ownerName: u?.name ?? '',
      ownerEmail: u?.email ?? '',
      ownerStatus: u?.status ?? (scim ? '' : 'deleted'),
      idp: scim ? (k.sub ?? '').replace(/^SCIM\\+/, '') : '',
      status: k.status ?? '',
      created: k.created ?? '',
      expiry: k.expiry ?? '',
      findings,
    };
    rows.push(row);
    if (leftover) leftovers.push(row);
  }

  const removed: string[] = [];
  if (o.fix) {
    for (const r of leftovers) {
      await deleteKey(http, r.id, p);
      removed.push(r.id);
      r.findings.push('removed');
    }
  }
  const found = rows.filter((r) => r.findings.length > 0);
  if (await f.jsonMode()) {
    await printJson(f.io, { keys: rows, found: found.length, ...(o.fix ? { removed } : {}) });
  } else if (o.csv) {
    const header = [
      'id',
      'description',
      'subType',
      'owner',
      'ownerName',
      'ownerEmail',
      'ownerStatus',
      'idp',
      'status',
      'created',
      'expiry',
      'findings',
    ];
    const lines = rows.map((r) =>
      [
        r.id,
        r.description,
        r.subType,
        r.owner,
        r.ownerName,
        r.ownerEmail,
        r.ownerStatus,
        r.idp,
        r.status,
        r.created,
        r.expiry,
        r.findings.join(' '),
      ]
        .map(csvField)
        .join(','),
    );
    await f.io.printHuman(`${[header.join(','), ...lines].join('\n')}\n`);
  } else {
    await printTable(
      f.io,
      ['id', 'owner', 'email', 'owner status', 'idp', 'status', 'expiry', 'findings'],
      rows.map((r) => [
        r.id,
        r.ownerName || r.owner,
        r.ownerEmail,
        r.ownerStatus,
        r.idp,
        r.status,
        r.expiry,
        r.findings.join(' '),
      ]),
    );
  }
  for (const id of removed) f.io.warn(`Deleted API key ${id}: left behind by this CLI`);
  f.io.warn(`${rows.length} API keys, ${found.length} need attention${o.fix ? `, ${removed.length} deleted` : ''}`);
  if (
    found.length > 0 &&
    !(o.fix && found.every((r) => r.findings.every((x) => ['orphan', 'exec-leftover', 'removed'].includes(x))))
  )
    throw new SilentError('', 3);
}
