/**
 * Contract tests of the payment platform adapter against its simulator on a
 * real socket: notices (idempotent by order), payment outside the gateway and
 * its signed notification, refunds, reconciliation files, every error code,
 * and injected faults.
 */
import axios from 'axios';
import { expect } from 'chai';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createPaymentAdapter, formatNoticeNo, isValidNoticeNo, noticeCheckDigit, NotificationVerificationError, type PaymentAdapter } from '../../../adapters/payment/index.js';
import { feeSignature, feeSignatureHeaders } from '../../../adapters/payment/payment-signature.js';
import { DEFAULT_PAYMENT_CREDENTIALS as CREDENTIALS, startPaymentSimulator, type PaymentSimulator } from '../../../adapters/payment/simulator/index.js';
import type { NoticeRequest, PaymentNotification } from '../../../src/domain/payment.js';
import { expectUpstreamError as expectUpstreamError_, type ExpectedUpstreamError } from '../../helpers/upstream-error.js';
import { waitFor } from '../../helpers/wait.js';

const CALLBACK_PATH = '/v1/payments/notifications';
const expectUpstreamError = (promise: Promise<unknown>, expected: ExpectedUpstreamError) => expectUpstreamError_('payment', promise, expected);

/** A receiver of notifications: verifies each with the adapter; scripted statuses first. */
async function startReceiver(adapter: () => PaymentAdapter) {
  const accepted: PaymentNotification[] = [];
  const refused: string[] = [];
  const script: number[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const scripted = script.shift();
      if (scripted !== undefined) return void res.writeHead(scripted).end();
      try {
        accepted.push(adapter().verifyNotification(req.headers, Buffer.concat(chunks)));
        res.writeHead(200).end('{"resultCode":"0000"}');
      } catch (error) {
        refused.push(error instanceof NotificationVerificationError ? error.field : String(error));
        res.writeHead(401).end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${CALLBACK_PATH}`, accepted, refused, script,
    close: () => new Promise<void>((resolve) => { server.close(() => resolve()); server.closeAllConnections(); }),
  };
}

let orders = 0;
function noticeRequest(overrides: Partial<NoticeRequest> = {}): NoticeRequest {
  orders += 1;
  return {
    orderNo: `PAY-TEST-${orders}`, payer: { name: '陈晓燕', idNumber: '44140319900307002X' },
    items: [{ code: '103040101', name: '往来港澳通行证工本费', amountFen: 6000 }, { code: '103040102', name: '往来港澳通行证签注费', amountFen: 1500 }],
    totalFen: 7500, dueDate: '2099-12-31', remark: '去港澳探亲一件事', ...overrides,
  };
}

describe('payment platform adapter against its simulator', function () {
  this.timeout(20_000);
  let simulator: PaymentSimulator;
  let adapter: PaymentAdapter;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;

  before(async () => {
    simulator = await startPaymentSimulator({ notifyRetryDelaysMs: [30, 60], notifyTimeoutMs: 1000 });
    adapter = createPaymentAdapter({ baseUrl: simulator.url, appId: CREDENTIALS.appId, appSecret: CREDENTIALS.appSecret, timeoutMs: 1000, callbackPath: CALLBACK_PATH });
    receiver = await startReceiver(() => adapter);
    simulator.setCallbackUrl(CREDENTIALS.appId, receiver.url);
  });
  afterEach(() => simulator.faults.reset());
  after(async () => {
    await simulator?.close();
    await receiver?.close();
  });

  it('has a Luhn check digit on notice numbers (known answer) and refuses a mistyped one', () => {
    expect(noticeCheckDigit('4414032612060000001')).to.equal('7');
    expect(formatNoticeNo('441403', '261206', 1)).to.equal('44140326120600000017');
    expect(isValidNoticeNo('44140326120600000017')).to.equal(true);
    expect(isValidNoticeNo('44140326120600000018')).to.equal(false);
    expect(isValidNoticeNo('44140326120600000071')).to.equal(false);
  });

  it('signs with HMAC-SM3 over the documented lines (known answer)', () => {
    expect(feeSignature('secret', { appId: 'tongban', timestamp: '1772413200', nonce: 'abc123', method: 'POST', pathWithQuery: '/fee/v1/notices', body: '{"orderNo":"PAY-1"}' }))
      .to.equal('cf08167642cf9fc4c881ab9ec101f42db802a08e8ea3f01f710500bab07819df');
  });

  it('creates a notice, idempotently by order number (E203), and answers it', async () => {
    const request = noticeRequest();
    const notice = await adapter.createNotice(request);
    expect(isValidNoticeNo(notice.noticeNo)).to.equal(true);
    expect(notice).to.include({ orderNo: request.orderNo, totalFen: 7500, status: 'unpaid', duplicate: false, dueDate: '2099-12-31' });
    const again = await adapter.createNotice(request);
    expect(again).to.include({ noticeNo: notice.noticeNo, duplicate: true });
    expect(await adapter.getNotice(notice.noticeNo)).to.deep.equal({ noticeNo: notice.noticeNo, orderNo: request.orderNo, totalFen: 7500, status: 'unpaid', dueDate: '2099-12-31' });
  });

  it('notifies a payment made outside the gateway, signed; the notice then shows it', async () => {
    const notice = await adapter.createNotice(noticeRequest());
    simulator.pay(notice.noticeNo);
    const notification = await waitFor(() => receiver.accepted.find((entry) => entry.noticeNo === notice.noticeNo), { what: 'the notification' });
    expect(notification).to.include({ amountFen: 7500, channel: 'UNIONPAY' });
    expect(notification.paidAt).to.match(/\+08:00$/);
    const paid = await adapter.getNotice(notice.noticeNo);
    expect(paid?.status).to.equal('paid');
    expect(paid?.payment).to.include({ amountFen: 7500 });
  });

  it('retries a notification the receiver did not acknowledge, same notifyId, fresh nonce', async () => {
    const notice = await adapter.createNotice(noticeRequest());
    receiver.script.push(500);
    simulator.pay(notice.noticeNo, undefined, 'ALIPAY');
    await simulator.notificationsSettled();
    const record = simulator.notifications().find((entry) => entry.noticeNo === notice.noticeNo)!;
    expect(record.statuses).to.deep.equal([500, 200]);
    expect(record.outcome).to.equal('delivered');
  });

  it('refuses forged notifications: other secret, stale timestamp, other path, tampered body', () => {
    const body = JSON.stringify({ notifyId: 'N1', noticeNo: '44140326120600000017', orderNo: 'PAY-X', paidAmount: 100, paidTime: '2026-12-06T10:00:00+08:00', payChannel: 'WECHAT' });
    const sign = (secret: string, path = CALLBACK_PATH, nowMs = Date.now()) => feeSignatureHeaders({ appId: CREDENTIALS.appId, appSecret: secret, method: 'POST', pathWithQuery: path, body, nowMs });
    const field = (headers: Record<string, string>, text = body) => {
      try {
        adapter.verifyNotification(headers, text);
      } catch (error) {
        expect(error).to.be.instanceOf(NotificationVerificationError);
        return (error as NotificationVerificationError).field;
      }
      return 'verified';
    };
    expect(field(sign(CREDENTIALS.appSecret))).to.equal('verified');
    expect(field(sign('another-secret'))).to.equal('x-fee-signature');
    expect(field(sign(CREDENTIALS.appSecret, '/elsewhere'))).to.equal('x-fee-signature');
    expect(field(sign(CREDENTIALS.appSecret, CALLBACK_PATH, Date.now() - 3600_000))).to.equal('x-fee-timestamp');
    expect(field(sign(CREDENTIALS.appSecret), body.replace('100', '1'))).to.equal('x-fee-signature');
    const { 'x-fee-nonce': _nonce, ...missing } = sign(CREDENTIALS.appSecret);
    expect(field(missing)).to.equal('x-fee-nonce');
    expect(field({ ...sign(CREDENTIALS.appSecret), 'x-fee-appid': 'someone-else' })).to.equal('x-fee-appid');
  });

  it('refunds a paid notice (E305 idempotent), refuses unpaid (E302), too large (E303), unknown (E301, E304)', async () => {
    const notice = await adapter.createNotice(noticeRequest());
    await expectUpstreamError(adapter.requestRefund({ refundNo: `R-${notice.orderNo}`, noticeNo: notice.noticeNo, amountFen: 7500, reason: '不予受理' }), { kind: 'rejected', retryable: false, upstreamCode: 'E302', status: 409 });
    simulator.pay(notice.noticeNo);
    await expectUpstreamError(adapter.requestRefund({ refundNo: `R-${notice.orderNo}`, noticeNo: notice.noticeNo, amountFen: 7501, reason: '不予受理' }), { kind: 'rejected', retryable: false, upstreamCode: 'E303', status: 422 });
    const refund = await adapter.requestRefund({ refundNo: `R-${notice.orderNo}`, noticeNo: notice.noticeNo, amountFen: 7500, reason: '不予受理' });
    expect(refund).to.include({ status: 'succeeded', amountFen: 7500, duplicate: false });
    expect(await adapter.requestRefund({ refundNo: `R-${notice.orderNo}`, noticeNo: notice.noticeNo, amountFen: 7500, reason: '不予受理' })).to.include({ duplicate: true });
    expect((await adapter.getRefund(`R-${notice.orderNo}`))?.status).to.equal('succeeded');
    expect((await adapter.getNotice(notice.noticeNo))?.status).to.equal('refunded');
    expect(await adapter.getRefund('R-NONE')).to.equal(undefined);
    expect(await adapter.getNotice(formatNoticeNo('441403', '261206', 9_999_999))).to.equal(undefined);
    await expectUpstreamError(adapter.requestRefund({ refundNo: 'R-UNKNOWN', noticeNo: formatNoticeNo('441403', '261206', 9_999_999), amountFen: 1, reason: '不予受理' }), { kind: 'rejected', retryable: false, upstreamCode: 'E301', status: 404 });
  });

  it('refuses bad parameters (E201 naming the field), unknown 执收项目 (E202), a wrong total (E204)', async () => {
    const bad = await expectUpstreamError(adapter.createNotice(noticeRequest({ payer: { name: '陈晓燕', idNumber: '123' } })), { kind: 'rejected', retryable: false, upstreamCode: 'E201', status: 400 });
    expect(bad.message).to.contain('payerIdNo');
    const item = await expectUpstreamError(adapter.createNotice(noticeRequest({ items: [{ code: '999999999', name: '未知', amountFen: 100 }], totalFen: 100 })), { kind: 'rejected', retryable: false, upstreamCode: 'E202', status: 422 });
    expect(item.message).to.contain('items[0].itemCode');
    await expectUpstreamError(adapter.createNotice(noticeRequest({ totalFen: 7000 })), { kind: 'rejected', retryable: false, upstreamCode: 'E204', status: 422 });
  });

  it('refuses authentication failures with E101–E105, not retryable', async () => {
    const other = createPaymentAdapter({ baseUrl: simulator.url, appId: CREDENTIALS.appId, appSecret: 'wrong-secret-0000', timeoutMs: 1000 });
    await expectUpstreamError(other.createNotice(noticeRequest()), { kind: 'auth', retryable: false, upstreamCode: 'E102', status: 401 });
    const unknown = createPaymentAdapter({ baseUrl: simulator.url, appId: 'nobody', appSecret: 'whatever-secret', timeoutMs: 1000 });
    await expectUpstreamError(unknown.createNotice(noticeRequest()), { kind: 'auth', retryable: false, upstreamCode: 'E105' });
    const skewed = createPaymentAdapter({ baseUrl: simulator.url, appId: CREDENTIALS.appId, appSecret: CREDENTIALS.appSecret, timeoutMs: 1000, now: () => Date.now() - 3600_000 });
    await expectUpstreamError(skewed.createNotice(noticeRequest()), { kind: 'auth', retryable: false, upstreamCode: 'E103' });
    const missing = await axios.get(`${simulator.url}/fee/v1/notices/44140326120600000017`, { validateStatus: () => true });
    expect(missing.status).to.equal(401);
    expect(missing.data).to.include({ resultCode: 'E101' });
    const headers = feeSignatureHeaders({ appId: CREDENTIALS.appId, appSecret: CREDENTIALS.appSecret, method: 'GET', pathWithQuery: '/fee/v1/notices/44140326120600000017', nowMs: Date.now() });
    expect((await axios.get(`${simulator.url}/fee/v1/notices/44140326120600000017`, { headers, validateStatus: () => true })).data).to.include({ resultCode: 'E301' });
    expect((await axios.get(`${simulator.url}/fee/v1/notices/44140326120600000017`, { headers, validateStatus: () => true })).data).to.include({ resultCode: 'E104' });
    const nowhere = feeSignatureHeaders({ appId: CREDENTIALS.appId, appSecret: CREDENTIALS.appSecret, method: 'GET', pathWithQuery: '/fee/v1/nowhere', nowMs: Date.now() });
    expect((await axios.get(`${simulator.url}/fee/v1/nowhere`, { headers: nowhere, validateStatus: () => true })).data).to.include({ resultCode: 'E404' });
  });

  it('serves the reconciliation file of a past day (SM3-checked CSV), E306 for today, and a wrong amount as paid', async () => {
    let clock = Date.parse('2026-12-05T10:00:00+08:00');
    const dated = await startPaymentSimulator({ now: () => clock });
    try {
      const platform = createPaymentAdapter({ baseUrl: dated.url, appId: CREDENTIALS.appId, appSecret: CREDENTIALS.appSecret, timeoutMs: 1000, now: () => clock });
      const first = await platform.createNotice(noticeRequest());
      const second = await platform.createNotice(noticeRequest());
      dated.pay(first.noticeNo);
      dated.pay(second.noticeNo, 7000, 'WECHAT');
      await expectUpstreamError(platform.reconciliationFile('2026-12-05'), { kind: 'rejected', retryable: false, upstreamCode: 'E306', status: 409 });
      clock = Date.parse('2026-12-06T09:00:00+08:00');
      const file = await platform.reconciliationFile('2026-12-05');
      expect(file.lines.map((line) => [line.noticeNo, line.amountFen, line.channel])).to.deep.equal([[first.noticeNo, 7500, 'UNIONPAY'], [second.noticeNo, 7000, 'WECHAT']]);
      expect((await platform.reconciliationFile('2026-12-04')).lines).to.deep.equal([]);
    } finally {
      await dated.close();
    }
  });

  it('answers E999 as retryable, and maps injected 503, timeouts, resets and malformed answers', async () => {
    simulator.busyNext(1);
    await expectUpstreamError(adapter.createNotice(noticeRequest()), { kind: 'unavailable', retryable: true, upstreamCode: 'E999', status: 503 });
    simulator.faults.enqueue({ kind: 'status', status: 503 });
    await expectUpstreamError(adapter.createNotice(noticeRequest()), { kind: 'unavailable', retryable: true, status: 503 });
    simulator.faults.enqueue({ kind: 'timeout' });
    await expectUpstreamError(adapter.createNotice(noticeRequest()), { kind: 'timeout', retryable: true });
    simulator.faults.enqueue({ kind: 'reset' });
    await expectUpstreamError(adapter.createNotice(noticeRequest()), { kind: 'connection', retryable: true });
    simulator.faults.enqueue({ kind: 'malformed' });
    await expectUpstreamError(adapter.createNotice(noticeRequest()), { kind: 'malformed', retryable: false });
    simulator.faults.goDown();
    await expectUpstreamError(adapter.getRefund('R-1'), { kind: 'unavailable', retryable: true, status: 503 });
  });

  it('times out on latency longer than the adapter waits, and answers within it otherwise', async () => {
    simulator.faults.set({ latencyMs: 1500 });
    await expectUpstreamError(adapter.getRefund('R-SLOW'), { kind: 'timeout', retryable: true });
    simulator.faults.set({ latencyMs: 100 });
    expect(await adapter.getRefund('R-SLOW')).to.equal(undefined);
  });

  it('pays through the HTTP control, with a wrong amount if asked', async () => {
    const notice = await adapter.createNotice(noticeRequest());
    const control = await axios.post(`${simulator.url}/__control/notices/${notice.noticeNo}/pay`, { amountFen: 100 }, { validateStatus: () => true });
    expect(control.status).to.equal(200);
    expect((await adapter.getNotice(notice.noticeNo))?.payment?.amountFen).to.equal(100);
    expect((await axios.post(`${simulator.url}/__control/notices/${notice.noticeNo}/pay`, {}, { validateStatus: () => true })).status).to.equal(409);
    expect((await axios.post(`${simulator.url}/__control/notices/44140326120600000017/pay`, {}, { validateStatus: () => true })).status).to.equal(404);
  });
});
