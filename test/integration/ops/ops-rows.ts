/**
 * Rows for the ops-read tests, written straight into the tables many at a
 * time: applications with sub-applications and their deliveries in chosen
 * departments and states, attempts, overdue sub-applications. A small
 * seeded random stream keeps every run the same.
 */
import { newId, type Queryable, type SqlValue } from '../../../src/store/index.js';

export const DEPARTMENTS = ['gaj', 'mzrsj', 'rsj', 'ybj'] as const;
export const STATES = ['waiting', 'pending', 'in_flight', 'delivered', 'dead', 'cancelled'] as const;
export const OUTCOMES = ['delivered', 'retry', 'dead', 'deferred'] as const;

/** A deterministic random stream (mulberry32). */
export function randomStream(seed: number): { next(): number; int(below: number): number; pick<T>(items: readonly T[]): T } {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (below) => Math.floor(next() * below), pick: (items) => items[Math.floor(next() * items.length)]! };
}

/** One delivery to make: its department, state and last change; `overdue` makes its sub-application accepted with that due date ('' : uncovered). */
export interface DeliverySpec {
  readonly department: string;
  readonly state: string;
  readonly updatedAt: number;
  readonly overdue?: string;
}

export async function insertRows(tx: Queryable, table: string, columns: readonly string[], rows: readonly (readonly SqlValue[])[]): Promise<void> {
  // 100 rows per statement keeps every statement under both dialects' parameter limits.
  for (let start = 0; start < rows.length; start += 100) {
    const chunk = rows.slice(start, start + 100);
    const values = chunk.map((row, index) => `(${row.map((_, column) => `$${index * columns.length + column + 1}`).join(', ')})`).join(', ');
    await tx.query(`INSERT INTO ${table} (${columns.join(', ')}) VALUES ${values}`, chunk.flat());
  }
}

/**
 * Applications holding a sub-application and a delivery per spec (one
 * application for them all, or one per `perApplication` specs); returns
 * the delivery, sub-application and application ids in spec order.
 */
export async function insertDeliveries(tx: Queryable, specs: readonly DeliverySpec[], now: number, perApplication = specs.length): Promise<{ deliveries: string[]; subApplications: string[]; applications: string[] }> {
  const applications = specs.map(() => '');
  for (let index = 0; index < specs.length; index += 1) applications[index] = index % perApplication === 0 ? newId(now) : applications[index - 1]!;
  await insertRows(tx, 'applications', ['id', 'client_id', 'idempotency_key', 'request_digest', 'response', 'theme_code', 'answers', 'form', 'provenance', 'status', 'created_at', 'updated_at'],
    [...new Set(applications)].map((id) => [id, 'platform', `idem-${id}`, 'digest', '{}', 'MX-T05', '{}', '{}', '{}', 'processing', now, now]));
  const subApplications = specs.map(() => newId(now));
  const deliveries = specs.map(() => newId(now));
  await insertRows(tx, 'sub_applications', ['id', 'application_id', 'matter_code', 'matter_name', 'department_code', 'position', 'prerequisites', 'form', 'provenance', 'status',
    'statutory_days', 'promised_days', 'accepted_at', 'due_date', 'due_status', 'created_at', 'updated_at'], specs.map((spec, index) => [
    subApplications[index]!, applications[index]!, '000744622001', `事项 ${index}`, spec.department, index + 1, '[]', '{}', '{}', spec.overdue !== undefined ? 'accepted' : 'queued',
    20, 10, spec.overdue !== undefined ? now : null, spec.overdue ? spec.overdue : null, spec.overdue === undefined ? null : spec.overdue === '' ? 'uncovered' : 'computed', now, now]));
  await insertRows(tx, 'deliveries', ['id', 'sub_application_id', 'department_code', 'channel', 'idempotency_key', 'state', 'attempts', 'next_attempt_at', 'created_at', 'updated_at'],
    specs.map((spec, index) => [deliveries[index]!, subApplications[index]!, spec.department, 'rest', `key-${deliveries[index]!}`, spec.state, 0, spec.updatedAt, now, spec.updatedAt]));
  return { deliveries, subApplications, applications };
}

/** Attempts: delivery id, start (ms), outcome, error code. */
export async function insertAttempts(tx: Queryable, attempts: readonly { deliveryId: string; startedAt: number; outcome: string; errorCode?: string | null }[]): Promise<void> {
  await insertRows(tx, 'delivery_attempts', ['delivery_id', 'attempt', 'started_at', 'duration_ms', 'outcome', 'error_code', 'error'],
    attempts.map((attempt, index) => [attempt.deliveryId, index + 1, attempt.startedAt, 10, attempt.outcome, attempt.errorCode ?? null, attempt.errorCode ? 'failed' : null]));
}
