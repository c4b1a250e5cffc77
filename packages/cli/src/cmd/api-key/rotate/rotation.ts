// `qlik api-key rotate`: replace a key without ever leaving a context without a working key or a key of the rotation
// behind. Every step is recorded, before it is taken, in a journal (rotations/<context>.json next to the contexts
// file: 0600, ids and steps only, written atomically under the contexts lock), so that a run killed at any moment is
// finished or undone by the next `rotate`:
//
//   creating   written after the preflight, before the first write: the create may have happened (its key carries
//              the rotation's tag)                                 → keys with the tag are deleted, unless the context
//                                                                    holds one of them (then: as "stored")
//   stored     the context holds the new key (written with it)     → untag, deliver, retire the old key
//   delivered  --deliver-cmd succeeded                             → retire the old key
//   grace      the old key is kept until retireAfter               → retired by --finish or the next rotate
//
// (A journal left by an older run may also say "preflight": dropped; or "created": as "creating".) Which key the
// context holds decides between "creating" and "stored" (the journal's "stored" is written just before the contexts
// file, under the same lock), so a crash between the two writes is harmless.
import { join } from 'node:path';
import type { Factory } from '../../../cmdutil/factory.js';
import { readContexts } from '../../../config/contexts.js';
import {
  CancelledError,
  CliError,
  ConfigError,
  ExitCodeError,
  HttpError,
  SilentError,
} from '../../../errors/errors.js';
import { cachePathFor } from '../../../config/cache.js';
import { keyExpiryPath, recordKeyExpiry } from '../../../config/key-expiry.js';
import { swapContextToken } from '../../../config/token-swap.js';
import { removeStaleTempFiles } from '../../../fsutil/atomic.js';
import { withFileLock } from '../../../fsutil/lock.js';
import type { HttpClient, RetryPolicy } from '../../../http/client.js';
import { serverErrorHint, serverErrorLine } from '../../../errors/hints.js';
import { authorizationHeader } from '../../../text/headers.js';
import {
  createKey,
  deleteKey,
  getJson,
  HOST,
  keysCreatedBy,
  lifecycleDir,
  me,
  newNonce,
  ownerAlive,
  readJsonFile,
  removeFile,
  runTag,
  sweepExecLeftovers,
  untagged,
  writePrivateJson,
  type ApiKey,
} from '../shared/keys.js';
import { activeKeysOf, bearerToken, fileNameFor, getKey, lifetimeOf, setDescription, tokenClaims } from './keys.js';

/** Exit codes of rotate (documented in its help). */
export const ROTATED = 0;
export const UNCHANGED = 2;
export const OLD_KEY_ACTIVE = 3;

export interface RotateOptions {
  id: string | undefined;
  description: string | undefined;
  expiry: string | undefined;
  deliverCmd: string | undefined;
  /** Milliseconds to keep the old key. */
  graceMs: number | undefined;
  finish: boolean;
  resume: boolean;
  evict: string | undefined;
  policy: RetryPolicy;
}

type Step = 'preflight' | 'creating' | 'created' | 'stored' | 'delivered' | 'grace';

interface Journal {
  version: 1;
  /** The context rotated ('' with --id). */
  context: string;
  server: string;
  pid: number;
  host: string;
  started: string;
  step: Step;
  nonce: string;
  oldKeyId: string;
  newKeyId?: string;
  subType: string;
  /** The user's description of the new key (without tags). */
  description: string;
  deliverCmd?: string;
  retireAfter?: string;
}

interface Outcome {
  status: 'rotated' | 'unchanged' | 'old-key-active';
  context?: string;
  oldKeyId?: string;
  newKeyId?: string;
  expiry?: string;
  retireAfter?: string;
  resumed?: boolean;
  message: string;
  token?: string;
}

class Rotation {
  private readonly f: Factory;
  private readonly o: RotateOptions;
  readonly contextName: string;
  private readonly server: string;
  private readonly insecure: boolean;
  private readonly journalPath: string;
  private readonly contextsPath: string;

