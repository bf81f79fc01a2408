/**
 * Reliability: one department's system is down for a while. Its deliveries
 * are retried (short backoff) and its circuit opens, while the other
 * department's deliveries carry on and complete; once it is back, everything
 * reaches it exactly once.
 */
import { expect } from 'chai';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { waitFor } from '../helpers/wait.js';
import { baseEnv, startGatewayProcess } from './gateway-process.js';
import { accepted, expectExactlyOnce, FACTS_SQL, type StoredFacts } from './outcomes.js';
import { endpointsOf, keyOf, sqliteReliabilityWorld, submitAll, uploadMaterials } from './workload.js';

const TOTAL = 60;

describe('reliability: a department down for a while', function () {
  this.timeout(90_000);
  const world = sqliteReliabilityWorld();

  it('retries the department that is down while the other is served, then delivers everything to it exactly once', async () => {
    const sqlitePath = join(world.dir, 'tongban.db');
    const gateway = await startGatewayProcess(await baseEnv(world.matters, { TONGBAN_SQLITE_PATH: sqlitePath, TONGBAN_DEPARTMENT_ENDPOINTS: endpointsOf(world.departments) }));
    world.db = new Database(sqlitePath, { readonly: true, timeout: 5000 });
    const facts = (): StoredFacts => ({
      applications: world.db!.prepare(FACTS_SQL.applications).all() as StoredFacts['applications'],
      deliveries: world.db!.prepare(FACTS_SQL.deliveries).all() as StoredFacts['deliveries'],
    });
    const attemptsOf = (department: string) => world.db!.prepare(
      `SELECT a.delivery_id, a.attempt, a.outcome, a.error_code, a.error, a.started_at FROM delivery_attempts a JOIN deliveries d ON d.id = a.delivery_id
        WHERE d.department_code = ? ORDER BY a.id`).all(department) as { delivery_id: string; attempt: number; outcome: string; error_code: string | null; error: string | null; started_at: number }[];
    const gaj = world.departments.get('gaj')!;
    const wjj = world.departments.get('wjj')!;

    gaj.faults.goDown();
    const outcomes = await submitAll({ clients: [gateway.platform], materials: await uploadMaterials(gateway.platform), indexes: Array.from({ length: TOTAL }, (_, index) => index), concurrency: 8 });
    const acknowledged = accepted(outcomes);
    expect(acknowledged.size).to.equal(TOTAL);

    // While 公安局 is down, 卫生健康局 gets all of its sub-applications, first time.
    await waitFor(() => facts().deliveries.filter((delivery) => delivery.department_code === 'wjj' && delivery.state === 'delivered').length === TOTAL,
      { timeoutMs: 20_000, intervalMs: 100, what: 'every 卫生健康局 delivery while 公安局 is down' });
    expect(attemptsOf('wjj').filter((attempt) => attempt.outcome !== 'delivered')).to.deep.equal([]);
    // 公安局's were tried, failed as retryable, and its circuit opened: nothing dead, nothing applied.
    await waitFor(() => gateway.logs().some((line) => line['message'] === 'department circuit changed' && line['department'] === 'gaj' && line['state'] === 'open'),
      { timeoutMs: 10_000, what: 'the 公安局 circuit to open' });
    const failedWhileDown = attemptsOf('gaj');
    expect(failedWhileDown.length).to.be.at.least(5);
    // Each failure is retryable: the department's 503, or its circuit opening while the attempt was under way.
    const kinds = new Set(failedWhileDown.map((attempt) => `${attempt.outcome} ${attempt.error_code === 'UPSTREAM_UNAVAILABLE' ? 'UPSTREAM_UNAVAILABLE' : attempt.error}`));
    expect(kinds, 'failed attempts are retryable').to.include('retry UPSTREAM_UNAVAILABLE');
    expect([...kinds].filter((kind) => kind !== 'retry UPSTREAM_UNAVAILABLE' && !/^retry Breaker is open/.test(kind)), 'other failures').to.deep.equal([]);
    expect(facts().deliveries.filter((delivery) => delivery.department_code === 'gaj').map((delivery) => delivery.state)).to.not.include.members(['dead', 'delivered']);
    expect(gaj.effectsByKey().size).to.equal(0);
    expect(gaj.faults.injected.down).to.be.at.least(failedWhileDown.filter((attempt) => attempt.error_code === 'UPSTREAM_UNAVAILABLE').length);
    expect(gateway.logs().some((line) => line['message'] === 'department circuit changed' && line['department'] === 'wjj'), '卫生健康局 circuit untouched').to.equal(false);

    // Back up: the circuit half-opens, closes, and the backlog drains.
    const backAt = Date.now();
    gaj.faults.comeBack();
    await waitFor(() => facts().deliveries.filter((delivery) => delivery.state === 'delivered').length === TOTAL * 2,
      { timeoutMs: 30_000, intervalMs: 100, what: 'every 公安局 delivery after it came back' });
    expectExactlyOnce({ total: TOTAL, acknowledged, keyOf, facts: facts(), departments: world.departments });
    // The deliveries that failed were retried until one attempt succeeded, after the department came back.
    const final = attemptsOf('gaj');
    for (const failed of new Set(failedWhileDown.map((attempt) => attempt.delivery_id))) {
      const delivered = final.find((attempt) => attempt.delivery_id === failed && attempt.outcome === 'delivered');
      expect(delivered, `delivery ${failed} delivered in the end`).to.not.equal(undefined);
      expect(delivered!.attempt).to.be.at.least(2);
      expect(delivered!.started_at).to.be.at.least(backAt - 1000);
    }
    expect(wjj.received().filter((entry) => entry.duplicate)).to.deep.equal([]);
    expect(gateway.logs().some((line) => line['message'] === 'department circuit changed' && line['department'] === 'gaj' && line['state'] === 'close')).to.equal(true);
    await gateway.stop();
  });
});
