/**
 * The issuance job's rows (licence_issuances, migration 018): written in the
 * transaction of the department event that caused them — a completion whose
 * matter declares `issues:` (enqueueIssuance), a revocation event
 * (requestRevocation) — and read for the application view and prefill's
 * provenance. The worker (issuance-worker.ts) sends them.
 */
import { randomUUID } from 'node:crypto';
import { TongbanError } from '../errors/index.js';
import type { MatterMapping } from '../forms/mappings/types.js';
import { recordPlatformEvent } from '../notifications/platform-events.js';
import type { Queryable } from '../store/index.js';
import { chinaDate } from '../cases/working-days.js';
import { buildIssuanceSnapshot, type StoredResult } from './issuance-declaration.js';

export type IssuanceStatus = 'issuing' | 'issued' | 'failed' | 'revoking' | 'revoked' | 'cancelled';

/** The completed sub-application as the event applies it. */
export interface CompletedSub { id: string; application_id: string; matter_code: string }

/**
 * Records the issuance job of a completed sub-application whose matter's
 * result is a licence. A declaration that finds no value for a member it
 * needs is a dead job at once (error code `MAPPING`), visible to ops and in
 * the application view, never a half-filled licence.
 * @param completedAt the completion instant (Unix ms): its China date is the issue date.
 */
export async function enqueueIssuance(tx: Queryable, sub: CompletedSub, matter: Pick<MatterMapping, 'issues'> | undefined, results: readonly StoredResult[], completedAt: number, now: number): Promise<void> {
  const declaration = matter?.issues;
  if (!declaration) return;
  const { rows } = await tx.query<{ form: string }>('SELECT form FROM applications WHERE id = $1', [sub.application_id]);
  const form = JSON.parse(rows[0]?.form ?? '{}') as Record<string, unknown>;
  const outcome = buildIssuanceSnapshot(declaration, form, results, chinaDate(new Date(completedAt)));
  const id = randomUUID();
  const dead = !outcome.ok;
  const inserted = await tx.query(
    `INSERT INTO licence_issuances (id, application_id, sub_application_id, licence_type, business_number, request, holder_code, status, operation, state,
       next_attempt_at, last_error, error_code, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'issue', $9, $10, $11, $12, $10, $10) ON CONFLICT (sub_application_id) DO NOTHING`,
    [id, sub.application_id, sub.id, declaration.licenceType, `TB-${sub.id}`, JSON.stringify(outcome.ok ? outcome.snapshot : {}), outcome.ok ? outcome.snapshot.holder.code : null,
      dead ? 'failed' : 'issuing', dead ? 'dead' : 'pending', now, dead ? `no value for ${outcome.missing.join('; ')}`.slice(0, 1000) : null, dead ? 'MAPPING' : null]);
  if (dead && inserted.rowCount === 1) {
    await notifyIssuance(tx, { applicationId: sub.application_id, subApplicationId: sub.id }, { licenceType: declaration.licenceType, identifier: null, status: 'failed', errorCode: 'MAPPING' }, now);
  }
}

/**
 * A department's revocation event (licence_revoked) for the licence its
 * sub-application's result was issued as: the job withdraws it in the
 * library. Before the issuance is done the revocation waits on the row and
 * follows it; a licence never issued (refused) is just marked.
 * @throws TongbanError NOT_FOUND when the sub-application issued no licence, CONFLICT when the identifier is another.
 */
export async function requestRevocation(tx: Queryable, subApplicationId: string, revocation: { kind: 'cancel' | 'revoke'; reason: string; eventId: string; identifier?: string }, now: number): Promise<IssuanceStatus> {
  const { rows } = await tx.query<{ id: string; application_id: string; licence_type: string; identifier: string | null; status: IssuanceStatus; state: string }>(
    'SELECT id, application_id, licence_type, identifier, status, state FROM licence_issuances WHERE sub_application_id = $1', [subApplicationId]);
  const row = rows[0];
  if (!row) throw new TongbanError('NOT_FOUND', `Sub-application ${subApplicationId} issued no licence to revoke`);
  if (revocation.identifier !== undefined && row.identifier !== null && row.identifier !== revocation.identifier) {
    throw new TongbanError('CONFLICT', `Sub-application ${subApplicationId} issued licence ${row.identifier}, not ${revocation.identifier}`);
  }
  const record = JSON.stringify({ kind: revocation.kind, reason: revocation.reason, eventId: revocation.eventId });
  if (row.status === 'revoked' || row.status === 'cancelled' || row.status === 'revoking') return row.status;
  if (row.status === 'failed') {
    await tx.query('UPDATE licence_issuances SET revocation = $2, updated_at = $3 WHERE id = $1', [row.id, record, now]);
    return row.status;
  }
  if (row.status === 'issued') {
    await tx.query(`UPDATE licence_issuances SET revocation = $2, status = 'revoking', operation = 'revoke', state = 'pending', attempts = 0, next_attempt_at = $3,
        last_error = NULL, error_code = NULL, updated_at = $3 WHERE id = $1`, [row.id, record, now]);
    return 'revoking';
  }
  // Still issuing: the worker revokes right after it has issued.
  await tx.query('UPDATE licence_issuances SET revocation = $2, updated_at = $3 WHERE id = $1', [row.id, record, now]);
  return row.status;
}

/** `licence.issued`: the issued licence's type, identifier and status (and the library's code on a refusal). */
export async function notifyIssuance(tx: Queryable, where: { applicationId: string; subApplicationId: string },
  data: { licenceType: string; identifier: string | null; status: IssuanceStatus; errorCode?: string }, at: number): Promise<void> {
  await recordPlatformEvent(tx, { applicationId: where.applicationId, subApplicationId: where.subApplicationId, type: 'licence.issued', data: { ...data }, at });
}

/** The application view's `issuedLicences`: one per result issued (or being issued) as a licence. */
export async function issuedLicencesOf(reader: Queryable, applicationId: string) {
  const { rows } = await reader.query<{ sub_application_id: string; licence_type: string; identifier: string | null; status: string; state: string; attempts: number | string; error_code: string | null; last_error: string | null; updated_at: number | string }>(
    `SELECT sub_application_id, licence_type, identifier, status, state, attempts, error_code, last_error, updated_at FROM licence_issuances
      WHERE application_id = $1 ORDER BY created_at, id`, [applicationId]);
  return rows.map((row) => ({
    subApplicationId: row.sub_application_id, licenceType: row.licence_type, identifier: row.identifier, status: row.status,
    // A refusal stays visible with the library's code; retries in progress show as issuing.
    failure: row.state === 'dead' ? { code: row.error_code, message: row.last_error } : null,
    updatedAt: new Date(Number(row.updated_at)).toISOString(),
  }));
}

/** Which of these licence identifiers are results Tongban issued, and of which application (prefill's provenance). */
export async function resultOrigins(reader: Queryable, identifiers: readonly string[]): Promise<Map<string, { applicationId: string; subApplicationId: string }>> {
  const origins = new Map<string, { applicationId: string; subApplicationId: string }>();
  if (identifiers.length === 0) return origins;
  const placeholders = identifiers.map((_, index) => `$${index + 1}`).join(', ');
  const { rows } = await reader.query<{ identifier: string; application_id: string; sub_application_id: string }>(
    `SELECT identifier, application_id, sub_application_id FROM licence_issuances WHERE identifier IN (${placeholders})`, [...identifiers]);
  for (const row of rows) origins.set(row.identifier, { applicationId: row.application_id, subApplicationId: row.sub_application_id });
  return origins;
}