  constructor(f: Factory, o: RotateOptions, contextName: string, server: string, insecure: boolean) {
    this.f = f;
    this.o = o;
    this.contextName = contextName;
    this.server = server;
    this.insecure = insecure;
    this.contextsPath = f.contextsPath();
    const file = o.id === undefined ? fileNameFor(contextName) : `key.${o.id}.json`;
    this.journalPath = join(lifecycleDir(this.contextsPath, 'rotations'), file);
  }

  private get contextMode(): boolean {
    return this.o.id === undefined;
  }

  /**
   * The hint for a refused create, as `api-key create` would get it; when the refused lifetime is the old key's (no
   * --expiry), it says so, since the user never typed it.
   */
  private createHint(e: HttpError, expiry: string | undefined): string | undefined {
    const hint = serverErrorHint(e, {
      command: 'api-key create',
      flags: expiry !== undefined ? { expiry } : {},
      credentials: undefined,
    });
    if (hint === undefined || this.o.expiry !== undefined || expiry === undefined || !/expiry/.test(hint)) return hint;
    return `the new key asks for the old key's lifetime, ${expiry}; ${hint}`;
  }

  private resumeCommand(): string {
    return this.contextMode
      ? `qlik api-key rotate --resume --context ${this.contextName}`
      : `qlik api-key rotate --resume --id ${this.o.id ?? ''}`;
  }

  private locked<T>(fn: () => T | Promise<T>): Promise<T> {
    return withFileLock(this.contextsPath, fn);
  }

  private async save(j: Journal): Promise<void> {
    await this.locked(() => writePrivateJson(this.journalPath, j));
  }

  private async drop(): Promise<void> {
    await this.locked(() => removeFile(this.journalPath));
  }

  /** The token the context holds now (read fresh). */
  private async contextToken(): Promise<string | undefined> {
    const ctx = (await readContexts(this.contextsPath)).get(this.contextName);
    const h = authorizationHeader(ctx?.headers);
    return bearerToken(h === undefined ? undefined : ctx?.headers?.[h]);
  }

  private clientFor(token: string): Promise<HttpClient> {
    this.f.redactor.addSecret(token);
    return this.f.httpClientFor({
      server: this.server,
      headers: { Authorization: `Bearer ${token}` },
      insecure: this.insecure,
    });
  }

  /** The client with the caller's credentials: in context mode, the key the context holds now. */
  private async callerClient(): Promise<HttpClient> {
    if (this.contextMode) {
      const token = await this.contextToken();
      if (token === undefined) throw new ConfigError(`context '${this.contextName}' has no API key`);
      return this.clientFor(token);
    }
    return this.f.httpClient();
  }

  /**
   * Take the journal: a live rotation of the same context elsewhere makes this run refuse; one whose process is gone
   * is returned for recovery. Otherwise `fresh` (if given) records this run.
   */
  private async claim(fresh?: Journal): Promise<Journal | undefined> {
    return this.locked(async () => {
      // A rotation of the same context that ran to its end while this one did its checks has replaced the key this
      // one read (and retired it): going on would rotate a dead key. Checked under the lock that every rotation takes.
      if (
        fresh !== undefined &&
        this.contextMode &&
        tokenClaims((await this.contextToken()) ?? '')?.jti !== fresh.oldKeyId
      ) {
        throw new ExitCodeError(
          `another 'qlik api-key rotate' of context '${this.contextName}' replaced its key during this one's checks; nothing changed`,
          UNCHANGED,
        );
      }
      const existing = readJsonFile(this.journalPath) as Journal | undefined;
      if (existing !== undefined && existing.pid !== process.pid && ownerAlive(existing) && existing.step !== 'grace') {
        throw new ExitCodeError(
          `another 'qlik api-key rotate' of ${this.contextMode ? `context '${this.contextName}'` : `key ${this.o.id ?? ''}`} is running (pid ${existing.pid}); nothing changed`,
          UNCHANGED,
        );
      }
      if (existing !== undefined) {
        await writePrivateJson(this.journalPath, { ...existing, pid: process.pid, host: HOST() });
        // What the killed run's atomic writes left (a temp copy of the contexts file holds its keys): removed.
        for (const path of [
          this.contextsPath,
          cachePathFor(this.contextsPath),
          keyExpiryPath(this.contextsPath),
          this.journalPath,
        ])
          removeStaleTempFiles(path);
        return existing;
      }
      if (fresh !== undefined) await writePrivateJson(this.journalPath, fresh);
      return undefined;
    });
  }

