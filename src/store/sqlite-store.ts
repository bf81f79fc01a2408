import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { TongbanError } from '../errors/index.js';
import { CAPABILITIES } from './capabilities.js';
import { AUTOCHECKPOINT_PAGES, CHECKPOINT_INTERVAL_MS, FALLBACK_AUTOCHECKPOINT_PAGES, SqliteCheckpointer } from './sqlite-checkpointer.js';
import { translateDatabaseError } from './database-error.js';
import type { Queryable, QueryResult, SqlValue, Store } from './store.js';

export interface SqliteStoreOptions {
  /** Database file; `:memory:` for a private in-memory database. */
  path: string;
  /** How long a statement waits for another process's write lock (ms). Default 5000. */
  busyTimeoutMs?: number;
  /** Most operations committed together in one group commit. Default 256. */
  maxBatch?: number;
  /**
   * Longest a batch runs without letting the event loop turn (ms); 0 (the default) never yields. The gateway's store
   * (`openStore`) uses {@link SLICE_MS}. The batch's transaction stays open across the turn and commits once, as before.
   * Only for the one store that writes a file in its process: better-sqlite3 waits for the write lock synchronously,
   * so another store of the same process beginning a write while a batch is between slices would block the thread
   * that holds the lock until its busy timeout (SQLITE_BUSY). Other processes simply wait their turn.
   */
  sliceMs?: number;
  /**
   * Checkpoints in a worker thread, off the event loop (sqlite-checkpointer.ts), every this many ms; 0 leaves
   * them to the commits, as SQLite does. Default {@link CHECKPOINT_INTERVAL_MS} for a file; a `:memory:` database has no WAL.
   */
  checkpointIntervalMs?: number;
  /** Page cache of the connection (MiB): resident once the database is larger. Default {@link SQLITE_CACHE_MB}. */
  cacheMb?: number;
}

/**
 * Default page cache of a connection (MiB). Intake touches the right edge of
 * each table (time-ordered ids) and a few index pages; a cache four times
 * this size kept intake no faster and made the gateway's resident memory
 * 48 MB larger once the database outgrew it (docs/performance.md, memory).
 */
export const SQLITE_CACHE_MB = 16;

/**
 * Default of {@link SqliteStoreOptions.sliceMs}: a batch of dozens of
 * submissions on a large database runs 30–60 ms of synchronous SQLite; every
 * other request (an operator's read, a look-up) would wait that long.
 */
export const SLICE_MS = 5;

interface Compiled {
  statement: Database.Statement;
  /** For each `?` in order, the index of the `$n` parameter it binds. */
  order: number[];
}

/**
 * How every connection is set up: WAL with `synchronous=FULL` (a COMMIT is on
 * disk before it is answered). Checkpoints (copying the WAL into the database
 * file) run every ~40 MB of WAL instead of SQLite's ~4 MB: a page written by
 * many commits in between is copied once, and the event loop stalls for a
 * checkpoint ten times less often; durability is unchanged. The page cache is
 * set apart ({@link SqliteStoreOptions.cacheMb}). Exported so the benchmark's
 * ceiling harness uses the very same settings.
 */
export const SQLITE_PRAGMAS: readonly string[] = Object.freeze([
  'journal_mode = WAL',
  'synchronous = FULL',
  'foreign_keys = ON',
  'wal_autocheckpoint = 10000',
  `journal_size_limit = ${64 * 1024 * 1024}`,
  'temp_store = MEMORY',
]);

