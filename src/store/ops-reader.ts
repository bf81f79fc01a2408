/**
 * The ops reader: where the dashboard, `/v1/ops/*`, `/metrics` and the alert
 * checks read, so that nothing an operator does delays intake or delivery.
 *
 * - SQLite: a worker thread holding its own read-only connection to the same
 *   file (sqlite-reader-worker.js). better-sqlite3 is synchronous and the
 *   store's queue makes reads wait behind group commits; in the worker, a
 *   read runs beside them (WAL) and never on the event loop.
 * - PostgreSQL: a small pool of its own, so ops reads never take the
 *   connections intake and dispatchers need.
 * - A `:memory:` database has no file to share: reads go to the store.
 *
 * Reads see committed data only — never the caller's own uncommitted writes —
 * so intake and delivery paths, which need to read their writes, keep using
 * the store. Each read is bounded in time: the reader's `timeoutMs`, cut to
 * what is left of the request's database budget (database-deadline.ts); past
 * it the read fails with 503 DATABASE_UNAVAILABLE.
 */
import { EventEmitter } from 'node:events';
import { resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { TongbanError } from '../errors/index.js';
import type { Dialect } from './capabilities.js';
import { waitLimit } from './database-deadline.js';
import { translateDatabaseError } from './database-error.js';
import type { Queryable, QueryResult, SqlValue, Store } from './store.js';

export interface OpsReader extends Queryable {
  readonly dialect: Dialect;
  /** How reads are served: a worker thread (SQLite), a pool of its own (PostgreSQL), or the store itself. */
  readonly kind: 'worker' | 'pool' | 'store';
  /** Stops the worker or the pool (not a store it was only lent). Reads still waiting fail with DATABASE_UNAVAILABLE. */
  close(): Promise<void>;
}

/** Default bound of one ops read (ms). */
export const OPS_READ_TIMEOUT_MS = 10_000;

/** Reads through a store: `owned` is closed with the reader (a pool of its own), else left open. */
export function storeReader(store: Store, options: { owned: boolean; timeoutMs?: number }): OpsReader {
  const timeoutMs = options.timeoutMs ?? OPS_READ_TIMEOUT_MS;
  return {
    dialect: store.dialect,
    kind: options.owned ? 'pool' : 'store',
    query: <Row>(sql: string, params?: readonly SqlValue[]) => withinTime(store.query<Row>(sql, params), waitLimit(timeoutMs)),
    close: async () => { if (options.owned) await store.close(); },
  };
}

interface Waiting {
  readonly message: { id: number; sql: string; params: (string | number | bigint | Buffer | null)[] };
  readonly resolve: (result: QueryResult<unknown>) => void;
  readonly reject: (error: unknown) => void;
  timer: NodeJS.Timeout;
}

export interface SqliteReaderOptions {
  /** The database file the store writes. */
  path: string;
  /** Bound of one read (ms). Default {@link OPS_READ_TIMEOUT_MS}. */
  timeoutMs?: number;
  /** Page cache of the reader's connection (KiB). Default 16384. */
  cacheKib?: number;
}

/**
 * The SQLite ops reader: statements run in a worker thread on a read-only
 * connection, one at a time in arrival order. A read that outlives its bound
 * is answered 503 and its worker is replaced (better-sqlite3 cannot
 * interrupt a statement; the old thread ends when it finishes), so one
 * runaway read does not hold the reads behind it: they go to the new worker,
 * each given its bound afresh.
 * Emits `statement` (the SQL) when the worker starts a statement.
 */
export class SqliteReader extends EventEmitter implements OpsReader {
  readonly dialect = 'sqlite' as const;
  readonly kind = 'worker' as const;
  private worker: Worker | undefined;
  private readonly waiting = new Map<number, Waiting>();
  private sequence = 0;
  private closed = false;
  private readonly timeoutMs: number;

  constructor(private readonly options: SqliteReaderOptions) {
    super();
    this.timeoutMs = options.timeoutMs ?? OPS_READ_TIMEOUT_MS;
  }

  query<Row>(sql: string, params: readonly SqlValue[] = []): Promise<QueryResult<Row>> {
    if (this.closed) return Promise.reject(unavailable('the ops reader is closed'));
    let limit: number;
    try {
      limit = waitLimit(this.timeoutMs)!;
    } catch (error) {
      return Promise.reject(error);
    }
    return new Promise<QueryResult<Row>>((resolve, reject) => {
      const id = ++this.sequence;
      const message = { id, sql, params: params.map((value) => (typeof value === 'boolean' ? (value ? 1 : 0) : value)) };
      const timer = setTimeout(() => this.timedOut(id), limit);
      this.waiting.set(id, { message, resolve: resolve as (result: QueryResult<unknown>) => void, reject, timer });
      this.started().postMessage(message);
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const [id, waiting] of this.waiting) {
      clearTimeout(waiting.timer);
      this.waiting.delete(id);
      waiting.reject(unavailable('the ops reader was closed'));
    }
    const worker = this.worker;
    this.worker = undefined;
    // Not awaited: a thread inside a statement stops only when the statement ends, and shutdown must not wait for it.
    void worker?.terminate();
  }

  /** The running worker, started on first use (and again after one was replaced). */
  private started(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(new URL('./sqlite-reader-worker.js', import.meta.url), {
      // Plain JavaScript: no loader flags of the parent (a TypeScript loader would only slow the start).
      execArgv: [],
      workerData: { path: resolve(this.options.path), busyTimeoutMs: 5000, cacheKib: this.options.cacheKib ?? 16_384 },
    });
    worker.unref();
    worker.on('message', (answer: { id: number; started?: true; rows?: unknown[]; error?: { message: string; code?: string } }) => {
      const waiting = this.waiting.get(answer.id);
      if (!waiting) return;
      if (answer.started) { this.emit('statement', waiting.message.sql); return; }
      clearTimeout(waiting.timer);
      this.waiting.delete(answer.id);
      if (answer.error) {
        try {
          translateDatabaseError(Object.assign(new Error(answer.error.message), { code: answer.error.code }));
        } catch (error) {
          waiting.reject(error);
        }
      } else {
        waiting.resolve({ rows: answer.rows!, rowCount: answer.rows!.length });
      }
    });
    worker.on('error', (error) => this.lost(worker, error));
    worker.on('exit', () => this.lost(worker, new Error('ops reader worker stopped')));
    this.worker = worker;
    return worker;
  }

  /** A read got no answer in time: it fails, its worker is replaced, the reads behind it go to the new one. */
  private timedOut(id: number): void {
    const waiting = this.waiting.get(id);
    if (!waiting) return;
    this.waiting.delete(id);
    waiting.reject(new TongbanError('DATABASE_UNAVAILABLE', 'The ops read did not finish in time; retry later', { cause: new Error(`ops read still running after its bound: ${waiting.message.sql.slice(0, 120)}`) }));
    const stuck = this.worker;
    this.worker = undefined;
    void stuck?.terminate();
    if (this.waiting.size > 0 && !this.closed) {
      const next = this.started();
      for (const [otherId, other] of this.waiting) {
        clearTimeout(other.timer);
        other.timer = setTimeout(() => this.timedOut(otherId), this.timeoutMs);
        next.postMessage(other.message);
      }
    }
  }

  /** The worker failed or stopped by itself: what it held fails (a replaced worker's exit is ignored). */
  private lost(worker: Worker, cause: Error): void {
    if (this.worker !== worker) return;
    this.worker = undefined;
    for (const [id, waiting] of this.waiting) {
      clearTimeout(waiting.timer);
      this.waiting.delete(id);
      waiting.reject(new TongbanError('DATABASE_UNAVAILABLE', 'The ops reader failed; retry later', { cause }));
    }
  }
}

function unavailable(message: string): TongbanError {
  return new TongbanError('DATABASE_UNAVAILABLE', 'The database is unavailable; retry later', { cause: new Error(message) });
}

/** `work`, or DATABASE_UNAVAILABLE when it has not answered after `limitMs` (undefined: no bound). */
async function withinTime<T>(work: Promise<T>, limitMs: number | undefined): Promise<T> {
  if (limitMs === undefined) return work;
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([work, new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new TongbanError('DATABASE_UNAVAILABLE', 'The ops read did not finish in time; retry later', { cause: new Error(`no answer within ${limitMs} ms`) })), limitMs);
    })]);
  } finally {
    clearTimeout(timer);
  }
}
