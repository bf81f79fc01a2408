/**
 * The outbox as the dispatcher sees it: claim due deliveries under a lease,
 * record each attempt's outcome. One store round trip per function.
 */
import type { DeliveryReceipt, SubApplicationDelivery } from '../domain/department-channel.js';
import { recordSubApplicationEvent } from '../notifications/sub-application-events.js';
import { newId, placeholders, type Queryable, type Store } from '../store/index.js';
import { buildDeliveries } from './build-delivery.js';
import type { ClaimedDelivery, LeasedDelivery } from './claimed-delivery.js';

interface ClaimRow { id: string; sub_application_id: string; department_code: string; channel: string; idempotency_key: string; attempts: number; lease_expires_at: number | string }

/**
 * Claims up to `limit` pushable deliveries: first those whose lease ran out
 * (their dispatcher died mid-delivery), then the due ones, oldest first.
 * PostgreSQL skips rows another replica holds (`FOR UPDATE SKIP LOCKED`);
 * SQLite has one writer at a time.
 *
 * Two statements rather than one with an OR: each then walks the
 * `(state, next_attempt_at)` index in order and stops at `limit`, instead of
 * collecting and sorting every due row — the cost of a claim stays flat
 * however large the backlog grows.
 */
export async function claimDueDeliveries(store: Store, owner: string, options: { limit: number; leaseMs: number; now: number }): Promise<LeasedDelivery[]> {
  return store.transaction((tx) => claimIn(tx, store.capabilities.skipLocked, owner, options));
}

/**
 * Claims like {@link claimDueDeliveries} and reads each claimed delivery's
 * payload in the same transaction: one round trip to the store for a whole
 * round of deliveries. A delivery whose payload could not be built (its
 * sub-application is missing) comes without one.
 */
export async function claimWithPayloads(store: Store, owner: string, options: { limit: number; leaseMs: number; now: number }): Promise<(LeasedDelivery & { payload?: SubApplicationDelivery })[]> {
  return store.transaction(async (tx) => {
    const claimed = await claimIn(tx, store.capabilities.skipLocked, owner, options);
    const payloads = await buildDeliveries(tx, claimed);
    return claimed.map((delivery) => {
      const payload = payloads.get(delivery.id);
      return payload ? { ...delivery, payload } : delivery;
    });
  });
}

async function claimIn(tx: Queryable, skipLocked: boolean, owner: string, options: { limit: number; leaseMs: number; now: number }): Promise<LeasedDelivery[]> {
  const expired = await claimWhere(tx, skipLocked, owner, "state = 'in_flight' AND lease_expires_at < $3", options, options.limit);
  const room = options.limit - expired.length;
  const due = room > 0 ? await claimWhere(tx, skipLocked, owner, "state = 'pending' AND next_attempt_at <= $3", options, room) : [];
  return [...expired, ...due];
}

async function claimWhere(tx: Queryable, skipLocked: boolean, owner: string, condition: string, options: { leaseMs: number; now: number }, limit: number): Promise<LeasedDelivery[]> {
  const lock = skipLocked ? 'FOR UPDATE SKIP LOCKED' : '';
  const { rows } = await tx.query<ClaimRow>(
    `UPDATE deliveries SET state = 'in_flight', lease_owner = $1, lease_expires_at = $2, updated_at = $3
      WHERE id IN (SELECT id FROM deliveries WHERE ${condition} AND channel <> 'inbox'
                    ORDER BY next_attempt_at LIMIT $4 ${lock})
      RETURNING id, sub_application_id, department_code, channel, idempotency_key, attempts, lease_expires_at`,
    [owner, options.now + options.leaseMs, options.now, limit]);
  return rows.map((row) => ({ id: row.id, subApplicationId: row.sub_application_id, departmentCode: row.department_code, channel: row.channel, idempotencyKey: row.idempotency_key, attempts: row.attempts, leaseExpiresAt: Number(row.lease_expires_at) }));
}

export interface AttemptRecord {
  deliveryId: string;
  attempt: number;
  startedAt: number;
  durationMs: number;
  outcome: 'delivered' | 'retry' | 'dead' | 'deferred';
  errorCode?: string;
  error?: string;
}

export async function recordAttempt(db: Queryable, record: AttemptRecord): Promise<void> {
  await db.query(
    // An attempt belongs to the version its delivery carries now (a supplement re-opens the delivery for the next version).
    `INSERT INTO delivery_attempts (delivery_id, attempt, started_at, duration_ms, outcome, error_code, error, version)
     VALUES ($1, $2, $3, $4, $5, $6, $7, COALESCE((SELECT version FROM deliveries WHERE id = $1), 1))`,
    [record.deliveryId, record.attempt, record.startedAt, Math.round(record.durationMs), record.outcome, record.errorCode ?? null, record.error?.slice(0, 1000) ?? null]);
}

/** Marks a delivery delivered and stores the receipt on its sub-application, if this owner still holds it. */
export async function markDelivered(store: Store, delivery: ClaimedDelivery, owner: string, receipt: { acceptanceNumber: string; evidence: unknown }, attempt: AttemptRecord): Promise<boolean> {
  return store.transaction((tx) => recordDelivered(tx, delivery, owner, receipt, attempt));
}

