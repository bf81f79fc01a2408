/**
 * The SQLite store's group commit: operations queued together share one
 * durable COMMIT, yet each transaction stays atomic on its own, and nothing
 * (reads included) is answered before the commit it belongs to.
 */
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { TongbanError } from '../../src/errors/index.js';
import { SqliteStore } from '../../src/store/index.js';

describe('SQLite group commit', () => {
  let dir: string;
  let path: string;
  let store: SqliteStore;
  let observer: Database.Database;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tongban-group-commit-'));
    path = join(dir, 'probe.db');
    store = new SqliteStore({ path });
    await store.withDatabase((db) => db.exec(`
      CREATE TABLE parent (id INTEGER PRIMARY KEY);
      CREATE TABLE probe (id INTEGER PRIMARY KEY, label TEXT NOT NULL,
        parent_id INTEGER REFERENCES parent (id) DEFERRABLE INITIALLY DEFERRED)`));
    observer = new Database(path, { readonly: true });
  });

  afterEach(async () => {
    observer.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const committed = () => (observer.prepare('SELECT id FROM probe ORDER BY id').all() as { id: number }[]).map((row) => row.id);

  it('commits transactions queued together in one COMMIT, each answered after it', async () => {
    const before = store.commitStats();
    const seenAtAnswer: number[][] = [];
    await Promise.all(Array.from({ length: 50 }, (_, index) => store.transaction(async (tx) => {
      await tx.query('INSERT INTO probe (id, label) VALUES ($1, $2)', [index + 1, `row ${index + 1}`]);
      await tx.query('UPDATE probe SET label = label || $1 WHERE id = $2', ['!', index + 1]);
    }).then(() => seenAtAnswer.push(committed()))));
    const after = store.commitStats();
    expect(after.operations - before.operations).to.equal(50);
    expect(after.commits - before.commits).to.be.lessThan(5);
    // Another connection sees every row of the batch the moment the first caller is answered.
    for (const seen of seenAtAnswer) expect(seen).to.have.length(50);
  });

  it('rolls back only the transaction that throws; the others in its batch commit', async () => {
    const results = await Promise.allSettled([
      store.transaction(async (tx) => { await tx.query("INSERT INTO probe (id, label) VALUES (1, 'kept')"); }),
      store.transaction(async (tx) => {
        await tx.query("INSERT INTO probe (id, label) VALUES (2, 'undone')");
        throw new Error('business rule failed');
      }),
      store.transaction(async (tx) => {
        await tx.query("INSERT INTO probe (id, label) VALUES (3, 'undone too')");
        await tx.query("INSERT INTO probe (id, label) VALUES (1, 'duplicate key')");
      }),
      store.query("INSERT INTO probe (id, label) VALUES (4, 'kept')"),
      store.query("INSERT INTO probe (id, label) VALUES (4, 'duplicate key')"),
    ]);
    expect(results.map((result) => result.status)).to.deep.equal(['fulfilled', 'rejected', 'rejected', 'fulfilled', 'rejected']);
    expect((results[1] as PromiseRejectedResult).reason).to.have.property('message', 'business rule failed');
    expect(String((results[2] as PromiseRejectedResult).reason)).to.match(/UNIQUE constraint failed/);
    expect(committed()).to.deep.equal([1, 4]);
  });

  it('answers a read only after the commit of the batch it ran in', async () => {
    const write = store.transaction(async (tx) => { await tx.query("INSERT INTO probe (id, label) VALUES (7, 'written')"); });
    const read = store.query<{ n: number }>('SELECT COUNT(*) AS n FROM probe').then((result) => ({ inBatch: result.rows[0]!.n, onDisk: committed().length }));
    await write;
    const { inBatch, onDisk } = await read;
    expect(inBatch).to.equal(1);
    expect(onDisk, 'what the read saw was durable when it was answered').to.equal(1);
  });

  it('rejects every operation of a batch whose COMMIT fails, and stores none of it', async () => {
    const results = await Promise.allSettled([
      store.transaction(async (tx) => { await tx.query("INSERT INTO probe (id, label) VALUES (1, 'innocent')"); }),
      // A deferred foreign key is only checked at COMMIT: the whole batch's commit fails.
      store.transaction(async (tx) => { await tx.query("INSERT INTO probe (id, label, parent_id) VALUES (2, 'orphan', 99)"); }),
    ]);
    expect(results.map((result) => result.status)).to.deep.equal(['rejected', 'rejected']);
    for (const result of results) {
      const reason = (result as PromiseRejectedResult).reason as TongbanError;
      expect(reason).to.be.instanceOf(TongbanError);
      expect(reason.code).to.equal('DATABASE_UNAVAILABLE');
    }
    expect(committed()).to.deep.equal([]);
    // The store carries on with the next batch.
    await store.query("INSERT INTO probe (id, label) VALUES (3, 'later')");
    expect(committed()).to.deep.equal([3]);
  });

  it('keeps queued order: a write queued before a read is visible to it', async () => {
    const [, read] = await Promise.all([
      store.query("INSERT INTO probe (id, label) VALUES (5, 'first')"),
      store.query<{ label: string }>('SELECT label FROM probe WHERE id = 5'),
    ]);
    expect(read.rows).to.deep.equal([{ label: 'first' }]);
  });
});
