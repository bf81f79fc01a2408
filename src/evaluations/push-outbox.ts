/**
 * The evaluation push outbox as its worker sees it: claim due pushes under a
 * lease, record each outcome. Per evaluation the pushes go in position order
 * (the evaluation first, then each follow-up step): a push is claimable only
 * when every earlier one of its evaluation was delivered.
 */
import type { Queryable, Store } from '../store/index.js';

/** One claimed push with what sending it needs. */
export interface ClaimedPush {
  id: string;
  evaluationId: string;
  position: number;
  kind: 'evaluation' | 'rectification';
  /** The follow-up step (`rectification`), else `{}`. */
  payload: Record<string, unknown>;
  attempts: number;
}

interface ClaimRow { id: string; evaluation_id: string; position: number; kind: string; payload: string; attempts: number }

/**
 * Claims up to `limit` due pushes (pending and due, or in flight with an expired lease: their worker died).
 * PostgreSQL skips rows another replica holds; SQLite has one writer at a time.
 */
export async function claimDuePushes(store: Store, owner: string, options: { limit: number; leaseMs: number; now: number }): Promise<ClaimedPush[]> {
  const lock = store.capabilities.skipLocked ? 'FOR UPDATE SKIP LOCKED' : '';
  const { rows } = await store.query<ClaimRow>(
    `UPDATE evaluation_pushes SET state = 'in_flight', lease_owner = $1, lease_expires_at = $2, updated_at = $3
      WHERE id IN (SELECT p.id FROM evaluation_pushes p
                    WHERE ((p.state = 'pending' AND p.next_attempt_at <= $3) OR (p.state = 'in_flight' AND p.lease_expires_at < $3))
                      AND NOT EXISTS (SELECT 1 FROM evaluation_pushes earlier
                                       WHERE earlier.evaluation_id = p.evaluation_id AND earlier.position < p.position AND earlier.state <> 'delivered')
                    ORDER BY p.next_attempt_at LIMIT $4 ${lock})
      RETURNING id, evaluation_id, position, kind, payload, attempts`,
    [owner, options.now + options.leaseMs, options.now, options.limit]);
  return rows.map((row) => ({
    id: row.id, evaluationId: row.evaluation_id, position: Number(row.position), kind: row.kind as ClaimedPush['kind'],
    payload: JSON.parse(row.payload) as Record<string, unknown>, attempts: Number(row.attempts),
  }));
}

/** Marks a push delivered (and the evaluation's 评价编号, for its first push), if this owner still holds it. */
export async function markPushDelivered(store: Store, push: ClaimedPush, owner: string, outcome: { provinceId: string; at: number }): Promise<boolean> {
  return store.transaction(async (tx) => {
    const { rowCount } = await tx.query(
      `UPDATE evaluation_pushes SET state = 'delivered', attempts = attempts + 1, lease_owner = NULL, lease_expires_at = NULL, last_error = NULL, delivered_at = $3, updated_at = $3
        WHERE id = $1 AND lease_owner = $2 AND state = 'in_flight'`, [push.id, owner, outcome.at]);
    if (rowCount === 0) return false;
    if (push.kind === 'evaluation') {
      await tx.query('UPDATE evaluations SET province_id = $2, pushed_at = $3 WHERE id = $1', [push.evaluationId, outcome.provinceId, outcome.at]);
    }
    return true;
  });
}

/** Schedules another attempt or dead-letters the push, if this owner still holds it. */
export async function markPushFailed(db: Queryable, push: ClaimedPush, owner: string, outcome: { dead: boolean; nextAttemptAt: number; error: string; at: number }): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE evaluation_pushes SET state = $3, attempts = attempts + 1, next_attempt_at = $4, lease_owner = NULL, lease_expires_at = NULL, last_error = $5, updated_at = $6
      WHERE id = $1 AND lease_owner = $2 AND state = 'in_flight'`,
    [push.id, owner, outcome.dead ? 'dead' : 'pending', outcome.nextAttemptAt, outcome.error.slice(0, 1000), outcome.at]);
  return rowCount > 0;
}

/** Puts a claimed push back untouched (the worker stopped before trying it). */
export async function releasePush(db: Queryable, pushId: string, owner: string, now: number): Promise<void> {
  await db.query(
    "UPDATE evaluation_pushes SET state = 'pending', lease_owner = NULL, lease_expires_at = NULL, next_attempt_at = $3, updated_at = $3 WHERE id = $1 AND lease_owner = $2 AND state = 'in_flight'",
    [pushId, owner, now]);
}
