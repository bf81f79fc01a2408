/**
 * Alerts to an ops webhook, received over a real socket by a receiver that
 * verifies Tongban's signature: the queue never blocks the caller, outages
 * are retried with backoff under the same alert id, refusals are not, and a
 * running gateway alerts on dead letters, open circuits, failed syncs and
 * overdue sub-applications (each overdue one once).
 */
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { createLogger } from '../../../src/log/index.js';
import { Alerts } from '../../../src/ops/alerts.js';
import { generateKeyPair, type GeneratedKeyPair } from '../../../src/trust/algorithms.js';
import { birthForm, birthSubmission, startDeliveryEnvironment, type DeliveryEnvironment } from '../../helpers/delivery-environment.js';
import { LogCapture } from '../../helpers/gateway.js';
import { allPassed, storeFixtures } from '../../helpers/stores.js';
import { waitFor } from '../../helpers/wait.js';
import { startAlertReceiver, type AlertReceiver } from './alert-receiver.js';

describe('alerts: queue, signature, retries', () => {
  let keys: GeneratedKeyPair;
  let receiver: AlertReceiver;
  let alerts: Alerts | undefined;
  const logs = new LogCapture();
  const make = (options: Partial<ConstructorParameters<typeof Alerts>[0]> = {}) => (alerts = new Alerts({
    url: receiver.url, signingKey: () => keys.privateJwk, logger: createLogger({ level: 'debug', stream: logs }), minBackoffMs: 20, maxBackoffMs: 100, ...options,
  }));

  before(async () => {
    keys = await generateKeyPair('EdDSA');
    receiver = await startAlertReceiver(() => [keys.publicJwk]);
  });
  afterEach(async () => {
    await alerts?.close(0);
    receiver.requests.length = 0;
  });
  after(() => receiver.close());

  it('sends {id, type, at, …details} signed by Tongban for audience "alerts" (receiver verifies with the public key)', async () => {
    const sent = make().send('circuit.open', { department: 'gaj' });
    await alerts!.idle();
    expect(receiver.requests).to.have.length(1);
    expect(receiver.requests[0]!.error).to.equal(undefined);
    expect(receiver.accepted()).to.deep.equal([{ department: 'gaj', id: sent.id, type: 'circuit.open', at: sent.at }]);
    expect(Date.parse(sent.at)).to.be.closeTo(Date.now(), 5000);
  });

  it('never blocks the caller: send returns before the webhook has answered', async () => {
    const release = receiver.hold();
    const started = Date.now();
    make().send('sync.failed', { runId: 1 });
    alerts!.send('sync.failed', { runId: 2 });
    expect(Date.now() - started).to.be.lessThan(50);
    expect(receiver.accepted()).to.have.length(0);
    release();
    await alerts!.idle();
    expect(receiver.accepted().map((alert) => alert.runId)).to.deep.equal([1, 2]);
  });

  it('retries an unavailable webhook with backoff, same alert id, a fresh signature each time', async () => {
    receiver.script(503, 503);
    const sent = make().send('delivery.dead', { deliveryId: 'd-1' });
    await alerts!.idle();
    expect(receiver.requests.map((request) => request.status)).to.deep.equal([503, 503, 200]);
    expect(receiver.requests.every((request) => request.alert?.id === sent.id)).to.equal(true);
    expect(new Set(receiver.requests.map((request) => request.jti)).size).to.equal(3);
    expect(alerts!.counts).to.deep.include({ sent: 1, failed: 0 });
  });

  it('gives up at once when the webhook refuses the alert (4xx), and after the retries when it stays down', async () => {
    receiver.script(400);
    make({ retries: 2 }).send('delivery.dead', { deliveryId: 'd-2' });
    await alerts!.idle();
    expect(receiver.requests).to.have.length(1);
    receiver.script(503, 503, 503);
    alerts!.send('delivery.dead', { deliveryId: 'd-3' });
    await alerts!.idle();
    expect(receiver.requests).to.have.length(4);
    expect(alerts!.counts).to.deep.include({ sent: 0, failed: 2 });
    expect(logs.text()).to.contain('alert given up');
  });

  it('a receiver that checks signatures refuses an alert signed by another key', async () => {
    const stranger = await generateKeyPair('EdDSA');
    make({ signingKey: () => ({ ...stranger.privateJwk, kid: keys.privateJwk.kid }), retries: 0 }).send('circuit.open', { department: 'ybj' });
    await alerts!.idle();
    expect(receiver.requests[0]).to.deep.include({ verified: false, status: 401 });
    expect(receiver.requests[0]!.error).to.match(/signature/i);
  });

  it('alerts a circuit once while it flaps between open and half-open, and again after it closed', async () => {
    make();
    for (const state of ['open', 'halfOpen', 'open', 'halfOpen', 'open', 'close', 'open'] as const) alerts!.onBreaker('gaj', state);
    alerts!.onBreaker('ybj', 'halfOpen');
    await alerts!.idle();
    expect(receiver.accepted().map((alert) => `${alert.type}:${String(alert.department)}`)).to.deep.equal(['circuit.open:gaj', 'circuit.open:gaj']);
  });

  it('keeps at most maxQueued alerts waiting, dropping the oldest', async () => {
    const release = receiver.hold();
    make({ maxQueued: 2 });
    for (let index = 1; index <= 5; index += 1) alerts!.send('sync.failed', { runId: index });
    release();
    await alerts!.idle();
    // The first was already in flight; of the four queued behind it, the two newest remain.
    expect(receiver.accepted().map((alert) => alert.runId)).to.deep.equal([1, 4, 5]);
    expect(alerts!.counts.dropped).to.equal(2);
  });
});

