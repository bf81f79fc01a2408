/**
 * A gateway whose PostgreSQL stalls: behind a proxy that black-holes the
 * link (connections stay open, no byte passes), under a lock another session
 * holds on the table intake writes, and through a seeded random run of
 * forward / black hole / reset. Every request answers — 503
 * DATABASE_UNAVAILABLE with Retry-After while the database cannot — within
 * the request's database budget plus the gateway's own work; nothing is
 * half-written; once the database answers again, everything accepted is
 * there and is delivered.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { createLogger } from '../../src/log/index.js';
import { Alerts } from '../../src/ops/alerts.js';
import type { Store } from '../../src/store/index.js';
import { createSigningClient, jwks } from '../../src/trust/index.js';
import type { SigningClient, SigningClientResponse } from '../../src/trust/signing-client.js';
import { BIRTH_THEME, birthForm, birthSubmission, idNumber, startDeliveryEnvironment, type DeliveryEnvironment } from '../helpers/delivery-environment.js';
import { devKey } from '../helpers/dev-keys.js';
import { satisfyMaterials } from '../helpers/materials.js';
import { allPassed, storeFixtures, TEST_DATABASE_URL, type StoreFixture } from '../helpers/stores.js';
import { TcpProxy, type ProxyMode } from '../helpers/tcp-proxy.js';
import { waitFor } from '../helpers/wait.js';

/** Small limits, so that the test runs fast (ms). */
const LIMITS = { connect: 300, statement: 600, lock: 300, idleInTransaction: 800, query: 900, budget: 1200 };
/** The gateway's own work on one request (verifying, validating, splitting, signing) on a loaded test host (ms). */
const WORK_MS = 1500;
/** No answer may take longer: the request's database budget plus the gateway's own work. */
const ANSWER_BOUND_MS = LIMITS.budget + WORK_MS;
/** Background work (outside any request) waits at most for a connection and one statement's answer before it fails. */
const BACKGROUND_BOUND_MS = LIMITS.connect + LIMITS.query + WORK_MS;
/** Past this the test client gives up: the request hung. */
const HANG_MS = 4 * ANSWER_BOUND_MS;

/** One request as answered, and how long it took; status 0: no answer within HANG_MS. */
interface Answered {
  status: number;
  code: string | undefined;
  retryAfter: string | undefined;
  body: unknown;
  elapsedMs: number;
}

/** The fixture's database, reached through `proxy` by the gateway (the test itself goes direct). */
function throughProxy(fixture: StoreFixture, proxy: TcpProxy): StoreFixture {
  return {
    ...fixture,
    gatewayEnv() {
      const env = fixture.gatewayEnv();
      const url = new URL(env['DATABASE_URL']!);
      url.port = String(proxy.port);
      return { ...env, DATABASE_URL: url.toString() };
    },
  };
}

