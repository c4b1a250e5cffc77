// The --data files are this user's alone (issue 18 rule 18): the database's -wal, -shm and -journal files that
// exist must be regular files owned by the emulator's user, the folder must not be writable by others unless it is
// sticky (as /tmp), and the files are made owner-only without a failure being ignored. The emulator refuses to start
// otherwise (it never removes what it finds): one line naming the file.
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, lstatSync, mkdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkDataFiles, DataFileError, prepareDataFile } from '../src/host/files.js';
import { tempDir as kitTempDir } from '../../../test/kit/temp.js';
import { BIN } from './util.js';

const tempDir = (): string => kitTempDir('qlik-emulator-data-');
const uid = process.getuid?.() ?? -1;
const root = uid === 0;
const NOBODY = 65534;

/** A fresh owner-only folder with `db` as the data file's path. */
function folder(mode = 0o700): { dir: string; db: string } {
  const dir = join(tempDir(), 'data');
  mkdirSync(dir);
  chmodSync(dir, mode);
  return { dir, db: join(dir, 'state.db') };
}

function refusal(fn: () => void): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(DataFileError);
    return (e as Error).message;
  }
  throw new Error('expected a refusal');
}

describe.skipIf(uid < 0)('checkDataFiles / prepareDataFile', () => {
  it('creates the database, -wal and -shm owner-only in a folder of our own', () => {
    const { db } = folder();
    prepareDataFile(db, uid);
    for (const f of [db, `${db}-wal`, `${db}-shm`]) {
      expect(lstatSync(f).isFile(), f).toBe(true);
      expect(statSync(f).mode & 0o777, f).toBe(0o600);
    }
  });

  it('makes existing -wal, -shm and -journal files of ours owner-only', () => {
    const { db } = folder();
    for (const f of [db, `${db}-wal`, `${db}-shm`, `${db}-journal`]) writeFileSync(f, '', { mode: 0o666 });
    for (const f of [db, `${db}-wal`, `${db}-shm`, `${db}-journal`]) chmodSync(f, 0o666);
    prepareDataFile(db, uid);
    for (const f of [db, `${db}-wal`, `${db}-shm`, `${db}-journal`]) expect(statSync(f).mode & 0o777, f).toBe(0o600);
  });

  it.each(['-wal', '-shm', '-journal'])('refuses a %s that is a symlink (not followed, not changed)', (suffix) => {
    const { dir, db } = folder();
    const victim = join(dir, 'victim');
    writeFileSync(victim, 'x', { mode: 0o644 });
    symlinkSync(victim, `${db}${suffix}`);
    expect(refusal(() => prepareDataFile(db, uid))).toBe(
      `${db}${suffix} is a symbolic link, not a regular file: not using it (remove it if it is stale)`,
    );
    expect(statSync(victim).mode & 0o777).toBe(0o644);
  });

  it('refuses a -shm that is a FIFO', (ctx) => {
    const { db } = folder();
    if (spawnSync('mkfifo', [`${db}-shm`]).status !== 0) ctx.skip('mkfifo not installed');
    expect(refusal(() => checkDataFiles(db, uid))).toBe(
      `${db}-shm is a FIFO, not a regular file: not using it (remove it if it is stale)`,
    );
  });

  it('refuses a folder other users may write to that is not sticky', () => {
    const { dir, db } = folder(0o777);
    expect(refusal(() => prepareDataFile(db, uid))).toBe(
      `the data folder ${dir} is writable by other users (mode 0777) and not sticky: they could plant or replace ` +
        'the database files (use a folder only you can write to)',
    );
    expect(() => lstatSync(db)).toThrow(/ENOENT/);
  });

  it('accepts a folder writable by its own group when that group is ours (umask 002, user private groups)', () => {
    const { db } = folder(0o775);
    prepareDataFile(db, uid);
    expect(statSync(`${db}-wal`).mode & 0o777).toBe(0o600);
  });

  it.skipIf(!root)("refuses a folder writable by another user's group", () => {
    const { dir, db } = folder(0o770);
    chownSync(dir, uid, NOBODY);
    expect(refusal(() => prepareDataFile(db, uid))).toMatch(/writable by other users \(mode 0770\) and not sticky/);
  });

  it('accepts a sticky shared folder (as /tmp) when the files there are ours', () => {
    const { db } = folder(0o1777);
    prepareDataFile(db, uid);
    prepareDataFile(db, uid);
    expect(statSync(`${db}-wal`).mode & 0o777).toBe(0o600);
  });

  it('refuses a -wal it could not open without following a symlink, when the checks are off (no silent failure)', () => {
    const { dir, db } = folder();
    symlinkSync(join(dir, 'elsewhere'), `${db}-wal`);
    writeFileSync(join(dir, 'elsewhere'), '');
    expect(refusal(() => prepareDataFile(db, -1))).toMatch(new RegExp(`^cannot open ${db}-wal: ELOOP`));
  });

  describe.skipIf(!root)("another user's files (as root: files given to uid 65534)", () => {
    it.each(['-wal', '-shm', '-journal'])(
      'refuses a %s owned by another user, even mode 0666 in /tmp-like folders',
      (suffix) => {
        const { db } = folder(0o1777);
        const side = `${db}${suffix}`;
        writeFileSync(side, '', { mode: 0o666 });
        chmodSync(side, 0o666);
        chownSync(side, NOBODY, NOBODY);
        expect(refusal(() => prepareDataFile(db, uid))).toBe(
          `${side} belongs to uid ${NOBODY}, not to this user (uid ${uid}): not using it`,
        );
        expect(statSync(side).mode & 0o777).toBe(0o666);
      },
    );

    it('refuses a database owned by another user', () => {
      const { db } = folder();
      writeFileSync(db, '');
      chownSync(db, NOBODY, NOBODY);
      expect(refusal(() => prepareDataFile(db, uid))).toBe(
        `${db} belongs to uid ${NOBODY}, not to this user (uid ${uid}): not using it`,
      );
    });

    it("refuses another user's symlink to our database in a sticky folder", () => {
      const { dir, db } = folder(0o1777);
      const mine = join(dir, 'mine.db');
      writeFileSync(mine, '', { mode: 0o600 });
      symlinkSync(mine, db);
      spawnSync('chown', ['-h', `${NOBODY}:${NOBODY}`, db]);
      expect(lstatSync(db).uid).toBe(NOBODY);
      expect(refusal(() => prepareDataFile(db, uid))).toBe(
        `${db} belongs to uid ${NOBODY}, not to this user (uid ${uid}): not using it`,
      );
    });
  });
});

describe.skipIf(uid < 0)('the command line', () => {
  it('refuses to start with one line naming the file, exit 1, no stack trace', () => {
    const { dir, db } = folder();
    writeFileSync(join(dir, 'victim'), '');
    symlinkSync(join(dir, 'victim'), `${db}-wal`);
    const res = spawnSync(process.execPath, [BIN, '--data', db, '--quiet'], { encoding: 'utf8', timeout: 30_000 });
    expect(res.status).toBe(1);
    expect(res.stdout).toBe('');
    expect(res.stderr).toBe(
      `qlik-emulator: ${db}-wal is a symbolic link, not a regular file: not using it (remove it if it is stale)\n`,
    );
  });
});
