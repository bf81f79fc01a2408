import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { migrate, PostgresStore, SqliteStore, type Store } from '../../src/store/index.js';

/** PostgreSQL used by tests: the machine's server, database `test` (override with TEST_DATABASE_URL). */
export const TEST_DATABASE_URL = process.env['TEST_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface StoreFixture {
  readonly name: 'sqlite' | 'postgres';
  /** A fresh, migrated store (a new SQLite file or a new PostgreSQL schema). */
  open(): Promise<Store>;
  /** A second, independent connection to the same database (another "process"). */
  openAnother(): Store;
  /** The environment a gateway (process or in-process) needs to reach the same database. */
  gatewayEnv(): Record<string, string>;
  /** Removes what open() created (the schema is only dropped when the suite passed). */
  cleanup(passed: boolean): Promise<void>;
}

function sqliteFixture(): StoreFixture {
  let dir: string | undefined;
  let path = '';
  return {
    name: 'sqlite',
    async open() {
      dir = mkdtempSync(join(tmpdir(), 'tongban-store-'));
      path = join(dir, 'tongban.db');
      const store = new SqliteStore({ path });
      await migrate(store);
      return store;
    },
    openAnother: () => new SqliteStore({ path }),
    gatewayEnv: () => ({ TONGBAN_SQLITE_PATH: path, TONGBAN_DATABASE_SCHEMA: 'public' }),
    async cleanup() {
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

function postgresFixture(): StoreFixture {
  const schema = `tongban_test_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  return {
    name: 'postgres',
    async open() {
      const store = new PostgresStore({ connectionString: TEST_DATABASE_URL, schema });
      await migrate(store);
      return store;
    },
    openAnother: () => new PostgresStore({ connectionString: TEST_DATABASE_URL, schema }),
    gatewayEnv: () => ({ DATABASE_URL: TEST_DATABASE_URL, TONGBAN_DATABASE_SCHEMA: schema, TONGBAN_SQLITE_PATH: './data/unused.db' }),
    async cleanup(passed) {
      if (!passed) {
        process.stderr.write(`      (kept PostgreSQL schema ${schema} for inspection)\n`);
        return;
      }
      const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await client.end();
    },
  };
}

/** Both store implementations: every store-level suite runs against each. */
export function storeFixtures(): StoreFixture[] {
  return [sqliteFixture(), postgresFixture()];
}

/** Mocha helper: true when every test of the current suite passed so far. */
export function allPassed(suite: Mocha.Suite): boolean {
  const failed = (s: Mocha.Suite): boolean => s.tests.some((t) => t.state === 'failed') || s.suites.some(failed);
  return !failed(suite);
}
