/**
 * `GET /v1/ops/adapters` in-process, on SQLite and PostgreSQL, against the
 * department simulators on real sockets: every upstream adapter with its
 * base URL, circuit, last success and failure (from delivery attempts and
 * sync runs) and health by the documented rule; ops only.
 */
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { publicBaseUrl, type AdapterHealth } from '../../../src/ops/adapter-health.js';
import { birthForm, birthSubmission, startDeliveryEnvironment, type ApplicationView, type DeliveryEnvironment } from '../../helpers/delivery-environment.js';
import { allPassed, storeFixtures } from '../../helpers/stores.js';
import { waitFor } from '../../helpers/wait.js';

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
    env = await startDeliveryEnvironment(fixture);
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

  it('lists the matter system, licence library, seal platform and every department, with base URL, circuit and health', async () => {
    const listed = await adapters();
    expect([...listed.keys()].slice(0, 3)).to.deep.equal(['matter-system', 'licence-library', 'seal-platform']);
    expect(listed.get('matter-system')).to.include({ kind: 'matter-system', configured: true, baseUrl: new URL(env.matters.url).toString(), circuit: null });
    expect(listed.get('seal-platform')).to.include({ configured: true, baseUrl: new URL(env.seals.url).toString(), health: 'up' });
    expect(listed.get('licence-library')).to.include({ configured: false, baseUrl: null, health: 'down', healthReason: 'not configured' });
    expect(listed.get('department:gaj')).to.include({ kind: 'department', department: 'gaj', channel: 'rest', configured: true, baseUrl: new URL(env.gaj.url).toString(), circuit: 'closed' });
    expect(listed.get('department:ybj')).to.include({ channel: 'inbox', configured: true, baseUrl: null, circuit: null });
    expect(listed.get('department:mzrsj')).to.include({ channel: 'soap', circuit: 'closed' });
    for (const adapter of listed.values()) expect(adapter.health, adapter.id).to.be.oneOf(['up', 'degraded', 'down']);
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
