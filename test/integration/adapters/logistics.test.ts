import axios from 'axios';
import { expect } from 'chai';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLogisticsAdapter, PushVerificationError, isValidWaybillNo, type LogisticsAdapter, type LogisticsSettings } from '../../../adapters/logistics/index.js';
import { emsSignatureHeaders } from '../../../adapters/logistics/logistics-signature.js';
import { DEFAULT_LOGISTICS_CREDENTIALS as CREDENTIALS, startLogisticsSimulator, type LogisticsSimulator } from '../../../adapters/logistics/simulator/index.js';
import type { PushedTraceEvent, WaybillRequest } from '../../../src/domain/logistics.js';
import { expectUpstreamError as expectUpstreamError_, type ExpectedUpstreamError } from '../../helpers/upstream-error.js';

const CALLBACK_PATH = '/callbacks/ems?channel=result';

/** A tiny receiver of pushes: verifies each with the adapter, answers scripted statuses first, then 200. */
interface Receiver {
  readonly url: string;
  /** Verified events, in arrival order (duplicates included). */
  readonly events: PushedTraceEvent[];
  /** Pushes that did not verify. */
  readonly refused: string[];
  /** Statuses to answer the next pushes with (then 200). */
  readonly script: number[];
  close(): Promise<void>;
}

