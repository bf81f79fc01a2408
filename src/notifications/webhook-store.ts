/**
 * The webhook outbox as the worker sees it: claim deliveries that are due
 * and first in line (no earlier message of the same application still open
 * for the same endpoint), record each attempt's outcome. One transaction per
 * function; an outcome is recorded only while the worker still holds the lease.
 */
import { placeholders, type Queryable, type Store } from '../store/index.js';
import { WAITING_TURN } from './platform-events.js';

/** A claimed delivery with what sending it needs. */
export interface ClaimedWebhook {
  id: string;
  messageId: string;
  endpointId: string;
  clientId: string;
  attempts: number;
  leaseExpiresAt: number;
  /** The exact JSON body to send. */
  payload: string;
  url: string;
  endpointStatus: 'active' | 'disabled';
  /** `active`, `revoked`, or null when the client is unknown. */
  clientStatus: string | null;
}

interface ClaimRow { id: string }
interface DetailRow { id: string; message_id: string; endpoint_id: string; client_id: string; attempts: number | string; lease_expires_at: number | string; payload: string; url: string; endpoint_status: 'active' | 'disabled'; client_status: string | null }

/**
 * Whether an earlier message of the same application is still open (pending
 * or in flight) for the same endpoint: such a delivery waits its turn. Test
 * pings (no application) never wait.
 */
const FIRST_IN_LINE = `NOT EXISTS (SELECT 1 FROM webhook_deliveries p
  WHERE p.endpoint_id = d.endpoint_id AND p.application_id = d.application_id AND p.sequence < d.sequence AND p.state IN ('pending', 'in_flight'))`;

/** The SQL that picks due deliveries, first in line, oldest due first (exported for the query-plan test). */
export const DUE_WEBHOOKS_SQL = `SELECT d.id FROM webhook_deliveries d WHERE d.state = 'pending' AND d.next_attempt_at <= $1 AND ${FIRST_IN_LINE}
  ORDER BY d.next_attempt_at LIMIT $2`;
/** The SQL that picks deliveries whose worker died mid-send (lease expired). */
export const EXPIRED_WEBHOOKS_SQL = "SELECT d.id FROM webhook_deliveries d WHERE d.state = 'in_flight' AND d.lease_expires_at < $1 ORDER BY d.lease_expires_at LIMIT $2";

/**
 * Claims up to `limit` deliveries for `owner`: first those whose lease ran
 * out, then due ones first in line. PostgreSQL skips rows another replica
 * holds (`FOR UPDATE SKIP LOCKED`); SQLite has one writer at a time.
 */
export async function claimWebhooks(store: Store, owner: string, options: { limit: number; leaseMs: number; now: number }): Promise<ClaimedWebhook[]> {
  return store.transaction(async (tx) => {
    const lock = store.capabilities.skipLocked ? ' FOR UPDATE OF d SKIP LOCKED' : '';
    const ids: string[] = [];
    for (const select of [EXPIRED_WEBHOOKS_SQL, DUE_WEBHOOKS_SQL]) {
      const room = options.limit - ids.length;
      if (room <= 0) break;
      const { rows } = await tx.query<ClaimRow>(
        `UPDATE webhook_deliveries SET state = 'in_flight', lease_owner = $3, lease_expires_at = $4, updated_at = $1
          WHERE id IN (${select}${lock}) RETURNING id`, [options.now, room, owner, options.now + options.leaseMs]);
      ids.push(...rows.map((row) => row.id));
    }
    return ids.length === 0 ? [] : readClaimed(tx, ids);
  });
}

async function readClaimed(tx: Queryable, ids: readonly string[]): Promise<ClaimedWebhook[]> {
  const { rows } = await tx.query<DetailRow>(
    `SELECT d.id, d.message_id, d.endpoint_id, d.client_id, d.attempts, d.lease_expires_at, m.payload, e.url, e.status AS endpoint_status, c.status AS client_status
       FROM webhook_deliveries d JOIN webhook_messages m ON m.id = d.message_id JOIN webhook_endpoints e ON e.id = d.endpoint_id
       LEFT JOIN clients c ON c.id = d.client_id
      WHERE d.id IN (${placeholders(ids.length)})`, ids);
  return rows.map((row) => ({
    id: row.id, messageId: row.message_id, endpointId: row.endpoint_id, clientId: row.client_id, attempts: Number(row.attempts),
    leaseExpiresAt: Number(row.lease_expires_at), payload: row.payload, url: row.url, endpointStatus: row.endpoint_status, clientStatus: row.client_status,
  }));
}

