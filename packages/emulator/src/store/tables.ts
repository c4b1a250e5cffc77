// The services' own tables inside the one shared database: each service store creates its tables
// (CREATE TABLE IF NOT EXISTS, so a data file of an older version gains them on its next start), keeps
// its prepared statements, and runs its multi-statement writes in one transaction.
import type Database from 'better-sqlite3';
import type { Store } from './store.js';

export class Tables {
  readonly db: Database.Database;
  /** Whether this open created the service's first table (a data file of a version without it). */
  readonly created: boolean;
  private readonly statements = new Map<string, Database.Statement>();

  constructor(db: Database.Database, firstTable: string, ddl: string) {
    this.db = db;
    const exists = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(firstTable);
    this.created = exists === undefined;
    db.exec(ddl);
  }

  stmt<P extends unknown[] | object = unknown[], R = unknown>(source: string): Database.Statement<P, R> {
    let statement = this.statements.get(source);
    if (!statement) {
      statement = this.db.prepare(source);
      this.statements.set(source, statement);
    }
    return statement as unknown as Database.Statement<P, R>;
  }

  /** Runs `fn` in one transaction (a savepoint when one is already open): all of its writes or none. */
  tx<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }
}

/** One instance of a service store per emulator store, made (and its tables created) on first use. */
export function perStore<T>(make: (store: Store) => T): (store: Store) => T {
  const made = new WeakMap<Store, T>();
  return (store) => {
    let value = made.get(store);
    if (value === undefined) {
      value = make(store);
      made.set(store, value);
    }
    return value;
  };
}
