/**
 * What intake's fewer round trips rest on: multi-row VALUES lists, and
 * statements of one transaction sent without waiting for each other
 * (pipelined on PostgreSQL, BEGIN included).
 */
import { expect } from 'chai';
import pg from 'pg';
import { PostgresStore, pipelined, valuesList, type Store } from '../../src/store/index.js';
import { allPassed, storeFixtures, TEST_DATABASE_URL } from '../helpers/stores.js';

async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a failure');
}

for (const fixture of storeFixtures()) {
  describe(`store (${fixture.name}): multi-row and pipelined statements`, function () {
    let store: Store;

    before(async () => {
      store = await fixture.open();
      await store.query('CREATE TABLE pipeline_probe (id INTEGER PRIMARY KEY, label TEXT NOT NULL, flag BOOLEAN, amount BIGINT, document TEXT)');
    });

    after(async function () {
      await store.close();
      await fixture.cleanup(allPassed(this.test!.parent!));
    });

    beforeEach(async () => {
      await store.query('DELETE FROM pipeline_probe');
    });

    async function stored(): Promise<unknown[]> {
      const { rows } = await store.query<{ id: number; label: string; flag: unknown; amount: number | null; document: string | null }>(
        'SELECT id, label, flag, amount, document FROM pipeline_probe ORDER BY id');
      return rows.map((row) => ({ ...row, flag: row.flag === null ? null : Boolean(row.flag) }));
    }

    it('a multi-row VALUES list stores every row with its own values, after parameters that come before it', async () => {
      const values = valuesList([[1, 'a', true, 1_700_000_000_000, JSON.stringify({ 中: '文' })], [2, 'b', null, null, null], [3, 'c', false, 3, '[]']], 2);
      const { rowCount, rows } = await store.query<{ id: number; above: number }>(
        `INSERT INTO pipeline_probe (id, label, flag, amount, document) VALUES ${values.sql} RETURNING id, CASE WHEN id > $1 THEN 1 ELSE 0 END AS above`, [1, ...values.params]);
      expect(rowCount).to.equal(3);
      expect(rows.sort((a, b) => a.id - b.id)).to.deep.equal([{ id: 1, above: 0 }, { id: 2, above: 1 }, { id: 3, above: 1 }]);
      const direct = valuesList([[4, 'd', true, 4, null], [5, 'e', false, 5, null]]);
      expect((await store.query(`INSERT INTO pipeline_probe (id, label, flag, amount, document) VALUES ${direct.sql}`, direct.params)).rowCount).to.equal(2);
      expect(await stored()).to.deep.equal([
        { id: 1, label: 'a', flag: true, amount: 1_700_000_000_000, document: '{"中":"文"}' },
        { id: 2, label: 'b', flag: null, amount: null, document: null },
        { id: 3, label: 'c', flag: false, amount: 3, document: '[]' },
        { id: 4, label: 'd', flag: true, amount: 4, document: null },
        { id: 5, label: 'e', flag: false, amount: 5, document: null },
      ]);
    });

    it('statements sent without waiting for each other commit together, each answered with its own result', async () => {
      const [first, second, count] = await store.transaction((tx) => pipelined([
        tx.query('INSERT INTO pipeline_probe (id, label) VALUES ($1, $2)', [1, 'one']),
        tx.query('INSERT INTO pipeline_probe (id, label) VALUES ($1, $2), ($3, $4)', [2, 'two', 3, 'three']),
        tx.query<{ n: number | string }>('SELECT COUNT(*) AS n FROM pipeline_probe WHERE id <= $1', [3]),
      ]));
      expect([first.rowCount, second.rowCount, Number(count.rows[0]!.n)]).to.deep.equal([1, 2, 3]);
      expect((await stored()).length).to.equal(3);
    });

    it('a failed one among them is the error given (not the later ones it aborted), and nothing of the transaction is kept', async () => {
      await store.query('INSERT INTO pipeline_probe (id, label) VALUES ($1, $2)', [9, 'kept']);
      const error = await failure(store.transaction((tx) => pipelined([
        tx.query('INSERT INTO pipeline_probe (id, label) VALUES ($1, $2)', [1, 'one']),
        tx.query('INSERT INTO pipeline_probe (id, label) VALUES ($1, $2)', [9, 'duplicate']),
        tx.query('INSERT INTO pipeline_probe (id, label) VALUES ($1, $2)', [2, 'after the failure']),
      ])));
      expect(String((error as Error).message)).to.match(/unique|UNIQUE|duplicate/);
      expect(await stored()).to.deep.equal([{ id: 9, label: 'kept', flag: null, amount: null, document: null }]);
      // The connection is usable again: the next transaction commits.
      await store.transaction((tx) => pipelined([tx.query('INSERT INTO pipeline_probe (id, label) VALUES ($1, $2)', [1, 'one'])]));
      expect((await stored()).length).to.equal(2);
    });
  });
}

describe('store (postgres): BEGIN sent with the first statements', function () {
  const schema = `tongban_pipelined_${process.pid}_${Date.now()}`;
  let admin: pg.Client;

  before(async () => {
    admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await admin.connect();
    await admin.query(`CREATE SCHEMA "${schema}"`);
    await admin.query(`CREATE TABLE "${schema}".begin_probe (id INTEGER PRIMARY KEY)`);
  });

  after(async () => {
    await admin.query(`DROP SCHEMA "${schema}" CASCADE`);
    await admin.end();
  });

  it('after the connection is lost, transactions on its replacement commit whole or roll back whole', async () => {
    let onLost!: (error: Error) => void;
    const lost = new Promise<Error>((resolve) => { onLost = resolve; });
    // One connection: the next transactions run on the one that replaces it.
    const store = new PostgresStore({ connectionString: TEST_DATABASE_URL, schema, poolSize: 1, connectTimeoutMs: 2000, onError: (error) => onLost(error) });
    try {
      const { rows: [session] } = await store.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      await admin.query('SELECT pg_terminate_backend($1)', [session!.pid]);
      await lost;
      await store.transaction((tx) => pipelined([tx.query('INSERT INTO begin_probe (id) VALUES ($1)', [1]), tx.query('INSERT INTO begin_probe (id) VALUES ($1)', [2])]));
      const error = await failure(store.transaction(async (tx) => {
        await tx.query('INSERT INTO begin_probe (id) VALUES ($1)', [3]);
        throw new Error('business rule failed');
      }));
      expect((error as Error).message).to.equal('business rule failed');
      const { rows } = await admin.query(`SELECT id FROM "${schema}".begin_probe ORDER BY id`);
      expect(rows).to.deep.equal([{ id: 1 }, { id: 2 }]);
    } finally {
      await store.close();
    }
  });
});
