/**
 * The store's durable flush of the WAL, off the event loop: a group commit
 * is written with `synchronous=NORMAL`, then the WAL file is synced on the
 * thread pool, and only then are its operations answered. The next batch
 * waits for that flush; a flush that fails leaves the store unusable.
 */
import { expect } from 'chai';
import { fstatSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SqliteStore } from '../../../src/store/index.js';
import { heldFlush, turns } from '../../helpers/held-flush.js';

describe('SQLite WAL flush off the event loop', () => {
  let dir: string;
  const stores: SqliteStore[] = [];
  const observers: Database.Database[] = [];

  beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'tongban-wal-sync-')); });
  afterEach(async () => {
    for (const observer of observers.splice(0)) observer.close();
    for (const store of stores.splice(0)) await store.close().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  async function open(walSync?: (fd: number) => Promise<void>, path = join(dir, 'store.db')) {
    const store = new SqliteStore({ path, checkpointIntervalMs: 0, ...(walSync ? { walSync } : {}) });
    stores.push(store);
    return { store, path, rows: () => (observer().prepare('SELECT COUNT(*) AS n FROM probe').get() as { n: number }).n };

    function observer(): Database.Database {
      const db = observers[0] ?? new Database(path, { readonly: true });
      if (!observers.includes(db)) observers.push(db);
      return db;
    }
  }

  async function withProbe(walSync: ReturnType<typeof heldFlush>) {
    const opened = await open(walSync.sync);
    const created = opened.store.withDatabase((db) => db.exec('CREATE TABLE probe (id INTEGER PRIMARY KEY)'));
    await walSync.asked(1);
    walSync.calls[0]!.release();
    await created;
    return opened;
  }

  it('answers a batch only after its flush, while the event loop keeps turning; the flush is of the WAL file itself', async () => {
    const flush = heldFlush();
    const { store, path, rows } = await withProbe(flush);
    let answered = 0;
    const operations = Array.from({ length: 5 }, (_, index) => store.transaction(async (tx) => tx.query('INSERT INTO probe (id) VALUES ($1)', [index]))
      .then(() => { answered += 1; }));
    await flush.asked(2);
    // The event loop is free while the flush runs (it turns), and the committed batch is what the disk is syncing.
    await turns(3);
    expect({ answered, rows: rows(), commits: store.commitStats().commits }).to.deep.equal({ answered: 0, rows: 5, commits: 0 });
    expect(fstatSync(flush.calls[1]!.fd).ino, 'the descriptor flushed is the WAL file').to.equal(statSync(`${path}-wal`).ino);
    flush.calls[1]!.release();
    await Promise.all(operations);
    expect({ answered, commits: store.commitStats().commits }).to.deep.equal({ answered: 5, commits: 1 });
  });

  it('an idle store reads at once, in no batch; a read asked while a commit is being flushed waits, then sees it', async () => {
    const flush = heldFlush();
    const { store } = await withProbe(flush);
    const before = store.commitStats();
    await turns(1);
    expect((await store.query<{ n: number }>('SELECT COUNT(*) AS n FROM probe')).rows).to.deep.equal([{ n: 0 }]);
    const idle = store.commitStats();
    expect({ commits: idle.commits - before.commits, idleReads: idle.idleReads - before.idleReads }).to.deep.equal({ commits: 0, idleReads: 1 });

    const written = store.query('INSERT INTO probe (id) VALUES (1)');
    await flush.asked(2);
    let seen: number | undefined;
    const read = store.query<{ n: number }>('SELECT COUNT(*) AS n FROM probe').then(({ rows }) => { seen = rows[0]!.n; });
    await turns(3);
    expect(seen, 'not answered while the commit before it is not on disk').to.equal(undefined);
    flush.calls[1]!.release();
    await Promise.all([written, read]);
    expect(seen).to.equal(1);
    expect(store.commitStats().idleReads - idle.idleReads, 'it went the queue\'s way').to.equal(0);
  });

  it('starts the next batch only after the flush: what is queued meanwhile is neither run nor answered', async () => {
    const flush = heldFlush();
    const { store, rows } = await withProbe(flush);
    const first = store.query('INSERT INTO probe (id) VALUES (1)');
    await flush.asked(2);
    let secondAnswered = false;
    const second = store.query('INSERT INTO probe (id) VALUES (2)').then(() => { secondAnswered = true; });
    await turns(3);
    expect({ rows: rows(), secondAnswered, flushes: flush.calls.length }).to.deep.equal({ rows: 1, secondAnswered: false, flushes: 2 });
    flush.calls[1]!.release();
    await first;
    await flush.asked(3);
    expect(rows(), 'the second batch committed after the first flush').to.equal(2);
    expect(secondAnswered, 'and waits for its own flush').to.equal(false);
    flush.calls[2]!.release();
    await second;
  });

  it('answers a batch of reads only without a flush; a batch with a write — RETURNING included — is flushed', async () => {
    const flush = heldFlush();
    const { store } = await withProbe(flush);
    const read = await store.transaction(async (tx) => (await tx.query<{ n: number }>('SELECT COUNT(*) AS n FROM probe')).rows[0]!.n);
    expect(read).to.equal(0);
    expect(await store.query('SELECT id FROM probe')).to.deep.equal({ rows: [], rowCount: 0 });
    expect(flush.calls.length, 'no flush for reads').to.equal(1);
    const returning = store.query<{ id: number }>('INSERT INTO probe (id) VALUES (3) RETURNING id');
    await flush.asked(2);
    flush.calls[1]!.release();
    expect((await returning).rows).to.deep.equal([{ id: 3 }]);
  });

  it('a failed flush refuses the batch and everything after it with DATABASE_UNAVAILABLE; the store still closes', async () => {
    const flush = heldFlush();
    const { store } = await withProbe(flush);
    const batch = Promise.allSettled([store.query('INSERT INTO probe (id) VALUES (1)'), store.transaction(async (tx) => tx.query('INSERT INTO probe (id) VALUES (2)'))]);
    await flush.asked(2);
    flush.calls[1]!.fail(Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' }));
    const outcomes = await batch;
    for (const outcome of outcomes) {
      expect(outcome.status).to.equal('rejected');
      expect((outcome as PromiseRejectedResult).reason).to.include({ code: 'DATABASE_UNAVAILABLE' });
    }
    const later = await Promise.allSettled([store.query('SELECT COUNT(*) AS n FROM probe'), store.ping(), store.withDatabase(() => 1)]);
    for (const outcome of later) expect((outcome as PromiseRejectedResult).reason).to.include({ code: 'DATABASE_UNAVAILABLE' });
    expect(flush.calls.length, 'nothing is flushed again').to.equal(2);
    await store.close();
  });

  it('answers a raw operation (a migration script) only after its flush', async () => {
    const flush = heldFlush();
    const { store, rows } = await withProbe(flush);
    let answered = false;
    const raw = store.withDatabase((db) => db.exec('INSERT INTO probe (id) VALUES (7)')).then(() => { answered = true; });
    await flush.asked(2);
    await turns(3);
    expect({ rows: rows(), answered }).to.deep.equal({ rows: 1, answered: false });
    flush.calls[1]!.release();
    await raw;
  });

  it('a file store commits with synchronous=NORMAL and flushes with fdatasync by default; an in-memory store never flushes', async () => {
    const { store } = await open();
    expect(await store.withDatabase((db) => db.pragma('synchronous', { simple: true }))).to.equal(1);
    await store.withDatabase((db) => db.exec('CREATE TABLE probe (id INTEGER PRIMARY KEY)'));
    await store.query('INSERT INTO probe (id) VALUES (1)');
    const memory = new SqliteStore({ path: ':memory:', walSync: () => Promise.reject(new Error('an in-memory database has no WAL to flush')) });
    stores.push(memory);
    expect(await memory.withDatabase((db) => db.pragma('synchronous', { simple: true })), 'FULL, as every connection starts').to.equal(2);
    await memory.withDatabase((db) => db.exec('CREATE TABLE probe (id INTEGER PRIMARY KEY)'));
    await memory.query('INSERT INTO probe (id) VALUES (1)');
    expect((await memory.query<{ n: number }>('SELECT COUNT(*) AS n FROM probe')).rows[0]!.n).to.equal(1);
  });
});
