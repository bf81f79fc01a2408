/**
 * Postings (寄递): one waybill of results posted to the applicant or of
 * originals the applicant posts in, stored as a durable job — created here
 * in the transaction of the change that asks for it, its waybill then made
 * by the posting worker (posting-worker.ts), its trace events applied in
 * carrier order and notified to the platform one by one.
 */
import type { Address, PostingDirection, TraceEvent, WaybillStatus } from '../domain/logistics.js';
import { recordPlatformEvent } from '../notifications/platform-events.js';
import { newId, type Queryable } from '../store/index.js';
import { maskAddress } from './address.js';

export interface PostingItem { readonly name: string; readonly count: number }

/** A posting's visible status: before its waybill exists, then the waybill's. */
export type PostingStatus = 'waiting_for_logistics' | 'creating' | 'not_created' | WaybillStatus;

/** Statuses after which a waybill moves no more (a failed one may still be returned: its push is applied all the same). */
export const FINAL_STATUSES: readonly PostingStatus[] = ['delivered', 'failed', 'returned', 'cancelled', 'not_created'];

export interface NewPosting {
  readonly applicationId: string;
  readonly direction: PostingDirection;
  readonly orderNo: string;
  readonly hallCode: string;
  readonly sender: Address;
  readonly recipient: Address;
  readonly items: readonly PostingItem[];
  /** Whether a logistics service is configured: else the posting waits, visibly, for one. */
  readonly logisticsConfigured: boolean;
}

/** The platform event of a posting's direction. */
export function eventTypeOf(direction: PostingDirection) {
  return direction === 'result' ? 'result_delivery.updated' as const : 'material_mailing.updated' as const;
}

/** Records a posting (and its first event) in the caller's transaction; returns its id. */
export async function insertPosting(tx: Queryable, posting: NewPosting, at: number): Promise<string> {
  const id = newId(at);
  const [state, status] = posting.logisticsConfigured ? ['pending', 'creating'] : ['waiting', 'waiting_for_logistics'];
  await tx.query(
    `INSERT INTO postings (id, application_id, direction, order_no, hall_code, sender, recipient, items, status, state, next_attempt_at, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11, $11)`,
    [id, posting.applicationId, posting.direction, posting.orderNo, posting.hallCode, JSON.stringify(posting.sender), JSON.stringify(posting.recipient),
      JSON.stringify(posting.items), status, state, at]);
  await notify(tx, { id, applicationId: posting.applicationId, direction: posting.direction, waybillNo: null }, { step: 'scheduled', status,
    ...(posting.direction === 'result' ? { recipient: maskAddress(posting.recipient) } : { hallCode: posting.hallCode }) }, at);
  return id;
}

interface PostingRef { id: string; applicationId: string; direction: PostingDirection; waybillNo: string | null }

/** Records the posting's platform event (`result_delivery.updated` or `material_mailing.updated`). */
export async function notify(tx: Queryable, posting: PostingRef, data: Record<string, unknown>, at: number): Promise<void> {
  await recordPlatformEvent(tx, {
    applicationId: posting.applicationId, type: eventTypeOf(posting.direction), at,
    data: { ...(posting.direction === 'result' ? { method: 'post' } : { mailingId: posting.id }), waybillNo: posting.waybillNo, ...data },
  });
}

interface PostingRow { id: string; application_id: string; direction: PostingDirection; waybill_no: string | null; status: string; state: string; applied_sequence: number }

/**
 * Applies trace events of a posting's waybill (pushed or pulled), in the
 * caller's transaction: each is stored once (by event id); those that
 * continue the applied sequence without a gap move the status and are
 * notified, in sequence order. Events after a gap wait for the missing one.
 * @param lock take the posting's row lock first (PostgreSQL: a push and a pull may apply at once).
 * @returns the events applied now and whether a gap remains.
 */
export async function applyTraces(tx: Queryable, postingId: string, events: readonly TraceEvent[], source: 'push' | 'pull', at: number, lock: boolean): Promise<{ applied: number; gap: boolean; status: string } | undefined> {
  const { rows } = await tx.query<PostingRow>(
    `SELECT id, application_id, direction, waybill_no, status, state, applied_sequence FROM postings WHERE id = $1${lock ? ' FOR UPDATE' : ''}`, [postingId]);
  const posting = rows[0];
  if (!posting) return undefined;
  let waybillNo = posting.waybill_no;
  let inserted = 0;
  for (const event of events) {
    waybillNo ??= event.waybillNo;
    inserted += (await tx.query(
      `INSERT INTO posting_traces (posting_id, event_id, sequence, code, time, location, description, signer, reason, source, received_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT DO NOTHING`,
      [postingId, event.eventId, event.sequence, event.code, event.time, event.location, event.description, event.signer ?? null, event.reason ?? null, source, at])).rowCount;
  }
  // Every event seen before (a duplicate push, a pull of what was pushed): nothing changes, not even updatedAt.
  if (inserted === 0 && waybillNo === posting.waybill_no) return { applied: 0, gap: false, status: posting.status };
  const { rows: pending } = await tx.query<{ event_id: string; sequence: number; code: string; time: string; location: string; description: string; signer: string | null; reason: string | null }>(
    'SELECT event_id, sequence, code, time, location, description, signer, reason FROM posting_traces WHERE posting_id = $1 AND sequence > $2 ORDER BY sequence',
    [postingId, posting.applied_sequence]);
  let applied = Number(posting.applied_sequence);
  let status = posting.status;
  const ref = { id: posting.id, applicationId: posting.application_id, direction: posting.direction, waybillNo };
  for (const trace of pending) {
    if (Number(trace.sequence) !== applied + 1) break;
    applied += 1;
    status = trace.code;
    await notify(tx, ref, {
      step: 'trace', status,
      trace: { sequence: applied, code: trace.code, time: trace.time, location: trace.location, description: trace.description,
        ...(trace.signer === null ? {} : { signer: trace.signer }), ...(trace.reason === null ? {} : { reason: trace.reason }) },
    }, at);
  }
  const gap = pending.some((trace) => Number(trace.sequence) > applied);
  const done = FINAL_STATUSES.includes(status as PostingStatus) && !gap;
  const state = posting.state === 'in_flight' ? posting.state : done ? 'done' : posting.state;
  await tx.query(
    `UPDATE postings SET waybill_no = COALESCE(waybill_no, $2), status = $3, applied_sequence = $4, state = $5,
       next_attempt_at = CASE WHEN $6 THEN $7 ELSE next_attempt_at END, updated_at = $7 WHERE id = $1`,
    // A pushed event after a gap: pull the waybill's traces soon (the missing push may never come).
    [postingId, waybillNo, status, applied, state, gap && source === 'push', at]);
  return { applied: applied - Number(posting.applied_sequence), gap, status };
}
