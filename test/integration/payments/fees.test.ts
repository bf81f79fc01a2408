/**
 * Fees end to end, on SQLite and PostgreSQL: a real gateway, the department
 * simulators and the payment platform simulator on real sockets, its signed
 * notifications posted to the gateway. 去港澳探亲一件事 (MX-T16) with a pass
 * already held: one matter, 办理往来港澳通行证探亲签注 at 公安局 (gaj), whose
 * 签注费 (15 元) is paid before acceptance.
 */
import { expect } from 'chai';
import { feeSignatureHeaders } from '../../../adapters/payment/payment-signature.js';
import { DEFAULT_PAYMENT_CREDENTIALS as CREDENTIALS, startPaymentSimulator, type PaymentSimulator } from '../../../adapters/payment/simulator/index.js';
import { beijingDate } from '../../../src/payments/beijing-date.js';
import type { SigningClientResponse } from '../../../src/trust/signing-client.js';
import { idNumber, startDeliveryEnvironment, type DeliveryEnvironment } from '../../helpers/delivery-environment.js';
import { allPassed, storeFixtures } from '../../helpers/stores.js';
import { waitFor } from '../../helpers/wait.js';
import { hashPassword } from '../../../src/ops/dashboard/password.js';
import { DashboardClient } from '../ops/dashboard-client.js';

const NOTIFICATION_PATH = '/v1/payments/notifications';
const ENDORSEMENT = '002039777000';

interface Payment { id: string; subApplicationId: string; gate: string; noticeNo: string | null; items: { code: string; amountFen: number }[]; totalFen: number; status: string; paidFen: number | null; refundNo: string | null }
interface View { status: string; subApplications: { id: string; status: string; delivery: { state: string } }[]; payments: Payment[] }

function body<T>(answer: SigningClientResponse, status: number): T {
  expect(answer.status, JSON.stringify(answer.body)).to.equal(status);
  return answer.body as T;
}

let people = 0;
function submission(): Record<string, unknown> {
  people += 1;
  return {
    themeCode: 'MX-T16', answers: { hasHongKongMacaoPass: true },
    form: {
      applicant: { name: `陈晓燕${'一二三四五六七八九十'[people % 10]}`, idNumber: idNumber('1990-03-07', '女'), phone: '13800138000' },
      hongKongMacaoPass: { number: `C${String(10_000_000 + people)}`, destination: '香港', endorsementEntries: '一次有效' },
    },
  };
}

