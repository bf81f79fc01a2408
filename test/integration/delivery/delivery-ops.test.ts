/**
 * When deliveries go wrong, on SQLite and PostgreSQL: retries with backoff
 * (every attempt recorded), dead letters for what cannot succeed (4xx,
 * receipts that do not verify), ops replay — one delivery or a whole
 * department — audited, with the same idempotency key so the department
 * applies it once; inbox acknowledgements; overdue and uncovered deadlines.
 */
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import type { DepartmentOutcome } from '../../../adapters/common/department/simulator/department-events.js';
import { COVERED_YEARS } from '../../../src/cases/working-days.js';
import type { SigningClientResponse } from '../../../src/trust/signing-client.js';
import {
  BIRTH_REGISTRATION, birthForm, birthSubmission, hiringSubmission, startDeliveryEnvironment, type ApplicationView, type DeliveryEnvironment,
} from '../../helpers/delivery-environment.js';
import { allPassed, storeFixtures } from '../../helpers/stores.js';
import { waitFor } from '../../helpers/wait.js';

interface Attempt { attempt: number; startedAt: string; outcome: string; errorCode: string | null; error: string | null }
interface DeliveryRow { id: string; subApplicationId: string; department: string; state: string; attempts: number; lastError: string | null }

function expectProblem(answer: SigningClientResponse, status: number, code: string): void {
  expect(answer.status, JSON.stringify(answer.body)).to.equal(status);
  expect(answer.body).to.include({ code });
}

