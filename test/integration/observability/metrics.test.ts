/**
 * `/metrics` after real traffic through a gateway with the simulators: HTTP
 * durations by route pattern, catalogue sync runs, licence fetches,
 * deliveries with retries and dead letters, circuit states, the outbox depth
 * and the age of its oldest due entry, process metrics — and no personal
 * data in any label.
 */
import { expect } from 'chai';
import { BIRTH_THEME, birthSubmission, hiringSubmission, prefillBirthForMother, startDeliveryEnvironment, type DeliveryEnvironment } from '../../helpers/delivery-environment.js';
import { allPassed, storeFixtures } from '../../helpers/stores.js';
import { waitFor } from '../../helpers/wait.js';

const fixture = storeFixtures().find((candidate) => candidate.name === 'sqlite')!;

interface Sample { name: string; labels: Record<string, string>; value: number }

/** Parses the text exposition format (samples only). */
function parse(text: string): Sample[] {
  return text.split('\n').filter((line) => line && !line.startsWith('#')).map((line) => {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) throw new Error(`not an exposition line: ${line}`);
    const labels = Object.fromEntries([...(match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)].map((label) => [label[1]!, label[2]!]));
    return { name: match[1]!, labels, value: Number(match[3]) };
  });
}

describe('Prometheus metrics at /metrics', function () {
  this.timeout(60_000);
  let env: DeliveryEnvironment;
  let text = '';

  /** The sum of the samples of `name` whose labels include `labels`, or undefined when there are none. */
  function value(name: string, labels: Record<string, string> = {}): number | undefined {
    const matching = parse(text).filter((sample) => sample.name === name && Object.entries(labels).every(([key, wanted]) => sample.labels[key] === wanted));
    return matching.length === 0 ? undefined : matching.reduce((sum, sample) => sum + sample.value, 0);
  }

  async function scrape(): Promise<string> {
    const answer = await fetch(`${env.gateway.url}/metrics`);
    expect(answer.status).to.equal(200);
    expect(answer.headers.get('content-type')).to.match(/^text\/plain; version=0\.0\.4/);
    text = await answer.text();
    return text;
  }

  /** Scrapes until `check` holds (counters are fed by background work). */
  async function scrapeUntil(check: () => boolean, what: string): Promise<void> {
    await waitFor(async () => { await scrape(); return check(); }, { what, timeoutMs: 15_000, intervalMs: 50 });
  }

  before(async function () {
    this.timeout(60_000);
    env = await startDeliveryEnvironment(fixture, { licenceLibrary: true, env: { TONGBAN_DELIVERY_MAX_ATTEMPTS: '3', TONGBAN_DELIVERY_BACKOFF_BASE_MS: '20' } });
  });
  after(async function () {
    await env?.close();
    await fixture.cleanup(allPassed(this.test!.parent!));
  });

  it('is public, in the text format, with process metrics', async () => {
    await scrape();
    expect(value('process_cpu_user_seconds_total')).to.be.greaterThan(0);
    expect(value('nodejs_heap_size_used_bytes')).to.be.greaterThan(1_000_000);
    expect(text).to.contain('# TYPE tongban_http_request_duration_seconds histogram');
  });

  it('times HTTP requests by route pattern, method and status', async () => {
    for (let i = 0; i < 3; i++) expect((await fetch(`${env.gateway.url}/healthz`)).status).to.equal(200);
    await fetch(`${env.gateway.url}/no/such/path`);
    const unsigned = await fetch(`${env.gateway.url}/v1/themes/MX-T05`);
    expect(unsigned.status).to.equal(401);
    expect((await env.platform.request('GET', '/v1/themes/MX-T05')).status).to.equal(200);
    await scrape();
    expect(value('tongban_http_request_duration_seconds_count', { method: 'GET', route: '/healthz', status: '200' })).to.be.at.least(3);
    expect(value('tongban_http_request_duration_seconds_sum', { method: 'GET', route: '/healthz', status: '200' })).to.be.greaterThan(0);
    expect(value('tongban_http_request_duration_seconds_bucket', { method: 'GET', route: '/healthz', status: '200', le: '+Inf' })).to.be.at.least(3);
    expect(value('tongban_http_request_duration_seconds_count', { method: 'GET', route: '/v1/themes/:themeCode', status: '200' })).to.equal(1);
    expect(value('tongban_http_request_duration_seconds_count', { method: 'GET', route: '/v1/themes/:themeCode', status: '401' })).to.equal(1);
    expect(value('tongban_http_request_duration_seconds_count', { method: 'GET', route: 'unmatched', status: '404' })).to.equal(1);
    expect(text).to.not.contain('MX-T05').and.not.contain('/no/such/path');
  });

  it('counts catalogue sync runs by kind and status', async () => {
    await scrapeUntil(() => value('tongban_catalog_sync_runs_total', { kind: 'full', status: 'succeeded' }) === 1, 'the start-up full sync');
    expect(value('tongban_catalog_sync_last_success_timestamp_seconds')).to.be.within(Date.now() / 1000 - 120, Date.now() / 1000 + 1);
    expect((await env.ops.request('POST', '/v1/ops/sync-runs', { body: { kind: 'incremental' } })).status).to.equal(201);
    env.matters.faults.goDown();
    try {
      const failed = await env.ops.request('POST', '/v1/ops/sync-runs', { body: { kind: 'incremental' } });
      expect((failed.body as { status: string }).status).to.equal('failed');
    } finally {
      env.matters.faults.comeBack();
    }
    await scrape();
    expect(value('tongban_catalog_sync_runs_total', { kind: 'incremental', status: 'succeeded' })).to.equal(1);
    expect(value('tongban_catalog_sync_runs_total', { kind: 'incremental', status: 'failed' })).to.equal(1);
  });

  it('counts licence fetches by type and result, and keeps ID numbers out of labels', async () => {
    const { mother, prefill, idToken } = await prefillBirthForMother(env);
    expect(prefill.status, JSON.stringify(prefill.body)).to.equal(200);
    const refused = await env.platform.request('GET', `/v1/licences?holderCode=${mother.idNumber}&licenceType=residentIdCard&themeCode=${BIRTH_THEME}&useCause=${encodeURIComponent('核验身份')}`, { idToken });
    expect(refused.status).to.equal(403);
    expect((await env.platform.request('GET', `/v1/holders/${mother.idNumber}/licence-uses`)).status).to.equal(200);

    await scrape();
    // One sample per licence handed out, as prefill listed them.
    const listed = (prefill.body as { licences: { licenceType: string; used: boolean }[] }).licences;
    for (const licenceType of ['birthCertificate', 'residentIdCard']) {
      const used = listed.filter((licence) => licence.licenceType === licenceType && licence.used).length;
      expect(used, licenceType).to.be.at.least(1);
      expect(value('tongban_licence_fetches_total', { action: 'query', licence_type: licenceType, result: 'used' }), licenceType).to.equal(used);
    }
    expect(value('tongban_licence_fetches_total', { action: 'query', licence_type: 'residentIdCard', result: 'AUTHORIZATION_REQUIRED' })).to.equal(1);
    expect(value('tongban_http_request_duration_seconds_count', { route: '/v1/holders/:holderCode/licence-uses', status: '200' })).to.equal(1);
    expect(text, 'an ID number in a label').to.not.contain(mother.idNumber);
  });

  it('counts deliveries, retries and dead letters per department, and reports circuit states', async () => {
    // 公安局 answers its first push with 503 (a retry), then takes it; 民政和人社局 refuses every push with 400 (dead letters at once).
    env.gaj.faults.enqueue({ kind: 'status', status: 503 });
    env.mzrsj.faults.set({ errorRate: 1, statusCodes: [400] });
    const birth = await env.submit(birthSubmission());
    expect(birth.status, JSON.stringify(birth.body)).to.equal(202);
    const hiring = await env.submit(hiringSubmission());
    expect(hiring.status).to.equal(202);

    const filings = (hiring.body as { subApplications: unknown[] }).subApplications.length;
    expect(filings).to.be.at.least(2);
    await scrapeUntil(() => value('tongban_deliveries_total', { department: 'gaj', outcome: 'delivered' }) === 1
      && value('tongban_delivery_dead_letters_total', { department: 'mzrsj' }) === filings, 'gaj delivered and every mzrsj filing dead-lettered');
    expect(value('tongban_deliveries_total', { department: 'gaj', outcome: 'retry' })).to.equal(1);
    expect(value('tongban_delivery_retries_total', { department: 'gaj' })).to.equal(1);
    expect(value('tongban_deliveries_total', { department: 'mzrsj', outcome: 'dead' })).to.equal(filings);
    expect(value('tongban_delivery_retries_total', { department: 'mzrsj' })).to.equal(undefined);
    expect(value('tongban_department_circuit_state', { department: 'gaj', state: 'closed' })).to.equal(1);
    expect(value('tongban_department_circuit_state', { department: 'gaj', state: 'open' })).to.equal(0);
    // A department never pushed to is reported closed too.
    expect(value('tongban_department_circuit_state', { department: 'swj', state: 'closed' })).to.equal(1);

    // Dead letters stay in the outbox; the birth theme's later matters wait for 出生登记's result.
    expect(value('tongban_outbox_deliveries', { state: 'dead' })).to.equal(filings);
    expect(value('tongban_outbox_deliveries', { state: 'waiting' })).to.be.at.least(1);
    expect(value('tongban_outbox_deliveries', { state: 'in_flight' })).to.equal(0);
    expect(value('tongban_outbox_oldest_due_age_seconds')).to.equal(0);
  });

  it('opens a failing department\'s circuit (gauge and transitions)', async () => {
    env.mzrsj.faults.set({ errorRate: 1, statusCodes: [503] });
    for (let i = 0; i < 3; i++) expect((await env.submit(hiringSubmission())).status).to.equal(202);
    await scrapeUntil(() => value('tongban_department_circuit_state', { department: 'mzrsj', state: 'open' }) === 1, 'the mzrsj circuit to open');
    expect(value('tongban_department_circuit_state', { department: 'mzrsj', state: 'closed' })).to.equal(0);
    expect(value('tongban_department_circuit_transitions_total', { department: 'mzrsj', state: 'open' })).to.be.at.least(1);
    // The failed pushes that opened it were retries (503 is retryable), not dead letters.
    expect(value('tongban_delivery_retries_total', { department: 'mzrsj' })).to.be.at.least(1);
    // The pushes in flight when it opened settle as pending (deferred while the circuit is open); the outbox
    // gauge reads committed rows (through the ops reader), so it shows them once their failure is committed.
    await scrapeUntil(() => (value('tongban_outbox_deliveries', { state: 'pending' }) ?? 0) >= 1, 'the failed mzrsj deliveries pending again');
  });

  it('reports how long the oldest due delivery has waited', async () => {
    // With the dispatcher stopped, what is due stays due and ages.
    await env.gateway.dispatcher.stop();
    const { rows } = await env.gateway.store.query<{ id: string }>("SELECT id FROM deliveries WHERE state = 'pending' ORDER BY id LIMIT 1");
    expect(rows).to.have.length(1);
    await env.gateway.store.query('UPDATE deliveries SET next_attempt_at = $1 WHERE id = $2', [Date.now() - 90_000, rows[0]!.id]);
    await scrape();
    expect(value('tongban_outbox_oldest_due_age_seconds')).to.be.within(90, 120);
  });

  it('counts deliveries a fee holds (awaiting_payment) as still in the outbox', async () => {
    // The dispatcher is stopped (above). A fee due before acceptance holds a delivery as intake does: awaiting_payment instead of pending.
    await scrape();
    expect(value('tongban_outbox_deliveries', { state: 'awaiting_payment' })).to.equal(0);
    const { rows } = await env.gateway.store.query<{ id: string }>("SELECT id FROM deliveries WHERE state = 'pending' AND channel <> 'inbox' ORDER BY id LIMIT 1");
    expect(rows).to.have.length(1);
    await env.gateway.store.query("UPDATE deliveries SET state = 'awaiting_payment' WHERE id = $1", [rows[0]!.id]);
    await scrapeUntil(() => value('tongban_outbox_deliveries', { state: 'awaiting_payment' }) === 1, 'the held delivery counted');
    expect(text).to.match(/# HELP tongban_outbox_deliveries .*awaiting_payment/);
  });
});
