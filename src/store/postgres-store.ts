import { AsyncResource } from 'node:async_hooks';
import type { Writable } from 'node:stream';
import pg from 'pg';
import { CAPABILITIES } from './capabilities.js';
import { budgetSpent, runOutsideDatabaseDeadline, waitLimit } from './database-deadline.js';
import { translateDatabaseError } from './database-error.js';
import type { Queryable, QueryResult, SqlValue, Store, TransactionOptions } from './store.js';

// 64-bit integers (COUNT(*), BIGINT epoch milliseconds) come back as numbers:
// every value Tongban stores in them is below 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

export interface PostgresStoreOptions {
  connectionString: string;
  /** Schema for Tongban's tables; set as `search_path` on every connection. */
  schema?: string;
  /** Maximum connections. Default 10. */
  poolSize?: number;
  /** How long to wait for a connection: a free one when all are in use, or a new one to open (ms). Default 5000. */
  connectTimeoutMs?: number;
  /** Server-side `statement_timeout` (ms): the server cancels a statement running longer. Unset or 0: the server's own. */
  statementTimeoutMs?: number;
  /** Server-side `lock_timeout` (ms): a statement waiting longer for a lock fails. Unset or 0: the server's own. */
  lockTimeoutMs?: number;
  /**
   * Server-side `idle_in_transaction_session_timeout` (ms): the server ends a
   * session left idle inside a transaction this long (a gateway cut off
   * mid-transaction), releasing its locks. Unset or 0: the server's own.
   */
  idleInTransactionTimeoutMs?: number;
  /**
   * Client-side limit on waiting for each statement's answer (ms), for a
   * server that no longer answers at all. The connection is then in an
   * unknown state and is discarded, never pooled again. Unset: no limit.
   */
  queryTimeoutMs?: number;
  /** Idle time before TCP keep-alive probes on each connection (ms); unset or 0: no keep-alive. */
  keepAliveMs?: number;
  /** Called when a connection drops: an idle one in the pool, or one checked out by a transaction (which then fails). */
  onError?: (error: Error) => void;
}

/**
 * PostgreSQL store over a `pg` pool. Connections lost while running are
 * replaced by the pool on the next query, so the gateway recovers without a
 * restart when the database comes back.
 *
 * Every wait is bounded: for a connection (`connectTimeoutMs`), for each
 * statement's answer (`queryTimeoutMs`), and, inside a request, by what is
 * left of the request's database budget (see database-deadline.ts). A
 * connection whose statement got no answer in time is destroyed.
 */
export class PostgresStore implements Store {
  readonly dialect = 'postgres' as const;
  readonly capabilities = CAPABILITIES.postgres;
  readonly schema: string;
  private readonly pool: pg.Pool;
  private readonly connectTimeoutMs: number;
  private readonly queryTimeoutMs: number | undefined;
  private readonly onError: ((error: Error) => void) | undefined;
  private readonly statementNames = new StatementNames();
  /** Transactions sent with their COMMIT, waiting for the connection they will share (sendWithOthers). */
  private readonly oneShots: QueuedOneShot[] = [];
  private oneShotsScheduled = false;

  constructor(options: PostgresStoreOptions) {
    this.schema = options.schema ?? 'public';
    this.onError = options.onError;
    this.connectTimeoutMs = options.connectTimeoutMs ?? 5000;
    this.queryTimeoutMs = options.queryTimeoutMs || undefined;
    const keepAliveMs = options.keepAliveMs ?? 0;
    this.pool = new pg.Pool({
      connectionString: options.connectionString,
      max: options.poolSize ?? 10,
      connectionTimeoutMillis: this.connectTimeoutMs,
      options: `-c search_path=${this.schema}`,
      // Sent in each connection's startup packet; pg leaves out a 0.
      statement_timeout: options.statementTimeoutMs ?? 0,
      lock_timeout: options.lockTimeoutMs ?? 0,
      idle_in_transaction_session_timeout: options.idleInTransactionTimeoutMs ?? 0,
      keepAlive: keepAliveMs > 0,
      keepAliveInitialDelayMillis: keepAliveMs,
      // Statements a transaction sends without waiting (see pipelined.ts) go out together: one round trip between them.
      pipeline: true,
    } as pg.PoolConfig);
    // An idle client losing its connection emits here; without a listener the process would crash.
    this.pool.on('error', (error) => options.onError?.(error));
  }

