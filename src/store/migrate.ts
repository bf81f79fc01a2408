import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Dialect } from './capabilities.js';
import { PostgresStore } from './postgres-store.js';
import { SqliteStore } from './sqlite-store.js';
import type { Store } from './store.js';

/** One numbered migration file, `NNN_name.sql`, in `migrations/<dialect>/`. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

const MIGRATIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'migrations');
const FILE = /^(\d{3})_([a-z0-9_]+)\.sql$/;

/** The migrations of a dialect, in order. Throws if numbering has a gap or a duplicate. */
export function loadMigrations(dialect: Dialect): Migration[] {
  const dir = join(MIGRATIONS_DIR, dialect);
  const migrations = readdirSync(dir)
    .filter((file) => file.endsWith('.sql'))
    .map((file) => {
      const match = FILE.exec(file);
      if (!match?.[1] || !match[2]) throw new Error(`migration file ${dialect}/${file} is not named NNN_name.sql`);
      return { version: Number(match[1]), name: match[2], sql: readFileSync(join(dir, file), 'utf8') };
    })
    .sort((a, b) => a.version - b.version);
  migrations.forEach((migration, index) => {
    if (migration.version !== index + 1) throw new Error(`${dialect} migrations must be numbered 001, 002, … without gaps (found ${migration.version} at position ${index + 1})`);
  });
  return migrations;
}

/** The newest migration version the code knows for a dialect. */
export function latestVersion(dialect: Dialect): number {
  return loadMigrations(dialect).at(-1)?.version ?? 0;
}

/** Versions already applied (0 when the table does not exist yet). */
export async function appliedVersion(store: Store): Promise<number> {
  try {
    const { rows } = await store.query<{ version: number | null }>('SELECT MAX(version) AS version FROM schema_migrations');
    return Number(rows[0]?.version ?? 0);
  } catch (error) {
    if (/schema_migrations/.test(String((error as Error).message))) return 0;
    throw error;
  }
}

/**
 * Applies pending migrations, each in its own transaction. Safe when several
 * processes start at once: PostgreSQL serialises on an advisory lock; SQLite
 * on its write lock (`BEGIN IMMEDIATE`). Returns the versions applied. On
 * PostgreSQL they run without the statement, lock and answer timeouts: DDL on
 * a large table, or waiting for another process's migrations, may take long.
 */
export async function migrate(store: Store): Promise<number[]> {
  const migrations = loadMigrations(store.dialect);
  if (store instanceof PostgresStore) return migratePostgres(store, migrations);
  if (store instanceof SqliteStore) return migrateSqlite(store, migrations);
  throw new Error(`no migration runner for ${store.dialect}`);
}

async function migratePostgres(store: PostgresStore, migrations: Migration[]): Promise<number[]> {
  return store.withConnection(async (connection) => {
    const lockKey = `tongban-migrations:${store.schema}`;
    await connection.query('SELECT pg_advisory_lock(hashtext($1))', [lockKey]);
    try {
      await connection.query(`CREATE SCHEMA IF NOT EXISTS "${store.schema}"`);
      await connection.query(`CREATE TABLE IF NOT EXISTS "${store.schema}".schema_migrations (
        version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)`);
      const { rows } = await connection.query<{ version: number }>(`SELECT version FROM "${store.schema}".schema_migrations`);
      const done = new Set(rows.map((row) => Number(row.version)));
      const applied: number[] = [];
      for (const migration of migrations) {
        if (done.has(migration.version)) continue;
        await connection.query('BEGIN');
        try {
          await connection.query(`SET LOCAL search_path TO "${store.schema}"`);
          await connection.query(migration.sql);
          await connection.query(`INSERT INTO "${store.schema}".schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)`,
            [migration.version, migration.name, Date.now()]);
          await connection.query('COMMIT');
        } catch (error) {
          await connection.query('ROLLBACK');
          throw new Error(`migration postgres/${String(migration.version).padStart(3, '0')}_${migration.name} failed: ${(error as Error).message}`, { cause: error });
        }
        applied.push(migration.version);
      }
      return applied;
    } finally {
      await connection.query('SELECT pg_advisory_unlock(hashtext($1))', [lockKey]);
    }
  }, { unbounded: true });
}

async function migrateSqlite(store: SqliteStore, migrations: Migration[]): Promise<number[]> {
  return store.withDatabase((db) => {
    const applied: number[] = [];
    db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)');
    for (const migration of migrations) {
      db.exec('BEGIN IMMEDIATE');
      try {
        const done = db.prepare('SELECT 1 FROM schema_migrations WHERE version = ?').get(migration.version);
        if (!done) {
          db.exec(migration.sql);
          db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(migration.version, migration.name, Date.now());
          applied.push(migration.version);
        }
        db.exec('COMMIT');
      } catch (error) {
        if (db.inTransaction) db.exec('ROLLBACK');
        throw new Error(`migration sqlite/${String(migration.version).padStart(3, '0')}_${migration.name} failed: ${(error as Error).message}`, { cause: error });
      }
    }
    return applied;
  });
}