/** The outcome of one attempt. */
export type WebhookOutcome =
  | { kind: 'delivered'; status: number }
  | { kind: 'failed'; status: number | null; error: string; dead: boolean; nextAttemptAt: number }
  /** Not sent at all: the client was revoked or the endpoint disabled (no attempt counted). */
  | { kind: 'skipped'; error: string };

/**
 * Records an outcome, if `owner` still holds the delivery, and — when it is
 * final (delivered or dead) — makes the next message of its application for
 * its endpoint due. One transaction. Answers whether the owner held it.
 */
export async function settleWebhook(store: Store, delivery: ClaimedWebhook, owner: string, outcome: WebhookOutcome, now: number): Promise<boolean> {
  return store.transaction(async (tx) => {
    const held = await recordOutcome(tx, delivery, owner, outcome, now);
    const final = outcome.kind !== 'failed' || outcome.dead;
    if (held && final) await promoteNext(tx, delivery.id, now);
    return held;
  });
}

/** The SQL that makes the next waiting delivery of an application and endpoint due (exported for the query-plan test). */
export const PROMOTE_NEXT_SQL = `UPDATE webhook_deliveries SET next_attempt_at = $3, updated_at = $3
  WHERE id = (SELECT n.id FROM webhook_deliveries n WHERE n.endpoint_id = $1 AND n.application_id = $2 AND n.state = 'pending' AND n.next_attempt_at = $4
               ORDER BY n.sequence LIMIT 1)`;

/**
 * After `deliveryId` was settled: the next waiting delivery of its application
 * to its endpoint becomes due. The application's sequence row is taken first
 * (a no-op update: a row lock on PostgreSQL), as recording an event takes it,
 * so an event recorded meanwhile is either seen here or sees this one settled.
 */
async function promoteNext(tx: Queryable, deliveryId: string, now: number): Promise<void> {
  const { rows } = await tx.query<{ endpoint_id: string; application_id: string | null }>('SELECT endpoint_id, application_id FROM webhook_deliveries WHERE id = $1', [deliveryId]);
  const settled = rows[0];
  if (!settled || settled.application_id === null) return;
  await tx.query('UPDATE webhook_sequences SET last_sequence = last_sequence WHERE application_id = $1', [settled.application_id]);
  await tx.query(PROMOTE_NEXT_SQL, [settled.endpoint_id, settled.application_id, now, WAITING_TURN]);
}

async function recordOutcome(db: Queryable, delivery: ClaimedWebhook, owner: string, outcome: WebhookOutcome, now: number): Promise<boolean> {
  const held = 'WHERE id = $1 AND lease_owner = $2 AND state = \'in_flight\'';
  const release = 'lease_owner = NULL, lease_expires_at = NULL';
  let result: { rowCount: number };
  switch (outcome.kind) {
    case 'delivered':
      result = await db.query(`UPDATE webhook_deliveries SET state = 'delivered', attempts = attempts + 1, ${release}, last_status = $3, last_error = NULL, delivered_at = $4, updated_at = $4 ${held}`,
        [delivery.id, owner, outcome.status, now]);
      break;
    case 'failed':
      result = await db.query(`UPDATE webhook_deliveries SET state = $3, attempts = attempts + 1, ${release}, last_status = $4, last_error = $5, next_attempt_at = $6, updated_at = $7 ${held}`,
        [delivery.id, owner, outcome.dead ? 'dead' : 'pending', outcome.status, outcome.error.slice(0, 1000), outcome.nextAttemptAt, now]);
      break;
    case 'skipped':
      result = await db.query(`UPDATE webhook_deliveries SET state = 'dead', ${release}, last_error = $3, updated_at = $4 ${held}`, [delivery.id, owner, outcome.error, now]);
      break;
  }
  return result.rowCount === 1;
}

/** Puts a claimed delivery back untouched (the worker stopped before sending it). */
export async function releaseWebhook(db: Queryable, deliveryId: string, owner: string, now: number): Promise<void> {
  await db.query("UPDATE webhook_deliveries SET state = 'pending', lease_owner = NULL, lease_expires_at = NULL, updated_at = $3 WHERE id = $1 AND lease_owner = $2 AND state = 'in_flight'",
    [deliveryId, owner, now]);
}
