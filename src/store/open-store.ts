import type { Config } from '../config/index.js';
import { PostgresStore } from './postgres-store.js';
import { SqliteStore } from './sqlite-store.js';
import type { Store } from './store.js';

/** Opens the store the configuration names: PostgreSQL when `DATABASE_URL` is set, else embedded SQLite. */
export function openStore(config: Pick<Config, 'databaseUrl' | 'databaseSchema' | 'databasePoolSize' | 'sqlitePath'>,
  onError?: (error: Error) => void): Store {
  if (config.databaseUrl) {
    return new PostgresStore({
      connectionString: config.databaseUrl,
      schema: config.databaseSchema,
      poolSize: config.databasePoolSize,
      ...(onError ? { onError } : {}),
    });
  }
  return new SqliteStore({ path: config.sqlitePath });
}
