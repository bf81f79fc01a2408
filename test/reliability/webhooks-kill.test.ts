/**
 * Reliability of platform notifications: a gateway process is killed with
 * SIGKILL while its webhook worker is sending (the platform answers slowly,
 * so sends are in flight), and another starts on the same SQLite file. Every
 * event recorded reaches the platform's receiver, verified with the JWKS,
 * exactly once per webhook-id after de-duplication, and each application's
 * events arrive in sequence — across the crash.
 */
import { expect } from 'chai';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { waitFor } from '../helpers/wait.js';
import { startWebhookReceiver, type WebhookReceiver } from '../integration/notifications/webhook-receiver.js';
import { baseEnv, startGatewayProcess, type GatewayProcess } from './gateway-process.js';
import { accepted } from './outcomes.js';
import { endpointsOf, sqliteReliabilityWorld, submitAll, uploadMaterials } from './workload.js';

const TOTAL = 60;

describe('reliability: webhooks across a SIGKILL of the gateway (SQLite)', function () {
  this.timeout(120_000);
  const world = sqliteReliabilityWorld();
  let receiver: WebhookReceiver | undefined;
  after(async () => { await receiver?.close(); });

  it('every event is received once per webhook-id, in sequence per application', async () => {
    const sqlitePath = join(world.dir, 'tongban.db');
    const env = await baseEnv(world.matters, {
      TONGBAN_SQLITE_PATH: sqlitePath, TONGBAN_DEPARTMENT_ENDPOINTS: endpointsOf(world.departments),
      TONGBAN_WEBHOOK_TIMEOUT_MS: '1000', TONGBAN_WEBHOOK_BACKOFF_BASE_MS: '50', TONGBAN_WEBHOOK_BACKOFF_CAP_MS: '500',
      TONGBAN_WEBHOOK_MAX_ATTEMPTS: '1000', TONGBAN_WEBHOOK_POLL_MS: '20', TONGBAN_WEBHOOK_CONCURRENCY: '4',
    });
    let current: GatewayProcess | undefined;
    receiver = await startWebhookReceiver(() => `${current!.url}/.well-known/jwks.json`, '/events', { delayMs: 60 });
    const first = await startGatewayProcess(env);
    current = first;
    const endpoint = await first.platform.request('POST', '/v1/webhooks', { body: { url: receiver.url } });
    expect(endpoint.status, JSON.stringify(endpoint.body)).to.equal(201);
    world.db = new Database(sqlitePath, { readonly: true, timeout: 5000 });
    const inFlight = world.db.prepare("SELECT id FROM webhook_deliveries WHERE state = 'in_flight'");

    // 1. Submissions; SIGKILL once the platform has some events and sends are in flight.
    const materials = await uploadMaterials(first.platform);
    const phase1 = await submitAll({ clients: [first.platform], materials, indexes: Array.from({ length: TOTAL }, (_, index) => index), concurrency: 8 });
    const applications = new Set(accepted(phase1).values());
    expect(applications.size).to.equal(TOTAL);
    await waitFor(() => receiver!.events().length >= 10 && inFlight.all().length > 0, { what: 'events received and sends in flight', timeoutMs: 30_000 });
    await first.kill();
    const leasedAtDeath = inFlight.all().length;
    expect(leasedAtDeath, 'sends in flight when the gateway died').to.be.greaterThan(0);
    const receivedAtDeath = receiver.events().length;

    // 2. Another gateway on the same file takes over (the dead worker's claims once their leases run out).
    const second = await startGatewayProcess(env);
    current = second;
    const messages = () => world.db!.prepare("SELECT id, application_id, sequence FROM webhook_messages WHERE type <> 'webhook.test' ORDER BY application_id, sequence").all() as { id: string; application_id: string; sequence: number }[];
    await waitFor(() => (world.db!.prepare("SELECT COUNT(*) AS n FROM webhook_deliveries WHERE state <> 'delivered'").get() as { n: number }).n === 0 && messages().length >= TOTAL * 2,
      { what: 'every webhook delivered', timeoutMs: 60_000, intervalMs: 100 });
    expect(receivedAtDeath, 'some events were received before the crash, some after').to.be.below(messages().length);

    // 3. Exactly once per webhook-id after de-duplication, every signature verified, in sequence per application.
    const events = receiver.events();
    const recorded = messages();
    expect(events.map((event) => event.id).sort()).to.deep.equal(recorded.map((message) => message.id).sort());
    expect(receiver.requests().filter((request) => !request.verified)).to.deep.equal([]);
    expect(receiver.duplicates().length, 'resent after the crash: only what was in flight').to.be.at.most(leasedAtDeath);
    for (const application of applications) {
      const sequence = events.filter((event) => event.applicationId === application).map((event) => event.sequence);
      expect(sequence, `events of ${application}`).to.deep.equal(sequence.map((_, index) => index + 1));
    }
    await second.stop();
  });
});
