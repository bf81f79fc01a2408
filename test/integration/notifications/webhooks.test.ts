/**
 * Platform notifications over real sockets, on SQLite and PostgreSQL: a
 * platform registers an endpoint, a birth application moves through its
 * departments, and the platform's receiver gets every event once, signed
 * (verified with Tongban's JWKS), in sequence; an endpoint answering 503
 * gets them later, in order; one that never answers 2xx gets them dead
 * letters that ops replay (same webhook-id); a revoked client gets nothing;
 * bad input is 400 naming the field.
 */
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import type { PlatformEventPayload } from '../../../src/notifications/platform-events.js';
import type { SigningClient, SigningClientResponse } from '../../../src/trust/signing-client.js';
import { birthForm, birthSubmission, idNumber, startDeliveryEnvironment, type DeliveryEnvironment } from '../../helpers/delivery-environment.js';
import { allPassed, storeFixtures } from '../../helpers/stores.js';
import { waitFor } from '../../helpers/wait.js';
import { startWebhookReceiver, type WebhookReceiver } from './webhook-receiver.js';

const WEBHOOK_ENV = {
  TONGBAN_WEBHOOK_BACKOFF_BASE_MS: '20', TONGBAN_WEBHOOK_BACKOFF_CAP_MS: '200', TONGBAN_WEBHOOK_MAX_ATTEMPTS: '5',
  // A send's timeout well above what a loaded machine takes to answer: a timed-out send is retried (at least once), which these tests would see as a repeat.
  TONGBAN_WEBHOOK_TIMEOUT_MS: '15000', TONGBAN_WEBHOOK_POLL_MS: '20',
};

function body<T>(answer: SigningClientResponse, status: number): T {
  expect(answer.status, JSON.stringify(answer.body)).to.equal(status);
  return answer.body as T;
}

/** The events of one application, in the order received. */
const ofApplication = (receiver: WebhookReceiver, applicationId: string) => receiver.events().filter((event) => event.applicationId === applicationId);

/** Every received event of the application verified, once per webhook-id, its sequence 1, 2, 3… in arrival order. */
function expectInSequence(receiver: WebhookReceiver, applicationId: string): PlatformEventPayload[] {
  const events = ofApplication(receiver, applicationId);
  expect(receiver.requests().filter((request) => request.event.applicationId === applicationId).every((request) => request.verified), 'every signature verifies').to.equal(true);
  expect(events.map((event) => event.sequence)).to.deep.equal(events.map((_, index) => index + 1));
  expect(receiver.duplicates()).to.deep.equal([]);
  return events;
}