/** One queued operation: a statement, a transaction, or raw access to the handle. */
interface Operation {
  /** `raw` runs alone, outside any transaction (migrations). */
  kind: 'query' | 'transaction' | 'raw';
  work: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/**
 * The embedded store: better-sqlite3 in WAL mode with `synchronous=FULL`, so a
 * commit is on disk before it is acknowledged.
 *
 * better-sqlite3 is synchronous and one connection is shared, so operations
 * run one at a time from a queue. A durable commit costs an fsync that blocks
 * the event loop, so the queue **group-commits**: every operation waiting when
 * a batch starts (and any queued while it runs) executes inside one SQLite
 * transaction — each transaction in its own savepoint, so one that throws is
 * rolled back alone — then one COMMIT makes them all durable. Nothing leaves
 * the store before the commit of the batch it ran in: results (reads
 * included, which may have seen the batch's writes) resolve only after that
 * COMMIT, and if the COMMIT fails every operation of the batch is rejected.
 * Between batches the event loop runs, so requests that arrived during one
 * commit share the next.
 */
export class SqliteStore implements Store {
  readonly dialect = 'sqlite' as const;
  readonly capabilities = CAPABILITIES.sqlite;
  private readonly db: Database.Database;
  private readonly cache = new Map<string, Compiled>();
  private readonly pending: Operation[] = [];
  private readonly maxBatch: number;
  private readonly sliceMs: number;
  private scheduled = false;
  private draining = false;
  private idle: (() => void)[] = [];
  private closed = false;
  private readonly counts = { commits: 0, operations: 0 };
  /** The checkpointer's worker, while it runs. */
  readonly checkpointer: SqliteCheckpointer | undefined;

  constructor(options: SqliteStoreOptions) {
    if (options.path !== ':memory:') mkdirSync(dirname(options.path), { recursive: true });
    this.db = new Database(options.path, { timeout: options.busyTimeoutMs ?? 5000 });
    for (const pragma of SQLITE_PRAGMAS) this.db.pragma(pragma);
    this.db.pragma(`cache_size = -${(options.cacheMb ?? SQLITE_CACHE_MB) * 1024}`);
    this.maxBatch = options.maxBatch ?? 256;
    this.sliceMs = options.sliceMs ?? 0;
    const intervalMs = options.checkpointIntervalMs ?? CHECKPOINT_INTERVAL_MS;
    const inWorker = options.path !== ':memory:' && intervalMs > 0;
    if (inWorker) this.db.pragma(`wal_autocheckpoint = ${FALLBACK_AUTOCHECKPOINT_PAGES}`);
    this.checkpointer = inWorker ? new SqliteCheckpointer({
      path: options.path, intervalMs,
      onStopped: () => { if (this.db.open) this.db.pragma(`wal_autocheckpoint = ${AUTOCHECKPOINT_PAGES}`); },
    }) : undefined;
  }

  async query<Row>(sql: string, params: readonly SqlValue[] = []): Promise<QueryResult<Row>> {
    return this.enqueue('query', () => this.run<Row>(sql, params));
  }

  async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    return this.enqueue('transaction', async () => {
      let open = true;
      const tx: Queryable = {
        query: async <Row>(sql: string, params: readonly SqlValue[] = []) => {
          if (!open) throw new Error('transaction already finished');
          return this.run<Row>(sql, params);
        },
      };
      try {
        return await fn(tx);
      } finally {
        open = false;
      }
    });
  }

  /** Group commits so far, and the operations they committed (operations ÷ commits = mean batch size). */
  commitStats(): { commits: number; operations: number } {
    return { ...this.counts };
  }

  async ping(): Promise<void> {
    await this.query('SELECT 1');
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // Operations queued before close() fail with DATABASE_UNAVAILABLE (as they would after it); running ones finish.
    if (this.draining || this.scheduled) await new Promise<void>((resolve) => this.idle.push(resolve));
    // Its connection first: the last one to close copies the WAL into the file and removes it.
    await this.checkpointer?.close();
    this.db.close();
  }

  /**
   * Runs `work` with the raw better-sqlite3 handle, alone and outside any
   * transaction (migrations run multi-statement scripts this way). Not for
   * request handling.
   */
  async withDatabase<T>(work: (db: Database.Database) => T): Promise<T> {
    return this.enqueue('raw', () => {
      try {
        return work(this.db);
      } catch (error) {
        return translateDatabaseError(error);
      }
    });
  }

