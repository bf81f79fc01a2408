/**
 * The whole database contract: `query` plus `transaction`. Everything else in
 * Tongban speaks to the database through this, so a business write and its
 * outbox entry can share one transaction, on SQLite or PostgreSQL alike.
 *
 * SQL is written once, in PostgreSQL style with `$1, $2…` placeholders; the
 * SQLite implementation rewrites them. Where the dialects differ, code asks
 * `store.capabilities` (see capabilities.ts) instead of testing the dialect.
 */
import type { Capabilities, Dialect } from './capabilities.js';

/** A value that can be bound to a placeholder. Booleans become 0/1 on SQLite. */
export type SqlValue = string | number | bigint | boolean | null | Buffer;

/** Result of a statement. */
export interface QueryResult<Row> {
  readonly rows: Row[];
  /** Rows inserted, updated or deleted (or returned, for SELECT). */
  readonly rowCount: number;
}

/** Something that runs SQL: the store itself or an open transaction. */
export interface Queryable {
  query<Row = Record<string, unknown>>(sql: string, params?: readonly SqlValue[]): Promise<QueryResult<Row>>;
}

export interface Store extends Queryable {
  /** One statement in a transaction of its own (see {@link QueryOptions}). */
  query<Row = Record<string, unknown>>(sql: string, params?: readonly SqlValue[], options?: QueryOptions): Promise<QueryResult<Row>>;
  readonly dialect: Dialect;
  readonly capabilities: Capabilities;
  /**
   * Runs `fn` in one transaction: committed when it resolves, rolled back when
   * it throws (and the error rethrown). On SQLite, transactions are serialised.
   */
  transaction<T>(fn: (tx: Queryable) => Promise<T>, options?: TransactionOptions): Promise<T>;
  /** Cheap round trip proving the database answers. */
  ping(): Promise<void>;
  /** Closes connections; waits for running statements. */
  close(): Promise<void>;
  /** SQLite only: where a jti recorded on its own is kept, outside the store's group commits (sqlite-jti-journal.ts). */
  readonly jtiJournal?: JtiJournal;
}

/**
 * A durable record of signature jtis beside the store's `used_jtis`: a jti is
 * in at most one of the two (each asks the other in the same turn as its insert).
 */
export interface JtiJournal {
  /** Whether the journal holds the jti (synchronous). */
  has(clientId: string, jti: string): boolean;
  /** Records it unless the journal or the store has it; true once on disk, false for a replay. */
  record(clientId: string, jti: string, expiresAtMs: number): Promise<boolean>;
  /** Deletes up to `chunk` entries expired before `nowMs`, oldest first; returns how many. */
  purge(nowMs: number, chunk: number): number;
}

/** Options of {@link Store.query}. */
export interface QueryOptions {
  /**
   * A short statement that someone is waiting on interactively (a request
   * waits for its client's look-up). On SQLite,
   * whose one connection group-commits everything queued, it goes ahead of
   * the queue and the batch it joins commits right after it, instead of
   * after the dozens of submissions queued behind it. PostgreSQL, where every
   * statement has a connection of its own, ignores it.
   */
  readonly urgent?: boolean;
}

export interface TransactionOptions {
  /**
   * `fn` issues every statement before it first waits for anything, and it
   * fails only through a failing statement — a constraint, or an assertion
   * (`tongban_assert(ok, reason)`, see assertions.ts) — never through a
   * decision taken from an answer. PostgreSQL then sends `COMMIT` right behind
   * the statements (BEGIN, the statements and COMMIT in one round trip); a
   * failed statement turns that COMMIT into a rollback, and the transaction
   * throws the failure of `fn`. A statement issued after `fn` first waited is
   * refused. The request's database budget is checked once, before the first
   * statement, so that none fails alone for it while the others commit.
   * SQLite, which waits for no answer, ignores it.
   */
  readonly commitWithStatements?: boolean;
}
