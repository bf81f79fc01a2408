/**
 * The counts migration 011 keeps by triggers (delivery counts, attempt
 * roll-ups, each department's latest attempt) against a real GROUP BY over
 * the tables, after many random transitions — inserts, state and
 * department changes, deletes, attempts, rolled-back transactions — on
 * SQLite and PostgreSQL; on PostgreSQL also from concurrent sessions
 * (several shards) and after compacting the shards of ended sessions.
 */
import { expect } from 'chai';
import { compactCounters, deliveryCounts, departmentLatest, attemptBuckets } from '../../../src/ops/counters.js';
import type { Queryable, Store } from '../../../src/store/index.js';
import { allPassed, storeFixtures } from '../../helpers/stores.js';
import { waitFor } from '../../helpers/wait.js';
import { DEPARTMENTS, insertAttempts, insertDeliveries, OUTCOMES, randomStream, STATES } from './ops-rows.js';

const HOUR = 3_600_000;

for (const fixture of storeFixtures()) describe(`ops counters kept by triggers (${fixture.name})`, function () {
  this.timeout(120_000);
  let store: Store;
  const random = randomStream(17);
  const base = Date.UTC(2026, 11, 6, 8, 0, 0);
  let nextAttemptId = 0;

  before(async () => { store = await fixture.open(); });
  after(async function () {
    await store?.close();
    await fixture.cleanup(allPassed(this.test!.parent!));
  });

  /** Random work in one transaction: new deliveries, state and department changes, a delete, attempts. */
  async function randomWork(tx: Queryable, ids: string[]): Promise<void> {
    const specs = Array.from({ length: 1 + random.int(4) }, () => ({ department: random.pick(DEPARTMENTS), state: random.pick(STATES), updatedAt: base + random.int(HOUR) }));
    ids.push(...(await insertDeliveries(tx, specs, base)).deliveries);
    for (let change = random.int(6); change > 0; change -= 1) {
      const id = random.pick(ids);
      // A delivery's department never changes once it has attempts (the roll-ups keep the department an attempt was made for).
      if (random.next() < 0.2) {
        await tx.query('UPDATE deliveries SET department_code = $2, state = $3 WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM delivery_attempts a WHERE a.delivery_id = $1)',
          [id, random.pick(DEPARTMENTS), random.pick(STATES)]);
      }
      else if (random.next() < 0.1) await tx.query('UPDATE deliveries SET attempts = attempts + 1 WHERE id = $1', [id]); // no state change: counts stay
      else await tx.query('UPDATE deliveries SET state = $2, updated_at = $3 WHERE id = $1', [id, random.pick(STATES), base + random.int(HOUR)]);
    }
    const attempts = Array.from({ length: random.int(5) }, () => ({
      deliveryId: random.pick(ids), startedAt: base + random.int(6 * HOUR), outcome: random.pick(OUTCOMES), errorCode: random.next() < 0.5 ? `E${random.int(9)}` : null,
    }));
    nextAttemptId += attempts.length;
    await insertAttempts(tx, attempts);
    if (random.next() < 0.1) {
      // A delivery without attempts can go (nothing in the gateway deletes one, but the counts must follow whatever does).
      const { rows } = await tx.query<{ id: string }>('SELECT id FROM deliveries d WHERE NOT EXISTS (SELECT 1 FROM delivery_attempts a WHERE a.delivery_id = d.id) LIMIT 1');
      if (rows[0]) {
        await tx.query('DELETE FROM deliveries WHERE id = $1', [rows[0].id]);
        ids.splice(ids.indexOf(rows[0].id), 1);
      }
    }
  }

  async function expectExact(): Promise<void> {
    const truth = await store.query<{ department_code: string; state: string; n: number | string }>(
      'SELECT department_code, state, COUNT(*) AS n FROM deliveries GROUP BY department_code, state ORDER BY department_code, state');
    expect(await deliveryCounts(store)).to.deep.equal(truth.rows.map((row) => ({ department: row.department_code, state: row.state, count: Number(row.n) })));

    for (const bucketMs of [60_000, 3_600_000] as const) {
      const real = await store.query<{ start: number | string; outcome: string; n: number | string }>(
        `SELECT a.started_at - a.started_at % $1 AS start, a.outcome, COUNT(*) AS n FROM delivery_attempts a GROUP BY 1, 2`, [bucketMs]);
      const key = (row: { start: number; outcome: string; count: number }) => `${row.start}/${row.outcome}/${row.count}`;
      expect((await attemptBuckets(store, bucketMs, 0)).map(key).sort()).to.deep.equal(real.rows.map((row) => key({ start: Number(row.start), outcome: row.outcome, count: Number(row.n) })).sort());
    }

    const attempts = await store.query<{ id: number | string; department_code: string; started_at: number | string; outcome: string; error_code: string | null }>(
      'SELECT a.id, d.department_code, a.started_at, a.outcome, a.error_code FROM delivery_attempts a JOIN deliveries d ON d.id = a.delivery_id ORDER BY a.id');
    const expected = new Map<string, { lastId: number; lastStartedAt: number; lastOutcome: string; successAt: number | null; failureAt: number | null; failureErrorCode: string | null; failureId: number }>();
    for (const row of attempts.rows) {
      const id = Number(row.id);
      const at = Number(row.started_at);
      const seen = expected.get(row.department_code) ?? { lastId: 0, lastStartedAt: 0, lastOutcome: '', successAt: null, failureAt: null, failureErrorCode: null, failureId: 0 };
      Object.assign(seen, { lastId: id, lastStartedAt: at, lastOutcome: row.outcome });
      if (row.outcome === 'delivered' && (seen.successAt === null || at > seen.successAt)) seen.successAt = at;
      if ((row.outcome === 'retry' || row.outcome === 'dead') && (seen.failureAt === null || at > seen.failureAt || (at === seen.failureAt && id > seen.failureId))) {
        Object.assign(seen, { failureAt: at, failureId: id, failureErrorCode: row.error_code });
      }
      expected.set(row.department_code, seen);
    }
    const latest = await departmentLatest(store);
    expect([...latest.keys()].sort()).to.deep.equal([...expected.keys()].sort());
    for (const [code, want] of expected) {
      const got = latest.get(code)!;
      expect({ ...got }, code).to.deep.include({
        lastId: want.lastId, lastStartedAt: want.lastStartedAt, lastOutcome: want.lastOutcome, successAt: want.successAt, failureAt: want.failureAt, failureErrorCode: want.failureErrorCode,
      });
    }
  }

  it('match a GROUP BY after many random transitions, rolled-back ones included', async () => {
    const ids: string[] = [];
    for (let round = 0; round < 150; round += 1) {
      if (random.next() < 0.15) {
        const failed = await store.transaction(async (tx) => {
          await randomWork(tx, ids.slice());
          throw new Error('rolled back on purpose');
        }).catch((error: Error) => error);
        expect((failed as Error).message).to.equal('rolled back on purpose');
        continue;
      }
      const mine = ids.slice();
      await store.transaction((tx) => randomWork(tx, mine));
      ids.splice(0, ids.length, ...mine);
    }
    expect(nextAttemptId).to.be.greaterThan(100);
    await expectExact();
  });

  it('match a GROUP BY after transactions from concurrent sessions, and after their shards are compacted', async () => {
    const others = [fixture.openAnother(), fixture.openAnother()];
    try {
      const { rows } = await store.query<{ id: string }>('SELECT id FROM deliveries');
      const ids = rows.map((row) => row.id);
      // Several transactions at once from three stores (on PostgreSQL: several sessions, so several shards per count).
      await Promise.all([store, ...others].flatMap((each) => Array.from({ length: 8 }, () => each.transaction(async (tx) => {
        const changes = Array.from({ length: 5 }, () => random.pick(ids));
        for (const id of changes) await tx.query('UPDATE deliveries SET state = $2 WHERE id = $1', [id, random.pick(STATES)]);
        await insertAttempts(tx, changes.map((id) => ({ deliveryId: id, startedAt: base + random.int(6 * HOUR), outcome: random.pick(OUTCOMES), errorCode: 'E1' })));
      }).catch((error: Error & { code?: string }) => {
        // Two sessions changing the same deliveries in another order may deadlock on those rows (never on the counts); that transaction is rolled back whole.
        if (!/deadlock/i.test(error.message)) throw error;
      }))));
      await expectExact();
    } finally {
      await Promise.all(others.map((other) => other.close()));
    }
    if (fixture.name === 'postgres') {
      const shardsBefore = await store.query<{ n: number }>('SELECT COUNT(DISTINCT shard) AS n FROM delivery_counts');
      expect(Number(shardsBefore.rows[0]!.n)).to.be.greaterThan(1);
      // The two closed stores' sessions end; compaction folds their rows (the live sessions' rows stay).
      // (A closed pool's sessions end on the server a moment later.)
      const folded = await waitFor(async () => (await compactCounters(store)) || undefined, { what: 'the closed sessions\' counter rows to be folded' });
      expect(folded).to.be.greaterThan(0);
    } else {
      expect(await compactCounters(store)).to.equal(0);
    }
    await expectExact();
  });
});
