/**
 * 领证方式 end to end, on SQLite and PostgreSQL: a real gateway, the
 * department simulators, the identity platform and the logistics simulator
 * on real sockets, its trace pushes signed and sent to the gateway.
 */
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { emsSignatureHeaders } from '../../../adapters/logistics/logistics-signature.js';
import { DEFAULT_LOGISTICS_CREDENTIALS, startLogisticsSimulator, type LogisticsSimulator } from '../../../adapters/logistics/simulator/index.js';
import { generateKeyPair } from '../../../src/trust/algorithms.js';
import { createSigningClient, jwks, type SigningClient, type SigningClientResponse } from '../../../src/trust/signing-client.js';
import { devKey } from '../../helpers/dev-keys.js';
import { hiringSubmission, idNumber, startDeliveryEnvironment, type DeliveryEnvironment } from '../../helpers/delivery-environment.js';
import { allPassed, storeFixtures } from '../../helpers/stores.js';
import { waitFor } from '../../helpers/wait.js';

const PUSH_PATH = '/v1/logistics/pushes';
const ADDRESS = { recipient: '孙丽', mobile: '13900139000', province: '广东省', city: '梅州市', county: '梅江区', detail: '江南路88号3栋501', postcode: '514000' };

interface Trace { sequence: number; code: string; signer?: string; reason?: string }
interface Section { method: string; status: string; waybillNo: string | null; orderNo?: string; address?: Record<string, string>; hall?: { code: string } | null; trace: Trace[]; attempts: number; lastError: string | null; waitingFor?: string; handover?: Record<string, unknown> | null }
interface Mailing extends Section { id: string }

function body<T>(answer: SigningClientResponse, status: number): T {
  expect(answer.status, JSON.stringify(answer.body)).to.equal(status);
  return answer.body as T;
}