describe('alerts from a running gateway (sqlite)', function () {
  this.timeout(60_000);
  const fixture = storeFixtures()[0]!;
  let env: DeliveryEnvironment;
  let receiver: AlertReceiver;

  before(async function () {
    this.timeout(60_000);
    let tongbanKeys: () => ReturnType<DeliveryEnvironment['gateway']['keyring']['publicKeys']> = () => [];
    receiver = await startAlertReceiver(() => tongbanKeys());
    env = await startDeliveryEnvironment(fixture, { env: { TONGBAN_ALERT_WEBHOOK_URL: receiver.url, TONGBAN_ALERT_OVERDUE_CHECK_MS: '3600000' } });
    tongbanKeys = () => env.gateway.keyring.publicKeys();
    env.outcomes.gaj = () => 'silent';
    env.outcomes.mzrsj = () => 'silent';
    env.outcomes.ybj = () => 'silent';
  });
  after(async function () {
    await env?.close();
    await receiver?.close();
    await fixture.cleanup(allPassed(this.test!.parent!));
  });
  afterEach(() => env.gaj.faults.reset());

  const alertsOf = (type: string) => receiver.accepted().filter((alert) => alert.type === type);

  async function submit(): Promise<string> {
    const answer = await env.submit(birthSubmission(birthForm({ child: { name: `告警${randomUUID().slice(0, 4)}` } })));
    expect(answer.status, JSON.stringify(answer.body)).to.equal(202);
    return (answer.body as { applicationId: string }).applicationId;
  }

  it('a dead letter: delivery.dead with the delivery, department and error, signed with the gateway\'s key', async () => {
    env.gaj.faults.enqueue({ kind: 'status', status: 422 });
    const applicationId = await submit();
    const view = await env.waitForApplication(applicationId, (candidate) => candidate.subApplications[0]!.delivery.state === 'dead', 'a dead letter');
    const alert = await waitFor(() => alertsOf('delivery.dead').find((candidate) => candidate.deliveryId === view.subApplications[0]!.delivery.id), { what: 'the delivery.dead alert' });
    expect(alert).to.include({ department: 'gaj', channel: 'rest', attempt: 1, subApplicationId: view.subApplications[0]!.id });
    expect(String(alert.error)).to.contain('422');
    expect(receiver.requests.every((request) => request.verified)).to.equal(true);
  });

  it('a failed catalogue sync: sync.failed with the run', async () => {
    env.matters.faults.goDown();
    try {
      const run = await env.gateway.catalogSyncer!.runNow('incremental', 'test');
      expect(run.status).to.equal('failed');
      const alert = await waitFor(() => alertsOf('sync.failed').find((candidate) => candidate.runId === run.id), { what: 'the sync.failed alert' });
      expect(alert).to.include({ kind: run.kind, trigger: 'test', errorCode: run.errorCode });
    } finally {
      env.matters.faults.comeBack();
    }
  });

  it('an overdue sub-application: alerted once, however often the check runs', async () => {
    const applicationId = await submit();
    const view = await env.application(applicationId);
    const subApplicationId = view.subApplications[1]!.id;
    await env.gateway.store.query("UPDATE sub_applications SET status = 'accepted', accepted_at = $2, due_date = '2020-01-02', due_status = 'computed' WHERE id = $1", [subApplicationId, Date.now()]);
    expect(await env.gateway.alerts!.checkOverdue()).to.be.greaterThan(0);
    expect(await env.gateway.alerts!.checkOverdue()).to.equal(0);
    const alert = await waitFor(() => alertsOf('subApplication.overdue').find((candidate) => candidate.subApplicationId === subApplicationId), { what: 'the overdue alert' });
    expect(alert).to.include({ applicationId, dueDate: '2020-01-02', dueStatus: 'computed' });
    await env.gateway.alerts!.idle();
    expect(alertsOf('subApplication.overdue').filter((candidate) => candidate.subApplicationId === subApplicationId)).to.have.length(1);
  });

  it('a department that keeps failing: circuit.open for it', async () => {
    env.gaj.faults.set({ errorRate: 1, statusCodes: [503] });
    for (let index = 0; index < 3; index += 1) await submit();
    const alert = await waitFor(() => alertsOf('circuit.open').find((candidate) => candidate.department === 'gaj'), { what: 'the circuit.open alert', timeoutMs: 20_000 });
    expect(alert.type).to.equal('circuit.open');
    expect(env.gateway.dispatcher.breakerStates()['gaj']).to.equal('open');
  });
});
