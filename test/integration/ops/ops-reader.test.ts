/**
 * The ops reader (src/store/ops-reader.ts). On SQLite its reads run in a
 * worker thread on a read-only connection: a long ops read neither waits for
 * nor delays intake's writes through the store — a write completes, and is
 * then visible to the reader, while the reader's heavy statement is still
 * running; the read is bounded (503 after its bound, and the reads queued
 * behind it are answered by a fresh worker). On PostgreSQL it reads through
 * a pool of its own. Nothing can be written through it.
 */
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrate, PostgresStore, runWithDatabaseDeadline, SqliteReader, SqliteStore, storeReader, type OpsReader } from '../../../src/store/index.js';
import { rejection } from '../../helpers/rejection.js';
import { TEST_DATABASE_URL } from '../../helpers/stores.js';

/** A statement that keeps the reader busy for a while (a few seconds), reading nothing of the gateway's. */
const HEAVY = 'WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 30000000) SELECT COUNT(*) AS n FROM n';

describe('ops reader (sqlite): a worker thread on a read-only connection', function () {
  this.timeout(60_000);
  let dir: string;
  let store: SqliteStore;
  let reader: SqliteReader;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tongban-reader-'));
    store = new SqliteStore({ path: join(dir, 'tongban.db') });
    await migrate(store);
  });
  afterEach(async () => {
    await reader?.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a long ops read does not delay a concurrent write: the write commits and is read while the heavy statement still runs', async () => {
    reader = new SqliteReader({ path: join(dir, 'tongban.db'), timeoutMs: 60_000 });
    const running = new Promise<void>((resolve) => reader.once('statement', () => resolve()));
    let heavyDone = false;
    const heavy = reader.query(HEAVY).finally(() => { heavyDone = true; });
    heavy.catch(() => undefined);
    await running;
    // Intake's kind of write, through the store: its group commit is not held by the reader.
    await store.transaction(async (tx) => {
      await tx.query("INSERT INTO ops_audit (client_id, action, target, details, at) VALUES ('ops:test', 'test.write', 'x', '{}', 1)");
    });
    expect(heavyDone, 'the heavy read is still running').to.equal(false);
    expect((await heavy).rows).to.deep.equal([{ n: 30_000_000 }]);
    // The reader sees what the store committed.
    const { rows } = await reader.query<{ n: number }>("SELECT COUNT(*) AS n FROM ops_audit WHERE action = 'test.write'");
    expect(rows[0]!.n).to.equal(1);
  });

  it('bounds each read: 503 after its bound, and the reads behind it are answered by a fresh worker', async () => {
    reader = new SqliteReader({ path: join(dir, 'tongban.db'), timeoutMs: 2000 });
    const running = new Promise<void>((resolve) => reader.once('statement', () => resolve()));
    const heavy = reader.query(HEAVY);
    await running;
    const behind = reader.query<{ n: number }>('SELECT COUNT(*) AS n FROM deliveries');
    expect((await rejection(heavy) as Error & { code?: string }).code).to.equal('DATABASE_UNAVAILABLE');
    expect((await behind).rows[0]!.n).to.equal(0);
  });

  it('a request whose database budget is spent gets 503 without running anything', async () => {
    reader = new SqliteReader({ path: join(dir, 'tongban.db') });
    const error = await rejection(runWithDatabaseDeadline(Date.now() - 1, () => reader.query('SELECT 1 AS one')));
    expect((error as Error & { code?: string }).code).to.equal('DATABASE_UNAVAILABLE');
  });

  it('refuses to write', async () => {
    reader = new SqliteReader({ path: join(dir, 'tongban.db') });
    const error = await rejection(reader.query("INSERT INTO ops_audit (client_id, action, target, details, at) VALUES ('x', 'x', 'x', '{}', 1)"));
    expect((error as Error & { code?: string }).code).to.equal('DATABASE_UNAVAILABLE');
    expect((await store.query<{ n: number }>('SELECT COUNT(*) AS n FROM ops_audit')).rows[0]!.n).to.equal(0);
  });
});

describe('ops reader (postgres): a pool of its own', function () {
  this.timeout(60_000);
  const schema = `tongban_reader_${process.pid}`;
  let store: PostgresStore;
  let reader: OpsReader;

  before(async () => {
    store = new PostgresStore({ connectionString: TEST_DATABASE_URL, schema });
    await migrate(store);
    reader = storeReader(new PostgresStore({ connectionString: TEST_DATABASE_URL, schema, poolSize: 2, statementTimeoutMs: 300 }), { owned: true, timeoutMs: 5000 });
  });
  after(async () => {
    await reader?.close();
    await store.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await store.close();
  });

  it('reads what the store committed, and a long read is cut by the server without holding the store', async () => {
    await store.query("INSERT INTO ops_audit (client_id, action, target, details, at) VALUES ('ops:test', 'test.write', 'x', '{}', 1)");
    expect((await reader.query<{ n: number }>('SELECT COUNT(*) AS n FROM ops_audit')).rows[0]!.n).to.equal(1);
    const heavy = reader.query('SELECT pg_sleep(30)');
    await store.query("INSERT INTO ops_audit (client_id, action, target, details, at) VALUES ('ops:test', 'test.write', 'y', '{}', 2)");
    expect((await rejection(heavy) as Error & { code?: string }).code).to.equal('DATABASE_UNAVAILABLE');
  });
});
