import { expect } from 'chai';
import { TongbanError } from '../../src/errors/index.js';
import { appliedVersion, latestVersion, migrate, PostgresStore, type Store } from '../../src/store/index.js';
import { allPassed, storeFixtures, TEST_DATABASE_URL } from '../helpers/stores.js';
import { TcpProxy } from '../helpers/tcp-proxy.js';

for (const fixture of storeFixtures()) {
  describe(`store (${fixture.name})`, function () {
    let store: Store;

    before(async () => {
      store = await fixture.open();
      await store.query('CREATE TABLE store_probe (id INTEGER PRIMARY KEY, label TEXT NOT NULL, flag BOOLEAN, amount BIGINT)');
    });

    after(async function () {
      await store.close();
      await fixture.cleanup(allPassed(this.test!.parent!));
    });

    beforeEach(async () => {
      await store.query('DELETE FROM store_probe');
    });

    it('is migrated to the latest version', async () => {
      expect(await appliedVersion(store)).to.equal(latestVersion(store.dialect));
      expect(latestVersion(store.dialect)).to.be.greaterThan(0);
    });

    it('binds $n placeholders, including repeated and out-of-order ones', async () => {
      await store.query('INSERT INTO store_probe (id, label, flag, amount) VALUES ($2, $1, $3, $4)', ['a', 1, true, 1_700_000_000_000]);
      const { rows } = await store.query<{ label: string; same: number; amount: number }>(
        'SELECT label, CASE WHEN $1 = $1 THEN 1 ELSE 0 END AS same, amount FROM store_probe WHERE id = $2', ['x', 1]);
      expect(rows).to.deep.equal([{ label: 'a', same: 1, amount: 1_700_000_000_000 }]);
    });

    it('reports affected rows and RETURNING rows', async () => {
      await store.query('INSERT INTO store_probe (id, label) VALUES (1, $1), (2, $1)', ['b']);
      const updated = await store.query('UPDATE store_probe SET label = $1', ['c']);
      expect(updated.rowCount).to.equal(2);
      const returned = await store.query<{ id: number }>('DELETE FROM store_probe WHERE id = $1 RETURNING id', [2]);
      expect(returned.rows).to.deep.equal([{ id: 2 }]);
    });

    it('commits a transaction that resolves', async () => {
      const result = await store.transaction(async (tx) => {
        await tx.query('INSERT INTO store_probe (id, label) VALUES (1, $1)', ['one']);
        await tx.query('INSERT INTO store_probe (id, label) VALUES (2, $1)', ['two']);
        return 'done';
      });
      expect(result).to.equal('done');
      const { rows } = await store.query<{ n: number }>('SELECT COUNT(*) AS n FROM store_probe');
      expect(Number(rows[0]!.n)).to.equal(2);
    });

    it('rolls back everything when a transaction throws, and rethrows', async () => {
      const failure = new Error('business rule failed');
      let caught: unknown;
      try {
        await store.transaction(async (tx) => {
          await tx.query('INSERT INTO store_probe (id, label) VALUES (1, $1)', ['one']);
          throw failure;
        });
      } catch (error) {
        caught = error;
      }
      expect(caught).to.equal(failure);
      const { rows } = await store.query('SELECT * FROM store_probe');
      expect(rows).to.have.length(0);
    });

    it('rolls back on a constraint violation half-way through', async () => {
      let caught: unknown;
      try {
        await store.transaction(async (tx) => {
          await tx.query('INSERT INTO store_probe (id, label) VALUES (1, $1)', ['one']);
          await tx.query('INSERT INTO store_probe (id, label) VALUES (1, $1)', ['duplicate']);
        });
      } catch (error) {
        caught = error;
      }
      expect(caught).to.be.instanceOf(Error);
      expect(caught).not.to.be.instanceOf(TongbanError);
      expect((await store.query('SELECT * FROM store_probe')).rows).to.have.length(0);
    });

    it('keeps concurrent transactions isolated: no lost updates', async () => {
      await store.query('INSERT INTO store_probe (id, label, amount) VALUES (1, $1, 0)', ['counter']);
      const increments = Array.from({ length: 20 }, () => store.transaction(async (tx) => {
        const { rows } = await tx.query<{ amount: number }>(
          `SELECT amount FROM store_probe WHERE id = 1${store.capabilities.skipLocked ? ' FOR UPDATE' : ''}`);
        await tx.query('UPDATE store_probe SET amount = $1 WHERE id = 1', [Number(rows[0]!.amount) + 1]);
      }));
      await Promise.all(increments);
      const { rows } = await store.query<{ amount: number }>('SELECT amount FROM store_probe WHERE id = 1');
      expect(Number(rows[0]!.amount)).to.equal(20);
    });

    it('applies migrations once when two processes migrate at the same time', async () => {
      const others = [fixture.openAnother(), fixture.openAnother()];
      try {
        const results = await Promise.all(others.map((other) => migrate(other)));
        expect(results).to.deep.equal([[], []]);
        const { rows } = await store.query<{ n: number }>('SELECT COUNT(*) AS n FROM schema_migrations');
        expect(Number(rows[0]!.n)).to.equal(latestVersion(store.dialect));
      } finally {
        await Promise.all(others.map((other) => other.close()));
      }
    });

    it('refuses queries after close with DATABASE_UNAVAILABLE', async () => {
      const other = fixture.openAnother();
      await other.ping();
      await other.close();
      let caught: unknown;
      try {
        await other.query('SELECT 1');
      } catch (error) {
        caught = error;
      }
      expect(caught).to.be.instanceOf(TongbanError);
      expect((caught as TongbanError).code).to.equal('DATABASE_UNAVAILABLE');
    });
  });
}