  /** Finish or undo an interrupted rotation. */
  async recover(j: Journal): Promise<Outcome> {
    const base = { context: this.contextName, oldKeyId: j.oldKeyId, resumed: true };
    if (j.step === 'preflight') {
      await this.drop();
      return {
        ...base,
        status: 'unchanged',
        message: 'An interrupted rotation had not created anything; nothing to undo',
      };
    }
    // The context decides, whatever the journal says (its "stored" is written just before the contexts file): the
    // new key was stored when the context holds it (or, for a journal from before the create's answer, a key with
    // this rotation's tag); while it holds the old key, the rotation is undone.
    const held = this.contextMode ? tokenClaims((await this.contextToken()) ?? '')?.jti : undefined;
    const ours = async (id: string): Promise<boolean> =>
      ((await getKey(await this.callerClient(), id, this.o.policy))?.description ?? '').includes(
        runTag('rot', j.nonce).trim(),
      );
    const stored =
      held !== undefined && held !== j.oldKeyId && (held === j.newKeyId || (j.nonce !== '' && (await ours(held))));
    const early = j.step === 'creating' || j.step === 'created';
    // Without a context, "stored" means the token was still only in the killed process (not yet delivered or
    // printed): nobody can use that key, so it is undone like an unfinished create.
    if (this.contextMode ? !stored && (early || held === j.oldKeyId) : early || j.step === 'stored') {
      const caller = await this.callerClient();
      const removed = await this.undoCreate(j, caller);
      await this.drop();
      const old = this.contextMode ? undefined : await getKey(caller, j.oldKeyId, this.o.policy);
      const gone = !this.contextMode && (old === undefined || (old.status !== undefined && old.status !== 'active'));
      return {
        ...base,
        status: 'unchanged',
        message: `Undid an interrupted rotation${removed.length > 0 ? `: deleted API key ${removed.join(', ')} (created by it, ${this.contextMode ? 'never stored' : 'its token never delivered'})` : ''}; ${gone ? `the old API key ${j.oldKeyId} is no longer active either: create a new key` : `API key ${j.oldKeyId} is unchanged`}`,
      };
    }
    if (early) {
      if (held !== undefined) j.newKeyId = held;
      j.step = 'stored';
      await this.save(j);
    }
    const http = await this.callerClient();
    return this.complete(j, http, http, undefined, true);
  }

  /** Delete the keys a rotation's create made (found by its tag on the server). */
  private async undoCreate(j: Journal, http: HttpClient): Promise<string[]> {
    const p = this.o.policy;
    const tag = runTag('rot', j.nonce).trim();
    const owner = await me(http, p);
    const candidates = await keysCreatedBy(http, owner.id, p);
    const ours = candidates.filter((k) => (k.description ?? '').includes(tag) && k.id !== j.oldKeyId);
    if (j.newKeyId !== undefined && !ours.some((k) => k.id === j.newKeyId)) {
      const k = await getKey(http, j.newKeyId, p);
      if (k && (k.description ?? '').includes(tag) && k.status === 'active') ours.push(k);
    }
    for (const k of ours) await deleteKey(http, k.id, p);
    return ours.map((k) => k.id);
  }

