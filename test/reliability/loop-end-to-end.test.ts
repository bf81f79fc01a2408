/**
 * Closing the loop (#19), end to end: one 结婚生育一件事 (two REST
 * departments) from submission to its results posted (邮政寄递) and delivered
 * as the logistics simulator pushes it, then a 差评 of the whole 一件事
 * rectified and closed by ops — while the platform's webhook receiver verifies
 * every signature with the JWKS. In the middle the gateway process is killed
 * with SIGKILL (a webhook in flight) and another starts on the same database,
 * and the receiver answers 503 for a minute of wall time. Every event the
 * docs promise for this story arrives; each webhook-id is processed once
 * (a resend carries the same id), and the sequence numbers arrive 1..N, none
 * before its predecessor was acknowledged. On SQLite and PostgreSQL.
 */
import { expect } from 'chai';
import { DEFAULT_LOGISTICS_CREDENTIALS, startLogisticsSimulator, type LogisticsSimulator } from '../../adapters/logistics/simulator/index.js';
import { DEV_EVALUATION_APP, startEvaluationSimulator, type EvaluationSimulator } from '../../adapters/evaluation/simulator/index.js';
import { DEV_SEAL_APP, startSealPlatformSimulator, type SealPlatformSimulator } from '../../adapters/seal-platform/simulator/index.js';
import type { Store } from '../../src/store/index.js';
import { createSigningClient, jwks, type SigningClient, type SigningClientResponse } from '../../src/trust/signing-client.js';
import { devKey } from '../helpers/dev-keys.js';
import { TestSessions } from '../helpers/identity.js';
import { allPassed, storeFixtures } from '../helpers/stores.js';
import { waitFor } from '../helpers/wait.js';
import { startWebhookReceiver, type ReceivedWebhook, type WebhookReceiver } from '../integration/notifications/webhook-receiver.js';
import { baseEnv, startGatewayProcess, type GatewayProcess } from './gateway-process.js';
import { endpointsOf, sqliteReliabilityWorld, submission, uploadMaterials } from './workload.js';

/** How long the platform's endpoint is down: a real minute. */
const OUTAGE_MS = 60_000;
const ADDRESS = { recipient: '丘秀梅', mobile: '15973211000', province: '广东省', city: '梅州市', county: '梅江区', detail: '江南西路18号2栋302', postcode: '514000' };
const FOLLOW_UP_STEPS = [['assigned', '派单至卫健局生育登记窗口'], ['rectified', '已压缩生育登记审核时限'], ['revisited', '电话回访申请人，表示认可'], ['closed', '整改完毕']] as const;

interface TraceView { sequence: number; code: string; signer?: string }
interface ApplicationView {
  status: string;
  subApplications: { id: string; status: string; results: unknown[] | null }[];
  resultDelivery: { method: string; status: string; waybillNo: string | null; trace: TraceView[] };
  evaluations: { id: string; scope: string; level: number; push: { state: string }; followUp: { id: string; state: string; closedAt: string | null } | null }[];
  notifications: { lastSequence: number; deliveries: Record<string, number> };
}
interface EndpointDelivery { messageId: string; type: string; applicationId: string; sequence: number; state: string; attempts: number }

function body<T>(answer: SigningClientResponse, status: number): T {
  expect(answer.status, JSON.stringify(answer.body)).to.equal(status);
  return answer.body as T;
}

/**
 * Requests in arrival order break the order rule when one carries a sequence
 * whose predecessors were not all acknowledged (2xx) by an earlier request:
 * answers the offending requests (empty when in order).
 */
function outOfTurn(requests: readonly ReceivedWebhook[]): string[] {
  const acknowledged = new Set<number>();
  const faults: string[] = [];
  for (const request of requests) {
    const sequence = request.event.sequence ?? 0;
    for (let earlier = 1; earlier < sequence; earlier += 1) {
      if (!acknowledged.has(earlier)) {
        faults.push(`sequence ${sequence} (${request.id}) arrived before ${earlier} was acknowledged`);
        break;
      }
    }
    if (request.status >= 200 && request.status < 300) acknowledged.add(sequence);
  }
  return faults;
}

