/** What ops see and do with deliveries: list by state and department, replay dead letters, overdue matters. Every action is audited. */
import { TongbanError } from '../errors/index.js';
import { pageOf } from '../ops/cursor.js';
import type { Queryable, SqlValue, Store } from '../store/index.js';

export const DELIVERY_STATES = ['waiting', 'awaiting_payment', 'pending', 'in_flight', 'delivered', 'dead', 'cancelled'] as const;
export type DeliveryState = (typeof DELIVERY_STATES)[number];

interface Row {
  id: string; sub_application_id: string; department_code: string; channel: string; idempotency_key: string; state: string; attempts: number;
  next_attempt_at: number; last_error: string | null; updated_at: number; matter_name: string; application_id: string;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(Number(ms)).toISOString());

/** The delivery lists' cursor: the last row's `updated_at` and id (newest change first). */
export const DELIVERY_CURSOR = { list: 'deliveries', shape: ['number', 'string'] } as const;

/** A delivery list's filters and where its page starts (the key of the previous page's last row). */
export interface DeliveryPageFilter {
  state?: string | undefined;
  department?: string | undefined;
  after?: readonly (string | number)[] | undefined;
}

/**
 * The WHERE conditions over `d` (deliveries) of a delivery page, their values
 * appended to `params`: each combination of filters is served by an index
 * ending in (updated_at, id) (migration 011), walked from the cursor.
 */
export function deliveryPageConditions(filter: DeliveryPageFilter, params: SqlValue[]): string[] {
  const where: string[] = [];
  if (filter.state) { params.push(filter.state); where.push(`d.state = $${params.length}`); }
  if (filter.department) { params.push(filter.department); where.push(`d.department_code = $${params.length}`); }
  if (filter.after) {
    params.push(filter.after[0]!, filter.after[1]!);
    where.push(`(d.updated_at, d.id) < ($${params.length - 1}, $${params.length})`);
  }
  return where;
}

/** The SQL of one page of `GET /v1/ops/deliveries` (exported for the query-plan test), `limit` bound last. */
export function deliveryListSql(filter: DeliveryPageFilter): { sql: string; params: SqlValue[] } {
  const params: SqlValue[] = [];
  const where = deliveryPageConditions(filter, params);
  return {
    sql: `SELECT d.id, d.sub_application_id, d.department_code, d.channel, d.idempotency_key, d.state, d.attempts, d.next_attempt_at, d.last_error, d.updated_at,
            s.matter_name, s.application_id
       FROM deliveries d JOIN sub_applications s ON s.id = d.sub_application_id
      ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY d.updated_at DESC, d.id DESC LIMIT $${params.length + 1}`,
    params,
  };
}

/** One page of deliveries, most recently changed first (`filter.after`: the previous page's cursor key). */
export async function listDeliveries(reader: Queryable, filter: { state?: DeliveryState; department?: string; after?: readonly (string | number)[]; limit: number }) {
  const { sql, params } = deliveryListSql(filter);
  const { rows } = await reader.query<Row>(sql, [...params, filter.limit + 1]);
  const page = pageOf(rows, filter.limit, DELIVERY_CURSOR.list, (row) => [Number(row.updated_at), row.id]);
  return {
    deliveries: page.rows.map((row) => ({
      id: row.id, applicationId: row.application_id, subApplicationId: row.sub_application_id, matterName: row.matter_name, department: row.department_code,
      channel: row.channel, state: row.state, attempts: row.attempts, nextAttemptAt: iso(row.next_attempt_at), lastError: row.last_error, updatedAt: iso(row.updated_at),
    })),
    nextCursor: page.nextCursor,
  };
}

/** The SQL of {@link deliveryAttempts} (exported for the query-plan test). */
export const DELIVERY_ATTEMPTS_SQL = 'SELECT attempt, started_at, duration_ms, outcome, error_code, error FROM delivery_attempts WHERE delivery_id = $1 ORDER BY id';

export async function deliveryAttempts(reader: Queryable, deliveryId: string) {
  const { rows } = await reader.query<{ attempt: number; started_at: number; duration_ms: number; outcome: string; error_code: string | null; error: string | null }>(
    DELIVERY_ATTEMPTS_SQL, [deliveryId]);
  return rows.map((row) => ({ attempt: row.attempt, startedAt: iso(row.started_at), durationMs: row.duration_ms, outcome: row.outcome, errorCode: row.error_code, error: row.error }));
}

async function audit(tx: Queryable, clientId: string, action: string, target: string, details: unknown, now: number): Promise<void> {
  await tx.query('INSERT INTO ops_audit (client_id, action, target, details, at) VALUES ($1, $2, $3, $4, $5)', [clientId, action, target, JSON.stringify(details), now]);
}

