/**
 * Reliability on SQLite: a gateway process is killed with SIGKILL while
 * submissions pour in and its dispatcher holds leased deliveries; another
 * starts on the same database file. Nothing acknowledged is lost, nothing is
 * stored twice, and every department applies every sub-application once.
 */
import { expect } from 'chai';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { waitFor } from '../helpers/wait.js';
import { baseEnv, startGatewayProcess, type GatewayProcess } from './gateway-process.js';
import { accepted, expectAcknowledgedStored, expectExactlyOnce, FACTS_SQL, repeats, type StoredFacts } from './outcomes.js';
import { endpointsOf, keyOf, sqliteReliabilityWorld, submitAll, uploadMaterials, type Outcome } from './workload.js';

const TOTAL = 500;

/** One push per delivery, and batched pushes of up to 8 (each department's batch size). */
const VARIANTS: { name: string; env: Record<string, string> }[] = [
  { name: 'one push per delivery', env: {} },
  { name: 'batched pushes of ≤ 8', env: { TONGBAN_DEPARTMENT_BATCH: JSON.stringify({ wjj: 8, gaj: 8 }) } },
];

for (const variant of VARIANTS) describe(`reliability: SQLite gateway killed with SIGKILL mid-run, restarted on the same file (${variant.name})`, function () {
  this.timeout(240_000);
  const world = sqliteReliabilityWorld();

  const facts = (): StoredFacts => ({
    applications: world.db!.prepare(FACTS_SQL.applications).all() as StoredFacts['applications'],
    deliveries: world.db!.prepare(FACTS_SQL.deliveries).all() as StoredFacts['deliveries'],
  });

  it(`accepts ${TOTAL} submissions across the crash and delivers each sub-application exactly once`, async () => {
    const sqlitePath = join(world.dir, 'tongban.db');
    const env = await baseEnv(world.matters, { TONGBAN_SQLITE_PATH: sqlitePath, TONGBAN_DEPARTMENT_ENDPOINTS: endpointsOf(world.departments), ...variant.env });
    // Slow departments while the first gateway runs: its dispatcher is sure to hold leases when it dies.
    for (const simulator of world.departments.values()) simulator.faults.set({ latencyMs: 150 });
    const first: GatewayProcess = await startGatewayProcess(env);
    world.db = new Database(sqlitePath, { readonly: true, timeout: 5000 });
    const inFlight = world.db!.prepare("SELECT id, lease_owner, lease_expires_at FROM deliveries WHERE state = 'in_flight'");

    // 1. Submissions while the dispatcher delivers; SIGKILL once enough were accepted and deliveries are leased.
    let killed = false;
    let answered = 0;
    let killing: Promise<void> | undefined;
    // The files, uploaded once: every submission and every retry (on the next gateway too) names the same uploads.
    const materials = await uploadMaterials(first.platform);
    const phase1 = await submitAll({
      clients: [first.platform], materials, indexes: Array.from({ length: TOTAL }, (_, index) => index), concurrency: 16,
      stop: () => killed,
      onAnswer: (_index, outcome) => {
        if (outcome.status === 202) answered += 1;
        if (!killed && answered >= 200 && inFlight.all().length > 0) {
          killed = true;
          killing = first.kill();
        }
      },
    });
    expect(killed, 'the gateway was killed mid-run').to.equal(true);
    await killing;
    const leasedAtDeath = inFlight.all() as { id: string; lease_owner: string; lease_expires_at: number }[];
    expect(leasedAtDeath.length, 'deliveries leased by the killed dispatcher').to.be.greaterThan(0);
    expect(new Set(leasedAtDeath.map((row) => row.lease_owner))).to.deep.equal(new Set([first.dispatcherOwner]));
    const acknowledged = accepted(phase1);
    expect(acknowledged.size).to.be.within(200, TOTAL - 1);
    expectAcknowledgedStored(acknowledged, facts());

    // 2. A new gateway on the same file; departments fast again.
    for (const simulator of world.departments.values()) simulator.faults.reset();
    const second = await startGatewayProcess(env);
    expect(second.dispatcherOwner).to.be.a('string').and.not.equal(first.dispatcherOwner);

    // 3. The platform retries, with the same idempotency keys, whatever was not answered 202.
    const unanswered = Array.from({ length: TOTAL }, (_, index) => index).filter((index) => !acknowledged.has(index));
    const phase2 = await submitAll({ clients: [second.platform], materials, indexes: unanswered, concurrency: 16 });
    const retried = accepted(phase2);
    expect([...phase2.values()].filter((outcome: Outcome) => outcome.status !== 202), 'retries not accepted').to.deep.equal([]);
    const all = new Map([...acknowledged, ...retried]);

    // 4. Everything reaches the departments.
    const ids = new Set(all.values());
    await waitFor(() => facts().deliveries.filter((delivery) => ids.has(delivery.application_id) && delivery.state === 'delivered').length === TOTAL * 2,
      { timeoutMs: 120_000, intervalMs: 100, what: 'every sub-application to be delivered' }); // a bound for a stuck outbox, not a speed test
    expectExactlyOnce({ total: TOTAL, acknowledged: all, keyOf, facts: facts(), departments: world.departments });
    // The killed dispatcher's leases were taken over after they ran out.
    const takenOver = world.db!.prepare("SELECT delivery_id, MIN(started_at) AS started_at FROM delivery_attempts WHERE outcome = 'delivered' GROUP BY delivery_id").all() as { delivery_id: string; started_at: number }[];
    const deliveredAt = new Map(takenOver.map((row) => [row.delivery_id, row.started_at]));
    for (const lease of leasedAtDeath) expect(deliveredAt.get(lease.id), `delivery ${lease.id} taken over after its lease`).to.be.at.least(lease.lease_expires_at);
    expect(repeats(world.departments)).to.be.at.most(leasedAtDeath.length);
    if (variant.env['TONGBAN_DEPARTMENT_BATCH']) {
      expect([...world.departments.values()].some((simulator) => simulator.batches().some((size) => size > 1)), 'deliveries went in batches').to.equal(true);
    }
    await second.stop();
  });
});
