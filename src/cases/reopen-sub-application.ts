/**
 * The next version of one sub-application (docs/materials.md §7, §9): its
 * materials snapshot and department form changed as supplied, its working-day
 * clock resumed (the working days it stayed paused push the due date out), and
 * its delivery re-opened for that department alone — the same deliveries row,
 * the next version, a new idempotency key (`tongban-<sub-application>-v<n>`),
 * attempts counted afresh. The receipt of the version it replaces is kept on
 * that version's row (sub_application_versions); the department's first 受理号
 * stays the sub-application's.
 */
import type { DeliveryMaterial, DepartmentFormValue } from '../domain/department-channel.js';
import type { Queryable } from '../store/index.js';
import { addWorkingDays, chinaDate, workingDaysBetween } from './working-days.js';

/** A file that now satisfies a material identity, as the next version of that material. */
export interface SuppliedFile {
  readonly version: number;
  readonly sha256: string;
  readonly size: number;
  readonly mediaType: string;
}

export interface VersionChange {
  /** Material identity (or the matter's own code where it has none) → the file supplied. */
  readonly materials: ReadonlyMap<string, SuppliedFile>;
  /** Department field → corrected value. */
  readonly fields: Readonly<Record<string, DepartmentFormValue>>;
  /** The 补正 request this version answers (its status and the clock are the caller's to settle with it). */
  readonly request?: { readonly id: string; readonly reason: string };
}

export interface NewVersion {
  readonly subApplicationId: string;
  readonly departmentCode: string;
  readonly version: number;
  readonly idempotencyKey: string;
  readonly changedMaterials: string[];
  readonly changedFields: string[];
  readonly status: string;
}

interface Row {
  id: string; department_code: string; status: string; materials: string | null; form: string; provenance: string; version: number; receipt: string | null;
  accepted_at: number | null; due_date: string | null; due_status: string | null; paused_since: number | null; paused_working_days: number;
}

/** The material's key as the platform names it: its identity, else the matter's own code. */
export function materialKey(material: DeliveryMaterial): string | undefined {
  return material.identity ?? material.code;
}

/**
 * Writes the next version of a sub-application inside the caller's transaction.
 * @returns undefined when the sub-application changed meanwhile (its version moved on): the caller refuses the supply.
 */
export async function reopenSubApplication(tx: Queryable, subApplicationId: string, change: VersionChange, now: number): Promise<NewVersion | undefined> {
  const { rows } = await tx.query<Row>(
    `SELECT id, department_code, status, materials, form, provenance, version, receipt, accepted_at, due_date, due_status, paused_since, paused_working_days
       FROM sub_applications WHERE id = $1`, [subApplicationId]);
  const sub = rows[0];
  if (!sub) return undefined;
  const version = Number(sub.version) + 1;
  const acceptedOn = sub.accepted_at === null ? undefined : chinaDate(new Date(Number(sub.accepted_at)));

  const changedMaterials: string[] = [];
  const materials = (sub.materials === null ? [] : JSON.parse(sub.materials) as DeliveryMaterial[]).map((material): DeliveryMaterial => {
    const key = materialKey(material);
    const supplied = key === undefined ? undefined : change.materials.get(key);
    if (supplied) {
      if (material.code !== undefined) changedMaterials.push(material.code);
      const { outstanding: _outstanding, licenceIdentifier: _licence, commitment: _commitment, fileRef: _fileRef, ...rest } = material;
      return { ...rest, satisfiedBy: 'upload', version: supplied.version, file: { sha256: supplied.sha256, size: supplied.size, mediaType: supplied.mediaType } };
    }
    // A deferral still outstanding: this version carries the due date its acceptance started.
    if (material.outstanding && material.outstanding.dueDate === null && acceptedOn !== undefined) {
      const due = addWorkingDays(acceptedOn, material.outstanding.days);
      if (due.status === 'computed') return { ...material, outstanding: { ...material.outstanding, dueDate: due.dueDate } };
    }
    return material;
  });

  const form = JSON.parse(sub.form) as Record<string, DepartmentFormValue>;
  const provenance = JSON.parse(sub.provenance) as Record<string, unknown>;
  const changedFields = Object.keys(change.fields);
  for (const [field, value] of Object.entries(change.fields)) {
    form[field] = value;
    provenance[field] = { source: 'user' };
  }

  // The clock resumes: the working days it stood still push the due date out (补正 time does not count).
  let pausedDays = Number(sub.paused_working_days);
  let dueDate = sub.due_date;
  let dueStatus = sub.due_status;
  let pausedSince = sub.paused_since;
  let status = sub.status;
  if (change.request) {
    if (pausedSince !== null) {
      const paused = workingDaysBetween(chinaDate(new Date(Number(pausedSince))), chinaDate(new Date(now)));
      if (paused === undefined) dueStatus = dueStatus === null ? null : 'uncovered';
      else {
        pausedDays += paused;
        if (paused > 0 && dueStatus === 'computed' && dueDate !== null) {
          const moved = addWorkingDays(dueDate, paused);
          dueDate = moved.status === 'computed' ? moved.dueDate : null;
          dueStatus = moved.status;
        }
      }
      pausedSince = null;
    }
    if (status === 'awaiting_supplement') status = sub.accepted_at === null ? 'delivered' : 'accepted';
  }
  // A dead letter the department never got goes out again as this version.
  if (status === 'failed' && sub.accepted_at === null) status = 'queued';

  const { rowCount } = await tx.query(
    `UPDATE sub_applications SET materials = $3, form = $4, provenance = $5, version = $6, status = $7, paused_since = $8, paused_working_days = $9,
       due_date = $10, due_status = $11, updated_at = $12 WHERE id = $1 AND version = $2`,
    [sub.id, sub.version, JSON.stringify(materials), JSON.stringify(form), JSON.stringify(provenance), version, status, pausedSince, pausedDays, dueDate, dueStatus, now]);
  if (rowCount === 0) return undefined;

  // The replaced version's receipt stays with that version; the next one's receipt takes its place on the sub-application.
  const previous = await tx.query('UPDATE sub_application_versions SET receipt = $3 WHERE sub_application_id = $1 AND version = $2', [sub.id, sub.version, sub.receipt]);
  if (previous.rowCount === 0) {
    await tx.query(
      "INSERT INTO sub_application_versions (sub_application_id, version, changed_materials, changed_fields, receipt, created_at) VALUES ($1, $2, '[]', '[]', $3, $4)",
      [sub.id, sub.version, sub.receipt, now]);
  }
  await tx.query(
    `INSERT INTO sub_application_versions (sub_application_id, version, request_id, reason, changed_materials, changed_fields, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [sub.id, version, change.request?.id ?? null, change.request?.reason ?? null, JSON.stringify(changedMaterials), JSON.stringify(changedFields), now]);

  const idempotencyKey = `tongban-${sub.id}-v${version}`;
  await tx.query(
    `UPDATE deliveries SET version = $2, idempotency_key = $3, state = CASE WHEN state = 'waiting' THEN 'waiting' ELSE 'pending' END, attempts = 0,
       next_attempt_at = $4, lease_owner = NULL, lease_expires_at = NULL, last_error = NULL, updated_at = $4
      WHERE sub_application_id = $1`,
    [sub.id, version, idempotencyKey, now]);
  return { subApplicationId: sub.id, departmentCode: sub.department_code, version, idempotencyKey, changedMaterials, changedFields, status };
}