  async query<Row>(sql: string, params: readonly SqlValue[] = []): Promise<QueryResult<Row>> {
    return this.withSession((session) => session.query<Row>(sql, params));
  }

  async transaction<T>(fn: (tx: Queryable) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
    if (options.commitWithStatements) return this.sendWithOthers(fn);
    return this.withSession(async (session) => {
      const begun = session.begin();
      try {
        const result = await fn(session);
        await begun;
        await session.query('COMMIT');
        return result;
      } catch (error) {
        await begun.catch(() => undefined);
        await session.rollback();
        throw error;
      }
    });
  }

  /**
   * Runs `fn` on one dedicated connection (advisory locks are per session).
   * `unbounded` lifts every statement, lock and answer limit for the
   * migrations, whose DDL may rightly take long; that connection is
   * discarded afterwards, so the lifted limits never reach the pool.
   */
  async withConnection<T>(fn: (connection: Queryable) => Promise<T>, options: { unbounded?: boolean } = {}): Promise<T> {
    return this.withSession(async (session) => {
      if (options.unbounded) {
        session.unbound();
        await session.query('SET statement_timeout = 0; SET lock_timeout = 0; SET idle_in_transaction_session_timeout = 0');
      }
      return fn(session);
    });
  }

  async ping(): Promise<void> {
    await this.query('SELECT 1');
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  /**
   * Queues a transaction sent with its COMMIT. Those queued in the same turn
   * of the event loop (up to {@link ONE_SHOTS_PER_WRITE}) go out on one
   * connection, back to back in one write: each is still its own
   * transaction (BEGIN … COMMIT; a failed statement rolls back only its
   * own), PostgreSQL runs them one after another, and the gateway pays for
   * one write and one wake-up instead of one each. Each waits for a
   * connection only as long as its request's database budget allows, and
   * runs in its request's context.
   */
  private sendWithOthers<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let limit: number | undefined;
      try {
        limit = waitLimit(undefined);
      } catch (error) {
        reject(error);
        return;
      }
      // Run in the caller's context: its database budget and its trace, whichever connection runs it. Not
      // AsyncResource.bind, which defines deprecated accessors on every function it binds (0.8 % of PostgreSQL intake).
      const context = new AsyncResource('tongban.transaction');
      const queued: QueuedOneShot = {
        timer: undefined,
        run: (session: Session) => context.runInAsyncScope(() => {
          const done = session.sendWithCommit(fn);
          done.then(resolve, reject);
          return done;
        }),
        fail: reject,
      };
      if (limit !== undefined) {
        queued.timer = setTimeout(() => {
          // Still waiting for a connection when its budget ran out: it leaves the queue, nothing sent.
          const index = this.oneShots.indexOf(queued);
          if (index >= 0) this.oneShots.splice(index, 1);
          queued.fail(budgetSpent());
        }, limit);
        queued.timer.unref();
      }
      this.oneShots.push(queued);
      if (!this.oneShotsScheduled) {
        this.oneShotsScheduled = true;
        setImmediate(() => this.flushOneShots());
      }
    });
  }

  /** Takes up to ONE_SHOTS_PER_WRITE queued transactions and sends them on one connection (see sendWithOthers). */
  private flushOneShots(): void {
    this.oneShotsScheduled = false;
    if (this.oneShots.length === 0) return;
    // The connection is awaited before the batch is taken: transactions queued meanwhile join it.
    this.oneShotsScheduled = true;
    runOutsideDatabaseDeadline(() => this.connect()).then((client) => {
      this.oneShotsScheduled = false;
      const batch = this.oneShots.splice(0, ONE_SHOTS_PER_WRITE);
      if (this.oneShots.length > 0) {
        this.oneShotsScheduled = true;
        setImmediate(() => this.flushOneShots());
      }
      if (batch.length === 0) {
        client.release();
        return;
      }
      const sessions = batch.map(() => new Session(client, this.queryTimeoutMs, this.statementNames));
      const stopWatching = this.watch(client, () => sessions.forEach((session) => session.discard()));
      // One synchronous run: every transaction's BEGIN, statements and COMMIT are corked into one write.
      const runs = batch.map((queued, index) => {
        clearTimeout(queued.timer);
        return queued.run(sessions[index]!);
      });
      void Promise.allSettled(runs).then(() => {
        stopWatching();
        client.release(sessions.some((session) => session.discarded));
      });
    }, (error: unknown) => {
      this.oneShotsScheduled = false;
      for (const queued of this.oneShots.splice(0)) {
        clearTimeout(queued.timer);
        queued.fail(error);
      }
    });
  }

  /** Checks out a connection for `fn`; it goes back to the pool afterwards unless it can no longer be trusted. */
  private async withSession<T>(fn: (session: Session) => Promise<T>): Promise<T> {
    const client = await this.connect();
    const session = new Session(client, this.queryTimeoutMs, this.statementNames);
    const stopWatching = this.watch(client, () => session.discard());
    try {
      return await fn(session);
    } finally {
      stopWatching();
      client.release(session.discarded);
    }
  }

  /**
   * A connection from the pool, within the pool's connect timeout or what is
   * left of the request's budget, whichever is shorter. One that arrives
   * after the budget ran out goes straight back to the pool.
   */
  private async connect(): Promise<pg.PoolClient> {
    try {
      const limit = waitLimit(undefined);
      const connecting = this.pool.connect();
      if (limit === undefined || limit >= this.connectTimeoutMs) return await connecting;
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(budgetSpent()), limit); });
      try {
        return await Promise.race([connecting, late]);
      } catch (error) {
        connecting.then((client) => client.release(), () => undefined);
        throw error;
      } finally {
        clearTimeout(timer);
      }
    } catch (error) {
      return translateDatabaseError(error);
    }
  }

  /**
   * Listens for the connection of a checked-out client dying. The pool
   * listens only to idle clients; a checked-out one that loses its socket
   * while no statement runs on it (a transaction between two statements)
   * emits 'error', and an 'error' nobody listens to is thrown — it would
   * take the whole process down. Its next statement fails anyway (the
   * transaction is then DATABASE_UNAVAILABLE), and the client is destroyed
   * instead of going back to the pool.
   * @returns what stops listening, before the client is released
   */
  private watch(client: pg.PoolClient, onLost: () => void): () => void {
    const listener = (error: Error) => {
      onLost();
      this.onError?.(error);
    };
    client.on('error', listener);
    return () => client.removeListener('error', listener);
  }
}