describe('store (postgres) migrations from scratch', () => {
  it('two processes starting at once on an empty schema apply each migration exactly once', async () => {
    const schema = `tongban_race_${process.pid}_${Date.now()}`;
    const stores = Array.from({ length: 3 }, () => new PostgresStore({ connectionString: TEST_DATABASE_URL, schema }));
    try {
      const results = await Promise.all(stores.map((store) => migrate(store)));
      const applied = results.flat().sort((a, b) => a - b);
      expect(applied).to.deep.equal(Array.from({ length: latestVersion('postgres') }, (_, i) => i + 1));
    } finally {
      await stores[0]!.query(`DROP SCHEMA "${schema}" CASCADE`);
      await Promise.all(stores.map((store) => store.close()));
    }
  });
});

describe('store (postgres) losing the database', () => {
  let proxy: TcpProxy;
  let store: PostgresStore;
  const schema = `tongban_loss_${process.pid}_${Date.now()}`;
  const proxiedUrl = () => {
    const url = new URL(TEST_DATABASE_URL);
    url.port = String(proxy.port);
    return url.toString();
  };

  before(async () => {
    const url = new URL(TEST_DATABASE_URL);
    proxy = await new TcpProxy(url.hostname, Number(url.port || 5432)).start();
    url.port = String(proxy.port);
    store = new PostgresStore({ connectionString: url.toString(), schema, connectTimeoutMs: 1000 });
    await migrate(store);
  });

  after(async () => {
    proxy.restore();
    await store.query(`DROP SCHEMA "${schema}" CASCADE`).catch(() => undefined);
    await store.close();
    await proxy.stop();
  });

  it('answers DATABASE_UNAVAILABLE while cut, and recovers without a new store when the link returns', async () => {
    await store.ping();
    proxy.cut();
    let caught: unknown;
    try {
      await store.query('SELECT 1');
    } catch (error) {
      caught = error;
    }
    expect((caught as TongbanError).code).to.equal('DATABASE_UNAVAILABLE');
    proxy.restore();
    await store.ping();
    expect(await appliedVersion(store)).to.equal(latestVersion('postgres'));
  });

  it('a connection lost in the middle of a transaction, between two statements, fails that transaction; it does not crash the process', async () => {
    let lost!: (error: Error) => void;
    const connectionLost = new Promise<Error>((resolve) => { lost = resolve; });
    const watched = new PostgresStore({ connectionString: proxiedUrl(), schema, connectTimeoutMs: 1000, onError: (error) => lost(error) });
    try {
      let resume!: () => void;
      const between = new Promise<void>((resolve) => { resume = resolve; });
      let started!: () => void;
      const inTransaction = new Promise<void>((resolve) => { started = resolve; });
      const outcome = watched.transaction(async (tx) => {
        await tx.query('SELECT 1');
        started();
        await between; // the connection is cut here, while no statement runs on it
        await tx.query('SELECT 2');
      }).then(() => 'committed', (error: unknown) => (error as TongbanError).code);
      await inTransaction;
      proxy.cut();
      // The checked-out client's 'error' event: thrown, and the process gone, were nobody listening.
      expect((await connectionLost).message).to.match(/terminated/);
      resume();
      expect(await outcome).to.equal('DATABASE_UNAVAILABLE');
      proxy.restore();
      await watched.ping();
    } finally {
      proxy.restore();
      await watched.close();
    }
  });
});
