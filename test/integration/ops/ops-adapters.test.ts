/**
 * `GET /v1/ops/adapters` in-process, on SQLite and PostgreSQL, against the
 * department simulators on real sockets: every upstream adapter with its
 * base URL, circuit, last success and failure (from delivery attempts, sync
 * runs and the job rows of the payment, posting, 好差评 push and licence
 * issuance workers) and health by the documented rule; ops only.
 */
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { publicBaseUrl, type AdapterHealth } from '../../../src/ops/adapter-health.js';
import { newId, type SqlValue } from '../../../src/store/index.js';
import { birthForm, birthSubmission, startDeliveryEnvironment, type ApplicationView, type DeliveryEnvironment } from '../../helpers/delivery-environment.js';
import { sharedIdentityPlatform } from '../../helpers/identity.js';
import { allPassed, storeFixtures } from '../../helpers/stores.js';
import { waitFor } from '../../helpers/wait.js';
import { insertDeliveries, insertRows } from './ops-rows.js';

/** A payment platform that is configured (with credentials and a key in its URL, which ops must not see) but never reached. */
const PAYMENT_URL = 'http://fee:s3cret@127.0.0.1:9/nontax?key=abc';
/** The shared upstreams, in the documented order, before the departments. */
const UPSTREAMS = ['matter-system', 'licence-library', 'seal-platform', 'identity-platform', 'payment-platform', 'logistics', 'evaluation', 'data-sharing'];

describe('ops adapters: base URLs as ops may see them', () => {
  it('drops user, password, query and fragment', () => {
    expect(publicBaseUrl('https://app:s3cret@eseal.example.test/gateway?key=abc#x')).to.equal('https://eseal.example.test/gateway');
    expect(publicBaseUrl(undefined)).to.equal(null);
    expect(publicBaseUrl('not a url')).to.equal(null);
  });
});

