/**
 * When an application's results are ready — every sub-application finished
 * (completed or rejected) and at least one completed — its chosen 领证方式
 * moves on: the window hall is told to hand them over (ready_for_collection),
 * the post gets its result posting (a waybill job). Found by a scan of the
 * applications still awaiting results, each moved by one conditional UPDATE
 * (so two replicas never both move it) in one transaction with its event.
 */
import type { Address } from '../domain/logistics.js';
import { recordPlatformEvent } from '../notifications/platform-events.js';
import type { Queryable, Store } from '../store/index.js';
import { hallAddress, hallOfDepartment, serviceHalls } from './halls.js';
import { insertPosting, type PostingItem } from './postings.js';
import { RESULTS_HELD_SQL } from '../payments/read-payments.js';

/** Applications awaiting results whose sub-applications have all finished, oldest first. */
async function finishedAwaiting(store: Store, limit: number): Promise<string[]> {
  const { rows } = await store.query<{ application_id: string }>(
    `SELECT r.application_id FROM result_deliveries r
      WHERE r.status = 'awaiting_results'
        AND NOT EXISTS (SELECT 1 FROM sub_applications s WHERE s.application_id = r.application_id AND s.status NOT IN ('completed', 'rejected'))
        -- A fee due before results holds them until paid (src/payments).
        AND NOT EXISTS (SELECT 1 FROM sub_applications s WHERE s.application_id = r.application_id AND ${RESULTS_HELD_SQL})
      ORDER BY r.created_at LIMIT $1`, [limit]);
  return rows.map((row) => row.application_id);
}

interface SubResult { department_code: string; matter_name: string; status: string; results: string | null }

/** What the results are, as parcel items: each named result of each completed matter (at most 20), else the matter's name. */
export function resultItems(subs: readonly SubResult[]): PostingItem[] {
  const items: PostingItem[] = [];
  for (const sub of subs.filter((row) => row.status === 'completed')) {
    const named = (JSON.parse(sub.results ?? '[]') as { name?: unknown }[]).flatMap((result) => (typeof result.name === 'string' ? [result.name.slice(0, 60)] : []));
    for (const name of named.length > 0 ? named : [`${sub.matter_name}办理结果`.slice(0, 60)]) items.push({ name, count: 1 });
  }
  return items.slice(0, 20);
}

/**
 * Moves one application whose results are ready; nothing when another replica (or an earlier round) did.
 * @returns whether it was moved here.
 */
async function moveReady(tx: Queryable, applicationId: string, logisticsConfigured: boolean, at: number): Promise<boolean> {
  const { rows: subs } = await tx.query<SubResult>(
    'SELECT department_code, matter_name, status, results FROM sub_applications WHERE application_id = $1 ORDER BY position', [applicationId]);
  if (subs.some((sub) => sub.status !== 'completed' && sub.status !== 'rejected')) return false;
  const withResults = subs.some((sub) => sub.status === 'completed');
  const { rows } = await tx.query<{ method: 'window' | 'post'; hall_code: string | null; address: string | null }>(
    `UPDATE result_deliveries SET status = CASE WHEN $2 THEN (CASE method WHEN 'window' THEN 'ready_for_collection' ELSE 'posting' END) ELSE 'no_results' END,
       ready_at = $3, updated_at = $3 WHERE application_id = $1 AND status = 'awaiting_results'
     RETURNING method, hall_code, address`, [applicationId, withResults, at]);
  const choice = rows[0];
  if (!choice) return false;
  if (!withResults) {
    await recordPlatformEvent(tx, { applicationId, type: 'result_delivery.updated', at, data: { method: choice.method, step: 'no_results', status: 'no_results' } });
    return true;
  }
  if (choice.method === 'window') {
    const hall = serviceHalls().get(choice.hall_code!);
    await recordPlatformEvent(tx, {
      applicationId, type: 'result_delivery.updated', at,
      data: { method: 'window', step: 'ready_for_collection', status: 'ready_for_collection', hall: { code: choice.hall_code, name: hall?.name ?? null }, items: resultItems(subs) },
    });
    return true;
  }
  // The results leave from the hall that serves the first department with a result.
  const hall = hallOfDepartment(subs.find((sub) => sub.status === 'completed')?.department_code);
  await tx.query('UPDATE result_deliveries SET hall_code = $2 WHERE application_id = $1', [applicationId, hall.code]);
  await insertPosting(tx, {
    applicationId, direction: 'result', orderNo: `${applicationId}-R`, hallCode: hall.code, sender: hallAddress(hall), recipient: JSON.parse(choice.address!) as Address,
    items: resultItems(subs), logisticsConfigured,
  }, at);
  return true;
}

/** One scan: moves up to `limit` applications whose results became ready; returns how many moved here. */
export async function moveReadyResults(store: Store, options: { logisticsConfigured: boolean; now: number; limit?: number }): Promise<number> {
  let moved = 0;
  for (const applicationId of await finishedAwaiting(store, options.limit ?? 50)) {
    if (await store.transaction((tx) => moveReady(tx, applicationId, options.logisticsConfigured, options.now))) moved += 1;
  }
  return moved;
}