for (const fixture of storeFixtures()) describe(`fees (${fixture.name})`, function () {
  this.timeout(120_000);
  let env: DeliveryEnvironment;
  let platform: PaymentSimulator;

  before(async function () {
    this.timeout(180_000);
    platform = await startPaymentSimulator({ notifyRetryDelaysMs: [50, 200, 500] });
    env = await startDeliveryEnvironment(fixture, { env: {
      TONGBAN_PAYMENT_URL: platform.url, TONGBAN_PAYMENT_APP_ID: CREDENTIALS.appId, TONGBAN_PAYMENT_APP_SECRET: CREDENTIALS.appSecret,
      TONGBAN_PAYMENT_TIMEOUT_MS: '2000',
      // Notifications carry the payments here: the pull fallback comes too late to matter.
      TONGBAN_PAYMENT_PULL_INTERVAL_MS: '600000',
      TONGBAN_OPS_USERS: JSON.stringify({ ops: await hashPassword('fees-ops-password') }),
    } });
    platform.setCallbackUrl(CREDENTIALS.appId, `${env.gateway.url}${NOTIFICATION_PATH}`);
  });

  beforeEach(() => {
    env.outcomes.gaj = () => undefined;
    platform.setCallbackUrl(CREDENTIALS.appId, `${env.gateway.url}${NOTIFICATION_PATH}`);
  });

  after(async function () {
    await env?.close();
    await platform?.close();
    await fixture.cleanup(allPassed(this.test!.parent!));
  });

  async function view(applicationId: string): Promise<View> {
    return body<View>(await env.platform.request('GET', `/v1/applications/${applicationId}`), 200);
  }

  async function waitView(applicationId: string, check: (view: View) => boolean, what: string): Promise<View> {
    return waitFor(async () => {
      const current = await view(applicationId);
      return check(current) ? current : undefined;
    }, { what, timeoutMs: 20_000, intervalMs: 25 });
  }

  /** Submits, and waits for the notice: the application with its unpaid payment. */
  async function applyWithNotice(): Promise<{ applicationId: string; payment: Payment; view: View }> {
    const { applicationId } = body<{ applicationId: string }>(await env.submit(submission()), 202);
    const current = await waitView(applicationId, (candidate) => candidate.payments[0]?.status === 'unpaid', 'the notice made');
    return { applicationId, payment: current.payments[0]!, view: current };
  }

  async function events(applicationId: string): Promise<Record<string, unknown>[]> {
    const { rows } = await env.gateway.store.query<{ payload: string }>("SELECT payload FROM webhook_messages WHERE application_id = $1 AND type = 'payment.updated' ORDER BY sequence", [applicationId]);
    return rows.map((row) => (JSON.parse(row.payload) as { data: Record<string, unknown> }).data);
  }

  function signedNotification(payload: Record<string, unknown>, secret = CREDENTIALS.appSecret): { headers: Record<string, string>; text: string } {
    const text = JSON.stringify(payload);
    return { text, headers: feeSignatureHeaders({ appId: CREDENTIALS.appId, appSecret: secret, method: 'POST', pathWithQuery: NOTIFICATION_PATH, body: text, nowMs: Date.now() }) };
  }

  async function post(notification: { headers: Record<string, string>; text: string }): Promise<{ status: number; body: Record<string, unknown> }> {
    const response = await fetch(`${env.gateway.url}${NOTIFICATION_PATH}`, { method: 'POST', headers: { ...notification.headers, 'content-type': 'application/json' }, body: notification.text });
    return { status: response.status, body: await response.json() as Record<string, unknown> };
  }

  it('holds a fee-bearing matter until paid; the signed notification pays it and it is delivered to the department', async () => {
    const { applicationId, payment, view: before } = await applyWithNotice();
    expect(payment).to.deep.include({ gate: 'before-acceptance', totalFen: 1500, status: 'unpaid', paidFen: null });
    expect(payment.items).to.deep.equal([{ code: '103040102', name: '往来港澳通行证签注费(一次有效)', amountFen: 1500 }]);
    expect(payment.noticeNo).to.match(/^\d{20}$/);
    expect(platform.notice(payment.noticeNo!)).to.include({ totalAmount: 1500, payStatus: '0' });
    expect(before.subApplications[0]!.delivery.state).to.equal('awaiting_payment');
    expect(env.gaj.received().some((delivery) => delivery.delivery.subApplicationId === payment.subApplicationId)).to.equal(false);

    platform.pay(payment.noticeNo!);
    const paid = await waitView(applicationId, (current) => current.payments[0]!.status === 'paid' && current.subApplications[0]!.status === 'delivered', 'paid and delivered');
    expect(paid.payments[0]).to.include({ paidFen: 1500 });
    expect(env.gaj.received().filter((delivery) => delivery.delivery.subApplicationId === payment.subApplicationId)).to.have.length(1);
    expect((await events(applicationId)).map((data) => data['status'])).to.deep.equal(['creating', 'unpaid', 'paid']);
  });

  it('refunds a paid fee when the department rejects the matter, tracked to refunded', async () => {
    env.outcomes.gaj = () => ({ kind: 'reject', reason: '签注申请材料不齐全' });
    const { applicationId, payment } = await applyWithNotice();
    platform.pay(payment.noticeNo!, undefined, 'WECHAT');
    await waitView(applicationId, (current) => current.subApplications[0]!.status === 'delivered', 'delivered once paid');
    await env.gaj.flushEvents();
    const refunded = await waitView(applicationId, (current) => current.payments[0]!.status === 'refunded', 'the fee refunded');
    expect(refunded.subApplications[0]!.status).to.equal('rejected');
    expect(refunded.payments[0]!.refundNo).to.equal(`TBR-${payment.subApplicationId}`);
    expect(platform.notice(payment.noticeNo!)).to.include({ payStatus: '2' });
    expect((await events(applicationId)).map((data) => data['status'])).to.deep.equal(['creating', 'unpaid', 'paid', 'refunding', 'refunded']);
  });

  it('refuses forged and replayed notifications with 401 and changes nothing', async () => {
    const { applicationId, payment } = await applyWithNotice();
    const paidTime = `${beijingDate(Date.now())}T10:00:00+08:00`;
    const payload = { notifyId: 'N-FORGED-1', noticeNo: payment.noticeNo, orderNo: `TBP-${payment.subApplicationId}`, paidAmount: 1500, paidTime, payChannel: 'ALIPAY' };
    const eventsBefore = await events(applicationId);

    const forged = await post(signedNotification(payload, 'not-the-platform-secret'));
    expect(forged.status).to.equal(401);
    expect(forged.body).to.include({ code: 'PAYMENT_NOTIFICATION_INVALID' });
    const tampered = signedNotification(payload);
    expect((await post({ headers: tampered.headers, text: tampered.text.replace('1500', '15') })).status).to.equal(401);
    expect((await view(applicationId)).payments[0]!.status).to.equal('unpaid');

    const genuine = signedNotification(payload);
    expect(await post(genuine)).to.deep.equal({ status: 200, body: { received: true, outcome: 'paid' } });
    const paid = await waitView(applicationId, (current) => current.subApplications[0]!.status === 'delivered', 'delivered once paid');
    const eventsPaid = await events(applicationId);
    expect(eventsPaid).to.have.length(eventsBefore.length + 1);

    const replayed = await post(genuine);
    expect(replayed.status).to.equal(401);
    expect(replayed.body).to.include({ code: 'PAYMENT_NOTIFICATION_INVALID' });
    expect((await view(applicationId)).payments).to.deep.equal(paid.payments);
    expect(await events(applicationId)).to.deep.equal(eventsPaid);
    // Stale: an old notification with a fresh nonce.
    const stale = JSON.stringify({ ...payload, notifyId: 'N-OLD' });
    const old = feeSignatureHeaders({ appId: CREDENTIALS.appId, appSecret: CREDENTIALS.appSecret, method: 'POST', pathWithQuery: NOTIFICATION_PATH, body: stale, nowMs: Date.now() - 3600_000 });
    expect((await post({ headers: old, text: stale })).status).to.equal(401);
  });

  it('pulls a notice whose notification was lost once its pull is due (the fallback), and delivers', async () => {
    const { applicationId, payment } = await applyWithNotice();
    platform.setCallbackUrl(CREDENTIALS.appId, undefined);
    platform.pay(payment.noticeNo!, undefined, 'ALIPAY');
    expect((await view(applicationId)).payments[0]!.status).to.equal('unpaid');
    // The pull interval (10 min here) has passed.
    await env.gateway.store.query('UPDATE payments SET next_attempt_at = 0 WHERE id = $1', [payment.id]);
    env.gateway.payments.worker.notify();
    await waitView(applicationId, (current) => current.payments[0]!.status === 'paid' && current.subApplications[0]!.status === 'delivered', 'paid by the pull, delivered');
    expect((await events(applicationId)).at(-1)).to.include({ step: 'paid', source: 'pull', channel: 'ALIPAY' });
  });

  it('reconciles a day whose file matches, settling a payment whose notification was lost', async () => {
    const day = Date.now() - 2 * 86_400_000;
    const date = beijingDate(day);
    const notified = await applyWithNotice();
    const lost = await applyWithNotice();
    platform.pay(notified.payment.noticeNo!, undefined, 'UNIONPAY', day);
    await waitView(notified.applicationId, (current) => current.payments[0]!.status === 'paid', 'paid by notification');
    platform.setCallbackUrl(CREDENTIALS.appId, undefined);
    platform.pay(lost.payment.noticeNo!, undefined, 'BANK_COUNTER', day + 60_000);
    expect((await view(lost.applicationId)).payments[0]!.status).to.equal('unpaid');

    const outcome = body<Record<string, unknown>>(await env.ops.request('POST', '/v1/ops/payments/reconciliations', { body: { date } }), 200);
    expect(outcome).to.deep.equal({ date, status: 'matched', lines: 2, matched: 2, differences: 0 });
    await waitView(lost.applicationId, (current) => current.payments[0]!.status === 'paid' && current.subApplications[0]!.status === 'delivered', 'settled by the file, delivered');
    expect(body<{ differences: unknown[] }>(await env.ops.request('GET', `/v1/ops/payments/differences?date=${date}`), 200).differences).to.deep.equal([]);
  });

  it('records an amount that differs from the notice as a difference, never as paid, once', async () => {
    const day = Date.now() - 86_400_000;
    const date = beijingDate(day);
    const { applicationId, payment } = await applyWithNotice();
    platform.setCallbackUrl(CREDENTIALS.appId, undefined);
    platform.pay(payment.noticeNo!, 1400, 'WECHAT', day);

    const first = body<Record<string, unknown>>(await env.ops.request('POST', '/v1/ops/payments/reconciliations', { body: { date } }), 200);
    expect(first).to.include({ date, status: 'differences', lines: 1, matched: 0, differences: 1 });
    const current = await view(applicationId);
    expect(current.payments[0]).to.include({ status: 'difference', paidFen: 1400 });
    expect(current.subApplications[0]!.delivery.state).to.equal('awaiting_payment');
    const { differences } = body<{ differences: Record<string, unknown>[] }>(await env.ops.request('GET', `/v1/ops/payments/differences?date=${date}`), 200);
    expect(differences).to.have.length(1);
    expect(differences[0]).to.include({ source: 'reconciliation', kind: 'amount', noticeNo: payment.noticeNo, expectedFen: 1500, actualFen: 1400 });

    body(await env.ops.request('POST', '/v1/ops/payments/reconciliations', { body: { date } }), 200);
    expect(body<{ differences: unknown[] }>(await env.ops.request('GET', `/v1/ops/payments/differences?date=${date}`), 200).differences).to.have.length(1);
    expect(env.gaj.received().some((delivery) => delivery.delivery.subApplicationId === payment.subApplicationId)).to.equal(false);
    expect((await events(applicationId)).map((data) => data['status'])).to.deep.equal(['creating', 'unpaid', 'difference']);

    // The ops dashboard lists it, with the day's reconciliation.
    const browser = new DashboardClient(env.gateway.url);
    expect((await browser.login('ops', 'fees-ops-password', '/ops/payments')).status).to.equal(303);
    const dashboard = await browser.get('/ops/payments');
    expect(dashboard.status).to.equal(200);
    expect(dashboard.body).to.contain(payment.noticeNo!).and.to.contain('金额不符 amount').and.to.contain('15.00 元').and.to.contain('14.00 元');
    expect(dashboard.body).to.match(new RegExp(`data-bill-date="${date}"><td>${date}</td><td><span class="bad">differences</span>`));
  });

  it('cancels the unpaid fee of a matter its rejected prerequisite rejects; paid anyway, it is refunded', async () => {
    // Without a pass: the pass (60 元) and the endorsement (15 元) waiting for it; 公安局 refuses the pass once paid.
    env.outcomes.gaj = () => ({ kind: 'reject', reason: '出入境证件申请材料不符合要求' });
    const base = submission() as { form: { applicant: Record<string, unknown>; hongKongMacaoPass: Record<string, unknown> } };
    const birthDate = '1990-03-07';
    const { applicationId } = body<{ applicationId: string }>(await env.submit({
      themeCode: 'MX-T16', answers: { hasHongKongMacaoPass: false },
      form: {
        applicant: { ...base.form.applicant, sex: '女', birthDate, address: '广东省梅州市梅江区江南路1号' },
        hongKongMacaoPass: { applicationType: '首次申请', destination: '香港', endorsementEntries: '一次有效' },
      },
    }), 202);
    const unpaid = await waitView(applicationId, (current) => current.payments.length === 2 && current.payments.every((payment) => payment.status === 'unpaid'), 'both notices made');
    const [endorsement, pass] = unpaid.payments.sort((a, b) => a.totalFen - b.totalFen);
    expect([endorsement!.totalFen, pass!.totalFen]).to.deep.equal([1500, 6000]);
    platform.pay(pass!.noticeNo!);
    await waitView(applicationId, (current) => current.subApplications.some((sub) => sub.status === 'delivered'), 'the pass delivered once paid');
    await env.gaj.flushEvents();
    const rejected = await waitView(applicationId, (current) => current.payments.find((payment) => payment.id === pass!.id)!.status === 'refunded'
      && current.payments.find((payment) => payment.id === endorsement!.id)!.status === 'cancelled', 'the pass refunded, the endorsement\'s fee cancelled');
    expect(rejected.subApplications.every((sub) => sub.status === 'rejected')).to.equal(true);

    platform.pay(endorsement!.noticeNo!);
    await waitView(applicationId, (current) => current.payments.find((payment) => payment.id === endorsement!.id)!.status === 'refunded', 'the late payment refunded');
    expect(platform.notice(endorsement!.noticeNo!)).to.include({ payStatus: '2' });
  });

  it('answers bad reconciliation requests with a problem naming the field', async () => {
    const today = body<{ errors: { pointer: string }[] }>(await env.ops.request('POST', '/v1/ops/payments/reconciliations', { body: { date: beijingDate(Date.now()) } }), 400);
    expect(today.errors[0]!.pointer).to.equal('/date');
    const missing = body<{ errors: { pointer: string }[] }>(await env.ops.request('POST', '/v1/ops/payments/reconciliations', { body: {} }), 400);
    expect(missing.errors[0]!.pointer).to.equal('/date');
  });
});
