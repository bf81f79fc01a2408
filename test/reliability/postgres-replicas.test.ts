/**
 * Reliability on PostgreSQL: two gateway processes share one schema and both
 * take submissions and run dispatchers. One is killed with SIGKILL while its
 * dispatcher holds leased deliveries; the survivor takes them over once the
 * leases run out. Nothing acknowledged is lost, nothing is stored twice, and
 * every department applies every sub-application once.
 */
import { expect } from 'chai';
import pg from 'pg';
import type { RestDepartmentSimulator } from '../../adapters/department-rest/simulator/rest-department-simulator.js';
import { startMatterSystemSimulator, type MatterSystemSimulator } from '../../adapters/matter-system/simulator/start-matter-system-simulator.js';
import { allPassed, TEST_DATABASE_URL } from '../helpers/stores.js';
import { waitFor } from '../helpers/wait.js';
import { baseEnv, killAll, running, startGatewayProcess } from './gateway-process.js';
import { accepted, expectAcknowledgedStored, expectExactlyOnce, FACTS_SQL, type StoredFacts } from './outcomes.js';
import { DEPARTMENTS, endpointsOf, keyOf, startDepartments, submitAll, uploadMaterials } from './workload.js';

const TOTAL = 500;

/** One push per delivery, and batched pushes of up to 8 (each department's batch size). */
const VARIANTS: { name: string; env: Record<string, string> }[] = [
  { name: 'one push per delivery', env: {} },
  { name: 'batched pushes of ≤ 8', env: { TONGBAN_DEPARTMENT_BATCH: JSON.stringify({ wjj: 8, gaj: 8 }) } },
];

