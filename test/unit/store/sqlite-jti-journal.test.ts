/**
 * The SQLite store's jti journal: a jti recorded on its own (a signed read)
 * goes to a file of its own, flushed off the event loop before it is
 * answered, without cutting the store's group commits; one jti is accepted
 * once across the journal and the store's `used_jtis`.
 */
import { expect } from 'chai';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrate, SqliteStore } from '../../../src/store/index.js';
import { ReplayGuard } from '../../../src/trust/replay-guard.js';
import { heldFlush, turns } from '../../helpers/held-flush.js';

describe('SQLite jti journal', () => {
  let dir: string;
  const stores: SqliteStore[] = [];
  const exp = () => Math.floor(Date.now() / 1000) + 60;

  beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'tongban-jti-journal-')); });
  afterEach(async () => {
    for (const store of stores.splice(0)) await store.close().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  async function open(options: Partial<ConstructorParameters<typeof SqliteStore>[0]> = {}) {
    const store = new SqliteStore({ path: join(dir, 'store.db'), checkpointIntervalMs: 0, ...options });
    stores.push(store);
    await migrate(store);
    return { store, guard: new ReplayGuard(store, 0) };
  }

  async function storeRows(store: SqliteStore): Promise<number> {
    return Number((await store.query<{ n: number }>('SELECT COUNT(*) AS n FROM used_jtis')).rows[0]!.n);
  }

  it('keeps a jti recorded on its own in its own file, answered only after that file\'s WAL is flushed', async () => {
    const flush = heldFlush();
    const { store, guard } = await open({ jtiWalSync: flush.sync });
    let answered: boolean | undefined;
    const marked = guard.markUsed('c', 'read-1', exp()).then((first) => { answered = first; });
    await flush.asked(1);
    await turns(3);
    expect(answered, 'not answered before the flush').to.equal(undefined);
    expect(statSync(join(dir, 'store.db-jtis-wal')).size, 'the journal\'s WAL holds it').to.be.greaterThan(0);
    flush.calls[0]!.release();
    await marked;
    expect(answered).to.equal(true);
    expect(await storeRows(store), 'not in the store\'s used_jtis').to.equal(0);
    expect(await guard.markUsed('c', 'read-1', exp()), 'a replay').to.equal(false);
    expect(flush.calls.length, 'a replay is refused without a flush').to.equal(1);
  });

  it('shares one flush among the jtis that came while the previous one ran', async () => {
    const flush = heldFlush();
    const { guard } = await open({ jtiWalSync: flush.sync });
    const first = guard.markUsed('c', 'a', exp());
    await flush.asked(1);
    const later = [guard.markUsed('c', 'b', exp()), guard.markUsed('c', 'c', exp()), guard.markUsed('d', 'a', exp())];
    await turns(3);
    expect(flush.calls.length, 'the later ones wait for the running flush to end').to.equal(1);
    flush.calls[0]!.release();
    expect(await first).to.equal(true);
    await flush.asked(2);
    flush.calls[1]!.release();
    expect(await Promise.all(later)).to.deep.equal([true, true, true]);
    expect(flush.calls.length, 'one flush for the three').to.equal(2);
  });

  it('does not cut the store\'s group commit: a read\'s jti during a batch of submissions leaves it one commit', async () => {
    const { store, guard } = await open();
    const before = store.commitStats().commits;
    const submissions = Array.from({ length: 20 }, (_, index) => store.transaction(async (tx) => {
      await tx.query('INSERT INTO used_jtis (client_id, jti, expires_at) VALUES ($1, $2, $3)', ['platform', `submission-${index}`, Date.now() + 60_000]);
    }));
    const read = guard.markUsed('ops', 'read', exp());
    await Promise.all(submissions);
    expect(await read).to.equal(true);
    expect(store.commitStats().commits - before, 'the twenty submissions committed together').to.equal(1);
  });

  it('accepts a jti once across both records, whichever comes first, the store\'s running batch included', async () => {
    const { store, guard } = await open();
    // In the journal first: a transaction's record of it is refused.
    expect(await guard.markUsed('c', 'j1', exp())).to.equal(true);
    expect(await store.transaction((tx) => guard.recordIn(tx, 'c', 'j1', exp()))).to.equal(false);
    expect(await store.transaction((tx) => guard.insertIn(tx, 'c', 'j1', exp()))).to.equal(false);
    // In the store first, committed: the journal refuses it.
    expect(await store.transaction((tx) => guard.recordIn(tx, 'c', 'j2', exp()))).to.equal(true);
    expect(await guard.markUsed('c', 'j2', exp())).to.equal(false);
    // In the store's batch still running (not committed): refused too.
    let inBatch: Promise<boolean> | undefined;
    const recorded = store.transaction(async (tx) => {
      const first = await guard.recordIn(tx, 'c', 'j3', exp());
      inBatch = guard.markUsed('c', 'j3', exp());
      return first;
    });
    expect(await recorded).to.equal(true);
    expect(await inBatch).to.equal(false);
    // Another client's jti of the same value is its own.
    expect(await guard.markUsed('other', 'j1', exp())).to.equal(true);
  });

  it('takes the jtis of one turn together, and refuses a jti taken but not yet inserted', async () => {
    const flush = heldFlush();
    const { store, guard } = await open({ jtiWalSync: flush.sync });
    const first = guard.markUsed('c', 'same-turn', exp());
    const replayed = guard.markUsed('c', 'same-turn', exp());
    const others = [guard.markUsed('c', 'other-1', exp()), guard.markUsed('c', 'other-2', exp())];
    // The store's own record of it, asked before the journal has inserted it, is refused too.
    const inStore = store.transaction((tx) => guard.recordIn(tx, 'c', 'same-turn', exp()));
    expect(await replayed).to.equal(false);
    await flush.asked(1);
    flush.calls[0]!.release();
    expect(await Promise.all([first, ...others])).to.deep.equal([true, true, true]);
    expect(await inStore).to.equal(false);
    expect(flush.calls.length, 'one insert and one flush for the three').to.equal(1);
  });

  it('closing inserts and flushes what was taken before it closes', async () => {
    const { store, guard } = await open();
    const taken = guard.markUsed('c', 'at-close', exp());
    const closed = store.close();
    const afterClose = guard.markUsed('c', 'after-close', exp()).then(() => undefined, (caught: unknown) => caught);
    await closed;
    stores.splice(stores.indexOf(store), 1);
    expect(await taken).to.equal(true);
    expect(await afterClose, 'nothing is taken once closing began').to.include({ code: 'DATABASE_UNAVAILABLE' });
    const reopened = await open();
    expect(await reopened.guard.markUsed('c', 'at-close', exp())).to.equal(false);
  });

  it('is on disk across a restart: a replay after reopening is refused', async () => {
    const { store, guard } = await open();
    expect(await guard.markUsed('c', 'before-restart', exp())).to.equal(true);
    await store.close();
    stores.splice(stores.indexOf(store), 1);
    const reopened = await open();
    expect(await reopened.guard.markUsed('c', 'before-restart', exp())).to.equal(false);
    expect(await reopened.guard.markUsed('c', 'after-restart', exp())).to.equal(true);
  });

  it('a failed flush refuses that jti and every later one with DATABASE_UNAVAILABLE', async () => {
    const flush = heldFlush();
    const { store, guard } = await open({ jtiWalSync: flush.sync });
    const marked = guard.markUsed('c', 'x', exp());
    await flush.asked(1);
    flush.calls[0]!.fail(Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' }));
    expect(await marked.then(() => undefined, (caught: unknown) => caught)).to.include({ code: 'DATABASE_UNAVAILABLE' });
    for (const jti of ['x', 'y']) {
      const error = await guard.markUsed('c', jti, exp()).then(() => undefined, (caught: unknown) => caught);
      expect(error, jti).to.include({ code: 'DATABASE_UNAVAILABLE' });
    }
    expect(flush.calls.length, 'nothing is flushed again').to.equal(1);
    expect(await store.ping().then(() => undefined, (caught: unknown) => caught), 'the store\'s ping (/readyz) tells').to.include({ code: 'DATABASE_UNAVAILABLE' });
    const inStore = await store.transaction((tx) => guard.recordIn(tx, 'c', 'z', exp())).then(() => undefined, (caught: unknown) => caught);
    expect(inStore, 'a jti the store would take cannot be checked against the journal either').to.include({ code: 'DATABASE_UNAVAILABLE' });
  });

  it('purges the journal\'s expired entries with the store\'s', async () => {
    const { guard } = await open();
    const now = Math.floor(Date.now() / 1000);
    expect(await guard.markUsed('c', 'old', now - 10)).to.equal(true);
    expect(await guard.markUsed('c', 'fresh', now + 100)).to.equal(true);
    expect(await guard.purge()).to.equal(1);
    expect(await guard.markUsed('c', 'old', now - 10), 'purged: no longer held').to.equal(true);
    expect(await guard.markUsed('c', 'fresh', now + 100)).to.equal(false);
  });

  it('is copied into its file by the store\'s checkpointer worker, off the event loop', async () => {
    const { store, guard } = await open({ checkpointIntervalMs: 60_000 });
    const file = join(dir, 'store.db-jtis');
    const before = statSync(file).size;
    for (let index = 0; index < 50; index += 1) expect(await guard.markUsed('c', `j${index}`, exp())).to.equal(true);
    expect(statSync(file).size, 'nothing copied yet: the connection itself does not checkpoint').to.equal(before);
    await store.checkpointer!.checkpointNow();
    expect(statSync(file).size).to.be.greaterThan(before);
  });

  it('an in-memory store keeps its journal in memory', async () => {
    const store = new SqliteStore({ path: ':memory:' });
    stores.push(store);
    await migrate(store);
    const guard = new ReplayGuard(store, 0);
    expect(await guard.markUsed('c', 'm', exp())).to.equal(true);
    expect(await guard.markUsed('c', 'm', exp())).to.equal(false);
    expect(existsSync(':memory:-jtis')).to.equal(false);
  });
});
