/**
 * A long group commit lets the event loop turn between its operations
 * (`sliceMs`), yet stays one transaction and one COMMIT: other I/O is served
 * meanwhile, operations queued meanwhile join the batch, and nothing of it
 * is visible — or answered — before the COMMIT.
 */
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SqliteStore } from '../../../src/store/index.js';
import { busy, deferred } from '../../helpers/wait.js';

describe('SQLite group commit in slices', () => {
  let dir: string;
  const stores: SqliteStore[] = [];

  beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'tongban-slices-')); });
  afterEach(async () => {
    for (const store of stores.splice(0)) await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function open(sliceMs: number, walSync?: (fd: number) => Promise<void>): Promise<{ store: SqliteStore; observer: Database.Database }> {
    const path = join(dir, `slices-${sliceMs}.db`);
    const store = new SqliteStore({ path, sliceMs, ...(walSync ? { walSync } : {}) });
    stores.push(store);
    await store.withDatabase((db) => db.exec('CREATE TABLE probe (id INTEGER PRIMARY KEY)'));
    return { store, observer: new Database(path, { readonly: true }) };
  }

  /** Queues 40 slow transactions; a callback queued on the event loop during the first one records what was committed and answered by then. */
  async function run(sliceMs: number) {
    // The WAL's flush waits until the callback has looked: whether the flush or the callback comes first is the disk's race.
    let looked: ReturnType<typeof deferred<void>> | undefined;
    const { store, observer } = await open(sliceMs, () => looked?.promise ?? Promise.resolve());
    looked = deferred<void>();
    const before = store.commitStats();
    let answered = 0;
    let seen: { rows: number; answered: number; commits: number } | undefined;
    let late: Promise<unknown> | undefined;
    const operations = Array.from({ length: 40 }, (_, index) => store.transaction(async (tx) => {
      if (index === 0) {
        setImmediate(() => {
          const { n } = observer.prepare('SELECT COUNT(*) AS n FROM probe').get() as { n: number };
          seen = { rows: n, answered, commits: store.commitStats().commits - before.commits };
          // Queued while the batch runs: it joins the open batch when the batch yields.
          late = store.transaction(async (inner) => inner.query('INSERT INTO probe (id) VALUES (1000)'));
          looked!.resolve();
        });
      }
      busy(0.5);
      await tx.query('INSERT INTO probe (id) VALUES ($1)', [index]);
    }).then(() => { answered += 1; }));
    await Promise.all(operations);
    while (seen === undefined) await new Promise((resolve) => setImmediate(resolve));
    await late;
    const stats = store.commitStats();
    const rows = (observer.prepare('SELECT COUNT(*) AS n FROM probe').get() as { n: number }).n;
    observer.close();
    return { seen: seen!, commits: stats.commits - before.commits, operations: stats.operations - before.operations, rows };
  }

  it('serves the event loop during a batch longer than sliceMs, with nothing of the batch committed or answered yet, and commits it once', async () => {
    const result = await run(2);
    expect(result.seen, 'the callback ran inside the batch').to.deep.equal({ rows: 0, answered: 0, commits: 0 });
    expect(result.commits, 'one COMMIT for the batch and what joined it').to.equal(1);
    expect(result.operations).to.equal(41);
    expect(result.rows).to.equal(41);
  });

  it('with sliceMs 0 runs the batch in one turn: the callback runs only after its COMMIT (during the flush, before any answer)', async () => {
    const result = await run(0);
    expect(result.seen).to.deep.equal({ rows: 40, answered: 0, commits: 0 });
    expect(result.commits, 'the late one committed on its own').to.equal(2);
    expect(result.rows).to.equal(41);
  });

  describe('an urgent statement (QueryOptions.urgent)', () => {
    it('queued during a long batch runs at its next slice and is answered when that batch commits, before the rest of the queue', async () => {
      const { store, observer } = await open(2);
      let answered = 0;
      let urgent: Promise<{ answeredBefore: number; visible: number }> | undefined;
      const operations = Array.from({ length: 40 }, (_, index) => store.transaction(async (tx) => {
        if (index === 0) {
          setImmediate(() => {
            urgent = store.query('INSERT INTO probe (id) VALUES (1000)', [], { urgent: true }).then(() => ({
              answeredBefore: answered,
              visible: (observer.prepare('SELECT COUNT(*) AS n FROM probe WHERE id = 1000').get() as { n: number }).n,
            }));
          });
        }
        busy(0.5);
        await tx.query('INSERT INTO probe (id) VALUES ($1)', [index]);
      }).then(() => { answered += 1; }));
      await Promise.all(operations);
      const seen = await urgent!;
      expect(seen.visible, 'committed when answered').to.equal(1);
      expect(seen.answeredBefore, 'the batch it joined was answered with it, the rest of the queue after').to.be.within(1, 39);
      expect(store.commitStats().commits, 'the batch was cut after the urgent statement').to.be.at.least(2);
      const rows = (observer.prepare('SELECT COUNT(*) AS n FROM probe').get() as { n: number }).n;
      observer.close();
      expect(rows).to.equal(41);
    });

    it('queued behind waiting operations goes first, urgent ones in the order they came, in a batch of their own', async () => {
      const { store } = await open(0);
      const order: string[] = [];
      const commitsBefore = store.commitStats().commits;
      const plain = Array.from({ length: 5 }, (_, index) => store.query('INSERT INTO probe (id) VALUES ($1)', [index]).then(() => order.push(`plain ${index}`)));
      const urgent = [100, 101].map((id) => store.query('INSERT INTO probe (id) VALUES ($1)', [id], { urgent: true }).then(() => order.push(`urgent ${id}`)));
      await Promise.all([...plain, ...urgent]);
      expect(order).to.deep.equal(['urgent 100', 'urgent 101', 'plain 0', 'plain 1', 'plain 2', 'plain 3', 'plain 4']);
      expect(store.commitStats().commits - commitsBefore, 'the urgent ones, then the rest').to.equal(2);
    });
  });

  it('closed during a slice: what the batch ran commits and is answered, what was still queued fails DATABASE_UNAVAILABLE and is not written', async () => {
    const { store, observer } = await open(2);
    let closing: Promise<void> | undefined;
    const outcomes = await Promise.allSettled(Array.from({ length: 40 }, (_, index) => store.transaction(async (tx) => {
      if (index === 0) setImmediate(() => { closing = store.close(); });
      busy(0.5);
      await tx.query('INSERT INTO probe (id) VALUES ($1)', [index]);
      return index;
    })));
    await closing;
    const ran = outcomes.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value] : []));
    const refused = outcomes.filter((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
    expect(ran.length, 'the operations run before the close').to.be.within(1, 39);
    expect(ran).to.deep.equal([...ran.keys()]);
    expect(refused.length).to.equal(40 - ran.length);
    for (const outcome of refused) expect((outcome.reason as { code?: string }).code).to.equal('DATABASE_UNAVAILABLE');
    const rows = (observer.prepare('SELECT id FROM probe ORDER BY id').all() as { id: number }[]).map((row) => row.id);
    observer.close();
    expect(rows).to.deep.equal(ran);
  });
});
