/**
 * The `sub_application.*` events, built the same way wherever a
 * sub-application's state changes: the sub-application as it stands in the
 * caller's transaction (matter, department, status, 受理号, due date), plus
 * what the change itself carries (a reason, the 补正 request, the results).
 */
import type { Queryable } from '../store/index.js';
import { recordPlatformEvent, type PlatformEventType } from './platform-events.js';

interface SubRow {
  application_id: string; matter_code: string; matter_name: string; department_code: string; status: string;
  acceptance_number: string | null; due_date: string | null; accepted_at: number | string | null; completed_at: number | string | null;
}

const iso = (ms: number | string | null) => (ms === null ? null : new Date(Number(ms)).toISOString());

/** Records one `sub_application.*` event of `subApplicationId` in `tx` (the change's own transaction). */
export async function recordSubApplicationEvent(tx: Queryable, subApplicationId: string, type: Extract<PlatformEventType, `sub_application.${string}`>, extra: Record<string, unknown> = {}, at = Date.now()): Promise<void> {
  const { rows } = await tx.query<SubRow>(
    `SELECT application_id, matter_code, matter_name, department_code, status, acceptance_number, due_date, accepted_at, completed_at
       FROM sub_applications WHERE id = $1`, [subApplicationId]);
  const sub = rows[0];
  if (!sub) return;
  await recordPlatformEvent(tx, {
    applicationId: sub.application_id, subApplicationId, type, at,
    data: {
      matterCode: sub.matter_code, matterName: sub.matter_name, department: sub.department_code, status: sub.status,
      acceptanceNumber: sub.acceptance_number, dueDate: sub.due_date, acceptedAt: iso(sub.accepted_at), completedAt: iso(sub.completed_at), ...extra,
    },
  });
}

/** What `sub_application.results_ready` says of each result: its name and how to get it (no document bytes). */
export function resultSummaries(results: readonly Record<string, unknown>[]): Record<string, unknown>[] {
  return results.map((result) => {
    const summary: Record<string, unknown> = { name: result['name'] };
    for (const part of ['value', 'licenceIdentifier', 'url', 'documentId']) if (result[part] !== undefined) summary[part] = result[part];
    return summary;
  });
}