  /**
   * From "stored" on: untag, deliver, retire (or wait out the grace period). `fresh` is the new token when this run
   * created it (in context mode it is also in the context).
   */
  private async complete(
    j: Journal,
    newHttp: HttpClient,
    callerHttp: HttpClient,
    fresh: string | undefined,
    resumed: boolean,
  ): Promise<Outcome> {
    const p = this.o.policy;
    const base = {
      context: this.contextName,
      oldKeyId: j.oldKeyId,
      newKeyId: j.newKeyId ?? '',
      ...(resumed ? { resumed: true } : {}),
    };
    const newId = j.newKeyId ?? '';
    // The new key acts for the caller only when it is the caller's own user key in a context; otherwise (--id, a
    // SCIM key) the caller's credentials untag and retire.
    const actor = this.contextMode && j.subType === 'user' ? newHttp : callerHttp;
    if (j.step === 'stored' && !this.contextMode) {
      // Without a context the token lives only in this process until it is delivered: the key keeps its tag (so that
      // an undo can prove it ours) until the command has it, and a command that fails undoes the rotation, since
      // nothing could deliver that token again. Printing it happens at the end, after the retire.
      if (j.deliverCmd !== undefined) {
        if (fresh === undefined) throw new CliError(`the new key's token is not stored anywhere`);
        const code = await runDeliver(this.f, j.deliverCmd, fresh);
        if (code !== 0) {
          const removed = await this.undoCreate(j, callerHttp);
          await this.drop();
          throw new ExitCodeError(
            `--deliver-cmd exited with ${code}: the new API key ${removed.length > 0 ? `${removed.join(', ')} was deleted` : `${newId} was not deleted (its tag is gone)`}, since its token is held nowhere else; the API key ${j.oldKeyId} is unchanged; fix the command and rotate again`,
            UNCHANGED,
          );
        }
        j.step = 'delivered';
        if (this.o.graceMs !== undefined && j.retireAfter === undefined) {
          j.retireAfter = new Date(Date.now() + this.o.graceMs).toISOString();
          j.step = 'grace';
        }
        await this.save(j);
        await setDescription(actor, newId, j.description, p);
      } else if (this.o.graceMs !== undefined && j.retireAfter === undefined) {
        j.retireAfter = new Date(Date.now() + this.o.graceMs).toISOString();
        j.step = 'grace';
        await this.save(j);
        await setDescription(actor, newId, j.description, p);
      }
    } else if (j.step === 'stored') {
      await setDescription(actor, newId, j.description, p);
      if (j.deliverCmd !== undefined) {
        const token = fresh ?? (this.contextMode ? await this.contextToken() : undefined);
        if (token === undefined)
          throw new CliError(`the new key's token is not stored anywhere; cannot run --deliver-cmd again`);
        const code = await runDeliver(this.f, j.deliverCmd, token);
        if (code !== 0) {
          throw new ExitCodeError(
            `--deliver-cmd exited with ${code}: the context holds the new API key ${newId}, and the old API key ${j.oldKeyId} is still active; fix the command and run '${this.resumeCommand()}'`,
            OLD_KEY_ACTIVE,
          );
        }
      }
      j.step = 'delivered';
      if (this.o.graceMs !== undefined && j.retireAfter === undefined && !resumed) {
        j.retireAfter = new Date(Date.now() + this.o.graceMs).toISOString();
        j.step = 'grace';
      }
      // Recorded only when it matters to a resume: the command ran (not again), or the grace period. Otherwise
      // "stored" leads to the same steps (the untag is idempotent).
      if (j.deliverCmd !== undefined || j.step === 'grace') await this.save(j);
    }
    if (j.step === 'grace') {
      const due = Date.parse(j.retireAfter ?? '') <= Date.now();
      const finishNow = this.o.finish || (!this.o.resume && resumed) || due;
      if (!finishNow) {
        return {
          ...base,
          status: 'old-key-active',
          retireAfter: j.retireAfter ?? '',
          message: `Rotated: ${this.contextMode ? 'the context holds' : 'the new key is'} API key ${newId}; the old API key ${j.oldKeyId} stays active until ${j.retireAfter ?? ''}. Retire it then with 'qlik api-key rotate --finish${this.contextMode ? ` --context ${this.contextName}` : ` --id ${this.o.id ?? ''}`}'`,
        };
      }
    }
    // Printed, not delivered: the token reaches its reader at the end of this run, so the key stays tagged (a resume
    // that finds it so undoes it) until the old key is retired or the retire failed; either way the token is printed.
    const printing = !this.contextMode && j.deliverCmd === undefined && j.step === 'stored';
    const delivered = async (): Promise<void> => {
      j.step = 'delivered';
      await this.save(j);
      await setDescription(actor, newId, j.description, p);
    };
    // Retire: the old key is deleted with the new key (a key can delete itself and its owner's other keys).
    try {
      await deleteKey(actor, j.oldKeyId, p);
    } catch (e) {
      if (e instanceof CancelledError) throw e;
      if (printing) {
        await delivered().catch(() => undefined);
        return {
          ...base,
          status: 'old-key-active',
          message: `the new API key ${newId} is in place (its token is printed once, here), but the old API key ${j.oldKeyId} could not be deleted (${(e as Error).message}); run '${this.resumeCommand()}'`,
        };
      }
      throw new ExitCodeError(
        `the new API key ${newId} is in place, but the old API key ${j.oldKeyId} could not be deleted (${(e as Error).message}); run '${this.resumeCommand()}'`,
        OLD_KEY_ACTIVE,
      );
    }
    if (printing) await delivered();
    else if (!this.contextMode && resumed) await setDescription(actor, newId, j.description, p);
    // The journal goes; outside a grace period without the lock (a millisecond of every rotate): while this process
    // lives no other run writes this journal, since claim() refuses a live owner's journal unless it is kept for a
    // grace period, so the file removed is this run's own.
    if (j.step === 'grace') await this.drop();
    else removeFile(this.journalPath);
    return {
      ...base,
      status: 'rotated',
      message: `Rotated: ${this.contextMode ? `context '${this.contextName}' holds` : 'the new key is'} API key ${newId}; the old API key ${j.oldKeyId} was deleted`,
    };
  }