for (const fixture of storeFixtures()) describe(`platform notifications (${fixture.name})`, function () {
  this.timeout(60_000);
  let env: DeliveryEnvironment;
  let receiver: WebhookReceiver;
  const child = (name: string) => birthSubmission(birthForm({ child: { name } }));

  before(async function () {
    this.timeout(60_000);
    env = await startDeliveryEnvironment(fixture, { env: WEBHOOK_ENV });
    receiver = await startWebhookReceiver(`${env.gateway.url}/.well-known/jwks.json`);
  });
  after(async function () {
    await env?.close();
    await receiver?.close();
    await fixture.cleanup(allPassed(this.test!.parent!));
  });

  async function addEndpoint(client: SigningClient, url: string, extra: Record<string, unknown> = {}): Promise<{ id: string }> {
    return body(await client.request('POST', '/v1/webhooks', { body: { url, ...extra } }), 201);
  }

  async function submit(name: string, as?: SigningClient): Promise<string> {
    const answer = await env.submit(child(name), undefined, as);
    return body<{ applicationId: string }>(answer, 202).applicationId;
  }

  it('refuses bad endpoints with 400 naming the field: not http(s), the gateway itself, an unknown event type', async () => {
    const refused = async (request: Record<string, unknown>, pointer: string) => {
      const problem = body<{ code: string; errors: { pointer: string }[] }>(await env.platform.request('POST', '/v1/webhooks', { body: request }), 400);
      expect(problem.code).to.equal('VALIDATION_FAILED');
      expect(problem.errors.map((error) => error.pointer)).to.deep.equal([pointer]);
    };
    const own = new URL(env.gateway.url);
    await refused({ url: 'ftp://platform.test/events' }, '/url');
    await refused({ url: 'not a url' }, '/url');
    await refused({}, '/url');
    await refused({ url: `${env.gateway.url}/v1/applications` }, '/url');
    await refused({ url: `http://localhost:${own.port}/hook` }, '/url');
    await refused({ url: receiver.url, eventTypes: ['application.received', 'application.exploded'] }, '/eventTypes/1');
    await refused({ url: receiver.url, eventTypes: [] }, '/eventTypes');
    await refused({ url: receiver.url, secret: 'x' }, '/secret');
    expect(body<{ code: string }>(await env.platform.request('GET', '/v1/webhooks/nope'), 400).code).to.equal('VALIDATION_FAILED');
  });

  it('registers an endpoint, lists it to its own client only, and pings it signed (webhook.test)', async () => {
    const endpoint = await addEndpoint(env.platform, receiver.url, { description: '粤省事 办件通知' });
    expect(endpoint).to.deep.include({ url: receiver.url, eventTypes: null, status: 'active', description: '粤省事 办件通知' });
    const listed = body<{ endpoints: { id: string }[] }>(await env.platform.request('GET', '/v1/webhooks'), 200).endpoints;
    expect(listed.map((item) => item.id)).to.include(endpoint.id);
    expect(body<{ code: string }>(await env.otherPlatform.request('GET', `/v1/webhooks/${endpoint.id}`), 404).code).to.equal('NOT_FOUND');
    expect(body<{ endpoints: unknown[] }>(await env.otherPlatform.request('GET', '/v1/webhooks'), 200).endpoints).to.deep.equal([]);
    const { messageId } = body<{ messageId: string }>(await env.platform.request('POST', `/v1/webhooks/${endpoint.id}/test`), 202);
    const ping = await waitFor(() => receiver.requests().find((request) => request.id === messageId), { what: 'the ping' });
    expect(ping.verified).to.equal(true);
    expect(ping.keyId).to.equal(env.gateway.keyring.signingKey().kid);
    expect(ping.event).to.deep.include({ id: messageId, type: 'webhook.test', data: { endpointId: endpoint.id } });
    expect(Math.abs(Number(ping.timestamp) - Date.now() / 1000)).to.be.below(60);
  });

  it('tells the platform every change of one application once, signed and in sequence', async () => {
    const childId = idNumber('2026-11-20', '男');
    env.outcomes.gaj = (delivery) => (delivery.form['xsexm'] === '通知一号' ? { kind: 'complete', results: [{ name: '公民身份号码', value: childId }] } : undefined);
    const applicationId = await submit('通知一号');
    await env.waitForApplication(applicationId, (view) => view.subApplications[0]!.status === 'delivered', '公安 to acknowledge');
    await env.gaj.flushEvents();
    await env.waitForApplication(applicationId, (view) => view.subApplications.slice(1).every((sub) => sub.status === 'delivered'), 'the others delivered');
    await env.ybj.flushEvents();
    await env.mzrsj.flushEvents();
    const view = await env.waitForApplication(applicationId, (current) => current.status === 'completed', 'the application to complete');
    // The application received, then per sub-application: its receipt, accepted, completed, results ready — and for
    // a matter whose result is issued into the licence library (docs/licence-issuance.md: 出生登记, 社会保障卡申领), the
    // issuance's outcome — here 社会保障卡申领's default results name no card: a MAPPING failure, told all the same.
    const issues = (sub: { matterCode: string }) => env.gateway.mappings.matters.get(sub.matterCode)?.issues !== undefined;
    const expected = 1 + view.subApplications.length * 4 + view.subApplications.filter(issues).length;
    const events = await waitFor(() => (ofApplication(receiver, applicationId).length >= expected ? ofApplication(receiver, applicationId) : undefined), { what: `${expected} events`, timeoutMs: 15_000 });
    expectInSequence(receiver, applicationId);
    expect(events[0]).to.deep.include({ type: 'application.received', sequence: 1 });
    expect(events[0]!.data).to.deep.equal({
      themeCode: 'MX-T05', status: 'received',
      subApplications: view.subApplications.map((sub) => ({ id: sub.id, matterCode: sub.matterCode, matterName: sub.matterName, department: sub.departmentCode, status: sub.after.length > 0 ? 'waiting' : 'queued' })),
    });
    for (const sub of view.subApplications) {
      const types = events.filter((event) => event.subApplicationId === sub.id).map((event) => event.type);
      expect(types, sub.matterName).to.deep.equal(['sub_application.received', 'sub_application.accepted', 'sub_application.completed', 'sub_application.results_ready',
        ...(issues(sub) ? ['licence.issued'] : [])]);
    }
    const completed = events.find((event) => event.type === 'sub_application.completed' && event.subApplicationId === view.subApplications[0]!.id)!;
    expect(completed.data).to.deep.include({ matterCode: view.subApplications[0]!.matterCode, department: 'gaj', status: 'completed', acceptanceNumber: view.subApplications[0]!.acceptanceNumber });
    const ready = events.find((event) => event.type === 'sub_application.results_ready' && event.subApplicationId === view.subApplications[0]!.id)!;
    expect(ready.data['results']).to.deep.equal([{ name: '公民身份号码', value: childId }]);
    expect(new Date(completed.timestamp).toISOString()).to.equal(completed.timestamp);
    // The application view tells how far the platform was told.
    const told = await waitFor(async () => {
      const current = (await env.platform.request('GET', `/v1/applications/${applicationId}`)).body as { notifications: { lastSequence: number; deliveries: Record<string, number> } };
      return current.notifications.deliveries['delivered'] === expected ? current.notifications : undefined;
    }, { what: 'every delivery recorded delivered' });
    expect(told).to.deep.equal({ lastSequence: expected, deliveries: { pending: 0, delivered: expected, dead: 0 } });
  });

  it('an endpoint answering 503 gets the events later, in order, each webhook-id accepted once', async () => {
    receiver.answer(503, 3);
    env.outcomes.gaj = (delivery) => (delivery.form['xsexm'] === '通知二号' ? 'accept-only' : undefined);
    const applicationId = await submit('通知二号');
    await env.waitForApplication(applicationId, (view) => view.subApplications[0]!.status === 'delivered', '公安 to acknowledge');
    await env.gaj.flushEvents();
    const events = await waitFor(() => (ofApplication(receiver, applicationId).length >= 3 ? ofApplication(receiver, applicationId) : undefined), { what: 'the three events' });
    expect(events.map((event) => event.type)).to.deep.equal(['application.received', 'sub_application.received', 'sub_application.accepted']);
    expectInSequence(receiver, applicationId);
    const refused = receiver.requests().filter((request) => request.status === 503);
    expect(refused).to.have.length(3);
    expect(refused.every((request) => request.id === events[0]!.id), 'the first event was retried, the next ones waited for it').to.equal(true);
    // The endpoint's deliveries show the attempts.
    const endpoint = body<{ endpoints: { id: string; url: string }[] }>(await env.platform.request('GET', '/v1/webhooks'), 200).endpoints.find((item) => item.url === receiver.url)!;
    const deliveries = body<{ deliveries: { messageId: string; state: string; attempts: number; lastStatus: number }[] }>(await env.platform.request('GET', `/v1/webhooks/${endpoint.id}/messages?limit=50`), 200).deliveries;
    expect(deliveries.find((delivery) => delivery.messageId === events[0]!.id)).to.deep.include({ state: 'delivered', attempts: 4, lastStatus: 200 });
  });

  it('an accepted sub-application past its due date is told overdue once, in the application\'s sequence', async () => {
    env.outcomes.gaj = (delivery) => (delivery.form['xsexm'] === '通知五号' ? 'accept-only' : undefined);
    const applicationId = await submit('通知五号');
    await env.waitForApplication(applicationId, (view) => view.subApplications[0]!.status === 'delivered', '公安 to acknowledge');
    await env.gaj.flushEvents();
    const view = await env.waitForApplication(applicationId, (current) => current.subApplications[0]!.status === 'accepted', '公安 to accept');
    const registration = view.subApplications[0]!;
    await env.gateway.store.query("UPDATE sub_applications SET due_date = '2020-01-02', due_status = 'computed' WHERE id = $1", [registration.id]);
    expect(await env.gateway.overdueEvents.check()).to.be.at.least(1);
    expect(await env.gateway.overdueEvents.check()).to.equal(0);
    const events = await waitFor(() => (ofApplication(receiver, applicationId).length >= 4 ? ofApplication(receiver, applicationId) : undefined), { what: 'the overdue event' });
    expect(events.map((event) => event.type)).to.deep.equal(['application.received', 'sub_application.received', 'sub_application.accepted', 'sub_application.overdue']);
    expect(events[3]!.data).to.deep.include({ dueDate: '2020-01-02', status: 'accepted', matterCode: registration.matterCode });
    expectInSequence(receiver, applicationId);
  });

  it('dead after the last attempt, listed for ops, replayed (audited) with the same webhook-id', async () => {
    const failing = await startWebhookReceiver(`${env.gateway.url}/.well-known/jwks.json`);
    try {
      failing.answer(500);
      const endpoint = await addEndpoint(env.platform, failing.url, { eventTypes: ['sub_application.received'] });
      const applicationId = await submit('通知三号');
      const dead = await waitFor(async () => {
        const page = body<{ deliveries: { id: string; messageId: string; endpointId: string; attempts: number; applicationId: string }[] }>(await env.ops.request('GET', '/v1/ops/webhooks/deliveries?state=dead'), 200);
        return page.deliveries.find((delivery) => delivery.endpointId === endpoint.id && delivery.applicationId === applicationId);
      }, { what: 'a dead webhook delivery' });
      expect(dead.attempts).to.equal(5);
      expect(failing.requests().filter((request) => request.id === dead.messageId)).to.have.length(5);
      const metrics = await (await fetch(`${env.gateway.url}/metrics`)).text();
      expect(metrics).to.match(/^tongban_webhook_deliveries\{client="platform",state="dead"\} [1-9]\d*$/m);
      failing.answer(200);
      const replayed = body<{ id: string; messageId: string; previousState: string }>(await env.ops.request('POST', `/v1/ops/webhooks/deliveries/${dead.id}/replay`), 200);
      expect(replayed).to.deep.equal({ id: dead.id, messageId: dead.messageId, previousState: 'dead' });
      await waitFor(() => failing.events().find((event) => event.id === dead.messageId), { what: 'the replayed event' });
      const audit = (await env.gateway.store.query<{ client_id: string; action: string }>('SELECT client_id, action FROM ops_audit WHERE target = $1', [dead.id])).rows;
      expect(audit).to.deep.equal([{ client_id: 'ops', action: 'webhook.replay' }]);
      expect(body<{ code: string }>(await env.ops.request('POST', `/v1/ops/webhooks/deliveries/${dead.id}/replay`), 409).code).to.equal('CONFLICT');
      expect(body<{ status: string }>(await env.platform.request('DELETE', `/v1/webhooks/${endpoint.id}`), 200).status).to.equal('disabled');
    } finally {
      await failing.close();
    }
  });

  it('sends nothing to a client that was revoked: its deliveries are dead, naming why', async () => {
    const other = await startWebhookReceiver(`${env.gateway.url}/.well-known/jwks.json`);
    try {
      const endpoint = await addEndpoint(env.otherPlatform, other.url, { eventTypes: ['sub_application.accepted'] });
      env.outcomes.gaj = (delivery) => (delivery.form['xsexm'] === '通知四号' ? 'accept-only' : undefined);
      const applicationId = await submit('通知四号', env.otherPlatform);
      await waitFor(async () => (await env.gateway.store.query("SELECT 1 FROM sub_applications WHERE application_id = $1 AND status = 'delivered'", [applicationId])).rows.length > 0, { what: '公安 to acknowledge' });
      await env.gateway.clients.revoke('platform-b');
      await env.gaj.flushEvents();
      const deliveries = await waitFor(async () => {
        const { rows } = await env.gateway.store.query<{ state: string; last_error: string }>('SELECT state, last_error FROM webhook_deliveries WHERE endpoint_id = $1', [endpoint.id]);
        return rows.length > 0 && rows.every((row) => row.state === 'dead') ? rows : undefined;
      }, { what: 'the revoked client\'s deliveries dead' });
      expect(deliveries[0]!.last_error).to.match(/platform-b is revoked/);
      expect(other.requests()).to.deep.equal([]);
    } finally {
      await other.close();
    }
  });
});
