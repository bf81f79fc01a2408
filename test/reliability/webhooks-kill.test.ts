/**
 * Reliability of platform notifications: a gateway process is killed with
 * SIGKILL while its webhook worker is sending (the platform answers slowly,
 * so sends are in flight), and another starts on the same SQLite file. Every
 * event recorded reaches the platform's receiver, verified with the JWKS,
 * exactly once per webhook-id after de-duplication, and each application's
 * events arrive in sequence — across the crash. On SQLite (the same file)
 * and PostgreSQL (the same schema).
 */
import { expect } from 'chai';
import type { Store } from '../../src/store/index.js';
import { allPassed, storeFixtures } from '../helpers/stores.js';
import { waitFor } from '../helpers/wait.js';
import { startWebhookReceiver, type WebhookReceiver } from '../integration/notifications/webhook-receiver.js';
import { baseEnv, startGatewayProcess, type GatewayProcess } from './gateway-process.js';
import { accepted } from './outcomes.js';
import { endpointsOf, sqliteReliabilityWorld, submitAll, uploadMaterials } from './workload.js';

const TOTAL = 60;

for (const fixture of storeFixtures()) describe(`reliability: webhooks across a SIGKILL of the gateway (${fixture.name})`, function () {
  this.timeout(120_000);
  const world = sqliteReliabilityWorld();
  let receiver: WebhookReceiver | undefined;
  let db: Store | undefined;
  after(async function () {
    await receiver?.close();
    await db?.close();
    await fixture.cleanup(allPassed(this.test!.parent!));
  });

  it('every event is received once per webhook-id, in sequence per application', async () => {
    await (await fixture.open()).close();
    db = fixture.openAnother();
    const env = await baseEnv(world.matters, {
      ...fixture.gatewayEnv(), TONGBAN_DEPARTMENT_ENDPOINTS: endpointsOf(world.departments),
      TONGBAN_WEBHOOK_TIMEOUT_MS: '1000', TONGBAN_WEBHOOK_BACKOFF_BASE_MS: '50', TONGBAN_WEBHOOK_BACKOFF_CAP_MS: '500',
      TONGBAN_WEBHOOK_MAX_ATTEMPTS: '1000', TONGBAN_WEBHOOK_POLL_MS: '20', TONGBAN_WEBHOOK_CONCURRENCY: '4',
    });
    let current: GatewayProcess | undefined;
    receiver = await startWebhookReceiver(() => `${current!.url}/.well-known/jwks.json`, '/events', { delayMs: 60 });
    const first = await startGatewayProcess(env);
    current = first;
    const endpoint = await first.platform.request('POST', '/v1/webhooks', { body: { url: receiver.url } });
    expect(endpoint.status, JSON.stringify(endpoint.body)).to.equal(201);
    const inFlight = async () => (await db!.query<{ message_id: string }>("SELECT message_id FROM webhook_deliveries WHERE state = 'in_flight'")).rows.map((row) => row.message_id);

    // 1. Submissions; SIGKILL once the platform has some events and sends are in flight.
    const materials = await uploadMaterials(first.platform);
    const phase1 = await submitAll({ clients: [first.platform], materials, indexes: Array.from({ length: TOTAL }, (_, index) => index), concurrency: 8 });
    const applications = new Set(accepted(phase1).values());
    expect(applications.size).to.equal(TOTAL);
    await waitFor(async () => receiver!.events().length >= 10 && (await inFlight()).length > 0, { what: 'events received and sends in flight', timeoutMs: 30_000 });
    await first.kill();
    const leasedAtDeath = new Set(await inFlight());
    expect(leasedAtDeath.size, 'sends in flight when the gateway died').to.be.greaterThan(0);
    const receivedAtDeath = receiver.events().length;

    // 2. Another gateway on the same file takes over (the dead worker's claims once their leases run out).
    const second = await startGatewayProcess(env);
    current = second;
    const messages = async () => (await db!.query<{ id: string }>("SELECT id FROM webhook_messages WHERE type <> 'webhook.test'")).rows;
    const open = async () => Number((await db!.query<{ n: number | string }>("SELECT COUNT(*) AS n FROM webhook_deliveries WHERE state <> 'delivered'")).rows[0]!.n);
    // Each application: received, then each sub-application's receipt.
    await waitFor(async () => await open() === 0 && (await messages()).length >= TOTAL * 3, { what: 'every webhook delivered', timeoutMs: 60_000, intervalMs: 100 });
    const recorded = await messages();
    expect(receivedAtDeath, 'some events were received before the crash, some after').to.be.below(recorded.length);

    // 3. Exactly once per webhook-id after de-duplication, every signature verified, in sequence per application.
    const events = receiver.events();
    expect(events.map((event) => event.id).sort()).to.deep.equal(recorded.map((message) => message.id).sort());
    expect(receiver.requests().filter((request) => !request.verified)).to.deep.equal([]);
    // Sent again (a receiver drops them by webhook-id): what was in flight at the crash, or an attempt that failed
    // after the receiver had answered (a timeout on a loaded machine) — nothing else.
    const retried = new Set((await db.query<{ message_id: string }>('SELECT message_id FROM webhook_deliveries WHERE attempts > 1')).rows.map((row) => row.message_id));
    expect(receiver.duplicates().filter((id) => !leasedAtDeath.has(id) && !retried.has(id)), 'sent again for no reason').to.deep.equal([]);
    for (const application of applications) {
      const sequence = events.filter((event) => event.applicationId === application).map((event) => event.sequence);
      expect(sequence, `events of ${application}`).to.deep.equal(sequence.map((_, index) => index + 1));
    }
    await second.stop();
  });
});
