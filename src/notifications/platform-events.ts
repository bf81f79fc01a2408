/**
 * The platform event contract (issue #19): what happened to an application,
 * recorded for the platform client that submitted it, in the transaction of
 * the change itself (a transactional outbox). The webhook worker
 * (webhook-worker.ts) sends each event to the client's matching endpoints.
 *
 * Glossary: an *event* (webhook message) is stored once per change, with a
 * stable id (`msg_…`, the `webhook-id` header) and a per-application
 * sequence number from 1; a *delivery* is that message for one endpoint.
 */
import { newId, valuesList, type Queryable } from '../store/index.js';

export type PlatformEventType =
  | 'application.received' | 'sub_application.received' /* department receipt 回执 */ | 'sub_application.accepted' | 'sub_application.supplement_requested'
  | 'sub_application.rejected' | 'sub_application.completed' | 'sub_application.results_ready' | 'sub_application.overdue'
  | 'result_delivery.updated' /* post/window hand-over steps */ | 'material_mailing.updated' /* applicant posts originals in */
  | 'evaluation.recorded' | 'evaluation.follow_up_updated'
  | 'licence.issued' /* a result issued into the licence library, refused, or revoked */
  | 'payment.updated' /* a fee's notice, payment, refund or difference (docs/payments.md) */;

/** Every platform event type, in the order of the docs. */
export const PLATFORM_EVENT_TYPES: readonly PlatformEventType[] = [
  'application.received', 'sub_application.received', 'sub_application.accepted', 'sub_application.supplement_requested',
  'sub_application.rejected', 'sub_application.completed', 'sub_application.results_ready', 'sub_application.overdue',
  'result_delivery.updated', 'material_mailing.updated', 'evaluation.recorded', 'evaluation.follow_up_updated',
  'licence.issued',
  'payment.updated',
];

/** The ping `POST /v1/webhooks/{id}/test` sends: not an application's event, so without sequence. */
export const TEST_EVENT_TYPE = 'webhook.test';

/** One event of an application, as the platform receives it (the webhook body). */
export interface PlatformEventPayload {
  id: string;
  type: PlatformEventType | typeof TEST_EVENT_TYPE;
  /** When it happened, ISO 8601 (UTC, `Z`). */
  timestamp: string;
  applicationId?: string;
  /** Per application, from 1, without gaps. */
  sequence?: number;
  subApplicationId?: string;
  data: Record<string, unknown>;
}

export interface PlatformEvent {
  applicationId: string;
  type: PlatformEventType;
  subApplicationId?: string;
  data: Record<string, unknown>;
  /** When it happened (Unix ms). Default now. */
  at?: number;
}

/**
 * `next_attempt_at` of a pending delivery that waits its turn: an earlier
 * message of its application is still open for its endpoint. It is out of the
 * worker's due range (so a long queue behind an endpoint that is down costs
 * the claims nothing) until the earlier one is settled and it is made due
 * (webhook-store.ts, `promoteNext`).
 */
export const WAITING_TURN = Number.MAX_SAFE_INTEGER;

/** A new message id, `msg_<uuid v7>`: the `webhook-id` receivers de-duplicate by. */
export function newMessageId(now = Date.now()): string {
  return `msg_${newId(now)}`;
}

/**
 * Records an event for the platform client that submitted the application,
 * in the caller's transaction (transactional outbox): assigns the next
 * per-application sequence number, stores the message and enqueues one
 * delivery per matching active endpoint of that client (none → the event is
 * still stored, for listing and replay). Throws when the application does not exist.
 */
