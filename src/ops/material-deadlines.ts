/**
 * What ops see of materials (docs/ops.md): deferred (容缺) materials past their
 * due date and not supplied, 补正 requests by status (expired ones: the
 * department must decide), and commitments (告知承诺) reported untrue.
 */
import type { DeliveryMaterial } from '../domain/department-channel.js';
import { placeholders, type Queryable } from '../store/index.js';
import { pageOf } from './cursor.js';
import { describeRequest, SUPPLEMENT_REQUEST_COLUMNS, type SupplementRequestRow } from '../cases/read-supplements.js';

const iso = (ms: number | string | null) => (ms === null ? null : new Date(Number(ms)).toISOString());

/** The cursors of the three lists. */
export const MATERIALS_CURSOR = { list: 'outstanding-materials', shape: ['string', 'string', 'string', 'number'] } as const;
export const SUPPLEMENTS_CURSOR = { list: 'supplements', shape: ['string', 'string'] } as const;
export const COMMITMENT_REPORTS_CURSOR = { list: 'commitment-reports', shape: ['number', 'string', 'string'] } as const;

/** Where a page starts (the previous page's cursor key) and how many rows it has. */
export interface PageRequest {
  readonly limit: number;
  readonly after?: readonly (string | number)[] | undefined;
}

/** The SQL of one page of overdue deferred materials (exported for the query-plan test): $1 today, then the cursor, `limit` bound last. */
export function overdueMaterialsSql(after: boolean): string {
  return `SELECT application_id, material_code, version, due_date, created_at FROM application_materials
      WHERE satisfied_by = 'deferred' AND supplied_at IS NULL AND due_date < $1${after ? ' AND (due_date, application_id, material_code, version) > ($2, $3, $4, $5)' : ''}
      ORDER BY due_date, application_id, material_code, version LIMIT $${after ? 6 : 2}`;
}

/** The SQL reading the sub-applications of a page's applications (exported for the query-plan test). */
export function applicationSubApplicationsSql(count: number): string {
  return `SELECT id, application_id, department_code, matter_name, materials, status FROM sub_applications WHERE application_id IN (${placeholders(count)})`;
}

/** One page of deferred materials whose due date (China calendar) is before `today`, not supplied; with the sub-applications that deferred them. */
export async function overdueMaterials(reader: Queryable, today: string, page: PageRequest = { limit: 500 }) {
  const { rows } = await reader.query<{ application_id: string; material_code: string; version: number | string; due_date: string; created_at: number | string }>(
    overdueMaterialsSql(page.after !== undefined), [today, ...(page.after ?? []), page.limit + 1]);
  const result = pageOf(rows, page.limit, MATERIALS_CURSOR.list, (row) => [row.due_date, row.application_id, row.material_code, Number(row.version)]);
  if (result.rows.length === 0) return { materials: [], nextCursor: null };
  const applications = [...new Set(result.rows.map((row) => row.application_id))];
  const subs = await reader.query<{ id: string; application_id: string; department_code: string; matter_name: string; materials: string | null; status: string }>(
    applicationSubApplicationsSql(applications.length), applications);
  return {
    materials: result.rows.map((row) => ({
      applicationId: row.application_id, code: row.material_code, dueDate: row.due_date, createdAt: iso(row.created_at),
      subApplications: subs.rows.filter((sub) => sub.application_id === row.application_id && sub.materials !== null
        && (JSON.parse(sub.materials) as DeliveryMaterial[]).some((material) => (material.identity ?? material.code) === row.material_code && material.satisfiedBy === 'deferred'))
        .map((sub) => ({ id: sub.id, departmentCode: sub.department_code, matterName: sub.matter_name, status: sub.status })),
    })),
    nextCursor: result.nextCursor,
  };
}

/** The SQL of one page of 补正 requests in a status (exported for the query-plan test): $1 status, then the cursor, `limit` bound last. */
export function supplementRequestsSql(after: boolean): string {
  return `SELECT ${SUPPLEMENT_REQUEST_COLUMNS}, s.materials AS materials_snapshot, s.application_id FROM supplement_requests r JOIN sub_applications s ON s.id = r.sub_application_id
      WHERE r.status = $1${after ? ' AND (r.deadline, r.id) > ($2, $3)' : ''} ORDER BY r.deadline, r.id LIMIT $${after ? 4 : 2}`;
}

/** One page of 补正 requests in a status, earliest deadline first. */
export async function listSupplementRequests(reader: Queryable, filter: { status: 'open' | 'supplied' | 'expired' } & PageRequest, today: string) {
  const { rows } = await reader.query<SupplementRequestRow & { materials_snapshot: string | null; application_id: string }>(
    supplementRequestsSql(filter.after !== undefined), [filter.status, ...(filter.after ?? []), filter.limit + 1]);
  const result = pageOf(rows, filter.limit, SUPPLEMENTS_CURSOR.list, (row) => [row.deadline, row.id]);
  return {
    requests: result.rows.map((row) => ({
      applicationId: row.application_id,
      ...describeRequest(row, row.materials_snapshot ? JSON.parse(row.materials_snapshot) as DeliveryMaterial[] : [], [], today),
    })),
    nextCursor: result.nextCursor,
  };
}

/** The SQL of one page of commitment reports (exported for the query-plan test): the cursor first when there is one, `limit` bound last. */
export function commitmentReportsSql(after: boolean): string {
  return `SELECT c.department_code, c.event_id, c.sub_application_id, c.material_code, c.reason, c.reported_at, s.application_id, s.materials
       FROM commitment_reports c JOIN sub_applications s ON s.id = c.sub_application_id
      ${after ? 'WHERE (c.reported_at, c.department_code, c.event_id) < ($1, $2, $3) ' : ''}ORDER BY c.reported_at DESC, c.department_code DESC, c.event_id DESC LIMIT $${after ? 4 : 1}`;
}

/** One page of commitments departments reported untrue, newest first. */
export async function listCommitmentReports(reader: Queryable, page: PageRequest) {
  const { rows } = await reader.query<{ department_code: string; event_id: string; sub_application_id: string; material_code: string; reason: string; reported_at: number | string; application_id: string; materials: string | null }>(
    commitmentReportsSql(page.after !== undefined), [...(page.after ?? []), page.limit + 1]);
  const result = pageOf(rows, page.limit, COMMITMENT_REPORTS_CURSOR.list, (row) => [Number(row.reported_at), row.department_code, row.event_id]);
  return {
    reports: result.rows.map((row) => ({
      applicationId: row.application_id, subApplicationId: row.sub_application_id, departmentCode: row.department_code, eventId: row.event_id, materialCode: row.material_code,
      identity: (row.materials ? JSON.parse(row.materials) as DeliveryMaterial[] : []).find((material) => material.code === row.material_code)?.identity ?? null,
      reason: row.reason, reportedAt: iso(row.reported_at),
    })),
    nextCursor: result.nextCursor,
  };
}
