/**
 * Batched pushes through the dispatcher, on SQLite and PostgreSQL: 公安
 * (REST) configured with TONGBAN_DEPARTMENT_BATCH takes the deliveries
 * claimed for it together, up to its batch size, in one signed request; each
 * delivery keeps its own attempt, outcome and receipt, whose evidence (the
 * department's one signed answer, stored once) reads back with the
 * application. The gateway's own dispatcher is off: each test runs its
 * rounds, so the batches are what the claims make them.
 */
import { expect } from 'chai';
import { toPublicJwk, verifyResponse } from '../../../src/trust/index.js';
import { devKey } from '../../helpers/dev-keys.js';
import { birthForm, birthSubmission, startDeliveryEnvironment, type DeliveryEnvironment, type SubApplicationView } from '../../helpers/delivery-environment.js';
import { allPassed, storeFixtures } from '../../helpers/stores.js';
import { waitFor } from '../../helpers/wait.js';

/** A stored batch receipt as GET /v1/applications/{id} shows it. */
interface BatchEvidence { format: string; batchId: string; index: number; signature: string; body: string }

const BATCH = 4;

for (const fixture of storeFixtures()) describe(`batched pushes to a REST department (${fixture.name})`, function () {
  this.timeout(60_000);
  let env: DeliveryEnvironment;
  let children = 0;

  before(async function () {
    this.timeout(60_000);
    env = await startDeliveryEnvironment(fixture, { env: { TONGBAN_DISPATCHER: 'false', TONGBAN_DEPARTMENT_BATCH: JSON.stringify({ gaj: BATCH }) } });
    env.outcomes.gaj = () => 'silent';
    env.outcomes.ybj = () => 'silent';
    env.outcomes.mzrsj = () => 'silent';
  });
  afterEach(() => {
    env.gaj.faults.reset();
    env.gaj.refuseItems(undefined);
  });
  after(async function () {
    await env?.close();
    await fixture.cleanup(allPassed(this.test!.parent!));
  });

  /** Submits `count` birth applications; answers each one's 出生登记 (pushed to 公安) with the child's name. */
  async function submitBirths(count: number): Promise<{ applicationId: string; child: string }[]> {
    const submitted = [];
    for (let index = 0; index < count; index += 1) {
      children += 1;
      const child = `陈${children}号`;
      const answer = await env.submit(birthSubmission(birthForm({ child: { name: child } })));
      expect(answer.status, JSON.stringify(answer.body)).to.equal(202);
      submitted.push({ applicationId: (answer.body as { applicationId: string }).applicationId, child });
    }
    return submitted;
  }

  async function registrationOf(applicationId: string): Promise<SubApplicationView> {
    return (await env.application(applicationId)).subApplications.find((sub) => sub.departmentCode === 'gaj')!;
  }

  async function attemptsOf(deliveryId: string): Promise<{ attempt: number; outcome: string; error_code: string | null }[]> {
    const { rows } = await env.gateway.store.query<{ attempt: number; outcome: string; error_code: string | null }>(
      'SELECT attempt, outcome, error_code FROM delivery_attempts WHERE delivery_id = $1 ORDER BY attempt', [deliveryId]);
    return rows.map((row) => ({ ...row, attempt: Number(row.attempt) }));
  }

  it(`pushes the claimed deliveries of 公安 ${BATCH} at a time; each has its own attempt and a receipt whose evidence is the one signed answer`, async () => {
    const batchesBefore = env.gaj.batches().length;
    const submitted = await submitBirths(6);
    expect(await env.gateway.dispatcher.runOnce()).to.equal(6);
    expect(env.gaj.batches().slice(batchesBefore)).to.deep.equal([4, 2]);
    const registrations = await Promise.all(submitted.map(({ applicationId }) => registrationOf(applicationId)));
    const publicKey = toPublicJwk(await devKey('dept-gaj'));
    const batchIds = new Set<string>();
    for (const [position, registration] of registrations.entries()) {
      expect(registration.status).to.equal('delivered');
      expect(registration.delivery).to.include({ state: 'delivered', attempts: 1 });
      expect(await attemptsOf(registration.delivery.id)).to.deep.equal([{ attempt: 1, outcome: 'delivered', error_code: null }]);
      const received = env.gaj.received().filter((entry) => entry.delivery.subApplicationId === registration.id);
      expect(received, 'one push of each').to.have.length(1);
      expect(received[0]!.delivery.form['xsexm']).to.equal(submitted[position]!.child);
      // The evidence: the department's signed answer of the whole batch, and where in it this receipt is.
      const evidence = registration.receipt!.evidence.evidence as unknown as BatchEvidence;
      expect(evidence.format).to.equal('tongban-signature-v1-batch');
      batchIds.add(evidence.batchId);
      const results = (JSON.parse(evidence.body) as { results: { deliveryId: string; receipt: { acceptanceNumber: string; subApplicationId: string } }[] }).results;
      expect(results[evidence.index]!.receipt).to.include({ acceptanceNumber: registration.acceptanceNumber, subApplicationId: registration.id });
      expect(results[evidence.index]!.deliveryId).to.equal(registration.delivery.id);
      const claims = JSON.parse(Buffer.from(evidence.signature.split('.')[1]!, 'base64url').toString('utf8')) as { cdg: string; rjti: string };
      const verified = await verifyResponse({ body: Buffer.from(evidence.body), headers: { 'tongban-signature': evidence.signature, 'content-digest': claims.cdg } },
        { keys: [publicKey], audience: 'tongban', issuer: 'gaj', requestJti: claims.rjti });
      expect(verified.claims.iss).to.equal('gaj');
    }
    expect(batchIds.size, 'one stored answer per batch').to.equal(2);
    const { rows } = await env.gateway.store.query<{ n: number | string }>(
      `SELECT COUNT(*) AS n FROM receipt_batches WHERE id IN (${[...batchIds].map((_, index) => `$${index + 1}`).join(', ')})`, [...batchIds]);
    expect(Number(rows[0]!.n)).to.equal(2);
  });

  it('a delivery the department refuses alone fails alone: a conflict is a dead letter, 系统繁忙 is retried; the rest are delivered', async () => {
    const [conflicting, busy, fine] = await submitBirths(3);
    env.gaj.refuseItems((delivery) => {
      if (delivery.form['xsexm'] === conflicting!.child) return { status: 409, code: 'IDEMPOTENCY_KEY_CONFLICT' };
      if (delivery.form['xsexm'] === busy!.child) return { status: 503, code: 'SYSTEM_BUSY' };
      return undefined;
    });
    const batchesBefore = env.gaj.batches().length;
    expect(await env.gateway.dispatcher.runOnce()).to.equal(3);
    expect(env.gaj.batches().slice(batchesBefore)).to.deep.equal([3]);
    const dead = await registrationOf(conflicting!.applicationId);
    expect(dead.status).to.equal('failed');
    expect(dead.delivery.state).to.equal('dead');
    expect(await attemptsOf(dead.delivery.id)).to.deep.equal([{ attempt: 1, outcome: 'dead', error_code: 'UPSTREAM_REJECTED' }]);
    const retried = await registrationOf(busy!.applicationId);
    expect(retried.delivery).to.include({ state: 'pending', attempts: 1 });
    expect(retried.delivery.lastError).to.match(/SYSTEM_BUSY/);
    expect((await registrationOf(fine!.applicationId)).delivery.state).to.equal('delivered');

    // 公安 recovers; the busy one is delivered on its next attempt, under the same idempotency key.
    env.gaj.refuseItems(undefined);
    await waitFor(async () => {
      await env.gateway.dispatcher.runOnce();
      return (await registrationOf(busy!.applicationId)).delivery.state === 'delivered';
    }, { what: 'the busy delivery to be retried', timeoutMs: 5000 });
    expect(await attemptsOf(retried.delivery.id)).to.deep.equal([
      { attempt: 1, outcome: 'retry', error_code: 'UPSTREAM_UNAVAILABLE' }, { attempt: 2, outcome: 'delivered', error_code: null },
    ]);
    expect(env.gaj.effectsByKey().get(env.gaj.received().find((entry) => entry.delivery.subApplicationId === retried.id)!.delivery.idempotencyKey)).to.equal(1);
    expect((await registrationOf(conflicting!.applicationId)).delivery.state, 'a dead letter stays dead').to.equal('dead');
  });

  it('a push that fails as a whole fails each of its deliveries, each retried with its own attempts; a lost answer is made good by the retry', async () => {
    const submitted = await submitBirths(2);
    env.gaj.faults.enqueue({ kind: 'status', status: 503 });
    expect(await env.gateway.dispatcher.runOnce()).to.equal(2);
    for (const { applicationId } of submitted) {
      const registration = await registrationOf(applicationId);
      expect(registration.delivery).to.include({ state: 'pending', attempts: 1 });
      expect(await attemptsOf(registration.delivery.id)).to.deep.equal([{ attempt: 1, outcome: 'retry', error_code: 'UPSTREAM_UNAVAILABLE' }]);
    }
    // Next, once both are due again, the department takes the batch but its answer is lost.
    const ids = (await Promise.all(submitted.map(({ applicationId }) => registrationOf(applicationId)))).map((registration) => registration.delivery.id);
    await waitFor(async () => {
      const { rows } = await env.gateway.store.query<{ n: number | string }>(
        "SELECT COUNT(*) AS n FROM deliveries WHERE id IN ($1, $2) AND state = 'pending' AND next_attempt_at <= $3", [...ids, Date.now()]);
      return Number(rows[0]!.n) === 2;
    }, { what: 'both retries to come due', timeoutMs: 5000 });
    const batchesBefore = env.gaj.batches().length;
    env.gaj.faults.enqueue({ kind: 'malformed' });
    expect(await env.gateway.dispatcher.runOnce()).to.equal(2);
    expect(env.gaj.batches().slice(batchesBefore)).to.deep.equal([2]);
    // malformed is not retryable: these are dead letters now, though the department has them — ops replays them.
    const afterLoss = await Promise.all(submitted.map(({ applicationId }) => registrationOf(applicationId)));
    for (const registration of afterLoss) expect(registration.delivery.state).to.equal('dead');
    const ops = env.ops;
    for (const registration of afterLoss) {
      const replay = await ops.request('POST', `/v1/ops/deliveries/${registration.delivery.id}/replay`);
      expect(replay.status, JSON.stringify(replay.body)).to.equal(200);
    }
    await env.gateway.dispatcher.runOnce();
    for (const { applicationId } of submitted) {
      const registration = await registrationOf(applicationId);
      expect(registration.delivery.state).to.equal('delivered');
      const received = env.gaj.received().filter((entry) => entry.delivery.subApplicationId === registration.id);
      expect(received.map((entry) => entry.duplicate)).to.deep.equal([false, true]);
      expect(registration.acceptanceNumber).to.equal(received[0]!.acceptanceNumber);
      expect(env.gaj.effectsByKey().get(received[0]!.delivery.idempotencyKey)).to.equal(1);
    }
  });
});