/**
 * One checked-out connection. It is discarded (destroyed on release, not
 * pooled) once it cannot be trusted with another statement: its socket
 * failed, the server ended the session, or a statement got no answer in
 * time — the server may still be running it, or the bytes may be lost.
 */
class Session implements Queryable {
  discarded = false;
  private bounded = true;
  private beginFailed = false;
  private corked = false;
  /** COMMIT has been sent behind the statements (sendWithCommit): no statement may follow. */
  private sealed = false;
  /** Names this session sent, or relied on, without waiting for PostgreSQL to confirm their Parse (see usableName). */
  private readonly parsing = new Set<string>();
  /** While sendWithCommit's function issues its statements: the answer limit taken once for all of them. */
  private batchLimit: { ms: number | undefined } | undefined;

  constructor(private readonly client: pg.PoolClient, private readonly queryTimeoutMs: number | undefined, private readonly names: StatementNames) {}

  async query<Row>(sql: string, params: readonly SqlValue[] = []): Promise<QueryResult<Row>> {
    if (this.beginFailed) return translateDatabaseError(new Error('Connection terminated: the transaction did not begin'));
    if (this.sealed) throw new Error('A statement was issued after its transaction\'s COMMIT was sent (store.ts, commitWithStatements)');
    // A spent budget throws here, before anything is sent: the session stays usable. Inside a transaction sent with its
    // COMMIT the limit was taken once, before the first statement: none of them may fail alone for it (the others would commit).
    const timeoutMs = this.batchLimit ? this.batchLimit.ms : this.bounded ? waitLimit(this.queryTimeoutMs) : undefined;
    // Without parameters, use the simple protocol: it allows multi-statement scripts (migrations).
    // With them, a named statement: each connection parses and plans it once, then only binds and executes it.
    const name = params.length > 0 ? this.usableName(this.names.of(sql)) : undefined;
    this.cork();
    try {
      const answer: pg.QueryResult | pg.QueryResult[] = await this.client.query({
        text: sql,
        ...(name !== undefined ? { name } : {}),
        ...(params.length > 0 ? { values: params as unknown[] } : {}),
        ...(timeoutMs !== undefined ? { query_timeout: timeoutMs } : {}),
      });
      // A multi-statement script answers one result per statement: report the last.
      const result = Array.isArray(answer) ? answer.at(-1)! : answer;
      return { rows: result.rows as Row[], rowCount: result.rowCount ?? result.rows.length };
    } catch (error) {
      // A statement the server refused leaves the session usable; anything else (a read timeout, a socket error, a FATAL) does not.
      const answered = error instanceof pg.DatabaseError && error.severity !== 'FATAL' && error.severity !== 'PANIC';
      // This connection's prepared statements are stale (a table changed under them) or gone: start afresh.
      if (!answered || STALE_STATEMENT_CODES.has(String((error as { code?: unknown }).code))) this.discard();
      return translateDatabaseError(error);
    }
  }

