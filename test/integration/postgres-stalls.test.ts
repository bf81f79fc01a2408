/**
 * The PostgreSQL store when the database stalls rather than goes away: every
 * pooled connection busy, a statement or a lock that never ends, a server
 * that stops answering without closing connections (a black hole), a session
 * left idle inside a transaction. Each answers DATABASE_UNAVAILABLE within
 * its configured limit, and the store serves again once the stall ends.
 */
import { expect } from 'chai';
import pg from 'pg';
import { TongbanError } from '../../src/errors/index.js';
import { migrate, PostgresStore, runWithDatabaseDeadline, type PostgresStoreOptions } from '../../src/store/index.js';
import { TEST_DATABASE_URL } from '../helpers/stores.js';
import { TcpProxy } from '../helpers/tcp-proxy.js';
import { deferred, waitFor } from '../helpers/wait.js';

/** Time a loaded test host may add to a limit before an answer counts as late (ms). */
const SLACK_MS = 700;

/** What `operation` failed with, and after how long (ms). */
async function failure(operation: () => Promise<unknown>): Promise<{ code: string | undefined; error: unknown; elapsedMs: number }> {
  const started = Date.now();
  try {
    await operation();
  } catch (error) {
    return { code: error instanceof TongbanError ? error.code : undefined, error, elapsedMs: Date.now() - started };
  }
  throw new Error('expected the operation to fail');
}

