/** What ops see and do with deliveries: list by state and department, replay dead letters, overdue matters. Every action is audited. */
import { TongbanError } from '../errors/index.js';
import type { Queryable, Store } from '../store/index.js';

export const DELIVERY_STATES = ['waiting', 'pending', 'in_flight', 'delivered', 'dead', 'cancelled'] as const;
export type DeliveryState = (typeof DELIVERY_STATES)[number];

interface Row {
  id: string; sub_application_id: string; department_code: string; channel: string; idempotency_key: string; state: string; attempts: number;
  next_attempt_at: number; last_error: string | null; updated_at: number; matter_name: string; application_id: string;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(Number(ms)).toISOString());

export async function listDeliveries(store: Store, filter: { state?: DeliveryState; department?: string; limit: number }) {
  const where: string[] = [];
  const params: (string | number)[] = [];
  if (filter.state) { params.push(filter.state); where.push(`d.state = $${params.length}`); }
  if (filter.department) { params.push(filter.department); where.push(`d.department_code = $${params.length}`); }
  params.push(filter.limit);
  const { rows } = await store.query<Row>(
    `SELECT d.id, d.sub_application_id, d.department_code, d.channel, d.idempotency_key, d.state, d.attempts, d.next_attempt_at, d.last_error, d.updated_at,
            s.matter_name, s.application_id
       FROM deliveries d JOIN sub_applications s ON s.id = d.sub_application_id
      ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY d.updated_at DESC LIMIT $${params.length}`, params);
  return rows.map((row) => ({
    id: row.id, applicationId: row.application_id, subApplicationId: row.sub_application_id, matterName: row.matter_name, department: row.department_code,
    channel: row.channel, state: row.state, attempts: row.attempts, nextAttemptAt: iso(row.next_attempt_at), lastError: row.last_error, updatedAt: iso(row.updated_at),
  }));
}

export async function deliveryAttempts(store: Store, deliveryId: string) {
  const { rows } = await store.query<{ attempt: number; started_at: number; duration_ms: number; outcome: string; error_code: string | null; error: string | null }>(
    'SELECT attempt, started_at, duration_ms, outcome, error_code, error FROM delivery_attempts WHERE delivery_id = $1 ORDER BY id', [deliveryId]);
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

/** Accepted sub-applications past their due date (China calendar), and those whose due date could not be computed. */
export async function overdueSubApplications(store: Store, today: string) {
  const { rows } = await store.query<{ id: string; application_id: string; matter_name: string; department_code: string; due_date: string | null; due_status: string; accepted_at: number }>(
    `SELECT id, application_id, matter_name, department_code, due_date, due_status, accepted_at FROM sub_applications
      WHERE status = 'accepted' AND ((due_status = 'computed' AND due_date < $1) OR due_status = 'uncovered') ORDER BY due_date`, [today]);
  return rows.map((row) => ({
    subApplicationId: row.id, applicationId: row.application_id, matterName: row.matter_name, department: row.department_code,
    dueDate: row.due_date, dueStatus: row.due_status, acceptedAt: iso(row.accepted_at),
  }));
}
