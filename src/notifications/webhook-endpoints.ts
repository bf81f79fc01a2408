/**
 * A platform client's webhook endpoints: add (URL checked, event types from
 * the contract or all), list, read, disable (its pending deliveries stop),
 * the deliveries of each, and a test ping. A client only ever sees its own:
 * another client's endpoint is 404, as if it did not exist.
 */
import { TongbanError, validationError } from '../errors/index.js';
import { pageOf, type Page } from '../ops/cursor.js';
import { newId, type Queryable, type Store } from '../store/index.js';
import { enqueueForEndpoints, newMessageId, PLATFORM_EVENT_TYPES, TEST_EVENT_TYPE, WAITING_TURN, type PlatformEventPayload, type PlatformEventType } from './platform-events.js';
import { checkWebhookUrl, type OwnAddress } from './webhook-url.js';

/** Active endpoints a client may have at once. */
export const MAX_ENDPOINTS_PER_CLIENT = 20;
const MAX_DESCRIPTION = 200;
const ENDPOINT_ID = /^ep_[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** An endpoint as the API answers it. */
export interface WebhookEndpoint {
  id: string;
  url: string;
  /** Event types it receives; null = every type. */
  eventTypes: PlatformEventType[] | null;
  description: string | null;
  status: 'active' | 'disabled';
  createdAt: string;
  disabledAt: string | null;
}

/** One delivery of a message to an endpoint. */
export interface WebhookDeliveryView {
  id: string;
  messageId: string;
  type: string;
  applicationId: string | null;
  sequence: number | null;
  state: 'pending' | 'in_flight' | 'delivered' | 'dead';
  attempts: number;
  nextAttemptAt: string | null;
  lastStatus: number | null;
  lastError: string | null;
  deliveredAt: string | null;
  createdAt: string;
}

interface EndpointRow { id: string; url: string; event_types: string | null; description: string | null; status: 'active' | 'disabled'; created_at: number | string; disabled_at: number | string | null }
export interface DeliveryRow {
  id: string; message_id: string; type: string; application_id: string | null; sequence: number | string | null; state: WebhookDeliveryView['state']; attempts: number | string;
  next_attempt_at: number | string; last_status: number | string | null; last_error: string | null; delivered_at: number | string | null; created_at: number | string; updated_at: number | string;
}

const iso = (ms: number | string | null) => (ms === null ? null : new Date(Number(ms)).toISOString());
const ENDPOINT_COLUMNS = 'id, url, event_types, description, status, created_at, disabled_at';
/** The columns of a delivery view, over `d` (webhook_deliveries) joined with `m` (webhook_messages). */
export const DELIVERY_VIEW_COLUMNS = 'd.id, d.message_id, m.type, d.application_id, d.sequence, d.state, d.attempts, d.next_attempt_at, d.last_status, d.last_error, d.delivered_at, d.created_at, d.updated_at';

function endpointView(row: EndpointRow): WebhookEndpoint {
  return {
    id: row.id, url: row.url, eventTypes: row.event_types === null ? null : JSON.parse(row.event_types) as PlatformEventType[], description: row.description,
    status: row.status, createdAt: iso(row.created_at)!, disabledAt: iso(row.disabled_at),
  };
}

export function deliveryView(row: DeliveryRow): WebhookDeliveryView {
  const open = row.state === 'pending' || row.state === 'in_flight';
  return {
    id: row.id, messageId: row.message_id, type: row.type, applicationId: row.application_id, sequence: row.sequence === null ? null : Number(row.sequence),
    // A delivery waiting its turn (an earlier message of its application still open) has no time of its own yet.
    state: row.state, attempts: Number(row.attempts), nextAttemptAt: open && Number(row.next_attempt_at) !== WAITING_TURN ? iso(row.next_attempt_at) : null, lastStatus: row.last_status === null ? null : Number(row.last_status),
    lastError: row.last_error, deliveredAt: iso(row.delivered_at), createdAt: iso(row.created_at)!,
  };
}

/** The `:id` of an endpoint route, checked. */
export function endpointIdOf(value: unknown): string {
  const id = String(value);
  if (!ENDPOINT_ID.test(id)) throw validationError([{ pointer: '/id', message: 'must be a webhook endpoint id (ep_<uuid>)' }]);
  return id;
}

/** The request of `POST /v1/webhooks`, checked: every problem named by its JSON Pointer. */
export function readEndpointRequest(body: unknown, own: OwnAddress): { url: string; eventTypes: PlatformEventType[] | null; description: string | null } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw validationError([{ pointer: '', message: 'must be a JSON object with url' }]);
  const input = body as Record<string, unknown>;
  const unknown = Object.keys(input).filter((key) => !['url', 'eventTypes', 'description'].includes(key));
  if (unknown.length > 0) throw validationError(unknown.map((key) => ({ pointer: `/${key}`, message: 'is not a field of a webhook endpoint (url, eventTypes, description)' })));
  const url = checkWebhookUrl(input['url'], own);
  let eventTypes: PlatformEventType[] | null = null;
  if (input['eventTypes'] !== undefined && input['eventTypes'] !== null) {
    const types = input['eventTypes'];
    if (!Array.isArray(types) || types.length === 0 || types.length > PLATFORM_EVENT_TYPES.length) {
      throw validationError([{ pointer: '/eventTypes', message: `must be a non-empty array of event types (omit it for every type): ${PLATFORM_EVENT_TYPES.join(', ')}` }]);
    }
    types.forEach((type, index) => {
      if (!PLATFORM_EVENT_TYPES.includes(type as PlatformEventType)) throw validationError([{ pointer: `/eventTypes/${index}`, message: `is not an event type: one of ${PLATFORM_EVENT_TYPES.join(', ')}` }]);
      if (types.indexOf(type) !== index) throw validationError([{ pointer: `/eventTypes/${index}`, message: `repeats ${String(type)}` }]);
    });
    eventTypes = types as PlatformEventType[];
  }
  const description = input['description'];
  if (description !== undefined && description !== null && (typeof description !== 'string' || description.length > MAX_DESCRIPTION)) {
    throw validationError([{ pointer: '/description', message: `must be a string of at most ${MAX_DESCRIPTION} characters` }]);
  }
  return { url, eventTypes, description: typeof description === 'string' ? description : null };
}

