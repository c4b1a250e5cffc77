// The generic runner of REST verbs: everything the user typed is checked before the first network call, then the
// request (a create through create-safely.ts), paging, and printing.
import { invalidArgument, fileFlag, quietFlag, rawFlag } from '../cmdutil/flags.js';
import { CancelledError, CliError, HttpError } from '../errors/errors.js';
import type { ApiRequest, HttpClient, RetryPolicy } from '../http/client.js';
import type { IOStreams } from '../iostreams/iostreams.js';
import { printIds, printJson, stripLinks } from '../iostreams/print.js';
import { buildObjectBody, buildPatchBody } from './body.js';
import { createSafely, CreateSession } from './create-safely.js';
import { listAll } from './paging.js';
import { parseJsonBody, printEmpty } from './response.js';
import { limitFlag, operationFlags, type OperationContext } from './operation.js';
import { checkPathArgs, fillPath, positionalArgs, Values } from './values.js';

/**
 * Print a created resource. If the answer cannot be written (stdout closed, disk full, I/O error), its one-time
 * token reached no one: the resource is removed rather than left behind as an orphan, and the run fails.
 */
async function deliver(
  io: IOStreams,
  http: HttpClient,
  session: CreateSession | undefined,
  id: string | undefined,
  policy: RetryPolicy,
  print: () => Promise<void>,
): Promise<void> {
  try {
    await print();
  } catch (e) {
    if (!session || id === undefined) throw e;
    const note = await session.cleanup(http, policy);
    const code = (e as { code?: unknown } | null)?.code;
    throw new CliError(
      `stdout could not be written (${typeof code === 'string' ? code : (e as Error).message}), so the ${session.r.noun} could not be delivered; ${note ?? `${session.r.noun} ${id} could not be removed`} (its token is shown only once)`,
    );
  }
  if (id !== undefined) session?.delivered(id);
}

export async function runOperation(c: OperationContext): Promise<void> {
  const { op, f, inv } = c;
  const specs = operationFlags(op);
  const values = await Values.of(f, inv, specs);
  const args = positionalArgs(op.use, inv.args, Object.keys(op.argDefaults ?? {}));
  checkPathArgs(op.path, args);
  const retry = values.retryPolicy();
  const quiet = values.get(quietFlag) === true;
  const raw = values.get(rawFlag) === true;
  const file = values.get(fileFlag);

  const query: Record<string, string | number | undefined> = {};
  for (const q of op.query ?? []) {
    const v = values.raw(q.flag.name);
    if (typeof v === 'number' || typeof v === 'boolean')
      query[q.param ?? q.flag.name] = typeof v === 'number' ? v : String(v);
    if (typeof v === 'string') query[q.param ?? q.flag.name] = q.transform ? q.transform(v) : v;
  }
  const limit = values.get(limitFlag);
  if (op.paging && limit !== undefined) {
    if (limit < 1) throw invalidArgument(String(limit), '--limit', 'must be at least 1');
    query.limit = Math.min(limit, op.paging.pageMax);
  }
  let body: unknown;
  if (op.body?.kind === 'object') body = await buildObjectBody(op.body, values, file, f.io);
  if (op.body?.kind === 'patch') body = await buildPatchBody(op.body, values, file, f.io);

  const settings = await f.settings();
  const types = op.serverTypes ?? ['cloud'];
  if (!types.includes(settings.serverType)) {
    throw new CliError(
      `'${inv.cmd.path()}' is only available for Qlik Cloud; the server type is ${settings.serverType}`,
    );
  }
  // Everything the user gave is valid: now the network.
  const http = await f.httpClient();
  for (const [name, find] of Object.entries(op.argDefaults ?? {})) args[name] ??= await find(http, retry);
  const req: ApiRequest = {
    method: op.method,
    path: fillPath(op.path, args),
    query,
    ...(body !== undefined ? { body } : {}),
  };
  const session = op.create
    ? await CreateSession.start(await op.create(), body as Record<string, unknown>, f.env.QLIK_CREATE_TAG !== '0')
    : undefined;
  try {
    await execute(c, http, req, retry, session, { quiet, raw, limit, args });
  } catch (e) {
    if (session && f.signal.aborted) {
      // Interrupted: remove what this run made and did not deliver, with a little time of its own.
      const note = await session
        .cleanup(http.withSignal(AbortSignal.timeout(10_000)), { retry: 1, intervalSeconds: 1 })
        .catch(() => undefined);
      const reason = f.signal.reason instanceof CancelledError ? f.signal.reason : new CancelledError('SIGINT');
      throw new CancelledError(reason.signal, `${reason.message}${note ? `; ${note}` : ''}`);
    }
    throw e;
  }
}

async function execute(
  c: OperationContext,
  http: HttpClient,
  req: ApiRequest,
  retry: RetryPolicy,
  session: CreateSession | undefined,
  o: { quiet: boolean; raw: boolean; limit: number | undefined; args: Record<string, string> },
): Promise<void> {
  const { op, f } = c;
  const io = f.io;
  const idempotent = op.idempotent ?? op.method !== 'POST';
  const res = session ? await createSafely(http, req, retry, session, io) : await http.send(req, retry, { idempotent });
  if (res.status < 200 || res.status >= 300) throw HttpError.fromResponse(res);
  const created = session?.createdId;
  // A DELETE that found the resource gone after a lost answer shows the status the server really gave (404).
  const status = res.goneAfterRetry ? { status: 404, statusText: 'Not Found' } : res;

  if (o.raw) {
    if (res.text !== '')
      await deliver(io, http, session, created, retry, () =>
        io.printData(res.text.endsWith('\n') ? res.text : `${res.text}\n`),
      );
    else if (!o.quiet) await printEmpty(io, status, await f.jsonMode());
  } else if (op.output === 'list') {
    let items = stripLinks(
      await listAll(http, res, o.limit, retry, { method: req.method, body: req.body, idempotent }),
    ) as unknown[];
    if (op.maskSecrets && !(await f.jsonMode())) items = f.redactor.json(items) as unknown[];
    if (o.quiet) await printIds(io, items);
    else await printJson(io, items);
  } else if (res.text !== '' && res.status !== 204) {
    let value = stripLinks(parseJsonBody(res));
    if (op.maskSecrets && !(await f.jsonMode())) value = f.redactor.json(value);
    await deliver(io, http, session, created, retry, () => (o.quiet ? printIds(io, [value]) : printJson(io, value)));
  } else if (!o.quiet) {
    await printEmpty(io, status, await f.jsonMode());
  }
  if (o.quiet && op.quietWarning) io.warn(op.quietWarning);
  const note = await op.describeResult?.({ http, args: o.args, goneAfterRetry: res.goneAfterRetry === true });
  if (note) io.warn(note);
}