  /** A whole rotation, from the preflight on. */
  async rotate(oldToken: string | undefined): Promise<Outcome> {
    const p = this.o.policy;
    // (In context mode, the token just read from the context: not read again.)
    const caller = oldToken !== undefined ? await this.clientFor(oldToken) : await this.callerClient();
    const claims = tokenClaims(oldToken ?? '');
    const oldId = this.o.id ?? claims?.jti;
    if (oldId === undefined)
      throw new ConfigError(
        `context '${this.contextName}': its API key is not a JWT with a key id; rotate it with --id KEY_ID`,
      );

    // Preflight: nothing is written before all of it passed. A context's token says whose user key it is: the owner's
    // active keys and the tenant's limit are then asked at once with the key itself (three reads in one round trip),
    // and used only when the key's record confirms that owner.
    const guess = this.contextMode && claims?.subType === 'user' ? claims.sub : undefined;
    const early =
      guess === undefined
        ? undefined
        : { owner: guess, active: activeKeysOf(caller, guess, p), quota: this.quota(caller, oldToken) };
    // Their failures are reported where they are awaited (or not at all, when they go unused).
    early?.active.catch(() => undefined);
    early?.quota.catch(() => undefined);
    const oldKey = await getKey(caller, oldId, p);
    if (oldKey === undefined || (oldKey.status !== undefined && oldKey.status !== 'active')) {
      throw new ExitCodeError(`API key ${oldId} was not found or is not active; nothing changed`, UNCHANGED);
    }
    const subType = oldKey.subType ?? 'user';
    // A context's key is the caller itself (it was read with its own token): its `sub` is the caller's user id, so
    // users/me (two requests with its redirect) is asked only for --id, where the caller may be someone else.
    const owner =
      this.contextMode && subType === 'user' && typeof oldKey.sub === 'string' && oldKey.sub !== ''
        ? { id: oldKey.sub }
        : await me(caller, p);
    if (subType === 'user' && oldKey.sub !== undefined && oldKey.sub !== owner.id) {
      throw new ExitCodeError(
        `API key ${oldId} belongs to user ${oldKey.sub}, not to the caller; only the owner can rotate a key; nothing changed`,
        UNCHANGED,
      );
    }
    if (this.o.evict !== undefined && this.o.evict === oldId)
      throw new ExitCodeError(`--evict: ${oldId} is the key being rotated; nothing changed`, UNCHANGED);
    let evict: string | undefined;
    let leftovers: string[] = [];
    if (subType === 'user') {
      const confirmed = early?.owner === owner.id ? early : undefined;
      const active = await (confirmed?.active ?? activeKeysOf(caller, owner.id, p));
      leftovers = await sweepExecLeftovers(caller, this.contextsPath, this.server, active, p);
      const remaining = active.filter((k) => !leftovers.includes(k.id));
      const max = await (confirmed?.quota ?? this.quota(caller, oldToken));
      if (max !== undefined && remaining.length >= max) {
        if (this.o.evict === undefined || !remaining.some((k) => k.id === this.o.evict)) {
          const list = remaining.map((k) => `${k.id} (${untagged(k.description ?? '')})`).join(', ');
          throw new ExitCodeError(
            `${this.o.evict !== undefined ? `--evict: ${this.o.evict} is not one of the keys filling the quota. ` : ''}the quota of ${max} API keys is full: ${list}; free one with 'qlik api-key rm ID', or name one to delete with --evict ID; nothing changed`,
            UNCHANGED,
          );
        }
        evict = this.o.evict;
      }
    } else if (this.o.evict !== undefined) {
      throw new ExitCodeError('--evict: SCIM keys do not count against a quota; nothing changed', UNCHANGED);
    }
    for (const id of leftovers)
      this.f.io.warn(`Deleted API key ${id}: left behind by an interrupted 'qlik api-key exec'`);

    const description = this.o.description ?? untagged(oldKey.description ?? '');
    const expiry = this.o.expiry ?? lifetimeOf(oldKey);
    const j: Journal = {
      version: 1,
      context: this.contextMode ? this.contextName : '',
      server: this.server,
      pid: process.pid,
      host: HOST(),
      started: new Date().toISOString(),
      step: 'creating',
      nonce: await newNonce(),
      oldKeyId: oldId,
      subType,
      description,
      ...(this.o.deliverCmd !== undefined ? { deliverCmd: this.o.deliverCmd } : {}),
    };
    // The first write: the journal (with the nonce the new key's description will carry), which also takes the
    // rotation for this run; a rotation of the same context by a live process makes this one refuse.
    const recovered = await this.claim(j);
    if (recovered !== undefined)
      throw new ExitCodeError(
        `another 'qlik api-key rotate' of ${this.contextMode ? `context '${this.contextName}'` : `key ${oldId}`} started during this one's checks; nothing changed`,
        UNCHANGED,
      );
    let created: { id: string; token: string; expiry: string | undefined } | undefined;
    try {
      if (evict !== undefined) {
        await deleteKey(caller, evict, p);
        this.f.io.warn(`Deleted API key ${evict} (--evict) to make room`);
      }
      const body: Record<string, unknown> = { description: `${description}${runTag('rot', j.nonce)}` };
      if (expiry !== undefined) body.expiry = expiry;
      if (subType !== 'user') {
        body.sub = oldKey.sub;
        body.subType = subType;
      }
      // Verify before storing: the new key answers as the same user (a SCIM key: the SCIM service answers it). The
      // check starts with the create's answer, while the create reads the key back and untags it (two round trips
      // that it would otherwise wait for); it counts only for the key the create then returns as this run's.
      const verify = async (token: string): Promise<void> => {
        const newHttp = await this.clientFor(token);
        if (subType === 'user') {
          const who = await me(newHttp, p);
          if (who.id !== owner.id) throw new CliError(`the new API key answers as user ${who.id}, not ${owner.id}`);
        } else {
          await getJson(newHttp, '/api/v1/scim/v2/ServiceProviderConfig', p);
        }
      };
      let answered: { id: string; check: Promise<void> } | undefined;
      created = await createKey(caller, body, p, this.f.io, (answer) => {
        answered = { id: answer.id, check: verify(answer.token) };
        // Reported where it is awaited, or not at all when the create does not return this key.
        answered.check.catch(() => undefined);
      });
      this.f.redactor.addSecret(created.token);
      // (Not recorded: a resume finds the new key by its tag, and the context says whether it was stored.)
      j.step = 'created';
      j.newKeyId = created.id;
      await (answered?.id === created.id ? answered.check : verify(created.token));
    } catch (e) {
      if (e instanceof CancelledError) throw e; // the journal stays; the next rotate undoes it
      let note = '';
      if (j.step !== 'preflight') {
        try {
          const removed = await this.undoCreate(j, caller);
          await this.drop();
          if (removed.length > 0) note = ` (deleted API key ${removed.join(', ')}, created by this run)`;
        } catch (u) {
          note = `; undoing failed (${(u as Error).message}): run '${this.resumeCommand()}'`;
        }
      } else {
        await this.drop();
      }
      throw new ExitCodeError(
        `${e instanceof HttpError ? serverErrorLine(e) : (e as Error).message}; nothing changed${note}`,
        UNCHANGED,
      ).withHint(e instanceof HttpError ? this.createHint(e, expiry) : undefined);
    }

    // Store, under the lock: the journal's "stored" (with the new key's id), then the contexts file (atomic). A recovery
    // goes by the key the context holds, so a crash between the two writes is undone like one before them.
    let printToken: string | undefined;
    if (this.contextMode) {
      const token = created.token;
      await swapContextToken(this.contextsPath, this.contextName, {
        check: (ctx) => {
          const h = authorizationHeader(ctx?.headers);
          const now = bearerToken(h === undefined ? undefined : ctx?.headers?.[h]);
          if (ctx === undefined || h === undefined || tokenClaims(now ?? '')?.jti !== oldId) {
            throw new CliError(`context '${this.contextName}' changed during the rotation`);
          }
          return { header: h, value: `Bearer ${token}` };
        },
        beforeWrite: async () => {
          j.step = 'stored';
          await writePrivateJson(this.journalPath, j);
        },
      }).catch(async (e: unknown) => {
        if (j.step === 'stored') throw e;
        const removed = await this.undoCreate(j, caller).catch(() => []);
        await this.drop();
        throw new ExitCodeError(
          `${(e as Error).message}; nothing changed${removed.length > 0 ? ` (deleted API key ${removed.join(', ')})` : ''}`,
          UNCHANGED,
        );
      });
    } else {
      if (j.deliverCmd === undefined) printToken = created.token;
      j.step = 'stored';
      await this.save(j);
    }
    const newHttp = await this.clientFor(created.token);
    let out: Outcome;
    try {
      const completing = this.complete(j, newHttp, caller, created.token, false);
      completing.catch(() => undefined); // (its failure is handled below, where it is awaited)
      // The new key's expiry is recorded while the first request of the rest is on its way. As for `context create`,
      // a record that cannot be written costs at most a warning not given; it never stops the rotation.
      if (this.contextMode) {
        const recorded = new Date().toISOString();
        await recordKeyExpiry(this.contextsPath, this.contextName, created.id, created.expiry, recorded).catch(
          () => undefined,
        );
      }
      out = await completing;
    } catch (e) {
      if (e instanceof CancelledError || e instanceof ExitCodeError) throw e;
      if (printToken !== undefined && j.step === 'stored') {
        // Nobody has seen the token and the key still carries its tag: undone, as a failed create would be.
        const removed = await this.undoCreate(j, caller).catch(() => []);
        if (removed.length > 0) await this.drop();
        throw new ExitCodeError(
          `${(e as Error).message}; nothing changed${removed.length > 0 ? ` (deleted API key ${removed.join(', ')}, created by this run)` : `; run '${this.resumeCommand()}'`}`,
          UNCHANGED,
        );
      }
      if (printToken !== undefined) {
        // The journal says the token is delivered: it must reach its reader, whatever failed after.
        out = {
          context: this.contextName,
          oldKeyId: oldId,
          newKeyId: created.id,
          status: 'old-key-active',
          message: `${(e as Error).message}: the new API key ${created.id} is in place (its token is printed once, here), the old API key ${oldId} may still be active; run '${this.resumeCommand()}'`,
        };
      } else {
        throw new ExitCodeError(
          `${(e as Error).message}: the new API key ${created.id} is stored, the old API key ${oldId} is still active; run '${this.resumeCommand()}'`,
          OLD_KEY_ACTIVE,
        );
      }
    }
    return {
      ...out,
      ...(created.expiry !== undefined ? { expiry: created.expiry } : {}),
      ...(printToken !== undefined ? { token: printToken } : {}),
    };
  }

