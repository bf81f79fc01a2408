/**
 * Races, on SQLite and PostgreSQL: a department may act on a
 * sub-application (and say so in signed events) before Tongban has settled
 * the push that carried it; with PostgreSQL, two gateway replicas share one
 * outbox and each delivery is pushed once.
 */
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { birthForm, birthSubmission, hiringSubmission, idNumber, startDeliveryEnvironment, type ApplicationView, type DeliveryEnvironment } from '../../helpers/delivery-environment.js';
import { allPassed, storeFixtures } from '../../helpers/stores.js';
import { waitFor } from '../../helpers/wait.js';

for (const fixture of storeFixtures()) describe(`department events racing the dispatcher (${fixture.name})`, function () {
  this.timeout(60_000);
  let env: DeliveryEnvironment;

  before(async function () {
    this.timeout(60_000);
    env = await startDeliveryEnvironment(fixture);
    env.outcomes.gaj = () => 'silent';
    env.outcomes.ybj = () => 'silent';
    env.outcomes.mzrsj = () => 'silent';
  });
  after(async function () {
    await env?.close();
    await fixture.cleanup(allPassed(this.test!.parent!));
  });
  afterEach(() => env.gaj.faults.reset());

  if (fixture.name === 'postgres') it('two replicas share the outbox (FOR UPDATE SKIP LOCKED): every sub-application is pushed exactly once', async () => {
    await env.startReplica();
    const ids = await Promise.all([
      ...Array.from({ length: 12 }, () => hiringSubmission()),
      ...Array.from({ length: 12 }, (_, index) => birthSubmission(birthForm({ child: { name: `钱${index}号` } }))),
    ].map(async (body) => {
      const answer = await env.submit(body);
      expect(answer.status).to.equal(202);
      return (answer.body as { applicationId: string; subApplications: { id: string; departmentCode: string; status: string }[] });
    }));
    const pushed = ids.flatMap((answer) => answer.subApplications.filter((sub) => sub.status === 'queued' && sub.departmentCode !== 'ybj').map((sub) => sub.id));
    expect(pushed).to.have.length(36);
    await waitFor(async () => {
      const { rows } = await env.gateway.store.query<{ n: number | string }>(
        `SELECT COUNT(*) AS n FROM deliveries WHERE state = 'delivered' AND sub_application_id IN (${pushed.map((_, index) => `$${index + 1}`).join(', ')})`, pushed);
      return Number(rows[0]!.n) === pushed.length;
    }, { what: 'every push to be delivered', timeoutMs: 20_000 });
    const received = [...env.gaj.received(), ...env.mzrsj.received()].filter((entry) => pushed.includes(entry.delivery.subApplicationId));
    expect(received.filter((entry) => entry.duplicate), 'pushes of a delivery another replica had already made').to.have.length(0);
    expect(new Set(received.map((entry) => entry.delivery.subApplicationId)).size).to.equal(pushed.length);
    const { rows } = await env.gateway.store.query<{ n: number | string }>(
      `SELECT COUNT(*) AS n FROM delivery_attempts a JOIN deliveries d ON d.id = a.delivery_id WHERE d.sub_application_id IN (${pushed.map((_, index) => `$${index + 1}`).join(', ')})`, pushed);
    expect(Number(rows[0]!.n)).to.equal(pushed.length); // one attempt each, recorded once
  });

  it('a push dead-lettered after the department already completed the matter does not undo the completion', async () => {
    // 公安 takes its time to answer, and its answer's signature then fails: a dead letter. Meanwhile it has already
    // accepted and completed the sub-application, with signed events that Tongban applied.
    env.gaj.faults.set({ latencyMs: 1500, badSignatureRate: 1 });
    const answer = await env.submit(birthSubmission(birthForm({ child: { name: '赵一号' } })));
    expect(answer.status).to.equal(202);
    const applicationId = (answer.body as { applicationId: string }).applicationId;
    const registration = (await env.application(applicationId)).subApplications[0]!;
    await waitFor(async () => (await env.application(applicationId)).subApplications[0]!.delivery.state === 'in_flight', { what: 'the push to be under way' });
    const gaj = await env.department('gaj');
    for (const type of ['accepted', 'completed']) {
      const event = await gaj.request('POST', '/v1/departments/gaj/events', { body: {
        eventId: `evt-${randomUUID()}`, subApplicationId: registration.id, type, occurredAt: new Date().toISOString(), acceptanceNumber: 'GAJ2026112477777',
        ...(type === 'completed' ? { results: [{ name: '公民身份号码', value: idNumber('2026-11-12', '男') }] } : {}),
      } });
      expect(event.status, JSON.stringify(event.body)).to.equal(201);
    }
    const view: ApplicationView = await env.waitForApplication(applicationId, (current) => current.subApplications[0]!.delivery.state === 'dead', 'the push to be dead-lettered');
    expect(view.subApplications[0]!.status).to.equal('completed');
    expect(view.subApplications[0]!.results).to.have.length(1);
  });
});