for (const fixture of storeFixtures()) describe(`how results reach the applicant (${fixture.name})`, function () {
  this.timeout(120_000);
  let env: DeliveryEnvironment;
  let logistics: LogisticsSimulator;
  let counter: SigningClient;

  before(async function () {
    this.timeout(180_000);
    logistics = await startLogisticsSimulator({ pushRetryDelaysMs: [50, 200, 500] });
    env = await startDeliveryEnvironment(fixture, { env: {
      TONGBAN_LOGISTICS_URL: logistics.url, TONGBAN_LOGISTICS_APP_KEY: DEFAULT_LOGISTICS_CREDENTIALS.appKey, TONGBAN_LOGISTICS_APP_SECRET: DEFAULT_LOGISTICS_CREDENTIALS.appSecret,
      TONGBAN_LOGISTICS_TIMEOUT_MS: '2000', TONGBAN_LOGISTICS_TRACK_INTERVAL_MS: '1000',
      // Waybill creation retries like deliveries: slow enough here for the test to see the outage before the last attempt.
      TONGBAN_DELIVERY_BACKOFF_BASE_MS: '100', TONGBAN_DELIVERY_BACKOFF_CAP_MS: '400', TONGBAN_DELIVERY_MAX_ATTEMPTS: '10',
    } });
    logistics.setCallbackUrl(DEFAULT_LOGISTICS_CREDENTIALS.appKey, `${env.gateway.url}${PUSH_PATH}`);
    counter = createSigningClient({ baseUrl: env.gateway.url, clientId: 'window-meizhou', key: await devKey('window-meizhou'), tongbanKeys: () => jwks(env.gateway.url) });
  });

  after(async function () {
    await env?.close();
    await logistics?.close();
    await fixture.cleanup(allPassed(this.test!.parent!));
  });

  /** A 企业招用员工 application (three matters at mzrsj) with this 领证方式; completed unless told otherwise. */
  async function apply(resultDelivery: unknown, complete = true): Promise<{ applicationId: string; employee: { name: string; idNumber: string } }> {
    const submission = hiringSubmission() as { form: { employee: { name: string; idNumber: string } } };
    const answer = await env.submit({ ...submission, resultDelivery });
    const { applicationId } = body<{ applicationId: string }>(answer, 202);
    if (complete) {
      await env.waitForApplication(applicationId, (view) => view.subApplications.every((sub) => sub.status === 'delivered'), 'the matters delivered');
      await env.mzrsj.flushEvents();
      await env.waitForApplication(applicationId, (view) => view.status === 'completed', 'the application completed');
    }
    return { applicationId, employee: submission.form.employee };
  }

  async function sections(applicationId: string): Promise<{ resultDelivery: Section; mailings: Mailing[] }> {
    return body<{ resultDelivery: Section; mailings: Mailing[] }>(await env.platform.request('GET', `/v1/applications/${applicationId}`), 200);
  }

  async function waitSection(applicationId: string, check: (section: Section) => boolean, what: string): Promise<Section> {
    return waitFor(async () => {
      const { resultDelivery } = await sections(applicationId);
      return check(resultDelivery) ? resultDelivery : undefined;
    }, { what, timeoutMs: 20_000, intervalMs: 25 });
  }

  /** The platform events recorded for the application, of one type, in sequence. */
  async function events(applicationId: string, type: string): Promise<{ sequence: number; data: Record<string, unknown> }[]> {
    const { rows } = await env.gateway.store.query<{ payload: string }>('SELECT payload FROM webhook_messages WHERE application_id = $1 AND type = $2 ORDER BY sequence', [applicationId, type]);
    return rows.map((row) => JSON.parse(row.payload) as { sequence: number; data: Record<string, unknown> });
  }

  /** A push signed with `secret` (default the right one) for a waybill's recorded trace. */
  async function push(waybillNo: string, orderNo: string, index: number, secret = DEFAULT_LOGISTICS_CREDENTIALS.appSecret): Promise<Response> {
    const trace = logistics.traces(waybillNo)[index]!;
    const text = JSON.stringify({ eventId: trace.eventId, waybillNo, orderNo, businessType: 'RESULT', trace });
    const headers = emsSignatureHeaders({ appKey: DEFAULT_LOGISTICS_CREDENTIALS.appKey, appSecret: secret, method: 'POST', pathWithQuery: PUSH_PATH, body: text, nowMs: Date.now() });
    return fetch(`${env.gateway.url}${PUSH_PATH}`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: text });
  }

  it('posts the results once ready (邮政寄递) and follows the waybill to delivered: every step in the view and notified, the address masked', async () => {
    const { applicationId } = await apply({ method: 'post', address: ADDRESS });
    const created = await waitSection(applicationId, (section) => section.waybillNo !== null, 'the waybill');
    expect(created).to.deep.include({ method: 'post', orderNo: `${applicationId}-R`, status: 'created' });
    expect(created.address).to.deep.equal({ name: '孙*', mobile: '139****9000', province: '广东省', city: '梅州市', county: '梅江区', detail: '****' });
    expect(created.hall).to.include({ code: 'meizhou-hall' });
    const waybill = logistics.waybill(created.waybillNo!)!;
    expect(waybill).to.deep.include({ businessType: 'RESULT', orderNo: `${applicationId}-R` });
    expect((waybill['recipient'] as Record<string, unknown>)).to.include({ name: '孙丽', mobile: '13900139000', address: '江南路88号3栋501' });
    expect((waybill['items'] as unknown[]).length).to.be.greaterThan(0);

    logistics.advance(created.waybillNo!, 'DELIVERED');
    const delivered = await waitSection(applicationId, (section) => section.status === 'delivered', 'delivered');
    expect(delivered.trace.map((trace) => [trace.sequence, trace.code])).to.deep.equal([[1, 'accepted'], [2, 'in-transit'], [3, 'arrived'], [4, 'out-for-delivery'], [5, 'delivered']]);
    expect(delivered.trace[4]!.signer).to.be.a('string');
    const updates = await events(applicationId, 'result_delivery.updated');
    expect(updates.map((event) => [event.data['step'], event.data['status']])).to.deep.equal([
      ['scheduled', 'creating'], ['waybill_created', 'created'],
      ['trace', 'accepted'], ['trace', 'in-transit'], ['trace', 'arrived'], ['trace', 'out-for-delivery'], ['trace', 'delivered'],
    ]);
    expect(updates.map((event) => event.sequence)).to.deep.equal([...updates.map((event) => event.sequence)].sort((a, b) => a - b));
    expect(updates.slice(1).every((event) => event.data['waybillNo'] === created.waybillNo)).to.equal(true);
    expect(JSON.stringify(updates)).to.not.contain('13900139000');
  });

  it('ends failed, and failed then returned, as the carrier tells', async () => {
    const failing = await apply({ method: 'post', address: ADDRESS });
    const returning = await apply({ method: 'post', address: { ...ADDRESS, recipient: '孙丽丽' } });
    const one = await waitSection(failing.applicationId, (section) => section.waybillNo !== null, 'the first waybill');
    const two = await waitSection(returning.applicationId, (section) => section.waybillNo !== null, 'the second waybill');
    logistics.scriptOutcome(one.waybillNo!, 'FAILED', '收件人电话无法接通');
    logistics.scriptOutcome(two.waybillNo!, 'RETURNED', '收件人拒收');
    logistics.advance(one.waybillNo!, 'FAILED');
    logistics.advance(two.waybillNo!, 'RETURNED');
    const failed = await waitSection(failing.applicationId, (section) => section.status === 'failed', 'failed');
    expect(failed.trace.at(-1)).to.deep.include({ code: 'failed', reason: '收件人电话无法接通' });
    const returned = await waitSection(returning.applicationId, (section) => section.status === 'returned', 'returned');
    expect(returned.trace.slice(-2).map((trace) => trace.code)).to.deep.equal(['failed', 'returned']);
    const steps = (await events(returning.applicationId, 'result_delivery.updated')).map((event) => event.data['status']);
    expect(steps.slice(-2)).to.deep.equal(['failed', 'returned']);
  });

  it('retries while the mail service is down and creates one waybill when it is back (same order number)', async () => {
    logistics.faults.set({ down: true });
    try {
      const { applicationId } = await apply({ method: 'post', address: ADDRESS });
      const retrying = await waitSection(applicationId, (section) => section.attempts >= 2, 'two failed attempts');
      expect(retrying).to.deep.include({ status: 'creating', waybillNo: null });
      expect(retrying.lastError).to.match(/unavailable/);
      logistics.faults.set({ down: false });
      logistics.busyNext(1); // 系统繁忙 once more: retryable too
      const created = await waitSection(applicationId, (section) => section.waybillNo !== null, 'the waybill after the outage');
      expect(created.status).to.equal('created');
      const created2 = (await events(applicationId, 'result_delivery.updated')).filter((event) => event.data['step'] === 'waybill_created');
      expect(created2).to.have.length(1);
    } finally {
      logistics.faults.set({ down: false });
    }
  });

  it('gives up on a refused waybill (not_created, dead) and ops replay it with the same order number (audited)', async () => {
    logistics.faults.set({ errorRate: 1, statusCodes: [400] }); // every answer a refusal: not retryable
    let posting: { id: string; state: string; status: string; lastError: string | null };
    let applicationId: string;
    try {
      ({ applicationId } = await apply({ method: 'post', address: ADDRESS }));
      const refused = await waitSection(applicationId, (section) => section.status === 'not_created', 'the waybill given up');
      expect(refused.attempts).to.equal(1);
      expect(refused.lastError).to.match(/rejected/);
      const listed = body<{ postings: typeof posting[] }>(await env.ops.request('GET', '/v1/ops/postings?state=dead'), 200).postings;
      posting = listed.find((candidate) => (candidate as unknown as { applicationId: string }).applicationId === applicationId)!;
      expect(posting).to.deep.include({ state: 'dead', status: 'not_created' });
    } finally {
      logistics.faults.reset();
    }
    expect(body<{ code: string; errors: { pointer: string }[] }>(await env.ops.request('GET', '/v1/ops/postings?state=lost'), 400).errors[0]!.pointer).to.equal('/state');
    expect(body<{ code: string }>(await env.platform.request('POST', `/v1/ops/postings/${posting.id}/replay`), 403).code).to.equal('ROLE_NOT_ALLOWED');
    expect(body<{ state: string }>(await env.ops.request('POST', `/v1/ops/postings/${posting.id}/replay`), 200).state).to.equal('pending');
    const created = await waitSection(applicationId, (section) => section.waybillNo !== null, 'the waybill after the replay');
    expect(created).to.deep.include({ status: 'created', orderNo: `${applicationId}-R`, lastError: null });
    expect(body<{ code: string }>(await env.ops.request('POST', `/v1/ops/postings/${posting.id}/replay`), 409).code).to.equal('CONFLICT');
    const { rows } = await env.gateway.store.query<{ client_id: string }>("SELECT client_id FROM ops_audit WHERE action = 'posting.replay' AND target = $1", [posting.id]);
    expect(rows.map((row) => row.client_id)).to.deep.equal(['ops']);
    expect((await events(applicationId, 'result_delivery.updated')).map((event) => event.data['step'])).to.deep.equal(['scheduled', 'not_created', 'replayed', 'waybill_created']);
  });

  it('refuses a forged push (401, nothing applied) and a duplicate push changes nothing', async () => {
    logistics.setCallbackUrl(DEFAULT_LOGISTICS_CREDENTIALS.appKey, undefined); // this test sends the pushes itself
    try {
      const { applicationId } = await apply({ method: 'post', address: ADDRESS });
      const { waybillNo } = await waitSection(applicationId, (section) => section.waybillNo !== null, 'the waybill');
      logistics.advance(waybillNo!, 'IN_TRANSIT');
      const forged = await push(waybillNo!, `${applicationId}-R`, 0, 'not-the-secret-at-all');
      expect(forged.status).to.equal(401);
      const problem = await forged.json() as { code: string; errors: { pointer: string }[] };
      expect(problem.code).to.equal('LOGISTICS_PUSH_INVALID');
      expect(problem.errors[0]!.pointer).to.equal('x-ems-signature');
      const { rows: pushed } = await env.gateway.store.query("SELECT COUNT(*) AS count FROM posting_traces t JOIN postings p ON p.id = t.posting_id WHERE p.application_id = $1 AND t.source = 'push'", [applicationId]);
      expect(Number((pushed[0] as { count: number | string }).count), 'nothing of the forged push stored').to.equal(0);

      // The second event first: kept, not applied until the first arrives (pushed, or pulled at once since a gap is known).
      const early = await push(waybillNo!, `${applicationId}-R`, 1);
      expect(early.status).to.equal(200);
      expect(await early.json()).to.deep.include({ received: true, applied: 0 });
      expect((await push(waybillNo!, `${applicationId}-R`, 0)).status).to.equal(200);
      const moved = await waitFor(async () => {
        const current = await sections(applicationId);
        return current.resultDelivery.trace.length === 2 ? current : undefined;
      }, { what: 'both events applied' });
      expect(moved.resultDelivery.trace.map((trace) => [trace.sequence, trace.code])).to.deep.equal([[1, 'accepted'], [2, 'in-transit']]);
      expect((await events(applicationId, 'result_delivery.updated')).filter((event) => event.data['step'] === 'trace').map((event) => event.data['status']))
        .to.deep.equal(['accepted', 'in-transit']);
      const before = await events(applicationId, 'result_delivery.updated');
      const again = await push(waybillNo!, `${applicationId}-R`, 1);
      expect(again.status).to.equal(200);
      expect(await again.json()).to.deep.include({ received: true, applied: 0 });
      expect((await sections(applicationId)).resultDelivery).to.deep.equal(moved.resultDelivery);
      expect(await events(applicationId, 'result_delivery.updated')).to.deep.equal(before);
    } finally {
      logistics.setCallbackUrl(DEFAULT_LOGISTICS_CREDENTIALS.appKey, `${env.gateway.url}${PUSH_PATH}`);
    }
  });

  it('catches lost pushes by pulling the traces (the fallback)', async () => {
    logistics.setCallbackUrl(DEFAULT_LOGISTICS_CREDENTIALS.appKey, undefined); // every push lost
    try {
      const { applicationId } = await apply({ method: 'post', address: ADDRESS });
      const { waybillNo } = await waitSection(applicationId, (section) => section.waybillNo !== null, 'the waybill');
      logistics.advance(waybillNo!, 'DELIVERED');
      const delivered = await waitSection(applicationId, (section) => section.status === 'delivered', 'delivered by pulling');
      expect(delivered.trace.map((trace) => trace.sequence)).to.deep.equal([1, 2, 3, 4, 5]);
      const { rows } = await env.gateway.store.query<{ source: string }>(
        'SELECT DISTINCT t.source FROM posting_traces t JOIN postings p ON p.id = t.posting_id WHERE p.application_id = $1', [applicationId]);
      expect(rows.map((row) => row.source)).to.deep.equal(['pull']);
      const { rows: state } = await env.gateway.store.query<{ state: string }>('SELECT state FROM postings WHERE application_id = $1', [applicationId]);
      expect(state[0]!.state, 'tracking ends with the waybill').to.equal('done');
    } finally {
      logistics.setCallbackUrl(DEFAULT_LOGISTICS_CREDENTIALS.appKey, `${env.gateway.url}${PUSH_PATH}`);
    }
  });

  describe('一窗出件: hand-over at the window', () => {
    let staffToken: string;
    before(async () => {
      staffToken = await env.sessions.idToken(counter, { idNumber: idNumber('1985-04-12', '女'), name: '窗口张敏' });
    });
    const handover = (as: SigningClient, idToken: string, request: unknown) => as.request('POST', '/v1/counter/handovers', { body: request, idToken });

    it('refuses before the results are ready, then records who collected, with the staff member and hall, once', async () => {
      const { applicationId, employee } = await apply({ method: 'window', hallCode: 'meizhou-hall' }, false);
      const collector = { name: employee.name, idNumber: employee.idNumber, idChecked: true, relation: 'self' };
      expect(body<{ code: string }>(await handover(counter, staffToken, { applicationId, collector }), 409).code).to.equal('RESULTS_NOT_READY');
      await env.waitForApplication(applicationId, (view) => view.subApplications.every((sub) => sub.status === 'delivered'), 'the matters delivered');
      await env.mzrsj.flushEvents();
      await waitSection(applicationId, (section) => section.status === 'ready_for_collection', 'ready for collection');

      const stranger = { ...collector, idNumber: idNumber('1990-01-01', '男') };
      expect(body<{ code: string }>(await handover(counter, staffToken, { applicationId, collector: stranger }), 403).code).to.equal('HANDOVER_COLLECTOR_MISMATCH');
      const recorded = body<{ status: string; collector: { idNumber: string }; staff: { name: string } }>(await handover(counter, staffToken, { applicationId, collector }), 201);
      expect(recorded).to.deep.include({ status: 'collected', staff: { name: '窗口张敏' } });
      expect(recorded.collector.idNumber).to.equal(`${employee.idNumber.slice(0, 4)}**********${employee.idNumber.slice(-4)}`);
      const section = (await sections(applicationId)).resultDelivery;
      expect(section).to.deep.include({ method: 'window', status: 'collected' });
      expect(section.handover).to.deep.include({ hallCode: 'meizhou-hall', counter: 'window-meizhou' });
      expect(body<{ code: string }>(await handover(counter, staffToken, { applicationId, collector }), 409).code).to.equal('RESULTS_ALREADY_COLLECTED');
      expect((await events(applicationId, 'result_delivery.updated')).map((event) => event.data['step'])).to.deep.equal(['ready_for_collection', 'collected']);
    });

    it('refuses another hall\'s counter, an application that chose the post, and a hand-over without the staff member\'s token', async () => {
      const other = await generateKeyPair('EdDSA');
      // A counter of another hall (registered under an id the test identity platform knows as an OIDC client).
      await env.gateway.clients.upsert([{ id: 'platform-other', role: 'counter', hall: 'meizhou-market-hall', name: '市场监管窗口 (test)', algorithms: ['EdDSA'], keys: [other.publicJwk] }]);
      const market = createSigningClient({ baseUrl: env.gateway.url, clientId: 'platform-other', key: other.privateJwk, tongbanKeys: () => jwks(env.gateway.url) });
      const { applicationId, employee } = await apply({ method: 'window', hallCode: 'meizhou-hall' });
      const collector = { name: employee.name, idNumber: employee.idNumber, idChecked: true, relation: 'agent' };
      const marketToken = await env.sessions.idToken(market, { idNumber: idNumber('1987-02-02', '男'), name: '窗口李军' });
      expect(body<{ code: string }>(await handover(market, marketToken, { applicationId, collector }), 403).code).to.equal('HANDOVER_WRONG_HALL');
      expect(body<{ code: string }>(await counter.request('POST', '/v1/counter/handovers', { body: { applicationId, collector } }), 401).code).to.equal('ID_TOKEN_MISSING');
      const posted = await apply({ method: 'post', address: ADDRESS }, false);
      expect(body<{ code: string }>(await handover(counter, staffToken, { applicationId: posted.applicationId, collector }), 409).code).to.equal('RESULTS_NOT_AT_WINDOW');
      expect(body<{ code: string }>(await handover(counter, staffToken, { applicationId: randomUUID(), collector }), 404).code).to.equal('NOT_FOUND');
      expect(body<{ code: string }>(await env.platform.request('POST', '/v1/counter/handovers', { body: { applicationId, collector } }), 403).code).to.equal('ROLE_NOT_ALLOWED');
    });
  });

  it('双向寄递: the applicant posts originals to the hall, tracked until received', async () => {
    const { applicationId, employee } = await apply({ method: 'window', hallCode: 'meizhou-hall' }, false);
    const idToken = await env.sessions.idToken(env.platform, employee);
    const sender = { name: employee.name, mobile: '13900139000', province: '广东省', city: '梅州市', county: '梅江区', detail: '江南路88号3栋501' };
    const made = body<{ id: string; hallCode: string }>(await env.platform.request('POST', `/v1/applications/${applicationId}/mailings`, { idToken, body: { items: ['劳动合同原件', '身份证复印件'], sender } }), 201);
    expect(made.hallCode).to.equal('meizhou-hall');
    const mailing = await waitFor(async () => (await sections(applicationId)).mailings.find((item) => item.waybillNo !== null), { what: 'the mailing\'s waybill', timeoutMs: 20_000 });
    expect(mailing).to.deep.include({ id: made.id, orderNo: `${applicationId}-M1`, status: 'created' });
    expect(logistics.waybill(mailing.waybillNo!)).to.deep.include({ businessType: 'MATERIAL' });
    expect((logistics.waybill(mailing.waybillNo!)!['recipient'] as Record<string, string>)['address']).to.contain('梅县区政务服务中心');
    logistics.advance(mailing.waybillNo!, 'DELIVERED');
    const received = await waitFor(async () => (await sections(applicationId)).mailings.find((item) => item.status === 'delivered'), { what: 'received', timeoutMs: 20_000 });
    expect(received.trace).to.have.length(5);
    const steps = (await events(applicationId, 'material_mailing.updated')).map((event) => [event.data['mailingId'], event.data['status']]);
    expect(steps.at(-1)).to.deep.equal([made.id, 'delivered']);
    expect(steps).to.have.length(7);

    const other = await env.sessions.idToken(env.platform, { idNumber: idNumber('1970-03-03', '男'), name: '王五' });
    expect(body<{ code: string }>(await env.platform.request('POST', `/v1/applications/${applicationId}/mailings`, { idToken: other, body: { items: ['x'], sender } }), 403).code).to.equal('HOLDER_MISMATCH');
    const otherToken = await env.sessions.idToken(env.otherPlatform, employee);
    expect(body<{ code: string }>(await env.otherPlatform.request('POST', `/v1/applications/${applicationId}/mailings`, { idToken: otherToken, body: { items: ['x'], sender } }), 404).code).to.equal('NOT_FOUND');
  });

  it('answers 400 naming the field: unknown hall, address without a recipient, bad mobile and postcode, bad hand-over and mailing bodies', async () => {
    const refused = async (answer: SigningClientResponse, pointers: string[]) => {
      const problem = body<{ code: string; errors: { pointer: string }[] }>(answer, 400);
      expect(problem.code).to.equal('VALIDATION_FAILED');
      expect(problem.errors.map((error) => error.pointer)).to.include.members(pointers);
    };
    const submission = hiringSubmission();
    await refused(await env.submit({ ...submission, resultDelivery: { method: 'window', hallCode: 'nowhere-hall' } }), ['/resultDelivery/hallCode']);
    const { recipient: _recipient, ...withoutRecipient } = ADDRESS;
    await refused(await env.submit({ ...submission, resultDelivery: { method: 'post', address: withoutRecipient } }), ['/resultDelivery/address/recipient']);
    await refused(await env.submit({ ...submission, resultDelivery: { method: 'post', address: { ...ADDRESS, mobile: '1390013900', postcode: '51400' } } }),
      ['/resultDelivery/address/mobile', '/resultDelivery/address/postcode']);
    await refused(await env.submit({ ...submission, resultDelivery: { method: 'drone' } }), ['/resultDelivery/method']);
    await refused(await env.submit({ ...submission, resultDelivery: { method: 'post' } }), ['/resultDelivery/address']);

    const staffToken = await env.sessions.idToken(counter, { idNumber: idNumber('1985-04-12', '女'), name: '窗口张敏' });
    await refused(await counter.request('POST', '/v1/counter/handovers', { idToken: staffToken, body: { applicationId: 'x', collector: { name: '', idNumber: '110101199001011230', idChecked: false, relation: 'friend' } } }),
      ['/applicationId', '/collector/name', '/collector/idNumber', '/collector/idChecked', '/collector/relation']);
    const { applicationId, employee } = await apply({ method: 'online' }, false);
    const idToken = await env.sessions.idToken(env.platform, employee);
    await refused(await env.platform.request('POST', `/v1/applications/${applicationId}/mailings`, { idToken, body: { items: [], sender: { name: '孙丽' } } }),
      ['/items', '/sender/mobile', '/sender/province', '/sender/detail']);
    expect((await sections(applicationId)).resultDelivery).to.deep.equal({ method: 'online', status: 'online' });
  });
});
