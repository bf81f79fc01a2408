import { closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { TongbanError } from '../errors/index.js';
import { CAPABILITIES } from './capabilities.js';
import { AUTOCHECKPOINT_PAGES, CHECKPOINT_INTERVAL_MS, FALLBACK_AUTOCHECKPOINT_PAGES, SqliteCheckpointer } from './sqlite-checkpointer.js';
import { translateDatabaseError } from './database-error.js';
import { registerSqliteAssert } from './assertions.js';
import { SqliteJtiJournal } from './sqlite-jti-journal.js';
import { syncData } from './sync-data.js';
import type { JtiJournal, Queryable, QueryOptions, QueryResult, SqlValue, Store } from './store.js';

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
  /** WAL frames past which the store pauses between two batches to let the checkpointer's worker start the WAL again. Default {@link WAL_RESTART_FRAMES}. */
  walRestartFrames?: number;
  /**
   * Flushes the WAL file (its descriptor) to disk, off the event loop: every group commit of a file database waits for
   * it before anything of the batch is answered. Default: `fdatasync` on the libuv thread pool. Tests inject one
   * they can hold or fail.
   */
  walSync?: (fd: number) => Promise<void>;
  /** The same flush for the jti journal's WAL (sqlite-jti-journal.ts); default `fdatasync` on the thread pool. */
  jtiWalSync?: (fd: number) => Promise<void>;
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

/**
 * Default of {@link SqliteStoreOptions.walRestartFrames} (≈ 120 MB of 4 KiB
 * pages). A WAL starts again from its beginning only when the writer begins
 * a transaction while every frame is copied; the worker copies them while
 * the writer keeps adding more, so under steady intake that moment almost
 * never comes. The WAL then grew to the connection's fallback autocheckpoint
 * ({@link FALLBACK_AUTOCHECKPOINT_PAGES}), whose checkpoint syncs the
 * database file on the event loop: 100–190 ms every ~9 s at 211k
 * applications (docs/performance.md). Instead, past this many frames, the
 * store waits — without holding the event loop — for one checkpoint of the
 * worker before it begins its next batch, so that batch starts the WAL again.
 */
export const WAL_RESTART_FRAMES = 30_000;

interface Compiled {
  statement: Database.Statement;
  /** For each `?` in order, the index of the `$n` parameter it binds. */
  order: number[];
}

/**
 * How every connection is set up: WAL with `synchronous=FULL` (a COMMIT is on
 * disk before it returns; the store's own writing connection then lowers it
 * to NORMAL and syncs the WAL itself, off the event loop — see
 * {@link SqliteStore}). Checkpoints (copying the WAL into the database
 * file) run every ~40 MB of WAL instead of SQLite's ~4 MB: a page written by
 * many commits in between is copied once, and the event loop stalls for a
 * checkpoint ten times less often; durability is unchanged. A WAL started
 * again keeps up to 160 MiB of its file (above the store's restart point,
 * {@link WAL_RESTART_FRAMES}) rather than being cut and grown again by every
 * restart. The page cache is set apart ({@link SqliteStoreOptions.cacheMb}).
 * Exported so the benchmark's ceiling harness sets its connection up the
 * same way (it keeps the sync inside COMMIT).
 */
export const SQLITE_PRAGMAS: readonly string[] = Object.freeze([
  'journal_mode = WAL',
  'synchronous = FULL',
  'foreign_keys = ON',
  'wal_autocheckpoint = 10000',
  `journal_size_limit = ${160 * 1024 * 1024}`,
  'temp_store = MEMORY',
]);

/** One queued operation: a statement, a transaction, or raw access to the handle. */
interface Operation {
  /** `raw` runs alone, outside any transaction (migrations). */
  kind: 'query' | 'transaction' | 'raw';
  /** Goes ahead of the queue; the batch that runs it commits right after (QueryOptions.urgent). */
  urgent: boolean;
  work: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/**
 * The embedded store: better-sqlite3 in WAL mode; a commit is on disk before
 * anything that ran in it is acknowledged.
 *
 * better-sqlite3 is synchronous and one connection is shared, so operations
 * run one at a time from a queue. A durable commit costs an fsync, so the
 * queue **group-commits**: every operation waiting when
 * a batch starts (and any queued while it runs) executes inside one SQLite
 * transaction — each transaction in its own savepoint, so one that throws is
 * rolled back alone — then one COMMIT makes them all durable. Nothing leaves
 * the store before the commit of the batch it ran in: results (reads
 * included, which may have seen the batch's writes) resolve only after that
 * COMMIT, and if the COMMIT fails every operation of the batch is rejected.
 * Between batches the event loop runs, so requests that arrived during one
 * commit share the next.
 *
 * **An idle store reads at once.** A read-only statement (SQLite's own
 * answer, sqlite3_stmt_readonly) asked for while nothing is queued or
 * running, and no transaction is open, runs right away, in no batch: every
 * commit before it has been flushed (a batch's operations resolve only
 * after its flush, and the store is idle only after that), so it sees only
 * what is on disk, as it would in a batch of its own. It saves a lightly
 * loaded gateway a turn of the event loop and a `BEGIN IMMEDIATE`/`COMMIT`
 * per read. Under load the queue is rarely empty and reads batch as before.
 *
 * **Urgent statements** ({@link QueryOptions.urgent}: a client's look-up
 * past the registry's cache, which a request waits on before anything else)
 * go ahead of the queue, and the batch that runs one takes nothing after it
 * but other urgent ones, then commits. Without that, such a statement
 * arriving during a batch of dozens of submissions waited for that batch,
 * then for the whole next one (each 30–60 ms of SQLite on a large database,
 * plus its flush); now it waits for at most one slice of the running batch
 * and its flush. A jti recorded on its own no longer comes this way: it goes
 * to the jti journal (sqlite-jti-journal.ts), which cuts no batch short.
 *
 * **The fsync is off the event loop.** With `synchronous=FULL` SQLite syncs
 * the WAL inside COMMIT, on the only thread: on a busy disk (a checkpoint
 * syncing the database file beside it) that took 100–210 ms, and every
 * request and operator read waited (docs/performance.md, scale). For a file,
 * the connection commits with `synchronous=NORMAL` (the frames are written
 * to the WAL, not synced; checkpoints and the WAL's restarts still sync as
 * before), then {@link SqliteStoreOptions.walSync} flushes the WAL on the
 * thread pool, and only then do the batch's operations resolve (a batch
 * that only read has nothing to flush: what it saw was flushed before it
 * began). The next
 * batch starts after that flush, so at most one commit is written but not
 * yet on disk. What a crash can lose is only that commit, whose operations
 * were never answered. Another connection (the ops reader) may see it a
 * flush earlier than it is durable. A flush that fails leaves the store
 * unusable — the commit is visible but may not be on disk, and retrying an
 * fsync does not make it so — every operation fails DATABASE_UNAVAILABLE
 * until the process is restarted and SQLite recovers from the WAL on disk.
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
  /** A statement that may write ran since the batch began (a batch of reads only has nothing to flush). */
  private wrote = false;
  /** The WAL flush that failed: nothing is trusted afterwards. */
  private broken: TongbanError | undefined;
  private readonly walPath: string | undefined;
  private walFd: number | undefined;
  private readonly walSync: (fd: number) => Promise<void>;
  private readonly walRestartFrames: number;
  /** Wakes a pause that lets the WAL start again: an urgent operation came (see letWalRestart). */
  private urgentArrived: (() => void) | undefined;
  /** A pause that lets the WAL start again is under way (the urgent batches it runs do not start another). */
  private pausing = false;
  /** No restart pause before this time (ms): the worker's report of the last one must come in first. */
  private nextRestartAt = 0;
  private readonly counts = { commits: 0, operations: 0, walRestarts: 0, urgentDuringPauses: 0, idleReads: 0 };
  private readonly checkpointIntervalMs: number;
  /** The checkpointer's worker, while it runs. */
  readonly checkpointer: SqliteCheckpointer | undefined;
  /** Where jtis recorded on their own are kept: a file of its own, outside the group commits (sqlite-jti-journal.ts). */
  readonly jtiJournal: JtiJournal;
  private readonly journal: SqliteJtiJournal;

  constructor(options: SqliteStoreOptions) {
    if (options.path !== ':memory:') mkdirSync(dirname(options.path), { recursive: true });
    this.db = new Database(options.path, { timeout: options.busyTimeoutMs ?? 5000 });
    for (const pragma of SQLITE_PRAGMAS) this.db.pragma(pragma);
    registerSqliteAssert(this.db);
    if (options.path !== ':memory:') {
      // Commits write the WAL; the store syncs it off the event loop before answering (see the class comment).
      this.db.pragma('synchronous = NORMAL');
      this.walPath = `${options.path}-wal`;
    }
    this.walSync = options.walSync ?? syncData;
    this.walRestartFrames = options.walRestartFrames ?? WAL_RESTART_FRAMES;
    this.db.pragma(`cache_size = -${(options.cacheMb ?? SQLITE_CACHE_MB) * 1024}`);
    this.maxBatch = options.maxBatch ?? 256;
    this.sliceMs = options.sliceMs ?? 0;
    const intervalMs = options.checkpointIntervalMs ?? CHECKPOINT_INTERVAL_MS;
    this.checkpointIntervalMs = intervalMs;
    const inWorker = options.path !== ':memory:' && intervalMs > 0;
    if (inWorker) this.db.pragma(`wal_autocheckpoint = ${FALLBACK_AUTOCHECKPOINT_PAGES}`);
    const journal = new SqliteJtiJournal({
      path: options.path === ':memory:' ? ':memory:' : `${options.path}-jtis`, checkpointedElsewhere: inWorker,
      ...(options.jtiWalSync ? { walSync: options.jtiWalSync } : {}),
    });
    this.journal = journal;
    this.jtiJournal = {
      has: (clientId, jti) => journal.has(clientId, jti),
      record: (clientId, jti, expiresAtMs) => journal.record(clientId, jti, expiresAtMs, () => this.storeHasJti(clientId, jti)),
      purge: (nowMs, chunk) => journal.purge(nowMs, chunk),
    };
    this.checkpointer = inWorker ? new SqliteCheckpointer({
      path: options.path, alsoPaths: [journal.path], intervalMs,
      onStopped: () => {
        if (this.db.open) this.db.pragma(`wal_autocheckpoint = ${AUTOCHECKPOINT_PAGES}`);
        journal.checkpointElsewhere(false);
      },
    }) : undefined;
  }

  async query<Row>(sql: string, params: readonly SqlValue[] = [], options: QueryOptions = {}): Promise<QueryResult<Row>> {
    if (this.idleNow() && this.readOnly(sql)) {
      // Nothing queued or running: every commit is durable, so a read sees only what is on disk, as in a batch of its own.
      this.counts.idleReads += 1;
      return this.run<Row>(sql, params);
    }
    return this.enqueue('query', () => this.run<Row>(sql, params), options.urgent === true);
  }

  /** Whether the statement only reads; one that does not prepare goes the queue's way (and fails there, translated). */
  private readOnly(sql: string): boolean {
    try {
      return this.compile(sql).statement.readonly;
    } catch {
      return false;
    }
  }

  /** No operation queued, scheduled or running, and the connection outside any transaction. */
  private idleNow(): boolean {
    return !this.draining && !this.scheduled && this.pending.length === 0 && !this.closed && this.broken === undefined && this.db.open && !this.db.inTransaction;
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

  /**
   * Group commits so far, the operations they committed (operations ÷ commits = mean batch size), the pauses that let
   * the WAL start again, and the reads that ran at once on an idle store (in no batch).
   */
  commitStats(): { commits: number; operations: number; walRestarts: number; urgentDuringPauses: number; idleReads: number } {
    return { ...this.counts };
  }

  async ping(): Promise<void> {
    this.journal.usable();
    await this.query('SELECT 1');
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // Operations queued before close() fail with DATABASE_UNAVAILABLE (as they would after it); running ones finish.
    if (this.draining || this.scheduled) await new Promise<void>((resolve) => this.idle.push(resolve));
    // Its connection first: the last one to close copies the WAL into the file and removes it.
    await this.checkpointer?.close();
    await this.journal.close();
    this.db.close();
    if (this.walFd !== undefined) closeSync(this.walFd);
    this.walFd = undefined;
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

  /**
   * Whether `used_jtis` holds the jti — read now, on the connection, outside
   * the queue, so it sees the running batch's work too: the journal's check
   * in the same turn as its insert (SqliteJtiJournal).
   */
  private storeHasJti(clientId: string, jti: string): boolean {
    if (this.broken) throw this.broken;
    // Closing: nothing new is taken, as nothing new is queued.
    if (this.closed) throw unavailable();
    return this.run('SELECT 1 AS used FROM used_jtis WHERE client_id = $1 AND jti = $2', [clientId, jti]).rows.length > 0;
  }

  private enqueue<T>(kind: Operation['kind'], work: () => T | Promise<T>, urgent = false): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (this.closed || this.broken) {
        reject(this.broken ?? unavailable());
        return;
      }
      const operation: Operation = { kind, urgent, work, resolve: resolve as (value: unknown) => void, reject };
      if (urgent) {
        // Behind the urgent ones already waiting (they stay in order), ahead of everything else.
        let at = 0;
        while (at < this.pending.length && this.pending[at]!.urgent) at += 1;
        this.pending.splice(at, 0, operation);
        this.urgentArrived?.();
      } else {
        this.pending.push(operation);
      }
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
      if (this.closed || this.broken) {
        for (const operation of this.pending.splice(0)) operation.reject(this.broken ?? unavailable());
      } else if (this.pending[0]?.kind === 'raw') {
        const operation = this.pending.shift()!;
        try {
          const value = await operation.work();
          // A migration's script committed by itself: on disk before it is answered, as a batch.
          await this.durable();
          operation.resolve(value);
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
      this.wrote = false;
    } catch (error) {
      // The write lock stayed with another process past the busy timeout: the first in line fails, the rest try again.
      this.pending.shift()!.reject(error);
      return;
    }
    const done: { operation: Operation; value: unknown }[] = [];
    let count = 0;
    /** An urgent operation ran: the batch takes only urgent ones after it, then commits. */
    let urgentRan = false;
    let sliceStarted = performance.now();
    while (this.pending.length > 0 && this.pending[0]!.kind !== 'raw' && count < this.maxBatch && (!urgentRan || this.pending[0]!.urgent)) {
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
      if (operation.urgent) urgentRan = true;
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
    try {
      // Reads only: everything they saw was flushed before this batch began (batches run one after another).
      if (this.wrote) await this.durable();
    } catch (error) {
      this.fail(done, error);
      return;
    }
    this.counts.commits += 1;
    this.counts.operations += done.length;
    for (const { operation, value } of done) operation.resolve(value);
    await this.letWalRestart();
  }

  /**
   * Past {@link SqliteStoreOptions.walRestartFrames}: one checkpoint of the
   * worker, with no batch running, so that the next starts the WAL again.
   * The copy ends with a sync of the database file (≈ 100–140 ms on a busy
   * disk); urgent operations do not wait for it: each that comes meanwhile
   * runs at once in a batch of its own. Its frames are not in that
   * checkpoint, so the WAL then starts again only at a later pause.
   */
  private async letWalRestart(): Promise<void> {
    const checkpointer = this.checkpointer;
    if (!checkpointer || this.pausing || checkpointer.walFrames < this.walRestartFrames || performance.now() < this.nextRestartAt) return;
    this.nextRestartAt = performance.now() + this.checkpointIntervalMs;
    this.pausing = true;
    try {
      let copied = false;
      // A failed checkpoint leaves the WAL to grow to the fallback autocheckpoint, as before.
      const checkpoint = checkpointer.checkpointNow().then(() => { this.counts.walRestarts += 1; }, () => undefined).then(() => { copied = true; });
      while (!copied) {
        if (this.pending[0]?.urgent && !this.closed && !this.broken) {
          this.counts.urgentDuringPauses += 1;
          await this.runBatch();
          continue;
        }
        await Promise.race([checkpoint, new Promise<void>((resolve) => { this.urgentArrived = resolve; })]);
        this.urgentArrived = undefined;
      }
    } finally {
      this.pausing = false;
    }
  }

  /**
   * Flushes what this connection committed to the WAL (nothing for an
   * in-memory database). A failure breaks the store: see the class comment.
   */
  private async durable(): Promise<void> {
    if (this.walPath === undefined) return;
    try {
      // SQLite keeps its WAL while any connection is open, so the descriptor stays on the file it writes.
      this.walFd ??= openWal(this.walPath);
      // No WAL yet: nothing was written.
      if (this.walFd !== undefined) await this.walSync(this.walFd);
    } catch (cause) {
      this.broken ??= new TongbanError('DATABASE_UNAVAILABLE', 'The database could not make a commit durable; restart the gateway', { cause });
      throw this.broken;
    }
  }

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
      // SQLite's own answer (sqlite3_stmt_readonly): false for anything that may write, RETURNING included; true for SAVEPOINT, RELEASE, COMMIT.
      if (!compiled.statement.readonly) this.wrote = true;
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
      const { text, order } = positional(sql);
      compiled = { statement: this.db.prepare(text), order };
      if (this.cache.size > 500) this.cache.clear();
      this.cache.set(sql, compiled);
    }
    return compiled;
  }
}

/**
 * A statement written with `$1…` placeholders as SQLite runs it here: each
 * `$n` becomes `?`, and `order` gives, for each `?` in turn, the index of the
 * value it takes (so a value used twice is bound twice).
 */
export function positional(sql: string): { text: string; order: number[] } {
  const order: number[] = [];
  const text = sql.replace(/\$(\d+)/g, (_, n: string) => {
    order.push(Number(n) - 1);
    return '?';
  });
  return { text, order };
}

/** A descriptor of the WAL file, if it exists. */
function openWal(path: string): number | undefined {
  try {
    return openSync(path, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
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
