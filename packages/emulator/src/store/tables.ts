// The tables a service adds to the one shared database: each service store creates its tables (CREATE TABLE IF NOT
// EXISTS, so a data file of an older version gains them on its next start) and prepares its statements through the
// store's cache; `perStore` makes one service store per emulator store.
import type Database from 'better-sqlite3';
import type { Store } from './store.js';

export class Tables {
  readonly store: Store;
  /** Whether this open created the service's first table (a data file of a version without it). */
  readonly created: boolean;

  constructor(store: Store, firstTable: string, ddl: string) {
    this.store = store;
    const db = store.database;
    const exists = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(firstTable);
    this.created = exists === undefined;
    db.exec(ddl);
  }

  stmt<P extends unknown[] | object = unknown[], R = unknown>(source: string): Database.Statement<P, R> {
    return this.store.stmt<P, R>(source);
  }

  /** Runs `fn` in one transaction (a savepoint when one is already open): all of its writes or none. */
  tx<T>(fn: () => T): T {
    return this.store.inTransaction(fn);
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