  /**
   * `name`, unless another transaction on this connection sent its Parse and
   * PostgreSQL has not confirmed it yet (transactions sent back to back,
   * sendWithOthers): if that transaction fails before it, the Parse fails
   * with it and the statement never exists, so relying on it would fail this
   * one too ("prepared statement does not exist"). Such a statement goes
   * unnamed this once (parsed again). Reads pg's own record of what each
   * connection has parsed and has sent to parse.
   */
  private usableName(name: string | undefined): string | undefined {
    if (name === undefined) return undefined;
    const connection = (this.client as unknown as { connection?: { parsedStatements?: Record<string, unknown>; submittedNamedStatements?: Record<string, unknown> } }).connection;
    if (connection?.parsedStatements?.[name] !== undefined || this.parsing.has(name)) return name;
    if (connection?.submittedNamedStatements?.[name] !== undefined) return undefined;
    this.parsing.add(name);
    return name;
  }

  /**
   * Holds what this session writes until the current synchronous run ends,
   * so that statements sent together (BEGIN and what follows it, pipelined
   * ones) leave in one write — one system call, not one per statement.
   */
  private cork(): void {
    const stream = (this.client as unknown as { connection?: { stream?: Partial<Writable> } }).connection?.stream;
    if (this.corked || typeof stream?.cork !== 'function' || typeof stream.uncork !== 'function') return;
    this.corked = true;
    stream.cork();
    process.nextTick(() => {
      this.corked = false;
      stream.uncork!();
    });
  }

  /**
   * Sends BEGIN without waiting for its answer: the transaction's first
   * statements follow it on the wire, a round trip fewer. A statement sent
   * behind it would run outside the transaction if BEGIN failed, but BEGIN on
   * an idle pooled connection fails only with the connection itself (or
   * before anything is sent, for a spent budget, which then refuses those
   * statements too); once it has failed, the session refuses every statement.
   */
  begin(): Promise<void> {
    const begun = this.query('BEGIN').then(() => undefined, (error: unknown) => {
      this.beginFailed = true;
      this.discard();
      throw error;
    });
    begun.catch(() => undefined);
    return begun;
  }