for (const fixture of storeFixtures()) describe(`closing the loop end to end: post, 差评, webhooks across kill -9 and a minute down (${fixture.name})`, function () {
  this.timeout(150_000);
  const world = sqliteReliabilityWorld();
  let receiver: WebhookReceiver | undefined;
  let logistics: LogisticsSimulator | undefined;
  let province: EvaluationSimulator | undefined;
  let seals: SealPlatformSimulator | undefined;
  let outageEnd: NodeJS.Timeout | undefined;
  let db: Store | undefined;
  after(async function () {
    clearTimeout(outageEnd);
    await receiver?.close();
    await logistics?.close();
    await province?.close();
    await seals?.close();
    await db?.close();
    await fixture.cleanup(allPassed(this.test!.parent!));
  });

  it('follows one application to a delivered waybill and a closed 差评, every webhook once, verified, in order', async () => {
    await (await fixture.open()).close();
    db = fixture.openAnother();
    logistics = await startLogisticsSimulator({ pushRetryDelaysMs: [100, 500, 1000] });
    province = await startEvaluationSimulator();
    seals = await startSealPlatformSimulator();
    const env = await baseEnv(world.matters, {
      ...fixture.gatewayEnv(), TONGBAN_DEPARTMENT_ENDPOINTS: endpointsOf(world.departments),
      TONGBAN_SEAL_PLATFORM_URL: seals.url, TONGBAN_SEAL_PLATFORM_APP_ID: DEV_SEAL_APP.appId, TONGBAN_SEAL_PLATFORM_APP_SECRET: DEV_SEAL_APP.appSecret,
      TONGBAN_LOGISTICS_URL: logistics.url, TONGBAN_LOGISTICS_APP_KEY: DEFAULT_LOGISTICS_CREDENTIALS.appKey, TONGBAN_LOGISTICS_APP_SECRET: DEFAULT_LOGISTICS_CREDENTIALS.appSecret,
      TONGBAN_LOGISTICS_TIMEOUT_MS: '2000', TONGBAN_LOGISTICS_TRACK_INTERVAL_MS: '600000', // the pushes, not the pull fallback, must move the waybill
      TONGBAN_EVALUATION_URL: province.url, TONGBAN_EVALUATION_APP_ID: DEV_EVALUATION_APP.appId, TONGBAN_EVALUATION_APP_SECRET: DEV_EVALUATION_APP.appSecret,
      // Short backoff, many attempts: retries keep coming through the minute the endpoint is down.
      TONGBAN_WEBHOOK_TIMEOUT_MS: '1000', TONGBAN_WEBHOOK_BACKOFF_BASE_MS: '100', TONGBAN_WEBHOOK_BACKOFF_CAP_MS: '1000',
      TONGBAN_WEBHOOK_MAX_ATTEMPTS: '1000', TONGBAN_WEBHOOK_POLL_MS: '20', TONGBAN_WEBHOOK_CONCURRENCY: '4',
    });
    let current: GatewayProcess | undefined;
    // A platform that answers after 100 ms: each send is in flight a while, so the kill can catch one.
    receiver = await startWebhookReceiver(() => `${current!.url}/.well-known/jwks.json`, '/tongban/events', { delayMs: 100 });
    const first = await startGatewayProcess(env);
    current = first;
    logistics.setCallbackUrl(DEFAULT_LOGISTICS_CREDENTIALS.appKey, `${first.url}/v1/logistics/pushes`);

    // 1. The platform registers its endpoint; the applicant logs in and submits, results by post.
    const endpoint = body<{ id: string }>(await first.platform.request('POST', '/v1/webhooks', { body: { url: receiver.url, description: '申办平台事件接收' } }), 201);
    const materials = await uploadMaterials(first.platform);
    const application: Record<string, unknown> = { ...submission(0, materials), resultDelivery: { method: 'post', address: ADDRESS } };
    const applicant = (application['form'] as { wife: { idNumber: string; name: string } }).wife;
    const idToken = await new TestSessions(first.url).forForm(first.platform, application['form']);
    const { applicationId } = body<{ applicationId: string }>(
      await first.platform.request('POST', '/v1/applications', { body: application, headers: { 'idempotency-key': 'loop-end-to-end' }, idToken }), 202);
    const received = (type: string) => receiver!.events().filter((event) => event.applicationId === applicationId && event.type === type);

    // 2. Both departments' receipts reach the platform; then they accept and complete with results (sealed documents).
    await waitFor(() => received('sub_application.received').length === 2, { what: 'both receipts at the platform', timeoutMs: 30_000 });
    for (const department of world.departments.values()) {
      const sent = await department.flushEvents();
      expect(sent.map((attempt) => [attempt.event.type, attempt.status])).to.deep.equal([['accepted', 201], ['completed', 201]]);
    }

    // 3. SIGKILL while a webhook is in flight; another gateway takes over the same database.
    const inFlight = async () => (await db!.query<{ message_id: string }>("SELECT message_id FROM webhook_deliveries WHERE state = 'in_flight'")).rows.map((row) => row.message_id);
    await waitFor(async () => receiver!.events().length > 3 && (await inFlight()).length > 0, { what: 'a webhook in flight after the receipts', timeoutMs: 30_000, intervalMs: 5 });
    await first.kill();
    const leasedAtDeath = new Set(await inFlight());
    expect(leasedAtDeath.size, 'webhooks in flight when the gateway died').to.be.greaterThan(0);
    const acknowledgedAtDeath = receiver.events().length;

    // 4. The platform's endpoint goes down for a minute, from now.
    const outageStart = Date.now();
    receiver.answer(503);
    outageEnd = setTimeout(() => receiver!.answer(200), OUTAGE_MS);
    const second = await startGatewayProcess(env);
    current = second;
    logistics.setCallbackUrl(DEFAULT_LOGISTICS_CREDENTIALS.appKey, `${second.url}/v1/logistics/pushes`);
    const view = async () => body<ApplicationView>(await second.platform.request('GET', `/v1/applications/${applicationId}`), 200);
    const waitView = (check: (current: ApplicationView) => boolean, what: string) =>
      waitFor(async () => {
        const current = await view();
        return check(current) ? current : undefined;
      }, { what, timeoutMs: 30_000, intervalMs: 50 });

    // 5. Results ready: the waybill is made; the carrier walks it to 妥投 and pushes each step to the gateway.
    const posted = await waitView((current) => current.resultDelivery.waybillNo !== null, 'the waybill');
    expect(posted.status).to.equal('completed');
    expect(posted.subApplications.map((sub) => sub.status)).to.deep.equal(['completed', 'completed']);
    const waybillNo = posted.resultDelivery.waybillNo!;
    expect(logistics.waybill(waybillNo)).to.deep.include({ businessType: 'RESULT', orderNo: `${applicationId}-R` });
    logistics.advance(waybillNo, 'DELIVERED');
    const delivered = await waitView((current) => current.resultDelivery.status === 'delivered', 'the waybill delivered');
    expect(delivered.resultDelivery.trace.map((trace) => trace.code)).to.deep.equal(['accepted', 'in-transit', 'arrived', 'out-for-delivery', 'delivered']);
    await logistics.pushesSettled();
    expect(logistics.pushes().filter((push) => push.waybillNo === waybillNo).map((push) => push.outcome)).to.deep.equal(Array(5).fill('delivered'));
    const sources = await db.query<{ source: string }>('SELECT DISTINCT t.source FROM posting_traces t JOIN postings p ON p.id = t.posting_id WHERE p.application_id = $1', [applicationId]);
    expect(sources.rows.map((row) => row.source), 'traces came from the carrier\'s pushes').to.deep.equal(['push']);

    // 6. The applicant (logged in again at the new gateway) rates the whole 一件事 非常不满意; ops follow it up to closed.
    const evaluationToken = await new TestSessions(second.url).forForm(second.platform, application['form']);
    const rated = body<{ id: string; followUp: { id: string; state: string } | null }>(await second.platform.request('POST', `/v1/applications/${applicationId}/evaluations`, {
      idToken: evaluationToken, body: { scope: 'theme', level: 1, indicators: ['time-limit', 'result'], comment: '结果寄递太慢，等了很久', channel: 'mobile' },
    }), 201);
    expect(rated.followUp).to.deep.include({ state: 'open' });
    const ops = createSigningClient({ baseUrl: second.url, clientId: 'ops', key: await devKey('ops'), tongbanKeys: () => jwks(second.url) });
    for (const [to, note] of FOLLOW_UP_STEPS) {
      const step = await ops.request('POST', `/v1/ops/evaluations/follow-ups/${rated.followUp!.id}/transitions`, { body: { to, note, ...(to === 'assigned' ? { assignee: '卫健局生育登记科 陈科长' } : {}) } });
      expect(body<{ state: string }>(step, 200).state).to.equal(to);
    }

    // 7. While down, the platform acknowledged nothing more, yet Tongban kept trying through the minute.
    expect(Date.now() - outageStart, 'the story ran within the outage').to.be.below(OUTAGE_MS);
    expect(receiver.events().length, 'nothing acknowledged while the endpoint is down').to.equal(acknowledgedAtDeath);
    await waitFor(() => receiver!.events().length > acknowledgedAtDeath, { what: 'the endpoint back after its minute, and a delivery', timeoutMs: OUTAGE_MS + 10_000, intervalMs: 100 });
    const refused = receiver.requests().filter((request) => request.status === 503);
    expect(refused.length, 'attempts answered 503').to.be.greaterThan(30);
    // webhook-timestamp: the attempt's Unix seconds. From the takeover to the minute's last seconds, never a pause of more than a few seconds.
    const refusedAt = refused.map((request) => Number(request.timestamp) * 1000);
    const gaps = refusedAt.slice(1).map((at, index) => at - refusedAt[index]!);
    expect({ first: refusedAt[0]! - outageStart < 15_000, last: refusedAt.at(-1)! - outageStart > OUTAGE_MS - 4_000, longestGap: Math.max(...gaps) <= 3_000 },
      `retries through the minute: ${JSON.stringify({ startedAfter: refusedAt[0]! - outageStart, lastAfter: refusedAt.at(-1)! - outageStart, gaps })}`)
      .to.deep.equal({ first: true, last: true, longestGap: true });

    // 8. Everything drains: the gateway's record of the endpoint's deliveries, all delivered.
    const deliveries = async (): Promise<EndpointDelivery[]> => {
      const all: EndpointDelivery[] = [];
      let cursor: string | null = null;
      do {
        const page: { deliveries: EndpointDelivery[]; nextCursor: string | null } = body(await second.platform.request('GET',
          `/v1/webhooks/${endpoint.id}/messages?limit=10${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`), 200);
        all.push(...page.deliveries);
        cursor = page.nextCursor;
      } while (cursor);
      return all.filter((delivery) => delivery.applicationId === applicationId);
    };
    const stored = await waitFor(async () => {
      const listed = await deliveries();
      return listed.length === 21 && listed.every((delivery) => delivery.state === 'delivered') ? listed : undefined;
    }, { what: 'every webhook of the application delivered', timeoutMs: 30_000, intervalMs: 100 });
    await waitFor(() => receiver!.events().length === stored.length, { what: 'the receiver to hold every event' });

    // 9. Each webhook-id processed once, each request verified, the sequences 1..N in order, none before its predecessor was acknowledged.
    const events = receiver.events();
    expect(events.map((event) => event.id).sort()).to.deep.equal(stored.map((delivery) => delivery.messageId).sort());
    expect(receiver.requests().filter((request) => !request.verified), 'requests whose signature did not verify').to.deep.equal([]);
    expect(receiver.requests().every((request) => request.id === request.event.id), 'webhook-id is the event id').to.equal(true);
    expect(events.map((event) => event.sequence)).to.deep.equal(events.map((_, index) => index + 1));
    expect(outOfTurn(receiver.requests())).to.deep.equal([]);
    // Sent again only what was in flight at the crash or retried after a failed attempt (the 503s), with the same id.
    const retried = new Set(stored.filter((delivery) => delivery.attempts > 1).map((delivery) => delivery.messageId));
    expect(receiver.duplicates().filter((id) => !leasedAtDeath.has(id) && !retried.has(id)), 'sent again for no reason').to.deep.equal([]);
    expect(stored.filter((delivery) => delivery.attempts > 1).length, 'deliveries that needed retries').to.be.greaterThan(0);

    // 10. Every event the docs promise for this story, each sub-application's in its order.
    const types = events.map((event) => event.type);
    expect(types[0]).to.equal('application.received');
    const subIds = delivered.subApplications.map((sub) => sub.id);
    for (const subId of subIds) {
      expect(events.filter((event) => event.subApplicationId === subId).map((event) => event.type), `events of sub-application ${subId}`).to.deep.equal([
        'sub_application.received', 'sub_application.accepted', 'sub_application.completed', 'sub_application.results_ready',
      ]);
    }
    expect(events.filter((event) => event.type === 'result_delivery.updated').map((event) => [event.data['step'], event.data['status']])).to.deep.equal([
      ['scheduled', 'creating'], ['waybill_created', 'created'],
      ['trace', 'accepted'], ['trace', 'in-transit'], ['trace', 'arrived'], ['trace', 'out-for-delivery'], ['trace', 'delivered'],
    ]);
    expect(events.filter((event) => event.type.startsWith('evaluation.')).map((event) => [event.type, event.data['state'] ?? event.data['level']])).to.deep.equal([
      ['evaluation.recorded', 1], ...FOLLOW_UP_STEPS.map(([state]) => ['evaluation.follow_up_updated', state]),
    ]);
    expect(types).to.have.length(1 + 4 * subIds.length + 7 + 1 + FOLLOW_UP_STEPS.length);
    expect(JSON.stringify(events), 'the address is masked in events').to.not.contain(ADDRESS.mobile);

    // 11. The application view: delivered, evaluated, followed up and closed, the platform told everything.
    const final = await view();
    expect(final.resultDelivery).to.deep.include({ method: 'post', status: 'delivered', waybillNo });
    expect(final.resultDelivery.trace.at(-1)!.signer).to.be.a('string');
    expect(final.evaluations.map((evaluation) => [evaluation.scope, evaluation.level, evaluation.followUp?.state])).to.deep.equal([['theme', 1, 'closed']]);
    expect(final.evaluations[0]!.followUp!.closedAt).to.be.a('string');
    expect(final.notifications).to.deep.equal({ lastSequence: stored.length, deliveries: { pending: 0, delivered: stored.length, dead: 0 } });
    // The province holds the 差评 and each follow-up step, pushed once.
    const record = await waitFor(() => province!.evaluations().find((candidate) => candidate.projectNo === applicationId && candidate.rectifications.length === FOLLOW_UP_STEPS.length),
      { what: 'the province to record the 差评 and every follow-up step', timeoutMs: 20_000 });
    expect(record).to.deep.include({ scope: 'THEME', level: 1 });
    expect(record.applicant.idNumber).to.not.equal(applicant.idNumber);
    expect(record.rectifications.map((step) => step.status)).to.deep.equal(['ASSIGNED', 'RECTIFIED', 'REVISITED', 'CLOSED']);
    await second.stop();
  });
});
