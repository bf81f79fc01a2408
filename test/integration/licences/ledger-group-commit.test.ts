/**
 * Ledger appends group-committed (#17): concurrent appends share
 * transactions and stay one verifiable chain; a failed commit fails every
 * append in it and records none; a guard refuses its own append alone.
 */
import { expect } from 'chai';
import { LicenceUseLedger, type LicenceUseInput } from '../../../src/licences/index.js';
import type { Queryable, Store } from '../../../src/store/index.js';
import { TongbanError } from '../../../src/errors/index.js';
import { allPassed, storeFixtures } from '../../helpers/stores.js';

function use(index: number): LicenceUseInput {
  return {
    clientId: 'platform', holderCode: '44142119990620338X', holderType: 'citizen', licenceIdentifier: `1.2.156.3005.2.TEST.${index}`, licenceType: 'residentIdCard',
    themeCode: 'MX-T05', matterCodes: ['000744622000'], useCause: `出生登记 #${index}`, authorizationId: '6f1c1f0e-5b7e-4c2a-9a53-0c1d2e3f4a5b',
    action: 'query', outcome: 'used',
  };
}

/** The store, counting transactions; `failCommit(n)` makes the n-th transaction from now fail after its work (rolled back, as a failed COMMIT is). */
function instrumented(store: Store): Store & { transactions: number; failCommit(nth: number): void } {
  let failing: number | undefined;
  const wrapper = Object.assign(Object.create(store) as Store, {
    transactions: 0,
    failCommit(nth: number) { failing = wrapper.transactions + nth; },
    transaction: <T>(fn: (tx: Queryable) => Promise<T>) => {
      wrapper.transactions += 1;
      const mine = wrapper.transactions;
      return store.transaction(async (tx) => {
        const result = await fn(tx);
        if (mine === failing) throw new TongbanError('DATABASE_UNAVAILABLE', 'The database could not commit; retry later');
        return result;
      });
    },
  });
  return wrapper;
}

for (const fixture of storeFixtures()) describe(`licence-use ledger, group commits (${fixture.name})`, function () {
  this.timeout(60_000);
  let store: Store;

  before(async () => {
    store = await fixture.open();
  });
  after(async function () {
    await store?.close();
    await fixture.cleanup(allPassed(this.test!.parent!));
  });

  it('many concurrent appends share few transactions, each contiguous, and the chain verifies', async () => {
    const counted = instrumented(store);
    const ledger = new LicenceUseLedger(counted, { maxBatchEntries: 64 });
    const head = await ledger.head();
    const appends = Array.from({ length: 150 }, (_, index) => (index % 3 === 0 ? [use(index), use(index + 1000)] : [use(index)]));
    const written = await Promise.all(appends.map((entries) => ledger.append(entries)));
    const total = appends.flat().length;
    expect(written.flat().map((entry) => entry.seq).sort((a, b) => a - b)).to.deep.equal(Array.from({ length: total }, (_, index) => head.seq + 1 + index));
    // Chained in arrival order: each append's entries are contiguous, and appends follow each other as they were made.
    const firsts = written.map((entries) => entries[0]!.seq);
    expect(firsts).to.deep.equal([...firsts].sort((a, b) => a - b));
    for (const entries of written) for (let index = 1; index < entries.length; index += 1) expect(entries[index]!.seq).to.equal(entries[index - 1]!.seq + 1);
    // The first goes alone, at once; the others wait for it and share commits of at most 64 entries.
    expect(written[0]!).to.have.length(2);
    expect(counted.transactions).to.equal(1 + Math.ceil((total - 2) / 64));
    const verified = await ledger.verify();
    expect(verified.problems).to.deep.equal([]);
    expect(verified.entries).to.equal(head.seq + total);
  });

  it('a failed commit fails every append in it, records none of them, and the next commit chains on', async () => {
    const counted = instrumented(store);
    const ledger = new LicenceUseLedger(counted);
    const head = await ledger.head();
    counted.failCommit(2);
    const outcomes = await Promise.allSettled([1, 2, 3, 4, 5].map((index) => ledger.append([use(2000 + index)])));
    expect(outcomes.map((outcome) => outcome.status)).to.deep.equal(['fulfilled', 'rejected', 'rejected', 'rejected', 'rejected']);
    for (const outcome of outcomes.slice(1)) expect((outcome as PromiseRejectedResult).reason).to.include({ code: 'DATABASE_UNAVAILABLE' });
    expect(await ledger.head()).to.include({ seq: head.seq + 1 });
    const [next] = await ledger.append([use(2010)]);
    expect(next!.seq).to.equal(head.seq + 2);
    expect((await ledger.verify()).problems).to.deep.equal([]);
    expect((await store.query<{ n: number | string }>('SELECT COUNT(*) AS n FROM licence_uses WHERE use_cause = $1', ['出生登记 #2003'])).rows[0]!.n).to.satisfy((n: unknown) => Number(n) === 0);
  });

  it('a guard that refuses its append (a replayed jti) fails that one alone; a guard runs even without entries', async () => {
    const ledger = new LicenceUseLedger(store);
    const head = await ledger.head();
    const ran: string[] = [];
    const guard = (name: string, refuse = false) => async (tx: Queryable) => {
      await tx.query('SELECT 1');
      ran.push(name);
      if (refuse) throw new TongbanError('REPLAY_DETECTED', '"jti" claim was already used');
    };
    const results = await Promise.allSettled([
      ledger.append([use(3001)], undefined, { guard: guard('a') }),
      ledger.append([use(3002)], undefined, { guard: guard('b') }),
      ledger.append([use(3003)], undefined, { guard: guard('c', true) }),
      ledger.append([], undefined, { guard: guard('d') }),
      ledger.append([use(3004)]),
    ]);
    expect(results.map((result) => result.status)).to.deep.equal(['fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    expect((results[2] as PromiseRejectedResult).reason).to.include({ code: 'REPLAY_DETECTED' });
    expect((results[3] as PromiseFulfilledResult<unknown[]>).value).to.deep.equal([]);
    expect(ran.sort()).to.deep.equal(['a', 'b', 'c', 'd']);
    expect(await ledger.head()).to.include({ seq: head.seq + 3 });
    expect((await ledger.verify()).problems).to.deep.equal([]);
  });
});
