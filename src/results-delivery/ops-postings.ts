/**
 * Ops on postings: the list of waybill jobs by state (dead ones: waybills
 * the mail service refused or that ran out of attempts) and their replay —
 * back in the queue with fresh attempts, the same order number (so a waybill
 * made by an attempt whose answer was lost comes back, not a second one),
 * audited, notified.
 */
import { TongbanError } from '../errors/index.js';
import type { Queryable, Store } from '../store/index.js';
import { notify } from './postings.js';
import type { PostingDirection } from '../domain/logistics.js';

export const POSTING_STATES = ['waiting', 'pending', 'in_flight', 'tracking', 'done', 'dead'] as const;

const iso = (ms: number | string | null) => (ms === null ? null : new Date(Number(ms)).toISOString());

/** Postings in `state`, most recently changed first (at most `limit`). Addresses are not listed. */
export async function listPostings(reader: Queryable, state: typeof POSTING_STATES[number], limit: number) {
  const { rows } = await reader.query<{ id: string; application_id: string; direction: string; order_no: string; waybill_no: string | null; status: string; state: string; attempts: number; last_error: string | null; updated_at: number | string }>(
    `SELECT id, application_id, direction, order_no, waybill_no, status, state, attempts, last_error, updated_at FROM postings
      WHERE state = $1 ORDER BY updated_at DESC, id LIMIT $2`, [state, limit]);
  return rows.map((row) => ({
    id: row.id, applicationId: row.application_id, direction: row.direction, orderNo: row.order_no, waybillNo: row.waybill_no, status: row.status, state: row.state,
    attempts: Number(row.attempts), lastError: row.last_error, updatedAt: iso(row.updated_at),
  }));
}

/**
 * Puts a dead posting back in the queue.
 * @throws TongbanError NOT_FOUND, CONFLICT (not dead).
 */
export async function replayPosting(store: Store, postingId: string, clientId: string, now = Date.now()): Promise<{ id: string; state: 'pending' }> {
  return store.transaction(async (tx) => {
    const { rows } = await tx.query<{ application_id: string; direction: PostingDirection; state: string; attempts: number; last_error: string | null }>(
      'SELECT application_id, direction, state, attempts, last_error FROM postings WHERE id = $1', [postingId]);
    const posting = rows[0];
    if (!posting) throw new TongbanError('NOT_FOUND', `No posting ${postingId}`);
    if (posting.state !== 'dead') throw new TongbanError('CONFLICT', `Posting ${postingId} is ${posting.state}, not dead: only dead postings are replayed`);
    await tx.query(
      `UPDATE postings SET state = 'pending', status = 'creating', attempts = 0, last_error = NULL, next_attempt_at = $2, updated_at = $2 WHERE id = $1 AND state = 'dead'`,
      [postingId, now]);
    await tx.query('INSERT INTO ops_audit (client_id, action, target, details, at) VALUES ($1, $2, $3, $4, $5)',
      [clientId, 'posting.replay', postingId, JSON.stringify({ attempts: Number(posting.attempts), lastError: posting.last_error }), now]);
    await notify(tx, { id: postingId, applicationId: posting.application_id, direction: posting.direction, waybillNo: null }, { step: 'replayed', status: 'creating' }, now);
    return { id: postingId, state: 'pending' as const };
  });
}