/** The cursor of an endpoint's deliveries: the last row's created_at and id (newest first). */
export const ENDPOINT_DELIVERIES_CURSOR = { list: 'webhook-messages', shape: ['number', 'string'] } as const;

/** SQL of one page of an endpoint's deliveries, newest first (exported for the query-plan test). */
export function endpointDeliveriesSql(after: boolean): string {
  return `SELECT ${DELIVERY_VIEW_COLUMNS} FROM webhook_deliveries d JOIN webhook_messages m ON m.id = d.message_id
    WHERE d.endpoint_id = $1${after ? ' AND (d.created_at, d.id) < ($3, $4)' : ''} ORDER BY d.created_at DESC, d.id DESC LIMIT $2`;
}

export class WebhookEndpoints {
  constructor(private readonly deps: { store: Store; own: () => OwnAddress; now?: () => number }) {}

  private now(): number {
    return (this.deps.now ?? Date.now)();
  }

  async create(clientId: string, body: unknown): Promise<WebhookEndpoint> {
    const request = readEndpointRequest(body, this.deps.own());
    const now = this.now();
    const id = `ep_${newId(now)}`;
    return this.deps.store.transaction(async (tx) => {
      const { rows } = await tx.query<{ n: number | string }>("SELECT COUNT(*) AS n FROM webhook_endpoints WHERE client_id = $1 AND status = 'active'", [clientId]);
      if (Number(rows[0]?.n ?? 0) >= MAX_ENDPOINTS_PER_CLIENT) throw new TongbanError('CONFLICT', `A client may have at most ${MAX_ENDPOINTS_PER_CLIENT} active webhook endpoints: remove one first`);
      await tx.query(
        `INSERT INTO webhook_endpoints (id, client_id, url, event_types, description, status, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, 'active', $6, $6)`,
        [id, clientId, request.url, request.eventTypes === null ? null : JSON.stringify(request.eventTypes), request.description, now]);
      return { id, url: request.url, eventTypes: request.eventTypes, description: request.description, status: 'active', createdAt: iso(now)!, disabledAt: null };
    });
  }

