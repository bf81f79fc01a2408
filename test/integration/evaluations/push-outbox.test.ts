/**
 * The evaluation push outbox on SQLite and PostgreSQL: a push claimed by a
 * worker that died (kill -9) is taken over once its lease expires, never
 * before; per evaluation the pushes go in position order (a follow-up step
 * only after the evaluation itself was delivered); a dead push replayed goes again.
 */
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { claimDuePushes, markPushDelivered, markPushFailed } from '../../../src/evaluations/push-outbox.js';
import { replayPush } from '../../../src/evaluations/ops-pushes.js';
import type { Store } from '../../../src/store/index.js';
import { allPassed, storeFixtures } from '../../helpers/stores.js';

const T0 = Date.UTC(2026, 11, 6, 8, 0, 0);

/** An application with one evaluation and its pushes at `positions` (0 the evaluation, then follow-up steps), all pending. */
async function seed(store: Store, positions: readonly number[]): Promise<{ evaluationId: string; pushIds: string[] }> {
  const applicationId = randomUUID();
  const evaluationId = randomUUID();
  const pushIds = positions.map(() => randomUUID());
  await store.transaction(async (tx) => {
    await tx.query(`INSERT INTO applications (id, client_id, idempotency_key, request_digest, response, theme_code, answers, form, provenance, status, created_at, updated_at)
      VALUES ($1, 'platform', $2, 'x', '{}', 'MX-T05', '{}', '{}', '{}', 'received', $3, $3)`, [applicationId, `key-${applicationId}`, T0]);
    await tx.query(`INSERT INTO evaluations (id, application_id, theme_code, scope, service_code, level, indicators, comment, channel, actor, client_id, created_at)
      VALUES ($1, $2, 'MX-T05', 'theme', 'MX-T05', 1, '["guide"]', '', 'online', '{}', 'platform', $3)`, [evaluationId, applicationId, T0]);
    for (const [index, position] of positions.entries()) {
      await tx.query(`INSERT INTO evaluation_pushes (id, evaluation_id, position, kind, payload, state, attempts, next_attempt_at, created_at, updated_at)
        VALUES ($1, $2, $3, $4, '{}', 'pending', 0, $5, $5, $5)`, [pushIds[index], evaluationId, position, position === 0 ? 'evaluation' : 'rectification', T0]);
    }
  });
  return { evaluationId, pushIds };
}

for (const fixture of storeFixtures()) describe(`evaluation push outbox (${fixture.name})`, function () {
  this.timeout(30_000);
  let store: Store;

  before(async () => { store = await fixture.open(); });
  after(async function () {
    await store?.close();
    await fixture.cleanup(allPassed(this.test!.parent!));
  });

  it('a push held by a worker that died is taken over once its lease expired, never before, and only its new holder records the outcome', async () => {
    const { pushIds: [pushId] } = await seed(store, [0]);
    const [claimed] = (await claimDuePushes(store, 'worker-a', { limit: 10, leaseMs: 1000, now: T0 })).filter((push) => push.id === pushId);
    expect(claimed).to.include({ kind: 'evaluation', position: 0, attempts: 0 });
    expect((await claimDuePushes(store, 'worker-b', { limit: 10, leaseMs: 1000, now: T0 + 999 })).map((push) => push.id)).to.not.include(pushId);
    const [takenOver] = (await claimDuePushes(store, 'worker-b', { limit: 10, leaseMs: 1000, now: T0 + 1001 })).filter((push) => push.id === pushId);
    expect(takenOver).to.include({ id: pushId });
    // The dead worker's late answer is not recorded; the new holder's is.
    expect(await markPushDelivered(store, claimed!, 'worker-a', { provinceId: 'HCP20261206000001', at: T0 + 1002 })).to.equal(false);
    expect(await markPushDelivered(store, takenOver!, 'worker-b', { provinceId: 'HCP20261206000001', at: T0 + 1003 })).to.equal(true);
    const { rows } = await store.query<{ state: string; province_id: string }>(
      'SELECT p.state, e.province_id FROM evaluation_pushes p JOIN evaluations e ON e.id = p.evaluation_id WHERE p.id = $1', [pushId]);
    expect(rows[0]).to.deep.equal({ state: 'delivered', province_id: 'HCP20261206000001' });
  });

  it('a follow-up step waits until every earlier push of its evaluation was delivered; a dead one blocks the rest until replayed', async () => {
    const { evaluationId, pushIds: [evaluationPush, assigned, rectified] } = await seed(store, [0, 1, 2]);
    const ids = async (owner: string, now: number) => (await claimDuePushes(store, owner, { limit: 50, leaseMs: 1000, now })).map((push) => push.id);
    const first = await ids('w', T0 + 10_000);
    expect(first).to.include(evaluationPush).and.not.include(assigned).and.not.include(rectified);
    const claimed = { id: evaluationPush!, evaluationId, position: 0, kind: 'evaluation' as const, payload: {}, attempts: 0 };
    expect(await markPushFailed(store, claimed, 'w', { dead: true, nextAttemptAt: T0 + 20_000, error: 'unavailable 5030', at: T0 + 10_001 })).to.equal(true);
    expect(await ids('w', T0 + 30_000)).to.not.include(assigned);
    await replayPush(store, evaluationPush!, 'ops', T0 + 31_000);
    expect(await ids('w', T0 + 31_000)).to.include(evaluationPush).and.not.include(assigned);
    expect(await markPushDelivered(store, claimed, 'w', { provinceId: 'HCP1', at: T0 + 31_001 })).to.equal(true);
    const next = await ids('w', T0 + 31_002);
    expect(next).to.include(assigned).and.not.include(rectified);
  });
});
