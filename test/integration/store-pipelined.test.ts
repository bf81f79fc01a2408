/**
 * What intake's fewer round trips rest on: multi-row VALUES lists,
 * statements of one transaction sent without waiting for each other
 * (pipelined on PostgreSQL), and PostgreSQL's named prepared statements —
 * parsed once per connection, prepared again on a connection that replaces
 * a lost one, and dropped with a connection whose table changed under them.
 */
import { expect } from 'chai';
import pg from 'pg';
import { ASSERTION_FAILED, failedAssertion, isUniqueViolation, databaseDeadline, PostgresStore, pipelined, runWithDatabaseDeadline, valuesList, type Queryable, type Store } from '../../src/store/index.js';
import { allPassed, storeFixtures, TEST_DATABASE_URL } from '../helpers/stores.js';
import { TcpProxy } from '../helpers/tcp-proxy.js';

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

    it('sent with its COMMIT: every statement is committed, each answered with its own result', async () => {
      const [first, second] = await store.transaction((tx) => pipelined([
        tx.query('INSERT INTO pipeline_probe (id, label) VALUES ($1, $2)', [1, 'one']),
        tx.query<{ id: number }>('INSERT INTO pipeline_probe (id, label) VALUES ($1, $2), ($3, $4) RETURNING id', [2, 'two', 3, 'three']),
      ]), { commitWithStatements: true });
      expect([first.rowCount, second.rows.map((row) => row.id).sort()]).to.deep.equal([1, [2, 3]]);
      expect((await stored()).map((row) => (row as { label: string }).label)).to.deep.equal(['one', 'two', 'three']);
    });

    it('sent with its COMMIT: a failed statement rolls the whole transaction back, and its failure (not the aborted ones\') is the error given', async () => {
      await store.query('INSERT INTO pipeline_probe (id, label) VALUES ($1, $2)', [9, 'kept']);
      const error = await failure(store.transaction((tx) => pipelined([
        tx.query('INSERT INTO pipeline_probe (id, label) VALUES ($1, $2)', [1, 'before the failure']),
        tx.query('INSERT INTO pipeline_probe (id, label) VALUES ($1, $2)', [9, 'duplicate']),
        tx.query('INSERT INTO pipeline_probe (id, label) VALUES ($1, $2)', [2, 'after the failure']),
      ]), { commitWithStatements: true }));
      expect(isUniqueViolation(error), String(error)).to.equal(true);
      expect(await stored()).to.deep.equal([{ id: 9, label: 'kept', flag: null, amount: null, document: null }]);
      await store.transaction((tx) => tx.query('INSERT INTO pipeline_probe (id, label) VALUES ($1, $2)', [1, 'one']), { commitWithStatements: true });
      expect((await stored()).length).to.equal(2);
    });

    it('tongban_assert: a condition that holds passes; false or NULL fails its statement with TB001 and its reason, rolling the transaction back', async () => {
      const reason = 'the probe must be empty';
      const holds = await store.transaction((tx) => pipelined([
        tx.query('INSERT INTO pipeline_probe (id, label) VALUES ($1, $2)', [1, 'one']),
        tx.query('SELECT tongban_assert((SELECT COUNT(*) FROM pipeline_probe) = 1, $1) AS ok', [reason]),
      ]), { commitWithStatements: true });
      expect(Boolean((holds[1].rows[0] as { ok: unknown }).ok)).to.equal(true);
      for (const condition of ['(SELECT COUNT(*) FROM pipeline_probe) = 0', '(SELECT MAX(id) FROM pipeline_probe WHERE id > 100) = 1']) {
        const error = await failure(store.transaction((tx) => pipelined([
          tx.query('INSERT INTO pipeline_probe (id, label) VALUES ($1, $2)', [2, 'two']),
          tx.query(`SELECT tongban_assert(${condition}, $1)`, [reason]),
        ]), { commitWithStatements: true }));
        expect(failedAssertion(error, reason), `${condition}: ${String(error)}`).to.equal(true);
        expect((error as { code?: string }).code).to.equal(ASSERTION_FAILED);
      }
      expect((await stored()).map((row) => (row as { id: number }).id)).to.deep.equal([1]);
    });
  });
}