describe('store (postgres) when the database stalls', function () {
  this.timeout(30_000);
  const schema = `tongban_stall_${process.pid}_${Date.now()}`;
  let proxy: TcpProxy;
  let admin: pg.Client;
  const stores: PostgresStore[] = [];

  /** A store on the test schema, through the proxy unless `direct`. */
  function open(options: Omit<PostgresStoreOptions, 'connectionString' | 'schema'> & { direct?: boolean } = {}): PostgresStore {
    const url = new URL(TEST_DATABASE_URL);
    if (!options.direct) url.port = String(proxy.port);
    const store = new PostgresStore({ connectionString: url.toString(), schema, ...options });
    stores.push(store);
    return store;
  }

  before(async () => {
    const url = new URL(TEST_DATABASE_URL);
    proxy = await new TcpProxy(url.hostname, Number(url.port || 5432)).start();
    admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await admin.connect();
    const store = open({ direct: true });
    await migrate(store);
    await store.query('CREATE TABLE stall_probe (id INTEGER PRIMARY KEY)');
  });

  afterEach(() => proxy.restore());

  after(async () => {
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await admin.end();
    await Promise.all(stores.map((store) => store.close().catch(() => undefined)));
    await proxy.stop();
  });

  it('every pooled connection in use: the next operation answers DATABASE_UNAVAILABLE after the connect timeout (pg-pool\'s "timeout exceeded")', async () => {
    const store = open({ poolSize: 1, connectTimeoutMs: 300 });
    const release = deferred();
    const entered = deferred();
    const holding = store.transaction(async (tx) => {
      await tx.query('SELECT 1');
      entered.resolve();
      await release.promise;
    });
    await entered.promise;
    const refused = await failure(() => store.query('SELECT 1'));
    expect(refused.code, String(refused.error)).to.equal('DATABASE_UNAVAILABLE');
    expect(refused.elapsedMs).to.be.within(250, 300 + SLACK_MS);
    release.resolve();
    await holding;
    expect((await store.query<{ one: number }>('SELECT 1 AS one')).rows).to.deep.equal([{ one: 1 }]);
  });

  it('a statement running past statement_timeout is cancelled by the server: DATABASE_UNAVAILABLE, and the connection is kept', async () => {
    const store = open({ poolSize: 1, statementTimeoutMs: 200, queryTimeoutMs: 5000 });
    const backend = async () => (await store.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
    const before = await backend();
    const cancelled = await failure(() => store.query('SELECT pg_sleep(5)'));
    expect(cancelled.code).to.equal('DATABASE_UNAVAILABLE');
    expect(cancelled.elapsedMs).to.be.below(200 + SLACK_MS);
    expect(await backend(), 'the same session serves on').to.equal(before);
  });

  it('a statement waiting past lock_timeout on a table another session locked: DATABASE_UNAVAILABLE, not a hang', async () => {
    const store = open({ lockTimeoutMs: 200, statementTimeoutMs: 5000, queryTimeoutMs: 6000 });
    await admin.query('BEGIN');
    await admin.query(`LOCK TABLE "${schema}".stall_probe IN ACCESS EXCLUSIVE MODE`);
    try {
      const blocked = await failure(() => store.transaction((tx) => tx.query('INSERT INTO stall_probe (id) VALUES (1)')));
      expect(blocked.code, String(blocked.error)).to.equal('DATABASE_UNAVAILABLE');
      expect(blocked.elapsedMs).to.be.below(200 + SLACK_MS);
    } finally {
      await admin.query('ROLLBACK');
    }
    expect((await store.query('SELECT id FROM stall_probe')).rows).to.deep.equal([]);
  });

  it('a black hole: statements answer DATABASE_UNAVAILABLE after the query timeout; the stuck connection is destroyed, not pooled, so the store serves at once when the link returns', async () => {
    const store = open({ poolSize: 1, connectTimeoutMs: 400, queryTimeoutMs: 300 });
    await store.ping();
    proxy.blackHole();
    const stalled = await failure(() => store.query('SELECT 1'));
    expect(stalled.code, String(stalled.error)).to.equal('DATABASE_UNAVAILABLE');
    expect(stalled.elapsedMs).to.be.within(250, 300 + SLACK_MS);
    // A new connection opened into the hole never finishes its handshake: the connect timeout.
    const inTransaction = await failure(() => store.transaction((tx) => tx.query('INSERT INTO stall_probe (id) VALUES (2)')));
    expect(inTransaction.code, String(inTransaction.error)).to.equal('DATABASE_UNAVAILABLE');
    expect(inTransaction.elapsedMs).to.be.below(400 + 300 + SLACK_MS);

    proxy.restore();
    // One connection in the pool: had the stuck one gone back, this would time out on it again.
    expect((await store.query<{ one: number }>('SELECT 1 AS one')).rows).to.deep.equal([{ one: 1 }]);
    expect((await store.query('SELECT id FROM stall_probe')).rows, 'nothing of the failed transaction').to.deep.equal([]);
  });

  it('a transaction whose statement gets no answer is not rolled back over the dead link (a second wait): it fails after one query timeout', async () => {
    const store = open({ poolSize: 2, connectTimeoutMs: 2000, queryTimeoutMs: 1000 });
    await store.ping();
    const entered = deferred();
    const outcome = failure(() => store.transaction(async (tx) => {
      await tx.query('SELECT 1');
      entered.resolve();
      await tx.query('INSERT INTO stall_probe (id) VALUES (3)');
    }));
    await entered.promise;
    proxy.blackHole();
    const stalled = await outcome;
    expect(stalled.code, String(stalled.error)).to.equal('DATABASE_UNAVAILABLE');
    expect(stalled.elapsedMs).to.be.below(1000 + 600);
  });

  it('within a request\'s budget: however many statements run one after another, the waits end with the budget', async () => {
    const store = open({ poolSize: 4, connectTimeoutMs: 5000, queryTimeoutMs: 400 });
    await store.ping();
    proxy.blackHole();
    const budgetMs = 600;
    const outcome = await failure(() => runWithDatabaseDeadline(Date.now() + budgetMs, async () => {
      // Each would wait its own 400 ms timeout (or the 5 s connect timeout): 2.4 s at least without the budget.
      for (const id of [4, 5, 6, 7, 8, 9]) await store.query('INSERT INTO stall_probe (id) VALUES ($1)', [id]).catch(() => undefined);
      await store.query('SELECT 1');
    }));
    expect(outcome.code, String(outcome.error)).to.equal('DATABASE_UNAVAILABLE');
    expect(outcome.elapsedMs).to.be.below(budgetMs + SLACK_MS);
  });

  it('a session left idle inside a transaction is ended by the server (idle_in_transaction_session_timeout): its locks are freed, the transaction fails DATABASE_UNAVAILABLE', async () => {
    const lost = deferred<Error>();
    const store = open({ direct: true, poolSize: 1, idleInTransactionTimeoutMs: 200, onError: (error) => lost.resolve(error) });
    const outcome = failure(() => store.transaction(async (tx) => {
      await tx.query('INSERT INTO stall_probe (id) VALUES (10)');
      await lost.promise; // the gateway stuck between two statements
      await tx.query('SELECT 1');
    }));
    expect((await lost.promise).message).to.match(/idle-in-transaction|terminat/i);
    expect((await outcome).code).to.equal('DATABASE_UNAVAILABLE');
    // The row lock died with the session: another writer is not blocked.
    await admin.query(`INSERT INTO "${schema}".stall_probe (id) VALUES (10)`);
    await admin.query(`DELETE FROM "${schema}".stall_probe WHERE id = 10`);
    expect((await store.query<{ one: number }>('SELECT 1 AS one')).rows).to.deep.equal([{ one: 1 }]);
  });

  it('migrations run without the statement and answer timeouts (waiting for another process\'s migrations may take long), which stay on the pooled connections', async () => {
    const fresh = `${schema}_migrate`;
    const store = new PostgresStore({ connectionString: TEST_DATABASE_URL, schema: fresh, poolSize: 1, statementTimeoutMs: 200, lockTimeoutMs: 200, queryTimeoutMs: 300 });
    stores.push(store);
    const lockKey = `tongban-migrations:${fresh}`;
    // Another process is migrating: it holds the migration lock.
    await admin.query('SELECT pg_advisory_lock(hashtext($1))', [lockKey]);
    try {
      const migrating = migrate(store);
      // Until the waiting migration has outlived both timeouts.
      await waitFor(async () => (await admin.query(`SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND wait_event = 'advisory'
        AND query LIKE '%pg_advisory_lock%' AND now() - query_start > interval '500 milliseconds'`)).rowCount, { what: 'the migration waiting 500 ms for the lock' });
      await admin.query('SELECT pg_advisory_unlock(hashtext($1))', [lockKey]);
      expect(await migrating).to.have.length.greaterThan(0);
      expect((await store.query<{ statement_timeout: string }>('SHOW statement_timeout')).rows[0]!.statement_timeout).to.equal('200ms');
    } finally {
      await admin.query('SELECT pg_advisory_unlock_all()');
      await admin.query(`DROP SCHEMA IF EXISTS "${fresh}" CASCADE`);
    }
  });
});
