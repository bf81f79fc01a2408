/**
 * What an application shows of its materials and supplements (docs/materials.md
 * §7–9): each material identity with its versions, a deferral's due date, the
 * commitments reported untrue; each sub-application's 补正 requests (what is
 * asked, why, by when), its paused clock and its versions.
 */
import type { DeliveryMaterial } from '../domain/department-channel.js';
import type { Mappings } from '../forms/mappings/types.js';
import type { Queryable } from '../store/index.js';
import { chinaDate, workingDaysBetween } from './working-days.js';

const iso = (ms: number | string | null) => (ms === null ? null : new Date(Number(ms)).toISOString());

export interface SupplementRequestRow {
  id: string; sub_application_id: string; department_code: string; materials: string; fields: string; reason: string; deadline: string; status: string;
  requested_at: number | string; supplied_at: number | string | null; version: number | null;
}

export const SUPPLEMENT_REQUEST_COLUMNS = 'r.id, r.sub_application_id, r.department_code, r.materials, r.fields, r.reason, r.deadline, r.status, r.requested_at, r.supplied_at, r.version';

/**
 * A 补正 request as the platform reads it: each material asked with the
 * identity to supply it under, each field with its canonical field. An open
 * request past its deadline reads `expired` before the periodic check marks it.
 */
export function describeRequest(row: SupplementRequestRow, delivered: readonly DeliveryMaterial[], matterFields: readonly { field: string; canonical: string }[], today: string) {
  return {
    id: row.id, subApplicationId: row.sub_application_id, departmentCode: row.department_code,
    materials: (JSON.parse(row.materials) as string[]).map((code) => {
      const material = delivered.find((candidate) => candidate.code === code);
      return { code, name: material?.name ?? null, identity: material?.identity ?? null };
    }),
    fields: (JSON.parse(row.fields) as string[]).map((field) => ({ field, canonical: matterFields.find((candidate) => candidate.field === field)?.canonical ?? null })),
    reason: row.reason, deadline: row.deadline,
    status: row.status === 'open' && row.deadline < today ? 'expired' : row.status,
    requestedAt: iso(row.requested_at), suppliedAt: iso(row.supplied_at), version: row.version === null ? null : Number(row.version),
  };
}

/** The paused clock of a sub-application: since when, working days of this pause so far, and of earlier pauses. */
export function describePause(pausedSince: number | string | null, pausedWorkingDays: number, now: number) {
  const current = pausedSince === null ? 0 : workingDaysBetween(chinaDate(new Date(Number(pausedSince))), chinaDate(new Date(now)));
  return {
    paused: pausedSince !== null, pausedSince: iso(pausedSince),
    /** Working days of the pause in progress (null when the calendar does not cover them). */
    workingDaysSoFar: current ?? null,
    /** Working days earlier pauses took (already added to the due date). */
    pausedWorkingDays: Number(pausedWorkingDays),
  };
}

interface MaterialRow {
  material_code: string; version: number; satisfied_by: string; sha256: string | null; size: number | string | null; media_type: string | null;
  licence_identifier: string | null; due_date: string | null; supplied_at: number | string | null; created_at: number | string;
}

/** The application's materials by identity, each with every version; a deferral's due date; commitments reported untrue. */
export async function applicationMaterials(db: Queryable, applicationId: string, subs: readonly { id: string; materials: string | null }[], today: string) {
  const { rows } = await db.query<MaterialRow>(
    `SELECT material_code, version, satisfied_by, sha256, size, media_type, licence_identifier, due_date, supplied_at, created_at
       FROM application_materials WHERE application_id = $1 ORDER BY material_code, version`, [applicationId]);
  const reports = await db.query<{ sub_application_id: string; department_code: string; material_code: string; reason: string; reported_at: number | string; event_id: string }>(
    `SELECT c.sub_application_id, c.department_code, c.material_code, c.reason, c.reported_at, c.event_id FROM commitment_reports c
       JOIN sub_applications s ON s.id = c.sub_application_id WHERE s.application_id = $1 ORDER BY c.reported_at`, [applicationId]);
  // A report names the matter's own code: its identity is what that sub-application's delivery listed.
  const identityOf = (subApplicationId: string, code: string) => {
    const sub = subs.find((candidate) => candidate.id === subApplicationId);
    const materials = sub?.materials ? JSON.parse(sub.materials) as DeliveryMaterial[] : [];
    return materials.find((material) => material.code === code)?.identity ?? code;
  };
  const byCode = new Map<string, MaterialRow[]>();
  for (const row of rows) byCode.set(row.material_code, [...(byCode.get(row.material_code) ?? []), row]);
  return [...byCode].map(([code, versions]) => {
    const latest = versions.at(-1)!;
    const outstanding = latest.satisfied_by === 'deferred' && latest.supplied_at === null;
    return {
      code, version: Number(latest.version), satisfiedBy: latest.satisfied_by,
      ...(outstanding ? { outstanding: { dueDate: latest.due_date, overdue: latest.due_date !== null && latest.due_date < today } } : {}),
      versions: versions.map((version) => ({
        version: Number(version.version), satisfiedBy: version.satisfied_by, createdAt: iso(version.created_at),
        ...(version.sha256 !== null ? { file: { sha256: version.sha256, size: Number(version.size), mediaType: version.media_type } } : {}),
        ...(version.licence_identifier !== null ? { licenceIdentifier: version.licence_identifier } : {}),
        ...(version.due_date !== null ? { dueDate: version.due_date } : {}),
        ...(version.supplied_at !== null ? { suppliedAt: iso(version.supplied_at) } : {}),
      })),
      commitmentReports: reports.rows.filter((report) => identityOf(report.sub_application_id, report.material_code) === code).map((report) => ({
        subApplicationId: report.sub_application_id, departmentCode: report.department_code, materialCode: report.material_code, eventId: report.event_id,
        reason: report.reason, reportedAt: iso(report.reported_at),
      })),
    };
  });
}

/** Every 补正 request of an application's sub-applications, oldest first. */
export async function supplementRequestsOf(db: Queryable, applicationId: string): Promise<SupplementRequestRow[]> {
  const { rows } = await db.query<SupplementRequestRow>(
    `SELECT ${SUPPLEMENT_REQUEST_COLUMNS} FROM supplement_requests r JOIN sub_applications s ON s.id = r.sub_application_id
      WHERE s.application_id = $1 ORDER BY r.requested_at, r.id`, [applicationId]);
  return rows;
}

/** The fields of a matter's department form with their canonical fields (empty without the mappings). */
export function matterFieldsOf(mappings: Pick<Mappings, 'matters'> | undefined, matterCode: string): readonly { field: string; canonical: string }[] {
  return mappings?.matters.get(matterCode)?.fields ?? [];
}
