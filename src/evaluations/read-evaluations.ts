/** An application's evaluations as its platform sees them (GET …/evaluations and the application view's `evaluations`). */
import { EVALUATION_LEVELS, RECTIFICATION_STATUS_NAMES, type EvaluationLevel, type RectificationStatus } from '../domain/evaluation.js';
import type { Queryable } from '../store/index.js';

/** Names of the follow-up states (整改回访), `open` included. */
export const FOLLOW_UP_STATE_NAMES: Readonly<Record<'open' | RectificationStatus, string>> = Object.freeze({ open: '待派单', ...RECTIFICATION_STATUS_NAMES });

const iso = (ms: number | string | null) => (ms === null ? null : new Date(Number(ms)).toISOString());

interface Row {
  id: string; scope: string; matter_code: string | null; theme_code: string; service_code: string; sub_application_id: string | null; department_code: string | null;
  level: number; indicators: string; comment: string; channel: string; created_at: number; province_id: string | null; pushed_at: number | null;
  push_state: string | null; follow_up_id: string | null; follow_up_state: string | null; due_at: number | null; closed_at: number | null;
}

export interface EvaluationView {
  id: string;
  scope: string;
  matterCode: string | null;
  serviceCode: string;
  subApplicationId: string | null;
  departmentCode: string | null;
  level: number;
  levelName: string;
  indicators: string[];
  comment: string;
  channel: string;
  createdAt: string;
  /** The push to the provincial 好差评 system: `pending` … `delivered` (with the province's 评价编号), or `dead`. */
  push: { state: string; provinceId: string | null; pushedAt: string | null };
  /** The follow-up of a 差评 (null otherwise). */
  followUp: { id: string; state: string; stateName: string; dueAt: string | null; closedAt: string | null } | null;
}

/** Every evaluation of an application, oldest first. */
export async function evaluationsOf(db: Queryable, applicationId: string): Promise<EvaluationView[]> {
  const { rows } = await db.query<Row>(
    `SELECT e.id, e.scope, e.matter_code, e.theme_code, e.service_code, e.sub_application_id, e.department_code, e.level, e.indicators, e.comment, e.channel,
            e.created_at, e.province_id, e.pushed_at, p.state AS push_state, f.id AS follow_up_id, f.state AS follow_up_state, f.due_at, f.closed_at
       FROM evaluations e
       LEFT JOIN evaluation_pushes p ON p.evaluation_id = e.id AND p.position = 0
       LEFT JOIN evaluation_follow_ups f ON f.evaluation_id = e.id
      WHERE e.application_id = $1 ORDER BY e.created_at, e.id`, [applicationId]);
  return rows.map((row) => ({
    id: row.id, scope: row.scope, matterCode: row.matter_code, serviceCode: row.service_code, subApplicationId: row.sub_application_id, departmentCode: row.department_code,
    level: Number(row.level), levelName: EVALUATION_LEVELS[Number(row.level) as EvaluationLevel].name,
    indicators: JSON.parse(row.indicators) as string[], comment: row.comment, channel: row.channel, createdAt: iso(row.created_at)!,
    push: { state: row.push_state ?? 'pending', provinceId: row.province_id, pushedAt: iso(row.pushed_at) },
    followUp: row.follow_up_id === null ? null : {
      id: row.follow_up_id, state: row.follow_up_state!, stateName: FOLLOW_UP_STATE_NAMES[row.follow_up_state as keyof typeof FOLLOW_UP_STATE_NAMES] ?? row.follow_up_state!,
      dueAt: iso(row.due_at), closedAt: iso(row.closed_at),
    },
  }));
}