describe('store (postgres): a transaction sent with its COMMIT', function () {
  const schema = `tongban_commit_with_${process.pid}_${Date.now()}`;
  let admin: pg.Client;
  let proxy: TcpProxy;
  let store: PostgresStore;

  before(async () => {
    admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await admin.connect();
    await admin.query(`CREATE SCHEMA "${schema}"`);
    await admin.query(`CREATE TABLE "${schema}".commit_probe (id INTEGER PRIMARY KEY, label TEXT NOT NULL)`);
    const target = new URL(TEST_DATABASE_URL);
    proxy = await new TcpProxy(target.hostname, Number(target.port || 5432)).start();
    target.hostname = '127.0.0.1';
    target.port = String(proxy.port);
    store = new PostgresStore({ connectionString: target.toString(), schema, poolSize: 1 });
    await store.ping();
  });

  after(async () => {
    await store.close();
    await proxy.stop();
    await admin.query(`DROP SCHEMA "${schema}" CASCADE`);
    await admin.end();
  });

  async function ids(): Promise<number[]> {
    const { rows } = await admin.query<{ id: number }>(`SELECT id FROM "${schema}".commit_probe ORDER BY id`);
    return rows.map((row) => row.id);
  }

  /** Writes the store made to PostgreSQL while `work` ran. */
  async function writes(work: () => Promise<unknown>): Promise<number> {
    const before = proxy.clientChunks;
    await work();
    return proxy.clientChunks - before;
  }

  it('BEGIN, the statements and COMMIT leave in one write (one round trip); without the option COMMIT waits for the answers', async () => {
    const insert = (tx: Queryable, id: number) => tx.query('INSERT INTO commit_probe (id, label) VALUES ($1, $2)', [id, `row ${id}`]);
    // Once on the connection first: the named statement is then prepared, and what is counted is the transaction alone.
    await store.transaction((tx) => pipelined([insert(tx, 1)]), { commitWithStatements: true });
    expect(await writes(() => store.transaction((tx) => pipelined([insert(tx, 2), insert(tx, 3)]), { commitWithStatements: true }))).to.equal(1);
    expect(await writes(() => store.transaction((tx) => pipelined([insert(tx, 4), insert(tx, 5)])))).to.equal(2);
    expect(await ids()).to.deep.equal([1, 2, 3, 4, 5]);
  });

  it('a statement issued after the function first waited is refused, and the transaction reports the broken contract', async () => {
    await admin.query(`DELETE FROM "${schema}".commit_probe`);
    const error = await failure(store.transaction(async (tx) => {
      await tx.query('INSERT INTO commit_probe (id, label) VALUES ($1, $2)', [1, 'sent with COMMIT']);
      await tx.query('INSERT INTO commit_probe (id, label) VALUES ($1, $2)', [2, 'after an answer']);
    }, { commitWithStatements: true }));
    expect((error as Error).message).to.match(/failed after it was committed/);
    expect(String(((error as Error).cause as Error).message)).to.match(/issued after its transaction's COMMIT was sent/);
    // What the contract forbids shows here: the first statement was committed without the second.
    expect(await ids()).to.deep.equal([1]);
    // The connection is clean for the next transaction.
    await store.transaction((tx) => pipelined([tx.query('INSERT INTO commit_probe (id, label) VALUES ($1, $2)', [3, 'next'])]), { commitWithStatements: true });
    expect(await ids()).to.deep.equal([1, 3]);
  });

  it('the request\'s database budget is taken once for all the statements: one running out between two of them fails neither alone', async () => {
    await admin.query(`DELETE FROM "${schema}".commit_probe`);
    const realNow = Date.now;
    await runWithDatabaseDeadline(realNow() + 5_000, () => store.transaction((tx) => {
      const first = tx.query('INSERT INTO commit_probe (id, label) VALUES ($1, $2)', [1, 'before the budget ran out']);
      // The clock (which the budget reads) jumps past the deadline between the two statements.
      Date.now = () => realNow() + 60_000;
      try {
        return pipelined([first, tx.query('INSERT INTO commit_probe (id, label) VALUES ($1, $2)', [2, 'after'])]);
      } finally {
        Date.now = realNow;
      }
    }, { commitWithStatements: true }));
    expect(await ids()).to.deep.equal([1, 2]);
  });

  it('transactions sent in the same turn share one connection and one write, each still its own: a failed one rolls back alone', async () => {
    await admin.query(`DELETE FROM "${schema}".commit_probe`);
    await admin.query(`INSERT INTO "${schema}".commit_probe (id, label) VALUES (9, 'taken')`);
    const insert = (tx: Queryable, id: number) => tx.query('INSERT INTO commit_probe (id, label) VALUES ($1, $2)', [id, `row ${id}`]);
    let outcomes: PromiseSettledResult<unknown>[] = [];
    const written = await writes(async () => {
      outcomes = await Promise.allSettled([
        store.transaction((tx) => pipelined([insert(tx, 1), insert(tx, 2)]), { commitWithStatements: true }),
        store.transaction((tx) => pipelined([insert(tx, 3), insert(tx, 9)]), { commitWithStatements: true }),
        store.transaction((tx) => pipelined([insert(tx, 4)]), { commitWithStatements: true }),
        store.transaction(((tx: Queryable) => {
          void insert(tx, 5).catch(() => undefined);
          throw new Error('thrown before it returned');
        }) as unknown as (tx: Queryable) => Promise<void>, { commitWithStatements: true }),
        store.transaction((tx) => pipelined([insert(tx, 6)]), { commitWithStatements: true }),
      ]);
    });
    expect(written).to.equal(1);
    expect(outcomes.map((outcome) => outcome.status)).to.deep.equal(['fulfilled', 'rejected', 'fulfilled', 'rejected', 'fulfilled']);
    expect(isUniqueViolation((outcomes[1] as PromiseRejectedResult).reason)).to.equal(true);
    expect(((outcomes[3] as PromiseRejectedResult).reason as Error).message).to.equal('thrown before it returned');
    expect(await ids()).to.deep.equal([1, 2, 4, 6, 9]);
  });

  it('a statement first parsed in a transaction that fails before it is not relied on by the next one on the connection', async () => {
    await admin.query(`DELETE FROM "${schema}".commit_probe`);
    await admin.query(`INSERT INTO "${schema}".commit_probe (id, label) VALUES (9, 'taken')`);
    // A statement text this connection has never parsed: its name's Parse goes out in the first transaction, which is already
    // aborted by then (the duplicate key), so PostgreSQL never creates it.
    const fresh = `INSERT INTO commit_probe (id, label) VALUES ($1, $2) -- first parsed ${Date.now()}`;
    const outcomes = await Promise.allSettled([
      store.transaction((tx) => pipelined([tx.query('INSERT INTO commit_probe (id, label) VALUES ($1, $2)', [9, 'duplicate']), tx.query(fresh, [1, 'aborted'])]), { commitWithStatements: true }),
      store.transaction((tx) => pipelined([tx.query(fresh, [2, 'next']), tx.query(fresh, [3, 'next again'])]), { commitWithStatements: true }),
    ]);
    expect(outcomes.map((outcome) => outcome.status)).to.deep.equal(['rejected', 'fulfilled']);
    expect(await ids()).to.deep.equal([2, 3, 9]);
    // Later transactions use it by name once it exists.
    await store.transaction((tx) => pipelined([tx.query(fresh, [4, 'named'])]), { commitWithStatements: true });
    expect(await ids()).to.deep.equal([2, 3, 4, 9]);
  });

  it('each runs in its caller\'s context, and one whose budget runs out while it waits for a connection fails alone, having sent nothing', async () => {
    await admin.query(`DELETE FROM "${schema}".commit_probe`);
    const seen: (number | undefined)[] = [];
    const deadlines = [Date.now() + 4_000, Date.now() + 5_000];
    await Promise.all(deadlines.map((deadline, index) => runWithDatabaseDeadline(deadline, () => store.transaction((tx) => {
      seen.push(databaseDeadline());
      return pipelined([tx.query('INSERT INTO commit_probe (id, label) VALUES ($1, $2)', [index + 1, 'context'])]);
    }, { commitWithStatements: true }))));
    expect(seen).to.deep.equal(deadlines);

    // The store's only connection is busy for 400 ms; a transaction with 50 ms of budget left does not wait for it.
    const busy = store.transaction((tx) => tx.query('SELECT pg_sleep(0.4)'));
    const started = Date.now();
    const error = await failure(runWithDatabaseDeadline(Date.now() + 50, () => store.transaction(
      (tx) => pipelined([tx.query('INSERT INTO commit_probe (id, label) VALUES ($1, $2)', [3, 'too late'])]), { commitWithStatements: true })));
    expect(Date.now() - started).to.be.below(350);
    expect((error as { code?: string }).code).to.equal('DATABASE_UNAVAILABLE');
    // One queued behind it with budget enough runs once the connection is free.
    await runWithDatabaseDeadline(Date.now() + 5_000, () => store.transaction(
      (tx) => pipelined([tx.query('INSERT INTO commit_probe (id, label) VALUES ($1, $2)', [4, 'in time'])]), { commitWithStatements: true }));
    await busy;
    expect(await ids()).to.deep.equal([1, 2, 4]);
  });

  it('a function that throws before it returns has what it sent rolled back, never committed', async () => {
    await admin.query(`DELETE FROM "${schema}".commit_probe`);
    const error = await failure(store.transaction(((tx: Queryable) => {
      void tx.query('INSERT INTO commit_probe (id, label) VALUES ($1, $2)', [1, 'sent before the throw']).catch(() => undefined);
      throw new Error('thrown synchronously');
    }) as unknown as (tx: Queryable) => Promise<void>, { commitWithStatements: true }));
    expect((error as Error).message).to.equal('thrown synchronously');
    expect(await ids()).to.deep.equal([]);
  });
});

describe('store (postgres): named prepared statements', function () {
  const schema = `tongban_prepared_${process.pid}_${Date.now()}`;
  let admin: pg.Client;
  let store: PostgresStore;
  let lost: Promise<Error>;

  before(async () => {
    admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await admin.connect();
    await admin.query(`CREATE SCHEMA "${schema}"`);
    await admin.query(`CREATE TABLE "${schema}".prepared_probe (id INTEGER PRIMARY KEY, label TEXT NOT NULL)`);
    await admin.query(`INSERT INTO "${schema}".prepared_probe VALUES (1, 'one')`);
  });

  beforeEach(() => {
    let onLost!: (error: Error) => void;
    lost = new Promise((resolve) => { onLost = resolve; });
    // One connection: every statement runs on the same one, until it is replaced.
    store = new PostgresStore({ connectionString: TEST_DATABASE_URL, schema, poolSize: 1, connectTimeoutMs: 2000, onError: (error) => onLost(error) });
  });

  afterEach(async () => {
    await store.close();
  });

  after(async () => {
    await admin.query(`DROP SCHEMA "${schema}" CASCADE`);
    await admin.end();
  });

  /** The statements prepared on the store's (only) connection, and that connection's server process. */
  async function prepared(): Promise<{ pid: number; statements: string[] }> {
    // Without parameters: the simple protocol, which prepares nothing itself.
    const { rows } = await store.query<{ pid: number; statement: string | null }>(
      'SELECT pg_backend_pid() AS pid, p.statement FROM (SELECT 1) AS one LEFT JOIN pg_prepared_statements p ON true ORDER BY p.statement');
    return { pid: rows[0]!.pid, statements: rows.flatMap((row) => (row.statement === null ? [] : [row.statement])) };
  }

  const LABEL = 'SELECT label FROM prepared_probe WHERE id = $1';

  it('a connection prepares each parameterised statement once and reuses it', async () => {
    for (let round = 0; round < 3; round += 1) {
      expect((await store.query<{ label: string }>(LABEL, [1])).rows).to.deep.equal([{ label: 'one' }]);
      await store.transaction((tx) => tx.query(LABEL, [1]));
    }
    expect((await prepared()).statements).to.deep.equal([LABEL]);
  });

  it('a connection that replaces a lost one prepares the statement again', async () => {
    await store.query(LABEL, [1]);
    const before = await prepared();
    expect(before.statements).to.deep.equal([LABEL]);
    await admin.query('SELECT pg_terminate_backend($1)', [before.pid]);
    await lost;
    expect((await store.query<{ label: string }>(LABEL, [1])).rows).to.deep.equal([{ label: 'one' }]);
    const after = await prepared();
    expect(after.pid).to.not.equal(before.pid);
    expect(after.statements).to.deep.equal([LABEL]);
  });

  it('a statement whose table changed under it fails once; the connection is then replaced and the statement prepared afresh', async () => {
    const ALL = 'SELECT * FROM prepared_probe WHERE id = $1';
    expect((await store.query(ALL, [1])).rows).to.deep.equal([{ id: 1, label: 'one' }]);
    const { pid } = await prepared();
    await admin.query(`ALTER TABLE "${schema}".prepared_probe ADD COLUMN note TEXT`);
    try {
      const error = await failure(store.query(ALL, [1]));
      expect((error as { code?: string }).code, (error as Error).message).to.equal('0A000');
      expect((await store.query(ALL, [1])).rows).to.deep.equal([{ id: 1, label: 'one', note: null }]);
      expect((await prepared()).pid).to.not.equal(pid);
    } finally {
      await admin.query(`ALTER TABLE "${schema}".prepared_probe DROP COLUMN note`);
    }
  });

  it('after a lost connection, transactions (BEGIN sent with their first statement) commit whole or roll back whole on its replacement', async () => {
    await store.ping();
    const { pid } = await prepared();
    await admin.query('SELECT pg_terminate_backend($1)', [pid]);
    await lost;
    // The pool replaces the connection: the transaction runs whole on the new one.
    await store.transaction((tx) => tx.query('INSERT INTO prepared_probe (id, label) VALUES ($1, $2)', [2, 'two']));
    const error = await failure(store.transaction(async (tx) => {
      await tx.query('INSERT INTO prepared_probe (id, label) VALUES ($1, $2)', [3, 'three']);
      throw new Error('business rule failed');
    }));
    expect((error as Error).message).to.equal('business rule failed');
    const { rows } = await admin.query(`SELECT id FROM "${schema}".prepared_probe ORDER BY id`);
    expect(rows).to.deep.equal([{ id: 1 }, { id: 2 }]);
    await admin.query(`DELETE FROM "${schema}".prepared_probe WHERE id = 2`);
  });
});