  private enqueue<T>(kind: Operation['kind'], work: () => T | Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (this.closed) {
        reject(unavailable());
        return;
      }
      this.pending.push({ kind, work, resolve: resolve as (value: unknown) => void, reject });
      this.schedule();
    });
  }

  /** Starts the next batch after the event loop has had a turn (so that more work can join it). */
  private schedule(): void {
    if (this.scheduled || this.draining) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.draining = true;
    try {
      if (this.closed) {
        for (const operation of this.pending.splice(0)) operation.reject(unavailable());
      } else if (this.pending[0]?.kind === 'raw') {
        const operation = this.pending.shift()!;
        try {
          operation.resolve(await operation.work());
        } catch (error) {
          operation.reject(error);
        }
      } else if (this.pending.length > 0) {
        await this.runBatch();
      }
    } finally {
      this.draining = false;
      if (this.pending.length > 0) this.schedule();
      else for (const resolve of this.idle.splice(0)) resolve();
    }
  }

  /** Runs queued operations in one transaction and commits them together. */
  private async runBatch(): Promise<void> {
    try {
      this.run('BEGIN IMMEDIATE', []);
    } catch (error) {
      // The write lock stayed with another process past the busy timeout: the first in line fails, the rest try again.
      this.pending.shift()!.reject(error);
      return;
    }
    const done: { operation: Operation; value: unknown }[] = [];
    let count = 0;
    let sliceStarted = performance.now();
    while (this.pending.length > 0 && this.pending[0]!.kind !== 'raw' && count < this.maxBatch) {
      if (this.sliceMs > 0 && performance.now() - sliceStarted >= this.sliceMs) {
        // A long batch lets the event loop turn (requests, ops answers) between its operations; the transaction stays open, and
        // what is queued meanwhile joins it. Nothing else uses the connection: every operation goes through this queue.
        await new Promise<void>((resolve) => setImmediate(resolve));
        sliceStarted = performance.now();
        if (!this.db.inTransaction) {
          this.fail(done, unavailable());
          return;
        }
        // Closed meanwhile: this batch commits what it ran; what is still queued fails as close() promises.
        if (this.closed) break;
        continue;
      }
      const operation = this.pending.shift()!;
      count += 1;
      const savepoint = operation.kind === 'transaction';
      try {
        if (savepoint) this.run('SAVEPOINT tongban_operation', []);
        const value = await operation.work();
        if (savepoint) this.run('RELEASE tongban_operation', []);
        done.push({ operation, value });
      } catch (error) {
        if (this.db.inTransaction) {
          // Only this operation's work is undone; a failed single statement undid itself.
          if (savepoint) {
            this.run('ROLLBACK TO tongban_operation', []);
            this.run('RELEASE tongban_operation', []);
          }
          operation.reject(error);
          continue;
        }
        // SQLite rolled the whole transaction back (disk full, I/O error): the batch so far is lost.
        operation.reject(error);
        this.fail(done, error);
        return;
      }
    }
    try {
      this.run('COMMIT', []);
    } catch (error) {
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
      this.fail(done, error);
      return;
    }
    this.counts.commits += 1;
    this.counts.operations += done.length;
    for (const { operation, value } of done) operation.resolve(value);  }

  /** Rejects operations whose work was in a batch that did not commit. */
  private fail(done: readonly { operation: Operation }[], cause: unknown): void {
    const error = cause instanceof TongbanError ? cause
      : new TongbanError('DATABASE_UNAVAILABLE', 'The database could not commit; retry later', { cause });
    for (const { operation } of done) operation.reject(error);
  }

  private run<Row>(sql: string, params: readonly SqlValue[]): QueryResult<Row> {
    if (!this.db.open) throw unavailable();
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
}

function unavailable(): TongbanError {
  return new TongbanError('DATABASE_UNAVAILABLE', 'The database is unavailable; retry later', { cause: Object.assign(new Error('database is not open'), { code: 'SQLITE_CANTOPEN' }) });
}

function toSqlite(value: SqlValue | undefined): string | number | bigint | Buffer | null {
  if (value === undefined) return null;
  if (typeof value === 'boolean') return value ? 1 : 0;
  return value;
}