  /** The tenant's limit of keys per user (undefined when it cannot be read: the create itself will say). */
  private async quota(http: HttpClient, token: string | undefined): Promise<number | undefined> {
    const tenantId = tokenClaims(token ?? '')?.tenantId;
    if (tenantId === undefined) return undefined;
    try {
      const c = await getJson<{ max_keys_per_user?: unknown }>(
        http,
        `/api/v1/api-keys/configs/${encodeURIComponent(tenantId)}`,
        this.o.policy,
      );
      return typeof c.max_keys_per_user === 'number' ? c.max_keys_per_user : undefined;
    } catch (e) {
      if (e instanceof CancelledError) throw e;
      return undefined;
    }
  }

  /** `token`: the context's token as just read (in context mode), used when no interrupted rotation is found. */
  async run(token: string | undefined): Promise<Outcome> {
    // Most runs find no journal: that costs one failed read, no lock.
    const j = readJsonFile(this.journalPath) === undefined ? undefined : await this.claim();
    if (j !== undefined) {
      const out = await this.recover(j);
      if (this.o.resume || this.o.finish || out.status !== 'unchanged' || !this.contextMode) return out;
      this.f.io.warn(out.message);
    } else if (this.o.resume || this.o.finish) {
      // Nothing to resume; still, what a killed run's writes left (a temp copy of the contexts file) goes.
      await this.locked(() => {
        for (const path of [this.contextsPath, cachePathFor(this.contextsPath), keyExpiryPath(this.contextsPath)])
          removeStaleTempFiles(path);
      });
      return {
        status: 'unchanged',
        context: this.contextName,
        message: 'No rotation to resume or finish; nothing changed',
      };
    }
    // After a recovery the context is read again: it may hold another key now.
    return this.rotate(
      this.contextMode ? ((j === undefined ? token : undefined) ?? (await this.contextToken())) : undefined,
    );
  }
}