async function startReceiver(adapter: () => LogisticsAdapter): Promise<Receiver> {
  const events: PushedTraceEvent[] = [];
  const refused: string[] = [];
  const script: number[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const scripted = script.shift();
      if (scripted !== undefined) return void res.writeHead(scripted).end();
      try {
        expect(req.url).to.equal(CALLBACK_PATH);
        events.push(adapter().verifyPush(req.headers, Buffer.concat(chunks)));
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"code":"0000"}');
      } catch (error) {
        refused.push(error instanceof PushVerificationError ? error.field : String(error));
        res.writeHead(401).end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${CALLBACK_PATH}`, events, refused, script,
    close: () => new Promise((resolve) => { server.close(() => resolve()); server.closeAllConnections(); }),
  };
}

const expectUpstreamError = (promise: Promise<unknown>, expected: ExpectedUpstreamError) => expectUpstreamError_('logistics', promise, expected);

let orderCounter = 0;
function order(overrides: Partial<WaybillRequest> = {}): WaybillRequest {
  orderCounter += 1;
  return {
    orderNo: `TB20261206${String(orderCounter).padStart(5, '0')}-R`, direction: 'result',
    sender: { name: '朝阳区政务服务中心', mobile: '13800138000', province: '北京市', city: '北京市', county: '朝阳区', address: '工体东路甲2号', postcode: '100020' },
    recipient: { name: '李华', mobile: '13912345678', province: '浙江省', city: '杭州市', county: '西湖区', address: '文三路398号3幢201室' },
    items: [{ name: '营业执照正本', count: 1 }, { name: '食品经营许可证', count: 1 }],
    ...overrides,
  };
}

describe('logistics adapter against the mail service simulator (real sockets)', () => {
  let simulator: LogisticsSimulator;
  let receiver: Receiver;
  let adapter: LogisticsAdapter;
  const adapterWith = (overrides: Partial<LogisticsSettings> = {}) => createLogisticsAdapter({
    baseUrl: simulator.url, ...CREDENTIALS, timeoutMs: 2000, callbackPath: CALLBACK_PATH, ...overrides,
  });

  beforeEach(async () => {
    simulator = await startLogisticsSimulator({ pushRetryDelaysMs: [20, 40], pushTimeoutMs: 1000, unserviceableCounties: ['三沙市'] });
    adapter = adapterWith();
    receiver = await startReceiver(() => adapter);
    simulator.setCallbackUrl(CREDENTIALS.appKey, receiver.url);
  });

  afterEach(async () => {
    await simulator.close();
    await receiver.close();
  });

  it('creates a waybill, walks it to delivered, answers its traces and pushes every event, verified', async () => {
    const created = await adapter.createWaybill(order());
    expect(created).to.include({ status: 'created', direction: 'result', duplicate: false });
    expect(isValidWaybillNo(created.waybillNo)).to.equal(true);
    expect(created.createdAt).to.match(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$/);

    const advanced = await axios.post(`${simulator.url}/__control/waybills/${created.waybillNo}/advance`, {});
    expect(advanced.data.waybill.status).to.equal('ACCEPTED');
    expect((await adapter.getWaybill(created.waybillNo))?.status).to.equal('accepted');
    await axios.post(`${simulator.url}/__control/waybills/${created.waybillNo}/advance`, { to: 'DELIVERED' });

    const traces = await adapter.traces(created.waybillNo);
    expect(traces.map((trace) => trace.code)).to.deep.equal(['accepted', 'in-transit', 'arrived', 'out-for-delivery', 'delivered']);
    expect(traces.map((trace) => trace.sequence)).to.deep.equal([1, 2, 3, 4, 5]);
    expect(traces[4]).to.include({ signer: '李华' });
    expect(traces[4]!.description).to.contain('签收人:李华');
    expect(traces[1]!.location).to.equal('北京市邮区中心局');
    for (const trace of traces) expect(trace.time).to.match(/\+08:00$/);
    expect(traces.map((trace) => Date.parse(trace.time))).to.deep.equal(traces.map((trace) => Date.parse(trace.time)).sort());
    expect(await adapter.getWaybill(created.waybillNo)).to.deep.equal({
      waybillNo: created.waybillNo, orderNo: created.orderNo, direction: 'result', status: 'delivered', createdAt: created.createdAt,
    });

    await simulator.pushesSettled();
    expect(receiver.refused).to.deep.equal([]);
    expect(receiver.events.map(({ orderNo, ...event }) => { expect(orderNo).to.equal(created.orderNo); return event; })).to.deep.equal(traces);
  });

  it('answers the same order number with the existing waybill (2003, idempotent)', async () => {
    const request = order({ direction: 'material' });
    const first = await adapter.createWaybill(request);
    const again = await adapter.createWaybill({ ...request, remark: '重复提交' });
    expect(again).to.deep.equal({ ...first, duplicate: true });
    expect(first.direction).to.equal('material');
    const raw = await signed('POST', '/ems/v1/orders', JSON.stringify({ ...request, businessType: 'MATERIAL', direction: undefined }));
    expect(raw.body).to.include({ code: '2003' });
    expect(raw.body.data?.waybillNo).to.equal(first.waybillNo);
  });

  it('refuses bad parameters with 2001 naming the field, and unserviceable addresses with 2002 — not retryable', async () => {
    const cases: [WaybillRequest, string, string][] = [
      [order({ recipient: { ...order().recipient, mobile: '1391234567' } }), '2001', 'recipient.mobile'],
      [order({ sender: { ...order().sender, postcode: '10002' } }), '2001', 'sender.postcode'],
      [order({ items: [] }), '2001', 'items'],
      [order({ items: [{ name: '营业执照正本', count: 0 }] }), '2001', 'items[0].count'],
      [order({ orderNo: '办件/1' }), '2001', 'orderNo'],
      [order({ recipient: { ...order().recipient, province: '香港特别行政区' } }), '2002', 'recipient.province'],
      [order({ recipient: { ...order().recipient, province: '海南省', city: '三沙市', county: '三沙市' } }), '2002', 'recipient.county'],
    ];
    for (const [request, code, field] of cases) {
      const error = await expectUpstreamError(adapter.createWaybill(request), { kind: 'rejected', retryable: false, upstreamCode: code, status: code === '2001' ? 400 : 422 });
      expect(error.message).to.contain(field);
    }
    const noBody = await signed('POST', '/ems/v1/orders', 'not json');
    expect(noBody.body).to.include({ code: '2001', msg: '参数缺失或无效: body' });
    const huge = JSON.stringify({ ...order(), businessType: 'RESULT', remark: '备'.repeat(100_000) });
    expect(await signed('POST', '/ems/v1/orders', huge)).to.deep.include({ status: 400, body: { code: '2001', msg: '参数缺失或无效: body' } });
  });

  it('refuses authentication failures with 1000–1004, not retryable', async () => {
    const waybill = await adapter.createWaybill(order());
    await expectUpstreamError(adapterWith({ appSecret: 'wrong' }).getWaybill(waybill.waybillNo), { kind: 'auth', retryable: false, upstreamCode: '1001', status: 401 });
    await expectUpstreamError(adapterWith({ now: () => Date.now() - 400_000 }).getWaybill(waybill.waybillNo), { kind: 'auth', retryable: false, upstreamCode: '1002' });
    await expectUpstreamError(adapterWith({ appKey: 'someone-else' }).getWaybill(waybill.waybillNo), { kind: 'auth', retryable: false, upstreamCode: '1004' });

    const path = `/ems/v1/waybills/${waybill.waybillNo}`;
    const headers = emsSignatureHeaders({ ...CREDENTIALS, method: 'GET', pathWithQuery: path, nowMs: Date.now() });
    expect((await signed('GET', path, '', headers)).body.code).to.equal('0000');
    expect(await signed('GET', path, '', headers)).to.deep.include({ status: 401, body: { code: '1003', msg: '请求重复(nonce已使用)' } });
    const { 'x-ems-signature': _signature, ...unsigned } = emsSignatureHeaders({ ...CREDENTIALS, method: 'GET', pathWithQuery: path, nowMs: Date.now() });
    expect(await signed('GET', path, '', unsigned)).to.deep.include({ status: 401, body: { code: '1000', msg: '缺少认证信息: x-ems-signature' } });
  });

  it('answers unknown waybills with 3001 (getWaybill: undefined) and 9999 as retryable', async () => {
    expect(await adapter.getWaybill('EM999999995CN')).to.equal(undefined);
    await expectUpstreamError(adapter.traces('EM999999995CN'), { kind: 'rejected', retryable: false, upstreamCode: '3001', status: 404 });
    await expectUpstreamError(adapter.cancel('EM999999995CN'), { kind: 'rejected', retryable: false, upstreamCode: '3001' });
    try {
      await adapter.traces('EM999999994CN');
      expect.fail('a number with a wrong check digit must be refused before any call');
    } catch (error) {
      expect(error).to.be.instanceOf(RangeError);
      expect((error as Error).message).to.contain('"waybillNo"');
    }
    simulator.busyNext();
    await expectUpstreamError(adapter.createWaybill(order()), { kind: 'unavailable', retryable: true, upstreamCode: '9999', status: 503 });
    expect((await signed('GET', '/ems/v1/nothing-here', '')).body.code).to.equal('4004');
  });

  it('cancels before pickup only (3002 after), idempotently, pushing the cancellation', async () => {
    const waybill = await adapter.createWaybill(order());
    expect(await adapter.cancel(waybill.waybillNo)).to.include({ status: 'cancelled' });
    expect(await adapter.cancel(waybill.waybillNo)).to.include({ status: 'cancelled' });
    expect((await adapter.traces(waybill.waybillNo)).map((trace) => trace.code)).to.deep.equal(['cancelled']);
    const advance = await axios.post(`${simulator.url}/__control/waybills/${waybill.waybillNo}/advance`, {}, { validateStatus: () => true });
    expect(advance.status).to.equal(409);

    const picked = await adapter.createWaybill(order());
    simulator.advance(picked.waybillNo);
    await expectUpstreamError(adapter.cancel(picked.waybillNo), { kind: 'rejected', retryable: false, upstreamCode: '3002', status: 409 });
    expect((await adapter.getWaybill(picked.waybillNo))?.status).to.equal('accepted');
    await simulator.pushesSettled();
    expect(receiver.events.map((event) => [event.waybillNo, event.code])).to.deep.equal([[waybill.waybillNo, 'cancelled'], [picked.waybillNo, 'accepted']]);
  });

  it('ends as scripted: FAILED with its reason, RETURNED after a failure', async () => {
    simulator.scriptOutcome('next', 'RETURNED');
    const returned = await adapter.createWaybill(order());
    const failing = await adapter.createWaybill(order());
    await axios.post(`${simulator.url}/__control/waybills/${failing.waybillNo}/outcome`, { outcome: 'FAILED', reason: '地址不详,无法投递' });
    const refused = await axios.post(`${simulator.url}/__control/waybills/${returned.waybillNo}/advance`, { to: 'DELIVERED' }, { validateStatus: () => true });
    expect(refused.status).to.equal(409);
    simulator.advance(returned.waybillNo, 'RETURNED');
    simulator.advance(failing.waybillNo, 'FAILED');
    expect((await adapter.traces(returned.waybillNo)).slice(-2).map((trace) => trace.code)).to.deep.equal(['failed', 'returned']);
    expect((await adapter.traces(failing.waybillNo)).at(-1)).to.include({ code: 'failed', reason: '地址不详,无法投递', description: '投递失败:地址不详,无法投递' });
    expect((await adapter.getWaybill(failing.waybillNo))?.status).to.equal('failed');
    expect(() => simulator.advance(failing.waybillNo)).to.throw('not ahead');
  });

  it('maps injected 503, timeouts and malformed answers', async () => {
    const waybill = await adapter.createWaybill(order());
    simulator.faults.enqueue({ kind: 'status', status: 503 });
    await expectUpstreamError(adapter.getWaybill(waybill.waybillNo), { kind: 'unavailable', retryable: true, status: 503 });
    simulator.faults.enqueue({ kind: 'timeout' });
    await expectUpstreamError(adapterWith({ timeoutMs: 200 }).getWaybill(waybill.waybillNo), { kind: 'timeout', retryable: true });
    simulator.faults.enqueue({ kind: 'malformed' });
    await expectUpstreamError(adapter.traces(waybill.waybillNo), { kind: 'malformed', retryable: false, status: 200 });
    simulator.faults.enqueue({ kind: 'reset' });
    await expectUpstreamError(adapter.getWaybill(waybill.waybillNo), { kind: 'connection', retryable: true });
    await axios.put(`${simulator.url}/__control/faults`, { latencyMs: 300 });
    await expectUpstreamError(adapterWith({ timeoutMs: 100 }).getWaybill(waybill.waybillNo), { kind: 'timeout', retryable: true });
    await axios.delete(`${simulator.url}/__control/faults`);
    expect((await adapter.getWaybill(waybill.waybillNo))?.status).to.equal('created');
  });

  it('retries a push the receiver answered 500, and gives up after the last delay', async () => {
    receiver.script.push(500);
    const waybill = await adapter.createWaybill(order());
    simulator.advance(waybill.waybillNo);
    await simulator.pushesSettled();
    expect(simulator.pushes().map((push) => [push.code, push.statuses, push.outcome])).to.deep.equal([['ACCEPTED', [500, 200], 'delivered']]);
    expect(receiver.events.map((event) => event.code)).to.deep.equal(['accepted']);

    receiver.script.push(500, 502, 503);
    simulator.advance(waybill.waybillNo);
    await simulator.pushesSettled();
    expect(simulator.pushes()[1]).to.include({ code: 'IN_TRANSIT', outcome: 'gave-up' });
    expect(simulator.pushes()[1]!.statuses).to.deep.equal([500, 502, 503]);
  });

  it('sends duplicated and reordered pushes that the receiver can de-duplicate by eventId and order by sequence', async () => {
    await axios.put(`${simulator.url}/__control/push-faults`, { duplicate: true, reorder: true });
    const waybill = await adapter.createWaybill(order());
    simulator.advance(waybill.waybillNo, 'DELIVERED');
    await simulator.pushesSettled();
    expect(receiver.events).to.have.length(10);
    expect(receiver.events[0]!.code).to.equal('delivered');
    const unique = [...new Map(receiver.events.map((event) => [event.eventId, event])).values()].sort((a, b) => a.sequence - b.sequence);
    expect(unique.map(({ orderNo: _orderNo, ...event }) => event)).to.deep.equal(await adapter.traces(waybill.waybillNo));
    expect(receiver.refused).to.deep.equal([]);
  });

  it('pushes nothing the receiver accepts when signed with another secret', async () => {
    receiver.refused.length = 0;
    adapter = adapterWith({ appSecret: 'not-the-simulators' });
    const waybill = await adapterWith().createWaybill(order());
    simulator.advance(waybill.waybillNo);
    await simulator.pushesSettled();
    expect(receiver.events).to.deep.equal([]);
    expect(receiver.refused).to.deep.equal(['x-ems-signature', 'x-ems-signature', 'x-ems-signature']);
  });

  async function signed(method: 'GET' | 'POST', path: string, body: string, headers = emsSignatureHeaders({ ...CREDENTIALS, method, pathWithQuery: path, body, nowMs: Date.now() })) {
    const response = await axios.request<string>({ method, url: simulator.url + path, data: body || undefined, headers, responseType: 'text', transformResponse: [(data: string) => data], validateStatus: () => true });
    return { status: response.status, body: JSON.parse(response.data) as { code: string; msg: string; data?: { waybillNo: string } } };
  }
});

describe('logistics simulator: autoAdvanceMs (sandbox)', () => {
  it('walks a new waybill to delivered on its own', async () => {
    const simulator = await startLogisticsSimulator({ autoAdvanceMs: 10 });
    try {
      const adapter = createLogisticsAdapter({ baseUrl: simulator.url, ...CREDENTIALS });
      const waybill = await adapter.createWaybill(order());
      const deadline = Date.now() + 5000;
      let status = waybill.status;
      while (status !== 'delivered' && Date.now() < deadline) {
        await new Promise((resolve) => setImmediate(resolve));
        status = simulator.waybill(waybill.waybillNo)?.['status'] === 'DELIVERED' ? 'delivered' : status;
      }
      expect(status).to.equal('delivered');
      expect((await adapter.traces(waybill.waybillNo)).map((trace) => trace.code)).to.deep.equal(['accepted', 'in-transit', 'arrived', 'out-for-delivery', 'delivered']);
    } finally {
      await simulator.close();
    }
  });
});
