/**
 * The pull channel: departments behind a front-end processor (前置机) take
 * their deliveries from Tongban under a lease and acknowledge each with a
 * signed receipt. An item not acknowledged in time is handed out again (same
 * delivery, same idempotency key, new lease token).
 */
import { randomBytes } from 'node:crypto';
import type { JWK } from 'jose';
import { TongbanError, validationError, type FieldError } from '../errors/index.js';
import type { InboxAckVerifier, SubApplicationDelivery } from '../domain/department-channel.js';
import { normalizeText, readTextMember } from '../forms/text-rules.js';
import type { DeliveryFiles } from '../materials/delivery-files.js';
import type { Store } from '../store/index.js';
import { buildDelivery } from './build-delivery.js';
import type { ClaimedDelivery } from './claimed-delivery.js';
import { markDelivered } from './delivery-store.js';

export interface InboxItem {
  deliveryId: string;
  leaseToken: string;
  leaseExpiresAt: string;
  delivery: SubApplicationDelivery;
}

interface Row { id: string; sub_application_id: string; department_code: string; channel: string; idempotency_key: string; attempts: number }

/** Leases up to `limit` of a department's inbox items. */
export async function takeInbox(store: Store, departmentCode: string, options: { limit: number; leaseMs: number; now?: number; files?: DeliveryFiles }): Promise<InboxItem[]> {
  const now = options.now ?? Date.now();
  const lock = store.capabilities.skipLocked ? 'FOR UPDATE SKIP LOCKED' : '';
  const items = await store.transaction(async (tx) => {
    const { rows } = await tx.query<Row>(
      `SELECT id, sub_application_id, department_code, channel, idempotency_key, attempts FROM deliveries
        WHERE channel = 'inbox' AND department_code = $1 AND (state = 'pending' OR (state = 'in_flight' AND lease_expires_at < $2))
        ORDER BY created_at LIMIT $3 ${lock}`, [departmentCode, now, options.limit]);
    const items: InboxItem[] = [];
    for (const row of rows) {
      const leaseToken = randomBytes(18).toString('base64url');
      await tx.query("UPDATE deliveries SET state = 'in_flight', lease_owner = $2, lease_expires_at = $3, attempts = attempts + 1, updated_at = $4 WHERE id = $1",
        [row.id, leaseToken, now + options.leaseMs, now]);
      const claimed: ClaimedDelivery = { id: row.id, subApplicationId: row.sub_application_id, departmentCode: row.department_code, channel: row.channel, idempotencyKey: row.idempotency_key, attempts: row.attempts };
      items.push({ deliveryId: row.id, leaseToken, leaseExpiresAt: new Date(now + options.leaseMs).toISOString(), delivery: await buildDelivery(tx, claimed) });
    }
    return items;
  });
  // Files are made ready (documents generated, links signed) after the lease is taken, outside the transaction.
  const files = options.files;
  return files ? Promise.all(items.map(async (item) => ({ ...item, delivery: await files.attach(item.delivery) }))) : items;
}

/**
 * Accepts a department's acknowledgement: the lease must still be the
 * caller's (409 otherwise) and the receipt must verify with the department's
 * registered key (checked by `verifyAck`, the inbox adapter's).
 */
export async function acknowledgeInbox(store: Store, verifyAck: InboxAckVerifier, departmentCode: string, deliveryId: string, body: unknown, departmentPublicKeys: readonly JWK[], now = Date.now()): Promise<{ acceptanceNumber: string; duplicate: boolean }> {
  const { rows } = await store.query<Row & { state: string; lease_owner: string | null }>(
    'SELECT id, sub_application_id, department_code, channel, idempotency_key, attempts, state, lease_owner FROM deliveries WHERE id = $1', [deliveryId]);
  const row = rows[0];
  if (!row || row.channel !== 'inbox') throw new TongbanError('NOT_FOUND', `No inbox delivery ${deliveryId}`);
  if (row.department_code !== departmentCode) throw new TongbanError('DEPARTMENT_MISMATCH', `Delivery ${deliveryId} belongs to another department`);
  const leaseToken = (body as { leaseToken?: unknown } | undefined)?.leaseToken;
  if (row.state === 'delivered') {
    // A repeated ack (its answer was lost) is answered with the 受理号 Tongban recorded, never with what this body claims.
    const recorded = await store.query<{ acceptance_number: string | null }>('SELECT acceptance_number FROM sub_applications WHERE id = $1', [row.sub_application_id]);
    return { acceptanceNumber: recorded.rows[0]?.acceptance_number ?? '', duplicate: true };
  }
  if (row.state !== 'in_flight' || row.lease_owner !== leaseToken) throw new TongbanError('CONFLICT', 'The lease on this delivery is no longer yours; it will be handed out again');
  checkAckText(body);
  const claimed: ClaimedDelivery = { id: row.id, subApplicationId: row.sub_application_id, departmentCode: row.department_code, channel: row.channel, idempotencyKey: row.idempotency_key, attempts: row.attempts - 1 };
  const delivery = await buildDelivery(store, claimed);
  let receipt;
  try {
    receipt = await verifyAck({ departmentCode, deliveryId, body, delivery }, departmentPublicKeys);
  } catch (error) {
    // Each refusal keeps its own code: a malformed body is 400, a receipt for another delivery 409, a bad signature 401.
    if (error instanceof TongbanError) throw error;
    throw new TongbanError('SIGNATURE_INVALID', `The acknowledgement's receipt does not verify: ${(error as Error).message}`, { cause: error });
  }
  // The signature covers the 受理号 as sent (kept so in the evidence); the one stored and shown is normalised, like every text.
  const acceptanceNumber = normalizeText(receipt.acceptanceNumber);
  const stored = await markDelivered(store, claimed, String(leaseToken), { acceptanceNumber, evidence: receipt },
    { deliveryId, attempt: row.attempts, startedAt: now, durationMs: 0, outcome: 'delivered' });
  if (!stored) throw new TongbanError('CONFLICT', 'The lease on this delivery is no longer yours; it will be handed out again');
  return { acceptanceNumber, duplicate: false };
}

/**
 * The texts of an acknowledgement that Tongban keeps (the 受理号, the receipt's
 * time) follow the text rules (src/forms/text-rules.ts); the shape is the
 * inbox adapter's to check, so only strings are looked at here.
 * @throws TongbanError VALIDATION_FAILED naming every member at fault.
 */
function checkAckText(body: unknown): void {
  const ack = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const receipt = (typeof ack['receipt'] === 'object' && ack['receipt'] !== null ? ack['receipt'] : {}) as Record<string, unknown>;
  const errors: FieldError[] = [];
  const members: [unknown, string][] = [[ack['acceptanceNumber'], '/acceptanceNumber'], [receipt['acceptanceNumber'], '/receipt/acceptanceNumber'], [receipt['receivedAt'], '/receipt/receivedAt']];
  for (const [value, pointer] of members) if (typeof value === 'string') readTextMember(value, pointer, errors);
  if (errors.length > 0) throw validationError(errors);
}
