/**
 * The statements behind the statistics, each a range over one indexed time
 * column (migration 016 adds the indexes), read through the ops reader.
 * Exported for the query-plan test.
 */
import type { Queryable } from '../store/index.js';
import type { Period } from './period.js';

/** Ways a material is satisfied without the applicant uploading it. */
export const WITHOUT_UPLOAD = ['licence', 'generated', 'prerequisite', 'commitment'] as const;
const WITHOUT_UPLOAD_SQL = `(${WITHOUT_UPLOAD.map((way) => `'${way}'`).join(', ')})`;

/*
 * Each statement ranges over one indexed time column; what it needs from another table comes through a correlated
 * subquery on that table's key (not a join the planner could turn into a hash join reading the other table whole).
 */

/**
 * Applications received in the period: their theme, form, the sources recorded at intake (prefill), and how many
 * materials they handed in at submission (version 1), of which how many without an upload.
 */
export const APPLICATIONS_SQL = `SELECT a.id, a.theme_code, a.form, a.provenance,
    (SELECT COUNT(*) FROM application_materials m WHERE m.application_id = a.id AND m.version = 1) AS materials,
    (SELECT COUNT(*) FROM application_materials m WHERE m.application_id = a.id AND m.version = 1 AND m.satisfied_by IN ${WITHOUT_UPLOAD_SQL}) AS without_upload
  FROM applications a WHERE a.created_at >= $1 AND a.created_at < $2`;

const THEME_OF_SUB = '(SELECT a.theme_code FROM applications a WHERE a.id = s.application_id) AS theme_code';

/** Sub-applications received in the period (made with their application): department, materials and field sources. */
export const SUB_APPLICATIONS_SQL = `SELECT s.id, s.application_id, ${THEME_OF_SUB}, s.department_code, s.materials, s.provenance
  FROM sub_applications s WHERE s.created_at >= $1 AND s.created_at < $2`;

/** Sub-applications a department decided in the period: completed (办结) or rejected (不予受理/不予许可), with their deadline. */
export const DECIDED_SQL = `SELECT ${THEME_OF_SUB}, s.department_code, s.status, s.accepted_at, s.completed_at, s.due_date, s.due_status, s.paused_working_days
  FROM sub_applications s WHERE s.completed_at >= $1 AND s.completed_at < $2 AND s.status IN ('completed', 'rejected')`;

/** 补正 requests made in the period, with their sub-application's theme and department. */
export const SUPPLEMENTS_SQL = `SELECT r.sub_application_id, r.department_code,
    (SELECT a.theme_code FROM sub_applications s JOIN applications a ON a.id = s.application_id WHERE s.id = r.sub_application_id) AS theme_code
  FROM supplement_requests r WHERE r.requested_at >= $1 AND r.requested_at < $2`;

/** Evaluations (好差评) made in the period by theme, department (null for the whole 一件事) and level. */
export const EVALUATIONS_SQL = `SELECT theme_code, department_code, level, COUNT(*) AS n FROM evaluations
  WHERE created_at >= $1 AND created_at < $2 GROUP BY theme_code, department_code, level`;

export interface PeriodRows {
  readonly applications: readonly { id: string; theme_code: string; form: string; provenance: string; materials: number | string; without_upload: number | string }[];
  readonly subApplications: readonly { id: string; application_id: string; theme_code: string; department_code: string; materials: string | null; provenance: string }[];
  readonly decided: readonly {
    theme_code: string; department_code: string; status: 'completed' | 'rejected'; accepted_at: number | string | null; completed_at: number | string;
    due_date: string | null; due_status: string | null; paused_working_days: number | string;
  }[];
  readonly supplements: readonly { theme_code: string; department_code: string; sub_application_id: string }[];
  readonly evaluations: readonly { theme_code: string; department_code: string | null; level: number | string; n: number | string }[];
}

/** Every row the period's figures come from; the reads are sent together (one wait for all). */
export async function readPeriodRows(reader: Queryable, period: Period): Promise<PeriodRows> {
  const range = [period.from, period.to];
  const [applications, subApplications, decided, supplements, evaluations] = await Promise.all([
    reader.query<PeriodRows['applications'][number]>(APPLICATIONS_SQL, range),
    reader.query<PeriodRows['subApplications'][number]>(SUB_APPLICATIONS_SQL, range),
    reader.query<PeriodRows['decided'][number]>(DECIDED_SQL, range),
    reader.query<PeriodRows['supplements'][number]>(SUPPLEMENTS_SQL, range),
    reader.query<PeriodRows['evaluations'][number]>(EVALUATIONS_SQL, range),
  ]);
  return {
    applications: applications.rows, subApplications: subApplications.rows,
    decided: decided.rows, supplements: supplements.rows, evaluations: evaluations.rows,
  };
}
