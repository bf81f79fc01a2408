/**
 * What ops see and do with webhook deliveries: list them by state (dead
 * letters first of all), replay one (audited), and the per-client gauges
 * of pending and dead deliveries for `/metrics`.
 */
import { TongbanError } from '../errors/index.js';
import { pageOf, type Page } from '../ops/cursor.js';
import type { Queryable, Store } from '../store/index.js';
import { DELIVERY_VIEW_COLUMNS, deliveryView, type DeliveryRow, type WebhookDeliveryView } from './webhook-endpoints.js';

export const WEBHOOK_DELIVERY_STATES = ['pending', 'in_flight', 'delivered', 'dead'] as const;
export type WebhookDeliveryState = (typeof WEBHOOK_DELIVERY_STATES)[number];

/** The ops list's cursor: the last row's updated_at and id (newest change first). */
export const OPS_WEBHOOKS_CURSOR = { list: 'ops-webhook-deliveries', shape: ['number', 'string'] } as const;

/** One delivery as ops see it: the endpoint and client it goes to. */
export interface OpsWebhookDelivery extends WebhookDeliveryView {
  endpointId: string;
  clientId: string;
  url: string;
  updatedAt: string;
}

/** SQL of one page of deliveries in a state, newest change first, through `(state, updated_at, id)` (exported for the query-plan test). */
export function opsWebhookDeliveriesSql(after: boolean): string {
  return `SELECT ${DELIVERY_VIEW_COLUMNS}, d.endpoint_id, d.client_id, e.url
    FROM webhook_deliveries d JOIN webhook_messages m ON m.id = d.message_id JOIN webhook_endpoints e ON e.id = d.endpoint_id
    WHERE d.state = $1${after ? ' AND (d.updated_at, d.id) < ($3, $4)' : ''} ORDER BY d.updated_at DESC, d.id DESC LIMIT $2`;
}

type OpsRow = DeliveryRow & { endpoint_id: string; client_id: string; url: string };

export async function listWebhookDeliveries(reader: Queryable, options: { state: WebhookDeliveryState; limit: number; after?: readonly (string | number)[] | undefined }): Promise<Page<OpsWebhookDelivery>> {
  const params = options.after ? [options.state, options.limit + 1, options.after[0]!, options.after[1]!] : [options.state, options.limit + 1];
  const { rows } = await reader.query<OpsRow>(opsWebhookDeliveriesSql(!!options.after), params);
  const page = pageOf(rows, options.limit, OPS_WEBHOOKS_CURSOR.list, (row) => [Number(row.updated_at), row.id]);
  return {
    rows: page.rows.map((row) => ({ ...deliveryView(row), endpointId: row.endpoint_id, clientId: row.client_id, url: row.url, updatedAt: new Date(Number(row.updated_at)).toISOString() })),
    nextCursor: page.nextCursor,
  };
}

/**
 * Puts a dead delivery back in the queue with fresh attempts, recorded in
 * ops_audit. Refused (409) while it is not dead, when its endpoint is
 * disabled or its client no longer active. The message keeps its id, so a
 * receiver that already had it de-duplicates it.
 */
export async function replayWebhookDelivery(store: Store, deliveryId: string, opsClientId: string, now = Date.now()): Promise<{ id: string; messageId: string; previousState: string }> {
  return store.transaction(async (tx) => {
    const { rows } = await tx.query<{ state: string; message_id: string; endpoint_status: string; client_status: string | null; last_error: string | null }>(
      `SELECT d.state, d.message_id, e.status AS endpoint_status, c.status AS client_status, d.last_error
         FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id LEFT JOIN clients c ON c.id = d.client_id WHERE d.id = $1`, [deliveryId]);
    const row = rows[0];
    if (!row) throw new TongbanError('NOT_FOUND', `No webhook delivery ${deliveryId}`);
    if (row.state !== 'dead') throw new TongbanError('CONFLICT', `Webhook delivery ${deliveryId} is ${row.state}; only dead deliveries can be replayed`);
    if (row.endpoint_status !== 'active') throw new TongbanError('CONFLICT', `The endpoint of webhook delivery ${deliveryId} is disabled`);
    if (row.client_status !== 'active') throw new TongbanError('CONFLICT', `The client of webhook delivery ${deliveryId} is not active`);
    await tx.query("UPDATE webhook_deliveries SET state = 'pending', attempts = 0, next_attempt_at = $2, last_error = NULL, last_status = NULL, updated_at = $2 WHERE id = $1", [deliveryId, now]);
    await tx.query('INSERT INTO ops_audit (client_id, action, target, details, at) VALUES ($1, $2, $3, $4, $5)',
      [opsClientId, 'webhook.replay', deliveryId, JSON.stringify({ previousState: row.state, messageId: row.message_id, lastError: row.last_error }), now]);
    return { id: deliveryId, messageId: row.message_id, previousState: row.state };
  });
}

/** The SQL of {@link openWebhookCounts}: an index-only range of `(state, client_id)` over the open states (exported for the query-plan test). */
export const WEBHOOK_COUNTS_SQL = "SELECT state, client_id, COUNT(*) AS n FROM webhook_deliveries WHERE state IN ('pending', 'in_flight', 'dead') GROUP BY state, client_id";

/** Pending (in flight included) and dead deliveries per client. */
export async function openWebhookCounts(reader: Queryable): Promise<{ clientId: string; pending: number; dead: number }[]> {
  const { rows } = await reader.query<{ state: string; client_id: string; n: number | string }>(WEBHOOK_COUNTS_SQL);
  const byClient = new Map<string, { clientId: string; pending: number; dead: number }>();
  for (const row of rows) {
    const entry = byClient.get(row.client_id) ?? { clientId: row.client_id, pending: 0, dead: 0 };
    if (row.state === 'dead') entry.dead += Number(row.n); else entry.pending += Number(row.n);
    byClient.set(row.client_id, entry);
  }
  return [...byClient.values()];
}
