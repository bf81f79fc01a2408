/**
 * The SQLite store's checkpoints run in a worker thread, off the event loop:
 * committed pages reach the database file without a commit copying them, the
 * WAL starts again from its beginning once copied (under steady writes, after
 * a pause of the store for one checkpoint), the store checkpoints by
 * itself again should the worker stop, and closing leaves no WAL behind.
 */
import { expect } from 'chai';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SqliteStore } from '../../src/store/index.js';
import { AUTOCHECKPOINT_PAGES, FALLBACK_AUTOCHECKPOINT_PAGES, SqliteCheckpointer } from '../../src/store/sqlite-checkpointer.js';
import { rejection } from '../helpers/rejection.js';
import { deferred, waitFor } from '../helpers/wait.js';

const autocheckpointOf = (store: SqliteStore) => store.withDatabase((db) => db.pragma('wal_autocheckpoint', { simple: true }) as number);

describe('SQLite checkpoints off the event loop', () => {
  let dir: string;
  let path: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tongban-checkpointer-'));
    path = join(dir, 'tongban.db');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** `count` rows of 4 KiB, one transaction each (one group commit when queued together). */
  async function write(store: SqliteStore, from: number, count: number): Promise<void> {
    await Promise.all(Array.from({ length: count }, (_, index) => store.transaction(async (tx) => {
      await tx.query('INSERT INTO filler (id, body) VALUES ($1, $2)', [from + index, Buffer.alloc(4096, index % 251)]);
    })));
  }

  it('copies committed pages into the database file from its worker; the commits copy nothing', async () => {
    const store = new SqliteStore({ path, checkpointIntervalMs: 20 });
    try {
      expect(store.checkpointer).to.be.instanceOf(SqliteCheckpointer);
      // The store's own connection checkpoints only past the fallback (~160 MB), which these writes stay far below.
      expect(await autocheckpointOf(store)).to.equal(FALLBACK_AUTOCHECKPOINT_PAGES);
      await store.query('CREATE TABLE filler (id INTEGER PRIMARY KEY, body BLOB NOT NULL)');
      await write(store, 0, 500);
      await waitFor(() => store.checkpointer!.checkpoints > 0, { what: 'the worker to checkpoint' });
      const caughtUp = await waitFor(async () => {
        const result = await store.checkpointer!.checkpointNow();
        return result.log > 0 && result.checkpointed === result.log ? result : undefined;
      }, { what: 'every frame copied' });
      expect(caughtUp.checkpointed).to.be.greaterThan(500);

      // The database file alone (no WAL) holds every committed row: the copy was synced there.
      const copy = join(dir, 'copy.db');
      copyFileSync(path, copy);
      const alone = new Database(copy, { readonly: true });
      try {
        expect((alone.prepare('SELECT COUNT(*) AS n FROM filler').get() as { n: number }).n).to.equal(500);
      } finally {
        alone.close();
      }

      // Once copied, the next commit writes the WAL from its beginning again: it holds only that commit's frames.
      await write(store, 500, 1);
      const after = await store.checkpointer!.checkpointNow();
      expect(after.log).to.be.lessThan(10);
    } finally {
      await store.close();
    }
    // The worker's connection closed first, so the store's (the last one) removed the WAL.
    expect(existsSync(`${path}-wal`)).to.equal(false);
    const reopened = new Database(path, { readonly: true });
    try {
      expect((reopened.prepare('SELECT COUNT(*) AS n FROM filler').get() as { n: number }).n).to.equal(501);
    } finally {
      reopened.close();
    }
  });

  it('past walRestartFrames, pauses between two batches for one checkpoint of the worker, and the next batch starts the WAL again', async () => {
    const store = new SqliteStore({ path, checkpointIntervalMs: 20, walRestartFrames: 200 });
    try {
      await store.query('CREATE TABLE filler (id INTEGER PRIMARY KEY, body BLOB NOT NULL)');
      // Batches of 50 pages each, one after another, until the worker has reported a WAL past 200 frames and the store paused for it.
      for (let batch = 0; store.commitStats().walRestarts === 0; batch += 1) {
        expect(batch, 'a pause within 200 batches').to.be.lessThan(200);
        await write(store, batch * 50, 50);
      }
      expect(store.checkpointer!.walFrames, 'the WAL is known to be copied: no second pause before the next report').to.be.lessThan(200);
      await write(store, 1_000_000, 1);
      const after = await store.checkpointer!.checkpointNow();
      expect(after.log, 'the WAL started again: it holds the batches since the pause').to.be.lessThan(200);
      expect(after.checkpointed).to.equal(after.log);
    } finally {
      await store.close();
    }
  });

  it('during that pause, an urgent statement runs and is answered at once; the rest of the queue waits for the checkpoint', async () => {
    const store = new SqliteStore({ path, checkpointIntervalMs: 20, walRestartFrames: 200 });
    try {
      await store.query('CREATE TABLE filler (id INTEGER PRIMARY KEY, body BLOB NOT NULL)');
      // The pause's checkpoint waits for the gate, as a slow sync of the database file would.
      const checkpointer = store.checkpointer!;
      const real = checkpointer.checkpointNow.bind(checkpointer);
      const paused = deferred();
      const gate = deferred();
      let pausedNow = false;
      checkpointer.checkpointNow = async () => {
        pausedNow = true;
        paused.resolve();
        await gate.promise;
        return real();
      };
      for (let batch = 0; !pausedNow; batch += 1) {
        expect(batch, 'a pause within 200 batches').to.be.lessThan(200);
        await write(store, batch * 50, 50);
      }
      await paused.promise;
      let plainAnswered = false;
      const plain = store.query('INSERT INTO filler (id, body) VALUES (2000000, x\'00\')').then(() => { plainAnswered = true; });
      const urgent = await store.query('INSERT INTO filler (id, body) VALUES (2000001, x\'00\')', [], { urgent: true });
      expect(urgent.rowCount).to.equal(1);
      expect(plainAnswered, 'the plain statement waits for the checkpoint').to.equal(false);
      expect(store.commitStats().urgentDuringPauses).to.equal(1);
      gate.resolve();
      await plain;
      expect(store.commitStats().walRestarts).to.equal(1);
      expect((await store.query<{ n: number }>('SELECT COUNT(*) AS n FROM filler WHERE id >= 2000000')).rows[0]!.n).to.equal(2);
    } finally {
      await store.close();
    }
  });

  it('checkpoints in the commits again when its worker stops', async () => {
    const store = new SqliteStore({ path, checkpointIntervalMs: 20 });
    try {
      expect(await autocheckpointOf(store)).to.equal(FALLBACK_AUTOCHECKPOINT_PAGES);
      // The worker dies (as after an error in its thread).
      await store.checkpointer!['worker'].terminate();
      await waitFor(async () => (await autocheckpointOf(store)) === AUTOCHECKPOINT_PAGES, { what: 'the fallback to the commits' });
      expect((await rejection(store.checkpointer!.checkpointNow())).message).to.match(/not running/);
      // Writes go on.
      await store.query('CREATE TABLE filler (id INTEGER PRIMARY KEY, body BLOB NOT NULL)');
      await write(store, 0, 10);
      expect((await store.query<{ n: number }>('SELECT COUNT(*) AS n FROM filler')).rows[0]!.n).to.equal(10);
    } finally {
      await store.close();
    }
  });

  it('reports a worker that cannot open the database, and is not started for :memory: or an interval of 0', async () => {
    const stopped: Error[] = [];
    const checkpointer = new SqliteCheckpointer({ path: join(dir, 'missing', 'no.db'), intervalMs: 20, onStopped: (cause) => stopped.push(cause) });
    await waitFor(() => stopped.length > 0, { what: 'onStopped' });
    await checkpointer.close();

    const memory = new SqliteStore({ path: ':memory:' });
    const manual = new SqliteStore({ path, checkpointIntervalMs: 0 });
    try {
      expect(memory.checkpointer).to.equal(undefined);
      expect(manual.checkpointer).to.equal(undefined);
      expect(await autocheckpointOf(manual)).to.equal(AUTOCHECKPOINT_PAGES);
    } finally {
      await memory.close();
      await manual.close();
    }
  });
});
