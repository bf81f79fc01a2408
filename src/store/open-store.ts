import type { Config } from '../config/index.js';
import { PostgresStore } from './postgres-store.js';
import { SLICE_MS, SqliteStore } from './sqlite-store.js';
import type { Store } from './store.js';

/** The settings openStore reads. */
export type StoreSettings = Pick<Config, 'databaseUrl' | 'databaseSchema' | 'databasePoolSize' | 'sqlitePath'
  | 'databaseConnectTimeoutMs' | 'databaseStatementTimeoutMs' | 'databaseLockTimeoutMs' | 'databaseIdleInTransactionTimeoutMs'
  | 'databaseQueryTimeoutMs' | 'databaseKeepAliveMs'> & Partial<Pick<Config, 'sqliteCacheMb'>>;

/** Opens the store the configuration names: PostgreSQL when `DATABASE_URL` is set, else embedded SQLite. */
export function openStore(config: StoreSettings, onError?: (error: Error) => void): Store {
  if (config.databaseUrl) {
    return new PostgresStore({
      connectionString: config.databaseUrl,
      schema: config.databaseSchema,
      poolSize: config.databasePoolSize,
      connectTimeoutMs: config.databaseConnectTimeoutMs,
      statementTimeoutMs: config.databaseStatementTimeoutMs,
      lockTimeoutMs: config.databaseLockTimeoutMs,
      idleInTransactionTimeoutMs: config.databaseIdleInTransactionTimeoutMs,
      queryTimeoutMs: config.databaseQueryTimeoutMs,
      keepAliveMs: config.databaseKeepAliveMs,
      ...(onError ? { onError } : {}),
    });
  }
  // The gateway's one writer of its file: its group commits let the event loop turn every SLICE_MS.
  return new SqliteStore({ path: config.sqlitePath, sliceMs: SLICE_MS, ...(config.sqliteCacheMb ? { cacheMb: config.sqliteCacheMb } : {}) });
}
