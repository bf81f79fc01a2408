/**
 * Ops on issuance jobs: the list by state (dead ones: issuances the library
 * refused, with its code, or that ran out of attempts) and their replay —
 * back in the queue with fresh attempts and the same business number (so an
 * issuance whose answer was lost comes back with its identifier, not a
 * second licence), audited.
 */
import { TongbanError } from '../errors/index.js';
import type { Queryable, Store } from '../store/index.js';

export const ISSUANCE_STATES = ['pending', 'in_flight', 'done', 'dead'] as const;

/** Jobs in `state`, most recently changed first (at most `limit`). Surface data is not listed. */
export async function listIssuances(reader: Queryable, state: typeof ISSUANCE_STATES[number], limit: number) {
  const { rows } = await reader.query<{ id: string; application_id: string; sub_application_id: string; licence_type: string; business_number: string; identifier: string | null; status: string; operation: string; state: string; attempts: number | string; error_code: string | null; last_error: string | null; updated_at: number | string }>(
    `SELECT id, application_id, sub_application_id, licence_type, business_number, identifier, status, operation, state, attempts, error_code, last_error, updated_at
       FROM licence_issuances WHERE state = $1 ORDER BY updated_at DESC, id LIMIT $2`, [state, limit]);
  return rows.map((row) => ({
    id: row.id, applicationId: row.application_id, subApplicationId: row.sub_application_id, licenceType: row.licence_type, businessNumber: row.business_number,
    identifier: row.identifier, status: row.status, operation: row.operation, state: row.state, attempts: Number(row.attempts), errorCode: row.error_code, lastError: row.last_error,
    updatedAt: new Date(Number(row.updated_at)).toISOString(),
  }));
}

/**
 * Puts a dead job back in the queue (a `MAPPING` failure cannot be replayed: its content was never built).
 * @throws TongbanError NOT_FOUND, CONFLICT (not dead, or nothing to send).
 */
export async function replayIssuance(store: Store, issuanceId: string, clientId: string, now = Date.now()): Promise<{ id: string; state: 'pending' }> {
  return store.transaction(async (tx) => {
    const { rows } = await tx.query<{ state: string; operation: string; attempts: number | string; error_code: string | null; last_error: string | null }>(
      'SELECT state, operation, attempts, error_code, last_error FROM licence_issuances WHERE id = $1', [issuanceId]);
    const job = rows[0];
    if (!job) throw new TongbanError('NOT_FOUND', `No licence issuance ${issuanceId}`);
    if (job.state !== 'dead') throw new TongbanError('CONFLICT', `Licence issuance ${issuanceId} is ${job.state}, not dead: only dead issuances are replayed`);
    if (job.error_code === 'MAPPING') throw new TongbanError('CONFLICT', `Licence issuance ${issuanceId} found no value for its declaration (${job.last_error ?? ''}): fix the mapping, there is nothing to resend`);
    await tx.query(
      `UPDATE licence_issuances SET state = 'pending', status = $3, attempts = 0, last_error = NULL, error_code = NULL, next_attempt_at = $2, updated_at = $2
        WHERE id = $1 AND state = 'dead'`, [issuanceId, now, job.operation === 'revoke' ? 'revoking' : 'issuing']);
    await tx.query('INSERT INTO ops_audit (client_id, action, target, details, at) VALUES ($1, $2, $3, $4, $5)',
      [clientId, 'licence_issuance.replay', issuanceId, JSON.stringify({ attempts: Number(job.attempts), errorCode: job.error_code, lastError: job.last_error }), now]);
    return { id: issuanceId, state: 'pending' as const };
  });
}