/** Inside a transaction: the delivery delivered, its receipt on the sub-application, the attempt — if this owner still holds it. */
async function recordDelivered(tx: Queryable, delivery: ClaimedDelivery, owner: string, receipt: { acceptanceNumber: string; evidence: unknown }, attempt: AttemptRecord): Promise<boolean> {
  const at = attempt.startedAt + attempt.durationMs;
  const { rowCount } = await tx.query(
    `UPDATE deliveries SET state = 'delivered', attempts = $3, lease_owner = NULL, lease_expires_at = NULL, last_error = NULL, updated_at = $4
      WHERE id = $1 AND lease_owner = $2 AND state = 'in_flight'`, [delivery.id, owner, attempt.attempt, at]);
  if (rowCount === 0) return false;
  await tx.query(
    `UPDATE sub_applications SET status = CASE WHEN status = 'queued' THEN 'delivered' ELSE status END,
       acceptance_number = COALESCE(acceptance_number, $2), receipt = $3, updated_at = $4 WHERE id = $1`,
    [delivery.subApplicationId, receipt.acceptanceNumber, JSON.stringify(receipt), at]);
  await recordAttempt(tx, attempt);
  // The department's receipt (回执), told to the platform in the same transaction.
  await recordSubApplicationEvent(tx, delivery.subApplicationId, 'sub_application.received', {}, at);
  return true;
}

/** One receipt of a batched push, with the attempt that got it. */
export interface BatchReceipt {
  delivery: ClaimedDelivery;
  receipt: DeliveryReceipt;
  attempt: AttemptRecord;
}

/**
 * Marks the deliveries of one batched push delivered, in one transaction:
 * the department's signed answer is stored once (`receipt_batches`) and each
 * receipt points at it by id and position, instead of repeating the whole
 * answer on every sub-application. Answers, per receipt, whether this owner
 * still held the delivery (a receipt for one it lost is not recorded).
 */
export async function markDeliveredBatch(store: Store, owner: string, answer: { departmentCode: string; signature: string; body: string; at: number }, receipts: readonly BatchReceipt[]): Promise<boolean[]> {
  if (receipts.length === 0) return [];
  return store.transaction(async (tx) => {
    if (store.capabilities.multiProcess) {
      // Each receipt tells the platform (a per-application event sequence row, locked until commit). Replicas settle
      // other departments' batches that share applications: taking those rows first, in one order, they cannot deadlock.
      const subApplicationIds = receipts.map(({ delivery }) => delivery.subApplicationId);
      await tx.query(`SELECT application_id FROM webhook_sequences WHERE application_id IN
        (SELECT application_id FROM sub_applications WHERE id IN (${placeholders(subApplicationIds.length, 1)})) ORDER BY application_id FOR UPDATE`, subApplicationIds);
    }
    const batchId = newId();
    const held: boolean[] = [];
    for (const { delivery, receipt, attempt } of receipts) {
      const index = receipt.evidence.format === 'tongban-signature-v1-batch' ? receipt.evidence.index : 0;
      const stored = { ...receipt, evidence: { format: 'tongban-signature-v1-batch', batchId, index } };
      held.push(await recordDelivered(tx, delivery, owner, { acceptanceNumber: receipt.acceptanceNumber, evidence: stored }, attempt));
    }
    // The answer is kept only if some receipt of it was recorded (and so points at it).
    if (held.some(Boolean)) {
      await tx.query('INSERT INTO receipt_batches (id, department_code, format, signature, body, created_at) VALUES ($1, $2, $3, $4, $5, $6)',
        [batchId, answer.departmentCode, 'tongban-signature-v1-batch', answer.signature, answer.body, answer.at]);
    }
    return held;
  });
}

/** Schedules another attempt (or dead-letters it), if this owner still holds it. */
export async function markFailed(store: Store, delivery: ClaimedDelivery, owner: string, outcome: { dead: boolean; nextAttemptAt: number; countsAsAttempt: boolean; error: string }, attempt: AttemptRecord): Promise<boolean> {
  return store.transaction(async (tx) => {
    const { rowCount } = await tx.query(
      `UPDATE deliveries SET state = $3, attempts = $4, next_attempt_at = $5, lease_owner = NULL, lease_expires_at = NULL, last_error = $6, updated_at = $7
        WHERE id = $1 AND lease_owner = $2 AND state = 'in_flight'`,
      [delivery.id, owner, outcome.dead ? 'dead' : 'pending', outcome.countsAsAttempt ? attempt.attempt : delivery.attempts, outcome.nextAttemptAt, outcome.error.slice(0, 1000), attempt.startedAt + attempt.durationMs]);
    if (rowCount === 0) return false;
    if (outcome.dead) await tx.query("UPDATE sub_applications SET status = 'failed', reason = $2, updated_at = $3 WHERE id = $1 AND status = 'queued'", [delivery.subApplicationId, outcome.error.slice(0, 500), attempt.startedAt]);
    if (outcome.countsAsAttempt || outcome.dead) await recordAttempt(tx, attempt);
    return true;
  });
}

/** Puts a claimed delivery back untouched (the dispatcher stopped before trying it). */
export async function releaseClaim(db: Queryable, deliveryId: string, owner: string, now: number): Promise<void> {
  await db.query(
    "UPDATE deliveries SET state = 'pending', lease_owner = NULL, lease_expires_at = NULL, next_attempt_at = $3, updated_at = $3 WHERE id = $1 AND lease_owner = $2 AND state = 'in_flight'",
    [deliveryId, owner, now]);
}
