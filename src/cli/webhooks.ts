/**
 * `tongban webhooks …`: platform clients' webhook endpoints and their dead
 * letters, straight from the database (no running gateway needed; a running
 * webhook worker picks up what changed within its poll interval). The URL
 * rules are the API's: http(s) only, never the gateway's own configured
 * address. Replays are audited as `cli:<user>`.
 */
import type { Command } from 'commander';
import { openMigratedStore } from '../gateway.js';
import { createLogger } from '../log/index.js';
import { listWebhookDeliveries, replayWebhookDelivery, WEBHOOK_DELIVERY_STATES, type WebhookDeliveryState } from '../notifications/ops-webhooks.js';
import { PLATFORM_EVENT_TYPES } from '../notifications/platform-events.js';
import { endpointIdOf, WebhookEndpoints } from '../notifications/webhook-endpoints.js';
import type { Store } from '../store/index.js';
import { isTongbanError } from '../errors/index.js';
import { cliConfig } from './cli-config.js';
import { cliActor } from './progress.js';
import { printTable } from './table.js';

async function withEndpoints<T>(work: (endpoints: WebhookEndpoints, store: Store) => Promise<T>): Promise<T> {
  const config = cliConfig();
  const { store } = await openMigratedStore(config, createLogger({ level: 'error' }));
  try {
    const endpoints = new WebhookEndpoints({ store, own: () => ({ url: `http://${config.host}:${config.port}`, host: config.host, port: config.port }) });
    return await work(endpoints, store);
  } catch (error) {
    // A refused input reads as the API's answer: the field and why (no stack trace).
    throw isTongbanError(error) ? new Error(error.errors?.map((field) => `${field.pointer}: ${field.message}`).join('; ') || error.message) : error;
  } finally {
    await store.close();
  }
}

async function platformClient(store: Store, clientId: string): Promise<void> {
  const { rows } = await store.query<{ role: string; status: string }>('SELECT role, status FROM clients WHERE id = $1', [clientId]);
  if (!rows[0]) throw new Error(`no client ${clientId} (see tongban clients list)`);
  if (rows[0].role !== 'platform') throw new Error(`client ${clientId} is a ${rows[0].role} client; webhooks are for platform clients`);
  if (rows[0].status !== 'active') throw new Error(`client ${clientId} is ${rows[0].status}`);
}

async function ownerOf(store: Store, endpointId: string): Promise<string> {
  const { rows } = await store.query<{ client_id: string }>('SELECT client_id FROM webhook_endpoints WHERE id = $1', [endpointIdOf(endpointId)]);
  if (!rows[0]) throw new Error(`no webhook endpoint ${endpointId}`);
  return rows[0].client_id;
}

export function registerWebhooksCommands(program: Command): void {
  const webhooks = program.command('webhooks').description('Platform clients\' webhook endpoints and dead letters (reads the configured database)');

  webhooks.command('add')
    .description('Add a webhook endpoint for a platform client (events signed with Tongban\'s key; see docs/notifications.md)')
    .requiredOption('--client <id>', 'the platform client')
    .requiredOption('--url <url>', 'http(s) URL events are POSTed to')
    .option('--events <types>', `comma-separated event types (default every type): ${PLATFORM_EVENT_TYPES.join(', ')}`)
    .option('--description <text>', 'what it is for')
    .option('--json', 'print JSON')
    .action((options: { client: string; url: string; events?: string; description?: string; json?: boolean }) => withEndpoints(async (endpoints, store) => {
      await platformClient(store, options.client);
      const created = await endpoints.create(options.client, {
        url: options.url, ...(options.events ? { eventTypes: options.events.split(',').map((type) => type.trim()) } : {}),
        ...(options.description ? { description: options.description } : {}),
      });
      if (options.json) { process.stdout.write(`${JSON.stringify(created, null, 2)}\n`); return; }
      process.stdout.write(`Webhook endpoint ${created.id} added for ${options.client}: ${created.url} (${created.eventTypes?.join(', ') ?? 'every event type'}).\n`);
    }));

  webhooks.command('list')
    .description('List webhook endpoints (of one client, or all)')
    .option('--client <id>', 'only this client\'s')
    .option('--json', 'print JSON')
    .action((options: { client?: string; json?: boolean }) => withEndpoints(async (endpoints, store) => {
      const clients = options.client ? [options.client]
        : (await store.query<{ client_id: string }>('SELECT DISTINCT client_id FROM webhook_endpoints ORDER BY client_id LIMIT 1000')).rows.map((row) => row.client_id);
      const rows = (await Promise.all(clients.map(async (client) => (await endpoints.list(client)).map((endpoint) => ({ client, ...endpoint }))))).flat();
      if (options.json) { process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`); return; }
      printTable(rows.map((row) => ({ id: row.id, client: row.client, status: row.status, url: row.url, events: row.eventTypes?.join(',') ?? 'all', created: row.createdAt })));
    }));

  webhooks.command('remove <id>')
    .description('Disable a webhook endpoint: nothing more is sent to it, its pending deliveries become dead')
    .action((id: string) => withEndpoints(async (endpoints, store) => {
      const disabled = await endpoints.disable(await ownerOf(store, id), id);
      process.stdout.write(`Webhook endpoint ${disabled.id} disabled (${disabled.url}).\n`);
    }));

  webhooks.command('deliveries')
    .description('Webhook deliveries in a state, newest change first (default dead)')
    .option('--state <state>', `${WEBHOOK_DELIVERY_STATES.join(', ')}`, 'dead')
    .option('--limit <n>', 'at most n rows', '50')
    .option('--json', 'print JSON')
    .action((options: { state: string; limit: string; json?: boolean }) => withEndpoints(async (_endpoints, store) => {
      if (!WEBHOOK_DELIVERY_STATES.includes(options.state as WebhookDeliveryState)) throw new Error(`--state must be one of ${WEBHOOK_DELIVERY_STATES.join(', ')} (got "${options.state}")`);
      const limit = Number(options.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) throw new Error(`--limit must be an integer from 1 to 10000 (got "${options.limit}")`);
      const page = await listWebhookDeliveries(store, { state: options.state as WebhookDeliveryState, limit });
      if (options.json) { process.stdout.write(`${JSON.stringify(page.rows, null, 2)}\n`); return; }
      printTable(page.rows.map((row) => ({ id: row.id, client: row.clientId, type: row.type, sequence: row.sequence ?? '', attempts: row.attempts, status: row.lastStatus ?? '', 'last error': (row.lastError ?? '').slice(0, 60) })));
    }));

  webhooks.command('replay <deliveryId>')
    .description('Put a dead webhook delivery back in the queue with fresh attempts, same webhook-id (audited as cli:<user>)')
    .action((deliveryId: string) => withEndpoints(async (_endpoints, store) => {
      const actor = cliActor();
      const result = await replayWebhookDelivery(store, deliveryId, actor);
      process.stdout.write(`Webhook delivery ${result.id} (message ${result.messageId}) queued again (was ${result.previousState}); audited as ${actor}.\n`);
    }));
}