for (const fixture of storeFixtures()) describe(`failed deliveries, ops replay and deadlines (${fixture.name})`, function () {
  this.timeout(60_000);
  let env: DeliveryEnvironment;
  const byChild = new Map<string, Partial<Record<'gaj' | 'ybj' | 'mzrsj', DepartmentOutcome>>>();

  before(async function () {
    this.timeout(60_000);
    env = await startDeliveryEnvironment(fixture);
    env.outcomes.gaj = (delivery) => byChild.get(String(delivery.form['xsexm']))?.gaj ?? 'silent';
    env.outcomes.ybj = (delivery) => byChild.get(String(delivery.form['xm']))?.ybj ?? 'silent';
    env.outcomes.mzrsj = (delivery) => byChild.get(String(delivery.form['xm']))?.mzrsj ?? 'silent';
  });
  after(async function () {
    await env?.close();
    await fixture.cleanup(allPassed(this.test!.parent!));
  });
  afterEach(() => {
    env.gaj.faults.reset();
    env.mzrsj.faults.reset();
  });

  async function submitBirth(child = `测试${randomUUID().slice(0, 4)}`, outcomes: Partial<Record<'gaj' | 'ybj' | 'mzrsj', DepartmentOutcome>> = {}): Promise<ApplicationView> {
    byChild.set(child, outcomes);
    const answer = await env.submit(birthSubmission(birthForm({ child: { name: child } })));
    expect(answer.status, JSON.stringify(answer.body)).to.equal(202);
    return env.application((answer.body as { applicationId: string }).applicationId);
  }

  async function attempts(deliveryId: string): Promise<Attempt[]> {
    const answer = await env.ops.request('GET', `/v1/ops/deliveries/${deliveryId}/attempts`);
    expect(answer.status).to.equal(200);
    return (answer.body as { attempts: Attempt[] }).attempts;
  }

  async function deliveries(query: string): Promise<DeliveryRow[]> {
    const answer = await env.ops.request('GET', `/v1/ops/deliveries?${query}`);
    expect(answer.status, JSON.stringify(answer.body)).to.equal(200);
    return (answer.body as { deliveries: DeliveryRow[] }).deliveries;
  }

  async function audit(target: string): Promise<{ client_id: string; action: string; details: string }[]> {
    return (await env.gateway.store.query<{ client_id: string; action: string; details: string }>('SELECT client_id, action, details FROM ops_audit WHERE target = $1 ORDER BY id', [target])).rows;
  }

  const firstDelivered = (id: string) => env.waitForApplication(id, (view) => view.subApplications[0]!.delivery.state === 'delivered', '出生登记 to be delivered');
  const firstDead = (id: string) => env.waitForApplication(id, (view) => view.subApplications[0]!.delivery.state === 'dead', '出生登记 to be dead-lettered');

  it('a department answering 503 twice is retried with backoff and the same key; the third attempt delivers; every attempt is recorded', async () => {
    env.gaj.faults.enqueue({ kind: 'status', status: 503 }, { kind: 'status', status: 503 });
    const submitted = await submitBirth();
    const view = await firstDelivered(submitted.id);
    const registration = view.subApplications[0]!;
    expect(registration.delivery).to.deep.include({ attempts: 3, lastError: null });
    expect(registration.acceptanceNumber).to.match(/^GAJ/);
    const recorded = await attempts(registration.delivery.id);
    expect(recorded.map((attempt) => [attempt.attempt, attempt.outcome, attempt.errorCode])).to.deep.equal([
      [1, 'retry', 'UPSTREAM_UNAVAILABLE'], [2, 'retry', 'UPSTREAM_UNAVAILABLE'], [3, 'delivered', null],
    ]);
    const times = recorded.map((attempt) => Date.parse(attempt.startedAt));
    expect(times[1]! - times[0]!).to.be.at.least(10); // backoff: at least half the 20 ms base
    expect(times[2]!).to.be.greaterThan(times[1]!);
    expect(env.gaj.effectsByKey().get(`tongban-${registration.id}`)).to.equal(1);
  });

  // Each department has its own circuit breaker (5 calls, half of them failing, open it for 10 s): the retryable
  // failures of this file are spread so that none opens; delivery-breaker.test.ts is about the breaker.
  it('408 and 429 are retried (SOAP department, enterprise theme)', async () => {
    env.mzrsj.faults.enqueue({ kind: 'status', status: 429 }, { kind: 'status', status: 408 });
    const answer = await env.submit(hiringSubmission());
    expect(answer.status).to.equal(202);
    const id = (answer.body as { applicationId: string }).applicationId;
    const view = await env.waitForApplication(id, (current) => current.subApplications.every((sub) => sub.delivery.state === 'delivered'), 'both filings delivered');
    const recorded = await Promise.all(view.subApplications.map((sub) => attempts(sub.delivery.id)));
    expect(recorded.map((list) => list.map((attempt) => attempt.outcome))).to.deep.equal([['retry', 'delivered'], ['retry', 'delivered']]);
    expect(recorded.map((list) => /HTTP (\d+)/.exec(list[0]!.error ?? '')?.[1]).sort()).to.deep.equal(['408', '429']);
  });

  it('any other 4xx is a dead letter after one attempt', async () => {
    env.gaj.faults.enqueue({ kind: 'status', status: 400 });
    const view = await firstDead((await submitBirth()).id);
    const registration = view.subApplications[0]!;
    expect(registration.status).to.equal('failed');
    expect(registration.delivery).to.deep.include({ state: 'dead', attempts: 1 });
    expect(registration.delivery.lastError).to.match(/400/);
    expect((await attempts(registration.delivery.id)).map((attempt) => [attempt.outcome, attempt.errorCode])).to.deep.equal([['dead', 'UPSTREAM_REJECTED']]);
    expect(view.subApplications.slice(1).map((sub) => sub.status)).to.deep.equal(['waiting', 'waiting']);
  });

  it('a receipt whose signature does not verify is a dead letter; ops replay it (audited) under the same key and the department applies it once', async () => {
    env.gaj.faults.enqueue({ kind: 'bad-signature' });
    const view = await firstDead((await submitBirth()).id);
    const registration = view.subApplications[0]!;
    const key = `tongban-${registration.id}`;
    expect(registration.delivery.lastError).to.match(/signature/);
    expect(registration.acceptanceNumber).to.equal(null); // an unverified receipt is not trusted
    expect((await attempts(registration.delivery.id)).map((attempt) => attempt.errorCode)).to.deep.equal(['UPSTREAM_SIGNATURE']);
    const first = env.gaj.received().filter((entry) => entry.delivery.idempotencyKey === key);
    expect(first).to.have.length(1); // the department did apply it

    const listed = await deliveries('state=dead&department=gaj');
    expect(listed.map((row) => row.id)).to.include(registration.delivery.id);
    expect(listed.every((row) => row.state === 'dead' && row.department === 'gaj')).to.equal(true);

    expectProblem(await env.platform.request('POST', `/v1/ops/deliveries/${registration.delivery.id}/replay`), 403, 'ROLE_NOT_ALLOWED');
    const replay = await env.ops.request('POST', `/v1/ops/deliveries/${registration.delivery.id}/replay`);
    expect(replay.status, JSON.stringify(replay.body)).to.equal(200);
    expect(replay.body).to.deep.include({ id: registration.delivery.id, previousState: 'dead' });
    const after = (await firstDelivered(view.id)).subApplications[0]!;
    expect(after.status).to.equal('delivered');
    expect(after.acceptanceNumber).to.equal(first[0]!.acceptanceNumber); // the department's first 受理号: same key, same case
    const again = env.gaj.received().filter((entry) => entry.delivery.idempotencyKey === key);
    expect(again.map((entry) => entry.duplicate)).to.deep.equal([false, true]);
    expect(env.gaj.effectsByKey().get(key)).to.equal(1);
    const trail = await audit(registration.delivery.id);
    expect(trail.map((row) => [row.client_id, row.action, JSON.parse(row.details)])).to.deep.equal([['ops', 'delivery.replay', { previousState: 'dead' }]]);

    expectProblem(await env.ops.request('POST', `/v1/ops/deliveries/${registration.delivery.id}/replay`), 409, 'CONFLICT');
    expectProblem(await env.ops.request('POST', `/v1/ops/deliveries/${randomUUID()}/replay`), 404, 'NOT_FOUND');
  });

  it('the department\'s signed events still count after Tongban dead-lettered its delivery for a bad receipt', async () => {
    env.gaj.faults.enqueue({ kind: 'bad-signature' });
    const view = await firstDead((await submitBirth('李八号', { gaj: 'complete' })).id);
    expect(view.subApplications[0]!.status).to.equal('failed');
    const sent = (await env.gaj.flushEvents()).filter((attempt) => attempt.event.subApplicationId === view.subApplications[0]!.id);
    expect(sent.map((attempt) => [attempt.event.type, attempt.status])).to.deep.equal([['accepted', 201], ['completed', 201]]);
    const after = await env.waitForApplication(view.id, (current) => current.subApplications.slice(1).every((sub) => sub.status === 'delivered'), 'the released matters');
    expect(after.subApplications[0]).to.deep.include({ status: 'completed', reason: null, acceptanceNumber: sent[0]!.event.acceptanceNumber });
    expect(after.subApplications[0]!.delivery.state).to.equal('dead'); // still listed for ops; a replay would be answered as a duplicate
  });

  it('bulk replay of a department\'s dead letters (SOAP faults of the enterprise theme) delivers them all, audited', async () => {
    env.mzrsj.scriptFault({ faultcode: 'Client', code: 'INVALID_REQUEST', faultstring: '报文校验失败' }, { faultcode: 'Client', code: 'INVALID_REQUEST', faultstring: '报文校验失败' });
    const answer = await env.submit(hiringSubmission());
    expect(answer.status).to.equal(202);
    const id = (answer.body as { applicationId: string }).applicationId;
    await env.waitForApplication(id, (view) => view.subApplications.every((sub) => sub.delivery.state === 'dead'), 'both filings to be dead-lettered');
    const dead = await deliveries('state=dead&department=mzrsj');
    expect(dead.length).to.be.at.least(2);

    expectProblem(await env.ops.request('POST', '/v1/ops/deliveries/replay', { body: { department: 'MZRSJ!' } }), 400, 'VALIDATION_FAILED');
    const replay = await env.ops.request('POST', '/v1/ops/deliveries/replay', { body: { department: 'mzrsj' } });
    expect(replay.status, JSON.stringify(replay.body)).to.equal(200);
    expect(replay.body).to.deep.equal({ department: 'mzrsj', replayed: dead.length });
    const view = await env.waitForApplication(id, (current) => current.subApplications.every((sub) => sub.delivery.state === 'delivered'), 'both filings delivered');
    expect(view.subApplications.every((sub) => /^MZRSJ\d{13}$/.test(sub.acceptanceNumber ?? ''))).to.equal(true);
    expect(await deliveries('state=dead&department=mzrsj')).to.have.length(0);
    const trail = await audit('mzrsj');
    expect(trail.map((row) => [row.client_id, row.action, JSON.parse(row.details)])).to.deep.equal([['ops', 'delivery.replay-department', { count: dead.length }]]);
  });

  it('a released matter replayed after its sibling completed still carries only its own prerequisite\'s results', async () => {
    const child = '李五号';
    const view = await submitBirth(child, { gaj: 'complete', ybj: 'complete', mzrsj: 'silent' });
    await firstDelivered(view.id);
    env.mzrsj.scriptFault({ faultcode: 'Client', code: 'INVALID_REQUEST', faultstring: '报文校验失败' });
    await env.gaj.flushEvents();
    await env.waitForApplication(view.id, (current) => current.subApplications[1]!.status === 'delivered' && current.subApplications[2]!.delivery.state === 'dead',
      '参保 delivered, 社保卡 dead');
    await env.ybj.flushEvents();
    await env.waitForApplication(view.id, (current) => current.subApplications[1]!.status === 'completed', '参保 to complete');

    const card = view.subApplications[2]!;
    expect((await env.ops.request('POST', `/v1/ops/deliveries/${card.delivery.id}/replay`)).status).to.equal(200);
    await env.waitForApplication(view.id, (current) => current.subApplications[2]!.status === 'delivered', '社保卡 to be delivered');
    const pushed = env.mzrsj.received().filter((entry) => entry.delivery.subApplicationId === card.id);
    expect(pushed).to.have.length(1);
    const results = pushed[0]!.delivery.prerequisiteResults ?? [];
    expect(results.length).to.be.greaterThan(0);
    expect(results.every((result) => result.matterCode === BIRTH_REGISTRATION)).to.equal(true);
  });

  describe('inbox acknowledgements', () => {
    it('each refused ack keeps its own code: a malformed body 400, a receipt for another delivery 409, a bad signature 401; none is recorded', async () => {
      const views = [];
      for (const name of ['李八号', '李九号', '李十号']) {
        const view = await submitBirth(name, { gaj: 'complete' });
        await firstDelivered(view.id);
        views.push(view);
      }
      env.ybj.injectReceiptFault('malformed', 'wrong-delivery', 'bad-signature');
      await env.gaj.flushEvents();
      const ids = new Set(views.map((view) => view.subApplications[1]!.delivery.id));
      const refused = await waitFor(() => {
        const acks = env.ybj.acks().filter((ack) => ids.has(ack.deliveryId));
        return acks.length >= 3 ? acks : undefined;
      }, { what: 'three refused acks' });
      expect(refused.map((ack) => `${ack.status} ${ack.code}`).sort()).to.deep.equal(['400 VALIDATION_FAILED', '401 SIGNATURE_INVALID', '409 CONFLICT']);
      for (const view of views) expect((await env.application(view.id)).subApplications[1]!.acceptanceNumber).to.equal(null);
    });

    it('an ack whose receipt does not verify is refused and the delivery stays unacknowledged; a repeated ack gets the recorded 受理号', async () => {
      const view = await submitBirth('李六号', { gaj: 'complete' });
      await firstDelivered(view.id);
      env.ybj.injectReceiptFault('bad-signature');
      await env.gaj.flushEvents();
      const insurance = view.subApplications[1]!;
      const refused = await waitFor(() => env.ybj.acks().find((ack) => ack.deliveryId === insurance.delivery.id), { what: 'the ack' });
      expect(refused.status).to.equal(401);
      const stuck = (await env.application(view.id)).subApplications[1]!;
      expect(stuck.status).to.equal('queued');
      expect(stuck.delivery.state).to.equal('in_flight');
      expect(stuck.acceptanceNumber).to.equal(null);

      // A delivered item acknowledged again (the department lost Tongban's answer): the recorded number, whatever the body says.
      const delivered = await submitBirth('李七号', { gaj: 'complete' });
      await firstDelivered(delivered.id);
      await env.gaj.flushEvents();
      const done = await env.waitForApplication(delivered.id, (current) => current.subApplications[1]!.status === 'delivered', '参保 to be acknowledged');
      const ybj = await env.department('ybj');
      const repeat = await ybj.request('POST', `/v1/departments/ybj/inbox/${done.subApplications[1]!.delivery.id}/ack`, { body: { leaseToken: 'lost', acceptanceNumber: 'YBJ-FORGED' } });
      expect(repeat.status).to.equal(200);
      expect(repeat.body).to.deep.equal({ acceptanceNumber: done.subApplications[1]!.acceptanceNumber, duplicate: true });
      // Nobody acknowledges a delivery of another channel or department.
      expectProblem(await ybj.request('POST', `/v1/departments/ybj/inbox/${done.subApplications[0]!.delivery.id}/ack`, { body: { leaseToken: 'x' } }), 404, 'NOT_FOUND');
      const gaj = await env.department('gaj');
      expect((await gaj.request('POST', `/v1/departments/ybj/inbox/${done.subApplications[1]!.delivery.id}/ack`, { body: { leaseToken: 'x' } })).status).to.equal(403);
      expect((await gaj.request('GET', '/v1/departments/ybj/inbox')).status).to.equal(403);
    });
  });

  describe('deadlines', () => {
    interface Overdue { subApplicationId: string; dueDate: string | null; dueStatus: string }
    const overdue = async (): Promise<Overdue[]> => {
      const answer = await env.ops.request('GET', '/v1/ops/overdue');
      expect(answer.status).to.equal(200);
      return (answer.body as { overdue: Overdue[] }).overdue;
    };
    async function acceptedRegistration(occurredAt: string): Promise<ApplicationView['subApplications'][number]> {
      const view = await firstDelivered((await submitBirth()).id);
      const registration = view.subApplications[0]!;
      const gaj = await env.department('gaj');
      const answer = await gaj.request('POST', '/v1/departments/gaj/events', { body: { eventId: `evt-${randomUUID()}`, subApplicationId: registration.id, type: 'accepted', occurredAt } });
      expect(answer.status, JSON.stringify(answer.body)).to.equal(201);
      return (await env.application(view.id)).subApplications[0]!;
    }

    it('an accepted matter past its due date is listed for ops until it completes', async () => {
      const registration = await acceptedRegistration(new Date().toISOString());
      expect(registration.deadline.dueStatus).to.equal('computed');
      expect(registration.deadline.dueDate! > new Date().toISOString().slice(0, 10)).to.equal(true);
      expect((await overdue()).map((row) => row.subApplicationId)).to.not.include(registration.id);

      await env.gateway.store.query("UPDATE sub_applications SET due_date = '2026-11-02' WHERE id = $1", [registration.id]);
      expect((await overdue()).find((row) => row.subApplicationId === registration.id)).to.deep.include({ dueDate: '2026-11-02', dueStatus: 'computed' });
      expectProblem(await env.platform.request('GET', '/v1/ops/overdue'), 403, 'ROLE_NOT_ALLOWED');

      const gaj = await env.department('gaj');
      const done = await gaj.request('POST', '/v1/departments/gaj/events', { body: { eventId: `evt-${randomUUID()}`, subApplicationId: registration.id, type: 'completed', occurredAt: new Date().toISOString(), results: [] } });
      expect(done.status).to.equal(201);
      expect((await overdue()).map((row) => row.subApplicationId)).to.not.include(registration.id);
    });

    it('a deadline that runs into a year the holiday calendar does not cover is flagged uncovered, never guessed', async () => {
      const uncovered = Math.max(...COVERED_YEARS) + 1; // 2027 with the calendar of today
      const registration = await acceptedRegistration(`${uncovered - 1}-12-30T10:00:00+08:00`);
      expect(registration.deadline).to.deep.include({ dueStatus: 'uncovered', dueDate: null, promisedDays: 8 });
      expect((await overdue()).find((row) => row.subApplicationId === registration.id)).to.deep.include({ dueStatus: 'uncovered', dueDate: null });
    });
  });

  it('ops listings validate their filters', async () => {
    expectProblem(await env.ops.request('GET', '/v1/ops/deliveries?state=lost'), 400, 'VALIDATION_FAILED');
    expectProblem(await env.ops.request('GET', '/v1/ops/deliveries?department=GAJ'), 400, 'VALIDATION_FAILED');
    expectProblem(await env.platform.request('GET', '/v1/ops/deliveries'), 403, 'ROLE_NOT_ALLOWED');
    const delivered = await deliveries('state=delivered&department=gaj');
    expect(delivered.length).to.be.greaterThan(0);
    expect(delivered.every((row) => row.state === 'delivered' && row.department === 'gaj')).to.equal(true);
  });
});
