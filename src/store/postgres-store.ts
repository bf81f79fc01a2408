import pg from 'pg';
import { CAPABILITIES } from './capabilities.js';
import { translateDatabaseError } from './database-error.js';
import type { Queryable, QueryResult, SqlValue, Store } from './store.js';

// 64-bit integers (COUNT(*), BIGINT epoch milliseconds) come back as numbers:
// every value Tongban stores in them is below 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

export interface PostgresStoreOptions {
  connectionString: string;
  /** Schema for Tongban's tables; set as `search_path` on every connection. */
  schema?: string;
  /** Maximum connections. Default 10. */
  poolSize?: number;
  /** How long to wait for a connection (ms). Default 5000. */
  connectTimeoutMs?: number;
  /** Called when a connection drops: an idle one in the pool, or one checked out by a transaction (which then fails). */
  onError?: (error: Error) => void;
}

/**
 * PostgreSQL store over a `pg` pool. Connections lost while running are
 * replaced by the pool on the next query, so the gateway recovers without a
 * restart when the database comes back.
 */
export class PostgresStore implements Store {
  readonly dialect = 'postgres' as const;
  readonly capabilities = CAPABILITIES.postgres;
  readonly schema: string;
  private readonly pool: pg.Pool;
  private readonly onError: ((error: Error) => void) | undefined;

  constructor(options: PostgresStoreOptions) {
    this.schema = options.schema ?? 'public';
    this.onError = options.onError;
    this.pool = new pg.Pool({
      connectionString: options.connectionString,
      max: options.poolSize ?? 10,
      connectionTimeoutMillis: options.connectTimeoutMs ?? 5000,
      options: `-c search_path=${this.schema}`,
    });
    // An idle client losing its connection emits here; without a listener the process would crash.
    this.pool.on('error', (error) => options.onError?.(error));
  }

  async query<Row>(sql: string, params: readonly SqlValue[] = []): Promise<QueryResult<Row>> {
    return runOn<Row>(this.pool, sql, params);
  }

  async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      return translateDatabaseError(error);
    }
    let broken = false;
    const tx = clientQueryable(client);
    const stopWatching = this.watch(client, () => { broken = true; });
    try {
      await tx.query('BEGIN');
      const result = await fn(tx);
      await tx.query('COMMIT');
      return result;
    } catch (error) {
      try {
        await client.query('ROLLBACK');
      } catch {
        broken = true;
      }
      throw error;
    } finally {
      stopWatching();
      client.release(broken);
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

  /** Runs `fn` on one dedicated connection (advisory locks are per session). */
  async withConnection<T>(fn: (connection: Queryable) => Promise<T>): Promise<T> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      return translateDatabaseError(error);
    }
    let broken = false;
    const stopWatching = this.watch(client, () => { broken = true; });
    try {
      return await fn(clientQueryable(client));
    } finally {
      stopWatching();
      client.release(broken);
    }
  }

  async ping(): Promise<void> {
    await this.query('SELECT 1');
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

async function runOn<Row>(runner: pg.Pool | pg.PoolClient, sql: string, params: readonly SqlValue[]): Promise<QueryResult<Row>> {
  try {
    // Without parameters, use the simple protocol: it allows multi-statement scripts (migrations).
    const answer: pg.QueryResult | pg.QueryResult[] = params.length === 0 ? await runner.query(sql) : await runner.query(sql, params as unknown[]);
    // A multi-statement script answers one result per statement: report the last.
    const result = Array.isArray(answer) ? answer.at(-1)! : answer;
    return { rows: result.rows as Row[], rowCount: result.rowCount ?? result.rows.length };
  } catch (error) {
    return translateDatabaseError(error);
  }
}

function clientQueryable(client: pg.PoolClient): Queryable {
  return { query: <Row>(sql: string, params: readonly SqlValue[] = []) => runOn<Row>(client, sql, params) };
}