/** Run `--deliver-cmd` with the token on stdin only; its stdout goes to our stderr. Resolves with its exit code. */
export async function runDeliver(f: Factory, cmd: string, token: string): Promise<number> {
  // Loaded here: most rotations run no command, and node:child_process costs a rotate several milliseconds to load.
  const { spawn } = await import('node:child_process');
  return new Promise((resolvePromise, reject) => {
    const env = Object.fromEntries(
      Object.entries(f.env).filter(([k]) => k !== 'QLIK_API_KEY' && k !== 'QLIK_OAUTH_CLIENT_SECRET'),
    );
    const child = spawn('/bin/sh', ['-c', cmd], { stdio: ['pipe', 2, 2], env });
    child.on('error', reject);
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(`${token}\n`);
    child.on('close', (code, signal) => resolvePromise(code ?? (signal ? 128 : 1)));
  });
}

export async function runRotate(f: Factory, o: RotateOptions): Promise<void> {
  const s = await f.settings();
  if (s.server === '')
    throw new ConfigError(
      'no server given: use a context (qlik context create <name> --server <url> --api-key -) or --context NAME',
    );
  const json = await f.jsonMode();
  let contextName = s.contextName ?? '';
  let token: string | undefined;
  if (o.id === undefined) {
    if (s.contextName === undefined)
      throw new ConfigError('no context to rotate: give --context NAME, or --id KEY_ID with credentials');
    const ctx = (await readContexts(f.contextsPath())).get(s.contextName);
    const h = authorizationHeader(ctx?.headers);
    if (ctx === undefined || h === undefined)
      throw new ConfigError(
        `context '${s.contextName}' has no API key to rotate (an OAuth client rotates its secret in Qlik Cloud); give --id KEY_ID to rotate another key`,
      );
    if (ctx.server === undefined || new URL(ctx.server).origin !== new URL(s.server).origin)
      throw new ConfigError(
        `context '${s.contextName}': --server points elsewhere; its key belongs to ${ctx.server ?? ''}`,
      );
    contextName = s.contextName;
    token = bearerToken(ctx.headers?.[h]);
  }
  const r = new Rotation(f, o, contextName, s.server, s.insecure);
  let out: Outcome;
  try {
    out = await r.run(token);
  } catch (e) {
    if (json && e instanceof ExitCodeError) {
      await f.io.print(
        `${JSON.stringify({ status: e.exitCode === UNCHANGED ? 'unchanged' : 'old-key-active', error: e.message })}\n`,
      );
      f.io.warn(`Error: ${e.message}`);
      throw new SilentError('', e.exitCode);
    }
    throw e;
  }
  const code = out.status === 'rotated' ? ROTATED : out.status === 'unchanged' ? UNCHANGED : OLD_KEY_ACTIVE;
  if (json || out.token !== undefined) {
    const { message, ...rest } = out;
    await f.io.print(`${JSON.stringify(json ? out : rest, null, 2)}\n`);
    if (!json) f.io.warn(message);
  } else {
    f.io.warn(out.message);
  }
  if (code !== 0) throw new SilentError('', code);
}

export type { ApiKey };