  /**
   * BEGIN, the statements of `fn` — all issued before it first waits — and
   * COMMIT right behind them (store.ts, `commitWithStatements`), in one
   * synchronous run: corked into one write with whatever else this
   * connection sends in the same run (other such transactions). A failed
   * statement leaves the transaction aborted, and PostgreSQL answers that
   * COMMIT with ROLLBACK: then `fn`'s failure is thrown. The request's
   * budget is taken once, before anything is sent, so that no statement
   * fails alone for it. A statement `fn` issues after COMMIT is refused; if
   * `fn` fails although COMMIT committed, its contract was broken (a
   * decision taken from an answer) and that is thrown as a bug. If `fn`
   * throws before it returns, ROLLBACK goes right behind what it sent.
   */
  async sendWithCommit<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    // A spent budget throws here, before anything is sent.
    const limit = this.bounded ? waitLimit(this.queryTimeoutMs) : undefined;
    const timeout = limit !== undefined ? { query_timeout: limit } : {};
    this.batchLimit = { ms: limit };
    const begun = this.begin();
    let running: Promise<T>;
    try {
      running = fn(this);
    } catch (error) {
      this.batchLimit = undefined;
      this.sealed = true;
      const rolledBack = this.client.query({ text: 'ROLLBACK', ...timeout });
      await begun.catch(() => undefined);
      await rolledBack.catch(() => this.discard());
      throw error;
    }
    this.batchLimit = undefined;
    this.sealed = true;
    const committing = this.client.query({ text: 'COMMIT', ...timeout });
    committing.catch(() => undefined);
    const [outcome, commit] = await Promise.allSettled([running, committing]);
    await begun.catch(() => undefined);
    if (commit.status === 'rejected') {
      // Without an answer to COMMIT (a lost connection), whether it committed is unknown: the caller's retry finds out.
      this.discard();
      if (outcome.status === 'rejected') throw outcome.reason;
      return translateDatabaseError(commit.reason);
    }
    if (commit.value.command === 'COMMIT') {
      if (outcome.status === 'fulfilled') return outcome.value;
      throw new Error('A transaction sent with its COMMIT failed after it was committed: its function took a decision from an answer (store.ts, commitWithStatements)', { cause: outcome.reason });
    }
    if (outcome.status === 'rejected') throw outcome.reason;
    throw new Error(`A transaction sent with its COMMIT was answered ${commit.value.command} although none of its statements failed`);
  }

  /** Ends the open transaction; a connection that cannot (in time) is discarded instead, which ends it on the server. */
  async rollback(): Promise<void> {
    if (this.discarded) return;
    try {
      await this.query('ROLLBACK');
    } catch {
      this.discard();
    }
  }

  discard(): void {
    this.discarded = true;
  }

  /** Lifts the answer limit and the request budget for this session's statements; it is discarded afterwards. */
  unbound(): void {
    this.bounded = false;
    this.discard();
  }
}

/** Most transactions sent with their COMMIT that share one connection and one write (PostgresStore.sendWithOthers). */
export const ONE_SHOTS_PER_WRITE = 16;

/** A transaction sent with its COMMIT, waiting for its connection. */
interface QueuedOneShot {
  /** Runs it on `session` (in its caller's context), settling the caller's promise. */
  run: (session: Session) => Promise<unknown>;
  /** Fails it without running it. */
  fail: (error: unknown) => void;
  /** Its request's budget for the wait. */
  timer: NodeJS.Timeout | undefined;
}

/**
 * SQLSTATEs after which a connection's prepared statements cannot be
 * trusted: "cached plan must not change result type" (0A000, a table
 * changed by a migration of another process) and "prepared statement does
 * not exist" (26000, deallocated behind pg's back).
 */
const STALE_STATEMENT_CODES = new Set(['0A000', '26000']);

/**
 * Names for the store's parameterised statements, one per distinct SQL
 * text, shared by every connection of the pool (each connection prepares a
 * name the first time it runs it; pg remembers which it has, so a
 * connection opened to replace a lost one prepares them again). Bounded:
 * texts past `limit` (statements built with a varying number of
 * placeholders) run unnamed, so no connection holds an unbounded number of
 * prepared statements on the server.
 */
export class StatementNames {
  private readonly names = new Map<string, string>();

  /** @param limit most distinct texts given a name (default 300) */
  constructor(private readonly limit = 300) {}

  /** The name of `sql`, or undefined once `limit` texts are named. */
  of(sql: string): string | undefined {
    let name = this.names.get(sql);
    if (name === undefined && this.names.size < this.limit) {
      name = `tongban_${this.names.size + 1}`;
      this.names.set(sql, name);
    }
    return name;
  }

  /** How many texts have a name. */
  get size(): number {
    return this.names.size;
  }
}