for (const fixture of storeFixtures()) describe(`GET /v1/ops/adapters (${fixture.name})`, function () {
  this.timeout(60_000);
  let env: DeliveryEnvironment;

  before(async function () {
    this.timeout(60_000);
    env = await startDeliveryEnvironment(fixture, { env: { TONGBAN_PAYMENT_URL: PAYMENT_URL, TONGBAN_PAYMENT_APP_ID: 'tongban', TONGBAN_PAYMENT_APP_SECRET: 'payment-secret' } });
  });
  after(async function () {
    env?.gaj.faults.reset();
    await env?.close();
    await fixture.cleanup(allPassed(this.test!.parent!));
  });

  async function adapters(): Promise<Map<string, AdapterHealth>> {
    const answer = await env.ops.request('GET', '/v1/ops/adapters');
    expect(answer.status, JSON.stringify(answer.body)).to.equal(200);
    expect(answer.verified, 'signed like every /v1 answer').to.equal(true);
    return new Map((answer.body as { adapters: AdapterHealth[] }).adapters.map((adapter) => [adapter.id, adapter]));
  }

  async function submitBirth(): Promise<ApplicationView> {
    const answer = await env.submit(birthSubmission(birthForm({ child: { name: `测试${randomUUID().slice(0, 4)}` } })));
    expect(answer.status, JSON.stringify(answer.body)).to.equal(202);
    return env.application((answer.body as { applicationId: string }).applicationId);
  }

  async function gajAttempts(applicationId: string): Promise<{ outcome: string; errorCode: string | null }[]> {
    const view = await env.application(applicationId);
    const registration = view.subApplications.find((sub) => sub.departmentCode === 'gaj')!;
    const answer = await env.ops.request('GET', `/v1/ops/deliveries/${registration.delivery.id}/attempts`);
    return (answer.body as { attempts: { outcome: string; errorCode: string | null }[] }).attempts;
  }

  it('lists every shared upstream in a fixed order, then every department, with base URL, circuit and health', async () => {
    const listed = await adapters();
    expect([...listed.keys()].slice(0, UPSTREAMS.length)).to.deep.equal(UPSTREAMS);
    expect([...listed.keys()].slice(UPSTREAMS.length).every((id) => id.startsWith('department:'))).to.equal(true);
    expect(listed.get('matter-system')).to.include({ kind: 'matter-system', configured: true, baseUrl: new URL(env.matters.url).toString(), circuit: null });
    expect(listed.get('seal-platform')).to.include({ configured: true, baseUrl: new URL(env.seals.url).toString(), health: 'up' });
    expect(listed.get('licence-library')).to.include({ configured: false, baseUrl: null, health: 'down', healthReason: 'not configured' });
    expect(listed.get('department:gaj')).to.include({ kind: 'department', department: 'gaj', channel: 'rest', configured: true, baseUrl: new URL(env.gaj.url).toString(), circuit: 'closed' });
    expect(listed.get('department:ybj')).to.include({ channel: 'inbox', configured: true, baseUrl: null, circuit: null });
    expect(listed.get('department:mzrsj')).to.include({ channel: 'soap', circuit: 'closed' });
    for (const adapter of listed.values()) expect(adapter.health, adapter.id).to.be.oneOf(['up', 'degraded', 'down']);
    // Configured, nothing on record yet: the identity platform (its issuer is its base URL), the payment platform (credentials and query stripped).
    const nothing = { circuit: null, lastSuccessAt: null, lastFailureAt: null, lastErrorCode: null, health: 'up', healthReason: 'configured; nothing on record yet' };
    expect(listed.get('identity-platform')).to.include({ kind: 'identity-platform', name: '统一身份认证平台', configured: true, baseUrl: publicBaseUrl((await sharedIdentityPlatform()).env['TONGBAN_IDENTITY_ISSUER']), ...nothing });
    expect(listed.get('payment-platform')).to.include({ kind: 'payment-platform', name: '统一公共支付平台', configured: true, baseUrl: 'http://127.0.0.1:9/nontax', ...nothing });
    // Not configured: down, whatever is on record.
    for (const [id, name] of [['logistics', 'EMS 邮政寄递'], ['evaluation', '好差评系统'], ['data-sharing', '数据共享交换平台']]) {
      expect(listed.get(id!), id).to.include({ kind: id, name, configured: false, baseUrl: null, circuit: null, health: 'down', healthReason: 'not configured' });
    }
  });

  it('reads the last success and failure of the payment platform, mail service, 好差评 system and licence library from their workers\' jobs', async () => {
    const at = (minute: number) => Date.UTC(2026, 10, 20, 9, minute);
    const isoAt = (minute: number) => new Date(at(minute)).toISOString();
    // Sub-applications for the jobs to belong to (their deliveries cancelled: nothing for the dispatcher).
    const { subApplications, applications } = await insertDeliveries(env.gateway.store, Array.from({ length: 4 }, () => ({ department: 'gaj', state: 'cancelled', updatedAt: at(0) })), at(0), 1);
    const row = (index: number) => ({ sub: subApplications[index]!, application: applications[index]! });
    const tag = randomUUID().slice(0, 8);
    // Payments: a notice answered (1), a failed pull (2), one never created — no call answered it yet — changed later (3). No job due: the worker leaves them be.
    await insertRows(env.gateway.store, 'payments', ['id', 'application_id', 'sub_application_id', 'matter_code', 'gate', 'items', 'total_fen', 'payer', 'due_date', 'order_no', 'notice_no',
      'status', 'job', 'next_attempt_at', 'last_error', 'created_at', 'updated_at'], ([[0, `N${tag}`, 'done', null, 1], [1, `M${tag}`, 'dead', 'timeout: no answer in 5000 ms', 2], [2, null, 'dead', null, 3]] as const)
      .map(([index, notice, job, error, minute]) => [newId(), row(index).application, row(index).sub, '002039777000', 'before-acceptance', '[]', 1500, '{}', '2026-12-31', `TB${tag}${index}`,
        notice, notice ? 'paid' : 'creating', job, at(0), error, at(0), at(minute)] as SqlValue[]));
    // Postings: a waybill created (4), one failed before it (2).
    await insertRows(env.gateway.store, 'postings', ['id', 'application_id', 'direction', 'order_no', 'hall_code', 'sender', 'recipient', 'items', 'waybill_no', 'status', 'state',
      'next_attempt_at', 'last_error', 'created_at', 'updated_at'], ([[`W${tag}`, 'delivered', 'done', null, 4], [null, 'not_created', 'dead', 'unavailable: HTTP 503', 2]] as const)
      .map(([waybill, status, state, error, minute], index) => [newId(), row(index).application, 'result', `TBP${tag}${index}`, 'H1', '{}', '{}', '[]', waybill, status, state, at(0), error, at(0), at(minute)] as SqlValue[]));
    // 好差评 pushes: one delivered (1), one dead (3), one in flight after a failure (5: the claim's time, not the failure's).
    const evaluations = [0, 1, 2].map(() => newId());
    await insertRows(env.gateway.store, 'evaluations', ['id', 'application_id', 'theme_code', 'scope', 'service_code', 'level', 'indicators', 'comment', 'channel', 'actor', 'client_id', 'created_at'],
      evaluations.map((id, index) => [id, row(index).application, 'MX-T05', 'theme', 'MX-T05', 5, '[]', '', 'pc', '{}', 'platform', at(0)]));
    await insertRows(env.gateway.store, 'evaluation_pushes', ['id', 'evaluation_id', 'position', 'kind', 'payload', 'state', 'next_attempt_at', 'last_error', 'created_at', 'updated_at'],
      ([['delivered', null, 1], ['dead', 'rejected 4001: 评价编号重复', 3], ['in_flight', 'timeout: no answer', 5]] as const)
        .map(([state, error, minute], index) => [newId(), evaluations[index]!, 0, 'evaluation', '{}', state, at(0), error, at(0), at(minute)]));
    // Licence issuance: one issued (2), a retry after the library's 503 (1), one dead for want of a signer (4: Tongban's own, not the library's).
    await insertRows(env.gateway.store, 'licence_issuances', ['id', 'application_id', 'sub_application_id', 'licence_type', 'business_number', 'request', 'identifier', 'status', 'operation',
      'state', 'next_attempt_at', 'last_error', 'error_code', 'created_at', 'updated_at'], ([['issued', 'done', null, null, 2], ['issuing', 'pending', 'unavailable: HTTP 503', 'unavailable', 1],
      ['failed', 'dead', 'no signing credentials for issuer', 'NO_SIGNER', 4]] as const)
      .map(([status, state, error, code, minute], index) => [newId(), row(index).application, row(index).sub, 'birthCertificate', `TBL${tag}${index}`, '{}',
        state === 'done' ? `L${tag}` : null, status, 'issue', state, Date.now() + 86_400_000, error, code, at(0), at(minute)] as SqlValue[]));

    const listed = await adapters();
    expect(listed.get('payment-platform')).to.include({ lastSuccessAt: isoAt(1), lastFailureAt: isoAt(2), lastErrorCode: 'UPSTREAM_TIMEOUT', health: 'degraded' });
    expect(listed.get('logistics')).to.include({ lastSuccessAt: isoAt(4), lastFailureAt: isoAt(2), lastErrorCode: 'UPSTREAM_UNAVAILABLE', health: 'down' });
    expect(listed.get('evaluation')).to.include({ lastSuccessAt: isoAt(1), lastFailureAt: isoAt(3), lastErrorCode: 'UPSTREAM_REJECTED', health: 'down' });
    expect(listed.get('licence-library')).to.include({ lastSuccessAt: isoAt(2), lastFailureAt: isoAt(1), lastErrorCode: 'UPSTREAM_UNAVAILABLE', health: 'down' });
    // Nothing of their calls is kept.
    for (const id of ['seal-platform', 'identity-platform', 'data-sharing']) expect(listed.get(id), id).to.include({ lastSuccessAt: null, lastFailureAt: null, lastErrorCode: null });
  });

  it('reports a department\'s last success and last failure with its error code, and degrades it while its latest outcome is a failure', async () => {
    env.gaj.faults.enqueue({ kind: 'status', status: 503 });
    const recovered = await submitBirth();
    await waitFor(async () => (await gajAttempts(recovered.id)).some((attempt) => attempt.outcome === 'delivered'), { what: 'gaj to deliver after one 503' });
    const afterRecovery = (await adapters()).get('department:gaj')!;
    expect(afterRecovery).to.include({ lastErrorCode: 'UPSTREAM_UNAVAILABLE', health: 'up' });
    expect(Date.parse(afterRecovery.lastSuccessAt!)).to.be.at.least(Date.parse(afterRecovery.lastFailureAt!));

    env.gaj.faults.set({ errorRate: 1, statusCodes: [503] });
    try {
      const failing = await submitBirth();
      await waitFor(async () => (await gajAttempts(failing.id)).some((attempt) => attempt.outcome === 'retry'), { what: 'a failed attempt at gaj' });
      const gaj = (await adapters()).get('department:gaj')!;
      expect(Date.parse(gaj.lastFailureAt!)).to.be.greaterThan(Date.parse(afterRecovery.lastSuccessAt!));
      expect(gaj.lastErrorCode).to.equal('UPSTREAM_UNAVAILABLE');
      // The rule: an open circuit is down; otherwise a latest failure is degraded.
      expect(gaj.health).to.equal(gaj.circuit === 'open' ? 'down' : 'degraded');
    } finally {
      env.gaj.faults.reset();
    }
  });

  it('refuses a platform or department client with 403 ROLE_NOT_ALLOWED', async () => {
    for (const client of [env.platform, await env.department('gaj')]) {
      const answer = await client.request('GET', '/v1/ops/adapters');
      expect(answer.status, JSON.stringify(answer.body)).to.equal(403);
      expect(answer.body).to.include({ code: 'ROLE_NOT_ALLOWED' });
    }
  });
});