/** Puts a dead (or stuck pending) delivery back in the queue with fresh attempts. */
export async function replayDelivery(store: Store, deliveryId: string, clientId: string, now = Date.now()): Promise<{ id: string; previousState: string }> {
  return store.transaction(async (tx) => {
    const { rows } = await tx.query<{ state: string; sub_application_id: string; channel: string }>('SELECT state, sub_application_id, channel FROM deliveries WHERE id = $1', [deliveryId]);
    const row = rows[0];
    if (!row) throw new TongbanError('NOT_FOUND', `No delivery ${deliveryId}`);
    if (row.state !== 'dead' && row.state !== 'pending') throw new TongbanError('CONFLICT', `Delivery ${deliveryId} is ${row.state}; only dead or pending deliveries can be replayed`);
    await tx.query("UPDATE deliveries SET state = 'pending', attempts = 0, next_attempt_at = $2, last_error = NULL, updated_at = $2 WHERE id = $1", [deliveryId, now]);
    await tx.query("UPDATE sub_applications SET status = 'queued', reason = NULL, updated_at = $2 WHERE id = $1 AND status = 'failed'", [row.sub_application_id, now]);
    await audit(tx, clientId, 'delivery.replay', deliveryId, { previousState: row.state }, now);
    return { id: deliveryId, previousState: row.state };
  });
}

/** Replays every dead delivery of a department. */
export async function replayDepartment(store: Store, department: string, clientId: string, now = Date.now()): Promise<number> {
  return store.transaction(async (tx) => {
    const { rows } = await tx.query<{ id: string; sub_application_id: string }>("SELECT id, sub_application_id FROM deliveries WHERE department_code = $1 AND state = 'dead'", [department]);
    for (const row of rows) {
      await tx.query("UPDATE deliveries SET state = 'pending', attempts = 0, next_attempt_at = $2, last_error = NULL, updated_at = $2 WHERE id = $1", [row.id, now]);
      await tx.query("UPDATE sub_applications SET status = 'queued', reason = NULL, updated_at = $2 WHERE id = $1 AND status = 'failed'", [row.sub_application_id, now]);
    }
    await audit(tx, clientId, 'delivery.replay-department', department, { count: rows.length }, now);
    return rows.length;
  });
}

/**
 * The overdue sort key of a sub-application: '' for a deadline the calendar
 * cannot compute (they come first), its due date when computed, NULL
 * otherwise. Written exactly as in the index sub_applications_overdue
 * (migration 011), which SQLite matches by its text.
 */
export const OVERDUE_KEY = "(CASE due_status WHEN 'uncovered' THEN '' WHEN 'computed' THEN due_date END)";

/** The overdue list's cursor: the last row's sort key and id. */
export const OVERDUE_CURSOR = { list: 'overdue', shape: ['string', 'string'] } as const;

/** The SQL of one page of overdue sub-applications (exported for the query-plan test): $1 today, then the cursor, `limit` bound last. */
export function overdueSql(after: boolean): string {
  return `SELECT id, application_id, matter_name, department_code, due_date, due_status, accepted_at, ${OVERDUE_KEY} AS sort_key FROM sub_applications
      WHERE status = 'accepted' AND ${OVERDUE_KEY} < $1${after ? ` AND (${OVERDUE_KEY}, id) > ($2, $3)` : ''}
      ORDER BY ${OVERDUE_KEY}, id LIMIT $${after ? 4 : 2}`;
}

/**
 * One page of accepted sub-applications past their due date (China
 * calendar, `today` YYYY-MM-DD), those whose due date could not be computed
 * first, then by due date and id.
 */
export async function overdueSubApplications(reader: Queryable, today: string, page: { limit: number; after?: readonly (string | number)[] | undefined } = { limit: 100 }) {
  const params: SqlValue[] = [today, ...(page.after ?? []), page.limit + 1];
  const { rows } = await reader.query<{ id: string; application_id: string; matter_name: string; department_code: string; due_date: string | null; due_status: string; accepted_at: number; sort_key: string }>(
    overdueSql(page.after !== undefined), params);
  const result = pageOf(rows, page.limit, OVERDUE_CURSOR.list, (row) => [row.sort_key, row.id]);
  return {
    overdue: result.rows.map((row) => ({
      subApplicationId: row.id, applicationId: row.application_id, matterName: row.matter_name, department: row.department_code,
      dueDate: row.due_date, dueStatus: row.due_status, acceptedAt: iso(row.accepted_at),
    })),
    nextCursor: result.nextCursor,
  };
}

/** How many sub-applications are overdue, counted up to `cap` (the overview shows "cap+" beyond: counting further would read them all). */
export async function countOverdue(reader: Queryable, today: string, cap: number): Promise<number> {
  const { rows } = await reader.query<{ n: number | string }>(overdueCountSql(), [today, cap + 1]);
  return Number(rows[0]?.n ?? 0);
}

/** The SQL of {@link countOverdue} (exported for the query-plan test). */
export function overdueCountSql(): string {
  return `SELECT COUNT(*) AS n FROM (SELECT 1 FROM sub_applications WHERE status = 'accepted' AND ${OVERDUE_KEY} < $1 LIMIT $2) AS overdue`;
}