export async function recordPlatformEvent(tx: Queryable, event: PlatformEvent): Promise<void> {
  const at = event.at ?? Date.now();
  const { rows: applications } = await tx.query<{ client_id: string }>('SELECT client_id FROM applications WHERE id = $1', [event.applicationId]);
  const clientId = applications[0]?.client_id;
  if (clientId === undefined) throw new Error(`platform event ${event.type}: application ${event.applicationId} not found`);
  const { rows: sequences } = await tx.query<{ last_sequence: number | string }>(
    `INSERT INTO webhook_sequences (application_id, last_sequence) VALUES ($1, 1)
     ON CONFLICT (application_id) DO UPDATE SET last_sequence = webhook_sequences.last_sequence + 1
     RETURNING last_sequence`, [event.applicationId]);
  const sequence = Number(sequences[0]!.last_sequence);
  const id = newMessageId(at);
  const payload: PlatformEventPayload = {
    id, type: event.type, timestamp: new Date(at).toISOString(), applicationId: event.applicationId, sequence,
    ...(event.subApplicationId ? { subApplicationId: event.subApplicationId } : {}), data: event.data,
  };
  await tx.query(
    `INSERT INTO webhook_messages (id, client_id, application_id, sequence, type, sub_application_id, payload, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [id, clientId, event.applicationId, sequence, event.type, event.subApplicationId ?? null, JSON.stringify(payload), at]);
  await enqueueForEndpoints(tx, { id, clientId, applicationId: event.applicationId, sequence, type: event.type }, at);
}

/** An event recorded at intake, before the application has any other: its sequence is its place in the list. */
export interface IntakeEvent {
  type: PlatformEventType;
  subApplicationId?: string;
  data: Record<string, unknown>;
}

/**
 * The events of a new application, recorded at intake (`application.received`
 * first, then, for instance, a fee's `payment.updated`): the application is
 * new, so their sequences are 1, 2, … in the order given and its client is
 * known. The sequence row, the messages and each message's deliveries (one
 * per matching active endpoint) are statements issued together — none waits
 * for another's answer, so the intake transaction can go out with its COMMIT.
 * On each endpoint, the first message it takes is due at once and the later
 * ones wait their turn behind it.
 */
export function recordIntakeEvents(tx: Queryable, intake: { applicationId: string; clientId: string; at: number; events: readonly IntakeEvent[] }): Promise<unknown> {
  const { applicationId, clientId, at } = intake;
  const messages = intake.events.map((event, index) => {
    const id = newMessageId(at);
    const payload: PlatformEventPayload = {
      id, type: event.type, timestamp: new Date(at).toISOString(), applicationId, sequence: index + 1,
      ...(event.subApplicationId ? { subApplicationId: event.subApplicationId } : {}), data: event.data,
    };
    return { id, event, sequence: index + 1, payload };
  });
  const rows = valuesList(messages.map((message) => [
    message.id, clientId, applicationId, message.sequence, message.event.type, message.event.subApplicationId ?? null, JSON.stringify(message.payload), at]));
  return Promise.all([
    tx.query('INSERT INTO webhook_sequences (application_id, last_sequence) VALUES ($1, $2)', [applicationId, messages.length]),
    tx.query(`INSERT INTO webhook_messages (id, client_id, application_id, sequence, type, sub_application_id, payload, created_at) VALUES ${rows.sql}`, rows.params),
    // The pattern is built in SQL, not bound: SQLite re-prepares a statement whenever a parameter that is a LIKE's whole
    // pattern is bound again (its LIKE optimisation depends on the value), which made this the costliest statement of
    // intake (docs/performance.md#ninth-session).
    // The endpoint's id makes each delivery's id unique within the statement (the message id is one). A delivery is due
    // at once when it is its endpoint's first of this application — the statements before it in this transaction are
    // visible to it — and otherwise waits its turn.
    ...messages.map((message) => tx.query(
      `INSERT INTO webhook_deliveries (id, message_id, endpoint_id, client_id, application_id, sequence, state, attempts, next_attempt_at, created_at, updated_at)
       SELECT 'whd_' || $1 || '_' || e.id, $1, e.id, e.client_id, $3, $4, 'pending', 0,
              CASE WHEN EXISTS (SELECT 1 FROM webhook_deliveries p WHERE p.endpoint_id = e.id AND p.application_id = $3 AND p.sequence < $4)
                   THEN CAST($5 AS BIGINT) ELSE CAST($6 AS BIGINT) END, $6, $6
         FROM webhook_endpoints e
        WHERE e.client_id = $2 AND e.status = 'active' AND (e.event_types IS NULL OR e.event_types LIKE '%' || CAST($7 AS TEXT) || '%')`,
      [message.id, clientId, applicationId, message.sequence, WAITING_TURN, at, `"${message.event.type}"`])),
  ]);
}

interface EndpointRow { id: string; event_types: string | null }

/** One pending delivery of the message per active endpoint of its client that takes its type. */
export async function enqueueForEndpoints(tx: Queryable, message: { id: string; clientId: string; applicationId: string | null; sequence: number | null; type: string }, at: number, onlyEndpoint?: string): Promise<number> {
  const { rows } = await tx.query<EndpointRow>(
    "SELECT id, event_types FROM webhook_endpoints WHERE client_id = $1 AND status = 'active'", [message.clientId]);
  let enqueued = 0;
  for (const endpoint of rows) {
    if (onlyEndpoint !== undefined && endpoint.id !== onlyEndpoint) continue;
    if (!takesType(endpoint.event_types, message.type)) continue;
    // Due now when it is first in line, else waiting its turn. Callers hold the application's sequence row (bumped in
    // this transaction), and settling a delivery takes it too: an earlier delivery settled meanwhile makes this one due.
    await tx.query(
      `INSERT INTO webhook_deliveries (id, message_id, endpoint_id, client_id, application_id, sequence, state, attempts, next_attempt_at, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, 'pending', 0,
         CASE WHEN EXISTS (SELECT 1 FROM webhook_deliveries p WHERE p.endpoint_id = $3 AND p.application_id = $5 AND p.sequence < $6 AND p.state IN ('pending', 'in_flight'))
              THEN CAST($8 AS BIGINT) ELSE CAST($7 AS BIGINT) END, $7, $7)`,
      [`whd_${newId(at)}`, message.id, endpoint.id, message.clientId, message.applicationId, message.sequence, at, WAITING_TURN]);
    enqueued += 1;
  }
  return enqueued;
}

/** Whether an endpoint's event types (JSON array, NULL = all) include `type`; a test ping goes to any endpoint. */
function takesType(eventTypes: string | null, type: string): boolean {
  if (eventTypes === null || type === TEST_EVENT_TYPE) return true;
  return (JSON.parse(eventTypes) as string[]).includes(type);
}