  async list(clientId: string): Promise<WebhookEndpoint[]> {
    const { rows } = await this.deps.store.query<EndpointRow>(
      `SELECT ${ENDPOINT_COLUMNS} FROM webhook_endpoints WHERE client_id = $1 ORDER BY status, created_at, id LIMIT 1000`, [clientId]);
    return rows.map(endpointView);
  }

  async get(clientId: string, id: string, db: Queryable = this.deps.store): Promise<WebhookEndpoint> {
    const { rows } = await db.query<EndpointRow>(`SELECT ${ENDPOINT_COLUMNS} FROM webhook_endpoints WHERE id = $1 AND client_id = $2`, [id, clientId]);
    if (!rows[0]) throw new TongbanError('NOT_FOUND', `No webhook endpoint ${id}`);
    return endpointView(rows[0]);
  }

  /** Disables the endpoint (idempotent): its pending deliveries become dead ("endpoint disabled"); nothing more is sent to it. */
  async disable(clientId: string, id: string): Promise<WebhookEndpoint> {
    const now = this.now();
    return this.deps.store.transaction(async (tx) => {
      await this.get(clientId, id, tx);
      await tx.query("UPDATE webhook_endpoints SET status = 'disabled', disabled_at = $2, updated_at = $2 WHERE id = $1 AND status = 'active'", [id, now]);
      await tx.query("UPDATE webhook_deliveries SET state = 'dead', last_error = 'endpoint disabled', updated_at = $2 WHERE endpoint_id = $1 AND state = 'pending'", [id, now]);
      return this.get(clientId, id, tx);
    });
  }

  /** One page of the endpoint's deliveries, newest first. */
  async deliveries(clientId: string, id: string, options: { limit: number; after?: readonly (string | number)[] | undefined }): Promise<Page<WebhookDeliveryView>> {
    await this.get(clientId, id);
    const params = options.after ? [id, options.limit + 1, options.after[0]!, options.after[1]!] : [id, options.limit + 1];
    const { rows } = await this.deps.store.query<DeliveryRow>(endpointDeliveriesSql(!!options.after), params);
    const page = pageOf(rows, options.limit, ENDPOINT_DELIVERIES_CURSOR.list, (row) => [Number(row.created_at), row.id]);
    return { rows: page.rows.map(deliveryView), nextCursor: page.nextCursor };
  }

  /** Records a `webhook.test` ping for this endpoint only. Refused (409) for a disabled endpoint. */
  async test(clientId: string, id: string): Promise<{ messageId: string }> {
    const now = this.now();
    return this.deps.store.transaction(async (tx) => {
      const endpoint = await this.get(clientId, id, tx);
      if (endpoint.status !== 'active') throw new TongbanError('CONFLICT', `Webhook endpoint ${id} is disabled`);
      const messageId = newMessageId(now);
      const payload: PlatformEventPayload = { id: messageId, type: TEST_EVENT_TYPE, timestamp: iso(now)!, data: { endpointId: id } };
      await tx.query(
        `INSERT INTO webhook_messages (id, client_id, application_id, sequence, type, sub_application_id, payload, created_at) VALUES ($1, $2, NULL, NULL, $3, NULL, $4, $5)`,
        [messageId, clientId, TEST_EVENT_TYPE, JSON.stringify(payload), now]);
      await enqueueForEndpoints(tx, { id: messageId, clientId, applicationId: null, sequence: null, type: TEST_EVENT_TYPE }, now, id);
      return { messageId };
    });
  }
}