for (const variant of VARIANTS) describe(`reliability: two PostgreSQL replicas, one killed with SIGKILL mid-run (${variant.name})`, function () {
  this.timeout(240_000);
  const schema = `tongban_reliability_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  let matters: MatterSystemSimulator;
  let departments: Map<string, RestDepartmentSimulator>;
  let client: pg.Client | undefined;

  before(async () => {
    matters = await startMatterSystemSimulator();
    departments = await startDepartments(DEPARTMENTS);
  });

  after(async function () {
    await killAll();
    expect(running(), 'gateway processes left running').to.deep.equal([]);
    for (const simulator of departments?.values() ?? []) await simulator.close();
    await matters?.close();
    if (client) {
      if (allPassed(this.test!.parent!)) await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      else process.stderr.write(`      (kept PostgreSQL schema ${schema} for inspection)\n`);
      await client.end();
    }
  });

  const facts = async (): Promise<StoredFacts> => ({
    applications: (await client!.query(FACTS_SQL.applications)).rows as StoredFacts['applications'],
    deliveries: (await client!.query(FACTS_SQL.deliveries)).rows as StoredFacts['deliveries'],
  });

  it(`accepts ${TOTAL} submissions over both, and the survivor delivers the dead one's leased work exactly once`, async () => {
    const env = await baseEnv(matters, { DATABASE_URL: TEST_DATABASE_URL, TONGBAN_DATABASE_SCHEMA: schema, TONGBAN_DEPARTMENT_ENDPOINTS: endpointsOf(departments), ...variant.env });
    for (const simulator of departments.values()) simulator.faults.set({ latencyMs: 150 });
    // Both start at once on an empty schema: migrations serialise on an advisory lock.
    const [victim, survivor] = await Promise.all([startGatewayProcess(env), startGatewayProcess(env)]);
    client = new pg.Client({ connectionString: TEST_DATABASE_URL, options: `-c search_path=${schema}` });
    await client.connect();
    expect(victim.dispatcherOwner).to.be.a('string').and.not.equal(survivor.dispatcherOwner);
    const leasedBy = async (owner: string) => (await client!.query<{ id: string; lease_expires_at: number }>(
      "SELECT id, lease_expires_at FROM deliveries WHERE state = 'in_flight' AND lease_owner = $1", [owner])).rows;

    // 1. Submissions spread over both replicas; SIGKILL one once enough were accepted and it holds leases.
    let killed = false;
    let answered = 0;
    let checking = false;
    let killing: Promise<void> | undefined;
    // The files, uploaded once: every submission and every retry (on either replica) names the same uploads.
    const materials = await uploadMaterials(survivor.platform);
    const phase1 = await submitAll({
      clients: [victim.platform, survivor.platform], materials, indexes: Array.from({ length: TOTAL }, (_, index) => index), concurrency: 16,
      stop: () => killed,
      onAnswer: (_index, outcome) => {
        if (outcome.status === 202) answered += 1;
        if (killed || checking || answered < 200) return;
        checking = true;
        void leasedBy(victim.dispatcherOwner!).then((rows) => {
          checking = false;
          if (rows.length > 0 && !killed) {
            killed = true;
            killing = victim.kill();
          }
        });
      },
    });
    expect(killed, 'a replica was killed mid-run').to.equal(true);
    await killing;
    const leasedAtDeath = await leasedBy(victim.dispatcherOwner!);
    expect(leasedAtDeath.length, 'deliveries leased by the killed replica').to.be.greaterThan(0);
    const acknowledged = accepted(phase1);
    expect(acknowledged.size).to.be.within(200, TOTAL - 1);
    expectAcknowledgedStored(acknowledged, await facts());

    // 2. The platform retries whatever was not answered 202 on the survivor, with the same keys.
    for (const simulator of departments.values()) simulator.faults.reset();
    const unanswered = Array.from({ length: TOTAL }, (_, index) => index).filter((index) => !acknowledged.has(index));
    const phase2 = await submitAll({ clients: [survivor.platform], materials, indexes: unanswered, concurrency: 16 });
    const notAccepted = [...phase2.values()].filter((outcome) => outcome.status !== 202);
    // On failure, the survivor's log lines of those requests say why.
    const logged = () => notAccepted.flatMap((outcome) => {
      const traceId = /"traceId":"([0-9a-f]+)"/.exec('error' in outcome ? outcome.error : '')?.[1];
      return traceId ? survivor.output().split('\n').filter((line) => line.includes(traceId)).slice(0, 3) : [];
    });
    expect(notAccepted, `retries not accepted: ${JSON.stringify(notAccepted.slice(0, 3))}; logged: ${notAccepted.length > 0 ? logged().join('\n') : ''}`).to.deep.equal([]);
    const all = new Map([...acknowledged, ...accepted(phase2)]);

    // 3. The survivor delivers everything, the dead replica's leased deliveries once their leases ran out.
    const ids = new Set(all.values());
    await waitFor(async () => (await facts()).deliveries.filter((delivery) => ids.has(delivery.application_id) && delivery.state === 'delivered').length === TOTAL * 2,
      { timeoutMs: 120_000, intervalMs: 200, what: 'every sub-application to be delivered' }); // a bound for a stuck outbox, not a speed test (a loaded machine takes 40 s and more)
    expectExactlyOnce({ total: TOTAL, acknowledged: all, keyOf, facts: await facts(), departments });
    const deliveredAttempts = (await client.query<{ delivery_id: string; started_at: number }>(
      "SELECT delivery_id, started_at FROM delivery_attempts WHERE outcome = 'delivered' AND delivery_id = ANY($1)", [leasedAtDeath.map((row) => row.id)])).rows;
    expect(deliveredAttempts).to.have.length(leasedAtDeath.length);
    const expiry = new Map(leasedAtDeath.map((row) => [row.id, Number(row.lease_expires_at)]));
    for (const attempt of deliveredAttempts) expect(Number(attempt.started_at), `delivery ${attempt.delivery_id} taken over after its lease`).to.be.at.least(expiry.get(attempt.delivery_id)!);
    const owners = (await client.query<{ lease_owner: string | null }>("SELECT DISTINCT lease_owner FROM deliveries WHERE state = 'in_flight'")).rows;
    expect(owners).to.deep.equal([]);
    // Repeats (absorbed by their keys) come only from the takeover or from a push that failed and was tried again.
    const repeated = [...new Set([...departments.values()].flatMap((simulator) => simulator.received().filter((entry) => entry.duplicate).map((entry) => entry.delivery.deliveryId)))];
    const retried = new Set((await client.query<{ delivery_id: string }>(
      "SELECT DISTINCT delivery_id FROM delivery_attempts WHERE outcome <> 'delivered' AND delivery_id = ANY($1)", [repeated])).rows.map((row) => row.delivery_id));
    const leased = new Set(leasedAtDeath.map((row) => row.id));
    expect(repeated.filter((id) => !leased.has(id) && !retried.has(id)), 'repeats neither taken over nor retried').to.deep.equal([]);
    if (variant.env['TONGBAN_DEPARTMENT_BATCH']) {
      expect([...departments.values()].some((simulator) => simulator.batches().some((size) => size > 1)), 'deliveries went in batches').to.equal(true);
    }
    await survivor.stop();
  });
});
