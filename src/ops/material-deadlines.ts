/**
 * What ops see of materials (docs/ops.md): deferred (容缺) materials past their
 * due date and not supplied, 补正 requests by status (expired ones: the
 * department must decide), and commitments (告知承诺) reported untrue.
 */
import type { DeliveryMaterial } from '../domain/department-channel.js';
import type { Store } from '../store/index.js';
import { describeRequest, SUPPLEMENT_REQUEST_COLUMNS, type SupplementRequestRow } from '../cases/read-supplements.js';

const iso = (ms: number | string | null) => (ms === null ? null : new Date(Number(ms)).toISOString());

/** Deferred materials whose due date (China calendar) is before `today`, not supplied; with the sub-applications that deferred them. */
export async function overdueMaterials(store: Store, today: string, limit = 500) {
  const { rows } = await store.query<{ application_id: string; material_code: string; due_date: string; created_at: number | string }>(
    `SELECT application_id, material_code, due_date, created_at FROM application_materials
      WHERE satisfied_by = 'deferred' AND supplied_at IS NULL AND due_date < $1 ORDER BY due_date, application_id LIMIT $2`, [today, limit]);
  if (rows.length === 0) return [];
  const applications = [...new Set(rows.map((row) => row.application_id))];
  const subs = await store.query<{ id: string; application_id: string; department_code: string; matter_name: string; materials: string | null; status: string }>(
    `SELECT id, application_id, department_code, matter_name, materials, status FROM sub_applications WHERE application_id IN (${applications.map((_, index) => `$${index + 1}`).join(', ')})`, applications);
  return rows.map((row) => ({
    applicationId: row.application_id, code: row.material_code, dueDate: row.due_date, createdAt: iso(row.created_at),
    subApplications: subs.rows.filter((sub) => sub.application_id === row.application_id && sub.materials !== null
      && (JSON.parse(sub.materials) as DeliveryMaterial[]).some((material) => (material.identity ?? material.code) === row.material_code && material.satisfiedBy === 'deferred'))
      .map((sub) => ({ id: sub.id, departmentCode: sub.department_code, matterName: sub.matter_name, status: sub.status })),
  }));
}

/** 补正 requests in a status (`expired` by default), newest deadline last. */
export async function listSupplementRequests(store: Store, filter: { status: 'open' | 'supplied' | 'expired'; limit: number }, today: string) {
  const { rows } = await store.query<SupplementRequestRow & { materials_snapshot: string | null; application_id: string }>(
    `SELECT ${SUPPLEMENT_REQUEST_COLUMNS}, s.materials AS materials_snapshot, s.application_id FROM supplement_requests r JOIN sub_applications s ON s.id = r.sub_application_id
      WHERE r.status = $1 ORDER BY r.deadline, r.id LIMIT $2`, [filter.status, filter.limit]);
  return rows.map((row) => ({
    applicationId: row.application_id,
    ...describeRequest(row, row.materials_snapshot ? JSON.parse(row.materials_snapshot) as DeliveryMaterial[] : [], [], today),
  }));
}

/** Commitments departments reported untrue, newest first. */
export async function listCommitmentReports(store: Store, limit: number) {
  const { rows } = await store.query<{ department_code: string; event_id: string; sub_application_id: string; material_code: string; reason: string; reported_at: number | string; application_id: string; materials: string | null }>(
    `SELECT c.department_code, c.event_id, c.sub_application_id, c.material_code, c.reason, c.reported_at, s.application_id, s.materials
       FROM commitment_reports c JOIN sub_applications s ON s.id = c.sub_application_id ORDER BY c.reported_at DESC LIMIT $1`, [limit]);
  return rows.map((row) => ({
    applicationId: row.application_id, subApplicationId: row.sub_application_id, departmentCode: row.department_code, eventId: row.event_id, materialCode: row.material_code,
    identity: (row.materials ? JSON.parse(row.materials) as DeliveryMaterial[] : []).find((material) => material.code === row.material_code)?.identity ?? null,
    reason: row.reason, reportedAt: iso(row.reported_at),
  }));
}
