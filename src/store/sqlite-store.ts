import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { CAPABILITIES } from './capabilities.js';
import { translateDatabaseError } from './database-error.js';
import type { Queryable, QueryResult, SqlValue, Store } from './store.js';

export interface SqliteStoreOptions {
  /** Database file; `:memory:` for a private in-memory database. */
  path: string;
  /** How long a statement waits for another process's write lock (ms). Default 5000. */
  busyTimeoutMs?: number;
}

interface Compiled {
  statement: Database.Statement;
  /** For each `?` in order, the index of the `$n` parameter it binds. */
  order: number[];
}

/**
 * The embedded store: better-sqlite3 in WAL mode with `synchronous=FULL`, so a
 * commit is on disk before it is acknowledged. better-sqlite3 is synchronous
 * and one connection is shared, so transactions (which may await between
 * statements) are serialised through a queue, and standalone queries wait for
 * a running transaction instead of slipping into it.
 */
export class SqliteStore implements Store {
  readonly dialect = 'sqlite' as const;
  readonly capabilities = CAPABILITIES.sqlite;
  private readonly db: Database.Database;
  private readonly cache = new Map<string, Compiled>();
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(options: SqliteStoreOptions) {
    if (options.path !== ':memory:') mkdirSync(dirname(options.path), { recursive: true });
    this.db = new Database(options.path, { timeout: options.busyTimeoutMs ?? 5000 });
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.pragma('foreign_keys = ON');
  }

  async query<Row>(sql: string, params: readonly SqlValue[] = []): Promise<QueryResult<Row>> {
    return this.exclusive(async () => this.run<Row>(sql, params));
  }

  async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    return this.exclusive(async () => {
      this.run('BEGIN IMMEDIATE', []);
      let open = true;
      const tx: Queryable = {
        query: async <Row>(sql: string, params: readonly SqlValue[] = []) => {
          if (!open) throw new Error('transaction already finished');
          return this.run<Row>(sql, params);
        },
      };
      try {
        const result = await fn(tx);
        this.run('COMMIT', []);
        return result;
      } catch (error) {
        if (this.db.inTransaction) this.db.exec('ROLLBACK');
        throw error;
      } finally {
        open = false;
      }
    });
  }

  async ping(): Promise<void> {
    await this.query('SELECT 1');
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.queue.catch(() => undefined);
    this.db.close();
  }

  /** Runs `work` after everything queued before it, whatever happened to that. */
  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private run<Row>(sql: string, params: readonly SqlValue[]): QueryResult<Row> {
    if (this.closed) translateDatabaseError(Object.assign(new Error('database is not open'), { code: 'SQLITE_CANTOPEN' }));
    try {
      const compiled = this.compile(sql);
      const values = compiled.order.map((index) => toSqlite(params[index]));
      if (compiled.statement.reader) {
        const rows = compiled.statement.all(...values) as Row[];
        return { rows, rowCount: rows.length };
      }
      const info = compiled.statement.run(...values);
      return { rows: [], rowCount: info.changes };
    } catch (error) {
      return translateDatabaseError(error);
    }
  }

  private compile(sql: string): Compiled {
    let compiled = this.cache.get(sql);
    if (!compiled) {
      const order: number[] = [];
      const rewritten = sql.replace(/\$(\d+)/g, (_, n: string) => {
        order.push(Number(n) - 1);
        return '?';
      });
      compiled = { statement: this.db.prepare(rewritten), order };
      if (this.cache.size > 500) this.cache.clear();
      this.cache.set(sql, compiled);
    }
    return compiled;
  }

  /**
   * Runs `work` with the raw better-sqlite3 handle, exclusively (migrations run
   * multi-statement scripts this way). Not for request handling.
   */
  async withDatabase<T>(work: (db: Database.Database) => T): Promise<T> {
    return this.exclusive(async () => {
      try {
        return work(this.db);
      } catch (error) {
        return translateDatabaseError(error);
      }
    });
  }
}

function toSqlite(value: SqlValue | undefined): string | number | bigint | Buffer | null {
  if (value === undefined) return null;
  if (typeof value === 'boolean') return value ? 1 : 0;
  return value;
}