describe('gateway and a PostgreSQL that stalls (black hole, long locks)', function () {
  this.timeout(60_000);
  const fixture = storeFixtures().find((candidate) => candidate.name === 'postgres')!;
  let proxy: TcpProxy;
  let env: DeliveryEnvironment;
  let client: SigningClient;
  /** The same database, direct: what is stored, whatever the proxy does. */
  let direct: Store;
  /** The body sent under each idempotency key (a retry must send the same). */
  const bodies = new Map<string, Record<string, unknown>>();
  /** Uploaded once while the database answers; every submission names the same uploads. */
  let materials: Record<string, unknown>;
  /** The mother of every submission, logged in once while the database answers (a login needs a nonce from the gateway). */
  const mother = { name: '李芳', idNumber: idNumber('1994-03-08', '女') };
  let idToken: string;

  before(async function () {
    this.timeout(90_000);
    const url = new URL(TEST_DATABASE_URL);
    proxy = await new TcpProxy(url.hostname, Number(url.port || 5432)).start();
    env = await startDeliveryEnvironment(throughProxy(fixture, proxy), {
      env: {
        TONGBAN_DATABASE_POOL_SIZE: '4',
        TONGBAN_DATABASE_CONNECT_TIMEOUT_MS: String(LIMITS.connect),
        TONGBAN_DATABASE_STATEMENT_TIMEOUT_MS: String(LIMITS.statement),
        TONGBAN_DATABASE_LOCK_TIMEOUT_MS: String(LIMITS.lock),
        TONGBAN_DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS: String(LIMITS.idleInTransaction),
        TONGBAN_DATABASE_QUERY_TIMEOUT_MS: String(LIMITS.query),
        TONGBAN_DATABASE_REQUEST_BUDGET_MS: String(LIMITS.budget),
        TONGBAN_DATABASE_KEEPALIVE_MS: '1000',
        TONGBAN_DELIVERY_LEASE_MS: '4000',
      },
    });
    direct = fixture.openAnother();
    const gatewayUrl = env.gateway.url;
    client = createSigningClient({
      baseUrl: gatewayUrl, clientId: 'platform', key: await devKey('platform'), tongbanKeys: () => jwks(gatewayUrl),
      fetch: (input, init) => globalThis.fetch(input, { ...init, signal: AbortSignal.timeout(HANG_MS) }),
    });
    materials = await satisfyMaterials(client, BIRTH_THEME);
    idToken = await env.sessions.idToken(client, mother);
  });

  after(async function () {
    this.timeout(60_000);
    proxy?.restore();
    await env?.close();
    await direct?.close();
    await proxy?.stop();
    await fixture.cleanup(allPassed(this.test!.parent!));
  });

  async function timed(send: () => Promise<SigningClientResponse | Response>): Promise<Answered> {
    const started = Date.now();
    try {
      const answer = await send();
      if (answer instanceof Response) {
        const text = await answer.text();
        const body = text ? JSON.parse(text) as unknown : undefined;
        return { status: answer.status, code: (body as { code?: string } | undefined)?.code, retryAfter: answer.headers.get('retry-after') ?? undefined, body, elapsedMs: Date.now() - started };
      }
      return { status: answer.status, code: (answer.body as { code?: string } | undefined)?.code, retryAfter: answer.headers['retry-after'], body: answer.body, elapsedMs: Date.now() - started };
    } catch (error) {
      return { status: 0, code: (error as Error).name, retryAfter: undefined, body: (error as Error).message, elapsedMs: Date.now() - started };
    }
  }

  /** POST /v1/applications under `key` (a new birth submission for a new key; the same body again for a known one). */
  function submit(key: string): Promise<Answered> {
    if (!bodies.has(key)) bodies.set(key, { ...birthSubmission(birthForm({ mother, guardian: mother })), materials });
    return timed(() => client.request('POST', '/v1/applications', { body: bodies.get(key), headers: { 'idempotency-key': key }, idToken }));
  }

  function read(applicationId: string): Promise<Answered> {
    return timed(() => client.request('GET', `/v1/applications/${applicationId}`));
  }

  function expectUnavailable(answer: Answered, what: string): void {
    expect(answer.status, `${what}: ${JSON.stringify(answer.body)}`).to.equal(503);
    expect(answer.code, what).to.equal('DATABASE_UNAVAILABLE');
    expect(answer.retryAfter, `${what}: Retry-After`).to.equal('5');
    expect(answer.elapsedMs, `${what}: answered in (ms)`).to.be.below(ANSWER_BOUND_MS);
  }

  /** Submits `key` again until it is accepted (the database may still be ending sessions cut off mid-transaction). */
  async function acceptedOnceBack(key: string): Promise<string> {
    let last: Answered | undefined;
    try {
      return await waitFor(async () => {
        last = await submit(key);
        if (last.status !== 202 && !(last.status === 503 && last.code === 'DATABASE_UNAVAILABLE')) throw new Error(`unexpected ${last.status} ${JSON.stringify(last.body)}`);
        return last.status === 202 ? (last.body as { applicationId: string }).applicationId : undefined;
      }, { what: `submission ${key} accepted`, timeoutMs: 20_000, intervalMs: 50 });
    } catch (error) {
      throw new Error(`${(error as Error).message}; last answer: ${JSON.stringify(last)}`);
    }
  }

  /** Applications stored under `key` (exactly one once accepted, none before). */
  async function applicationsUnder(key: string): Promise<string[]> {
    const { rows } = await direct.query<{ id: string }>('SELECT id FROM applications WHERE client_id = $1 AND idempotency_key = $2', ['platform', key]);
    return rows.map((row) => row.id);
  }

  /** Every stored application is whole: the sub-applications its answer lists, each with its delivery. */
  async function expectNothingHalfWritten(): Promise<void> {
    const { rows } = await direct.query<{ id: string; response: string; subs: number; deliveries: number }>(`
      SELECT a.id, a.response,
        (SELECT COUNT(*) FROM sub_applications s WHERE s.application_id = a.id) AS subs,
        (SELECT COUNT(*) FROM deliveries d JOIN sub_applications s ON s.id = d.sub_application_id WHERE s.application_id = a.id) AS deliveries
      FROM applications a`);
    for (const row of rows) {
      const listed = (JSON.parse(row.response) as { subApplications: unknown[] }).subApplications.length;
      expect({ subs: Number(row.subs), deliveries: Number(row.deliveries) }, `application ${row.id}`).to.deep.equal({ subs: listed, deliveries: listed });
    }
  }

  /** How a background operation ended, and when; 'hung' past HANG_MS. */
  async function settled(operation: Promise<unknown>): Promise<{ outcome: string; elapsedMs: number }> {
    const started = Date.now();
    let timer: NodeJS.Timeout | undefined;
    const hung = new Promise<string>((resolve) => { timer = setTimeout(() => resolve('hung'), HANG_MS); });
    const outcome = await Promise.race([operation.then(() => 'resolved', (error: unknown) => `failed: ${(error as Error).message}`), hung]);
    clearTimeout(timer);
    return { outcome, elapsedMs: Date.now() - started };
  }

  it('(a) black hole: submissions and reads answer 503 DATABASE_UNAVAILABLE with Retry-After within the budget, background work fails in bounded time, the process stays up; restored, nothing accepted is lost and all is delivered', async function () {
    this.timeout(120_000);
    const alerts = new Alerts({ url: 'http://alerts.invalid/hook', signingKey: () => env.gateway.keyring.signingKey(), logger: createLogger({ level: 'silent' }), store: env.gateway.store });
    const acceptedBefore: string[] = [];
    for (const key of [`stall-a-before-1-${randomUUID()}`, `stall-a-before-2-${randomUUID()}`]) {
      const answer = await submit(key);
      expect(answer.status, JSON.stringify(answer.body)).to.equal(202);
      acceptedBefore.push((answer.body as { applicationId: string }).applicationId);
    }

    proxy.blackHole();
    const refusedKeys = [1, 2, 3].map((index) => `stall-a-during-${index}-${randomUUID()}`);
    const during = await Promise.all([
      ...refusedKeys.map((key) => submit(key)),
      ...acceptedBefore.map((id) => read(id)),
      // More requests than pooled connections: some wait for one (the connect timeout), none longer than the budget.
      ...refusedKeys.map((key) => submit(key)),
    ]);
    during.forEach((answer, index) => expectUnavailable(answer, `request ${index} in the black hole`));
    const ready = await timed(() => globalThis.fetch(`${env.gateway.url}/readyz`, { signal: AbortSignal.timeout(HANG_MS) }));
    expect(ready.status).to.equal(503);
    expect(ready.elapsedMs).to.be.below(ANSWER_BOUND_MS);
    expect((await timed(() => globalThis.fetch(`${env.gateway.url}/healthz`))).status, 'the process is up').to.equal(200);

    // Outside any request: the dispatcher's claim, a catalogue sync and the overdue check fail, in bounded time.
    const background = await Promise.all([settled(env.gateway.dispatcher.runOnce()), settled(env.gateway.catalogSyncer!.runNow('incremental', 'test')), settled(alerts.checkOverdue())]);
    for (const [index, { outcome, elapsedMs }] of background.entries()) {
      expect(outcome, `background operation ${index}`).to.match(/^failed: The database/);
      expect(elapsedMs, `background operation ${index} (ms)`).to.be.below(BACKGROUND_BOUND_MS);
    }
    for (const key of refusedKeys) expect(await applicationsUnder(key), `nothing stored under ${key}`).to.deep.equal([]);

    proxy.restore();
    await waitFor(async () => (await read(acceptedBefore[0]!)).status === 200, { what: 'reads to answer again', timeoutMs: 20_000, intervalMs: 50 });
    const acceptedAfter = [];
    for (const key of refusedKeys) acceptedAfter.push(await acceptedOnceBack(key));
    for (const key of refusedKeys) expect(await applicationsUnder(key)).to.have.length(1);
    await expectNothingHalfWritten();

    // Background work recovered: a sync runs, the overdue check answers, the dispatcher delivers everything accepted.
    expect(await settled(env.gateway.catalogSyncer!.runNow('incremental', 'test'))).to.include({ outcome: 'resolved' });
    expect(await settled(alerts.checkOverdue())).to.include({ outcome: 'resolved' });
    for (const id of [...acceptedBefore, ...acceptedAfter]) {
      await env.waitForApplication(id, (view) => view.subApplications[0]!.delivery.state === 'delivered', `公安 to get ${id}`, 30_000);
    }
    await alerts.close();
  });

  it('(b) a lock held on the table intake writes (ACCESS EXCLUSIVE), or on the row a submission would insert: 503 DATABASE_UNAVAILABLE within the budget, not a hang, not 500; accepted once the lock goes', async function () {
    this.timeout(60_000);
    const schema = fixture.gatewayEnv()['TONGBAN_DATABASE_SCHEMA']!;
    const accepted = await submit(`stall-b-before-${randomUUID()}`);
    expect(accepted.status).to.equal(202);
    const acceptedId = (accepted.body as { applicationId: string }).applicationId;
    const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await admin.connect();
    try {
      await admin.query('BEGIN');
      await admin.query(`LOCK TABLE "${schema}".applications IN ACCESS EXCLUSIVE MODE`);
      const tableKey = `stall-b-table-${randomUUID()}`;
      const [submitted, readBack] = await Promise.all([submit(tableKey), read(acceptedId)]);
      expectUnavailable(submitted, 'a submission while the table is locked');
      expectUnavailable(readBack, 'a read while the table is locked');
      await admin.query('ROLLBACK');
      expect(await acceptedOnceBack(tableKey)).to.be.a('string');

      // Another session inserted, and has not committed, the very row a submission would: the unique key waits on it.
      const rowKey = `stall-b-row-${randomUUID()}`;
      await admin.query('BEGIN');
      await admin.query(`INSERT INTO "${schema}".applications (id, client_id, idempotency_key, request_digest, response, theme_code, answers, form, provenance, status, created_at, updated_at)
        SELECT $1, client_id, $2, request_digest, response, theme_code, answers, form, provenance, status, created_at, updated_at FROM "${schema}".applications WHERE id = $3`,
      [randomUUID(), rowKey, acceptedId]);
      expectUnavailable(await submit(rowKey), 'a submission waiting on an uncommitted row');
      await admin.query('ROLLBACK');
      await acceptedOnceBack(rowKey);
      expect(await applicationsUnder(rowKey)).to.have.length(1);
    } finally {
      await admin.query('ROLLBACK').catch(() => undefined);
      await admin.end();
    }
    await expectNothingHalfWritten();
  });

  it('(c) property: a seeded random run of forward / black hole / reset between requests — no 5xx but 503 DATABASE_UNAVAILABLE, no request past the budget, nothing half-written, nothing accepted lost', async function () {
    this.timeout(180_000);
    type Step = { kind: 'mode'; mode: ProxyMode } | { kind: 'submit'; concurrent: number } | { kind: 'resubmit'; pick: number } | { kind: 'read'; pick: number };
    const step: fc.Arbitrary<Step> = fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom<ProxyMode>('forward', 'black-hole', 'reset').map((mode): Step => ({ kind: 'mode', mode })) },
      // Up to more submissions at once than the pool has connections.
      { weight: 3, arbitrary: fc.integer({ min: 1, max: 6 }).map((concurrent): Step => ({ kind: 'submit', concurrent })) },
      { weight: 1, arbitrary: fc.nat(999).map((pick): Step => ({ kind: 'resubmit', pick })) },
      { weight: 1, arbitrary: fc.nat(999).map((pick): Step => ({ kind: 'read', pick })) },
    );
    let run = 0;
    const seen = { requests: 0, unavailable: 0, accepted: 0 };
    await fc.assert(fc.asyncProperty(fc.array(step, { minLength: 8, maxLength: 16 }), async (steps) => {
      run += 1;
      proxy.restore();
      const keys: string[] = [];
      /** Application id each key was answered with. */
      const answeredWith = new Map<string, string>();
      const log: string[] = [];
      const check = (answer: Answered, key: string | undefined, what: string) => {
        seen.requests += 1;
        expect(answer.status, `${what}: no hang`).not.to.equal(0);
        expect(answer.elapsedMs, `${what}: answered within the bound`).to.be.below(ANSWER_BOUND_MS);
        if (answer.status === 503) {
          expectUnavailable(answer, what);
          seen.unavailable += 1;
          return;
        }
        expect(answer.status, `${what}: ${JSON.stringify(answer.body)}`).to.be.oneOf([200, 202]);
        if (key === undefined) return;
        const id = (answer.body as { applicationId: string }).applicationId;
        expect(answeredWith.get(key) ?? id, `${what}: the same application for the same key`).to.equal(id);
        answeredWith.set(key, id);
        seen.accepted += 1;
      };
      for (const [index, current] of steps.entries()) {
        if (current.kind === 'mode') {
          proxy.set(current.mode);
          log.push(current.mode);
          continue;
        }
        let sent: { key: string | undefined; answer: Promise<Answered> }[];
        if (current.kind === 'read') {
          const ids = [...answeredWith.values()];
          if (ids.length === 0) continue;
          sent = [{ key: undefined, answer: read(ids[current.pick % ids.length]!) }];
        } else {
          const chosen = current.kind === 'resubmit'
            ? (keys.length > 0 ? [keys[current.pick % keys.length]!] : [])
            : Array.from({ length: current.concurrent }, (_, offset) => `stall-c-${run}-${index}-${offset}-${randomUUID()}`);
          for (const key of chosen) if (!keys.includes(key)) keys.push(key);
          sent = chosen.map((key) => ({ key, answer: submit(key) }));
        }
        const answers = await Promise.all(sent.map(async ({ key, answer }) => ({ key, answer: await answer })));
        log.push(`${current.kind} ${answers.map(({ answer }) => `${answer.status}/${answer.elapsedMs}ms`).join(',')}`);
        for (const { key, answer } of answers) check(answer, key, `run ${run}, step ${index} (${log.join(' → ')})`);
      }
      // The database answers again: every key is accepted exactly once, as answered before if it was.
      proxy.restore();
      for (const key of keys) {
        const id = await acceptedOnceBack(key);
        if (answeredWith.has(key)) expect(id, `key ${key}`).to.equal(answeredWith.get(key));
        expect(await applicationsUnder(key), `applications under ${key}`).to.deep.equal([id]);
      }
      await expectNothingHalfWritten();
    }), { seed: 20261114, numRuns: 8, endOnFailure: true, interruptAfterTimeLimit: 90_000 });
    expect(seen.requests, 'requests sent').to.be.greaterThan(40);
    expect(seen.unavailable, 'some answered 503 in a stall').to.be.greaterThan(0);
    expect(seen.accepted, 'some accepted while forwarding').to.be.greaterThan(0);
  });
});
