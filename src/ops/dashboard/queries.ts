/** Read-only queries behind the dashboard panels (both dialects: plain SQL, `$n` placeholders). */
import { placeholders, type Queryable, type SqlValue, type Store } from '../../store/index.js';
import { DELIVERY_CURSOR, deliveryPageConditions, type DeliveryPageFilter } from '../../delivery/ops-deliveries.js';
import { attemptBuckets, departmentAttemptsSince, departmentLatest } from '../counters.js';
import { pageOf, type Page } from '../cursor.js';

export { deliveryCounts } from '../counters.js';

const iso = (ms: number | string | null) => (ms === null ? null : new Date(Number(ms)).toISOString());

/** One bucket of the attempts chart. */
export interface AttemptBucket {
  /** Start of the bucket, ms since the epoch. */
  readonly start: number;
  readonly delivered: number;
  /** Attempts that failed (`retry` or `dead`). */
  readonly failed: number;
}

/**
 * Delivery attempts from the bucket holding `since` on, in buckets of
 * `bucketMs` (a minute or an hour: the roll-ups kept by migration 011);
 * every bucket up to `until` is present (zeros where nothing happened).
 */
export async function attemptSeries(reader: Queryable, options: { since: number; until: number; bucketMs: 60_000 | 3_600_000 }): Promise<AttemptBucket[]> {
  const { since, until, bucketMs } = options;
  const first = since - (since % bucketMs);
  const buckets = new Map<number, { delivered: number; failed: number }>();
  for (let start = first; start <= until; start += bucketMs) buckets.set(start, { delivered: 0, failed: 0 });
  for (const row of await attemptBuckets(reader, bucketMs, since)) {
    const bucket = buckets.get(row.start);
    if (!bucket) continue;
    if (row.outcome === 'delivered') bucket.delivered += row.count;
    else if (row.outcome === 'retry' || row.outcome === 'dead') bucket.failed += row.count;
  }
  return [...buckets].map(([start, counts]) => ({ start, ...counts }));
}

/** Per department: attempts from the minute holding `since` on by result, and the latest attempt. */
export async function departmentActivity(reader: Queryable, since: number): Promise<Map<string, { delivered: number; failed: number; lastAt: string | null; lastOutcome: string | null }>> {
  const activity = new Map<string, { delivered: number; failed: number; lastAt: string | null; lastOutcome: string | null }>();
  const entry = (code: string) => {
    if (!activity.has(code)) activity.set(code, { delivered: 0, failed: 0, lastAt: null, lastOutcome: null });
    return activity.get(code)!;
  };
  for (const row of await departmentAttemptsSince(reader, since)) {
    if (row.outcome === 'delivered') entry(row.department).delivered += row.count;
    else if (row.outcome === 'retry' || row.outcome === 'dead') entry(row.department).failed += row.count;
  }
  for (const [code, latest] of await departmentLatest(reader)) Object.assign(entry(code), { lastAt: iso(latest.lastStartedAt), lastOutcome: latest.lastOutcome });
  return activity;
}

/** The SQL of {@link getDelivery} (exported for the query-plan test). */
export const GET_DELIVERY_SQL = `SELECT d.id, d.sub_application_id, d.department_code, d.channel, d.idempotency_key, d.state, d.attempts, d.next_attempt_at, d.last_error,
            d.created_at, d.updated_at, s.matter_code, s.matter_name, s.application_id, s.status, s.acceptance_number, a.theme_code, t.name AS theme_name
       FROM deliveries d JOIN sub_applications s ON s.id = d.sub_application_id JOIN applications a ON a.id = s.application_id
       LEFT JOIN catalog_themes t ON t.code = a.theme_code WHERE d.id = $1`;

/** One delivery with its sub-application, or undefined. */
export async function getDelivery(reader: Queryable, id: string) {
  const { rows } = await reader.query<{
    id: string; sub_application_id: string; department_code: string; channel: string; idempotency_key: string; state: string; attempts: number;
    next_attempt_at: number | string; last_error: string | null; created_at: number | string; updated_at: number | string;
    matter_code: string; matter_name: string; application_id: string; status: string; acceptance_number: string | null; theme_code: string; theme_name: string | null;
  }>(GET_DELIVERY_SQL, [id]);
  const row = rows[0];
  if (!row) return undefined;
  return {
    id: row.id, subApplicationId: row.sub_application_id, applicationId: row.application_id, matterCode: row.matter_code, matterName: row.matter_name,
    department: row.department_code, channel: row.channel, idempotencyKey: row.idempotency_key, state: row.state, attempts: Number(row.attempts),
    nextAttemptAt: iso(row.next_attempt_at), lastError: row.last_error, createdAt: iso(row.created_at), updatedAt: iso(row.updated_at),
    subApplicationStatus: row.status, acceptanceNumber: row.acceptance_number, themeCode: row.theme_code, themeName: row.theme_name,
  };
}

/** The SQL of {@link recentLicenceUses} (exported for the query-plan test): the seq to start below when paging, `limit` bound last. */
export function recentLicenceUsesSql(before: boolean): string {
  return `SELECT seq, at, client_id, holder_code, licence_type, theme_code, use_cause, action, outcome FROM licence_uses${before ? ' WHERE seq < $1' : ''} ORDER BY seq DESC LIMIT $${before ? 2 : 1}`;
}

/** The newest licence uses across holders, below seq `before` when given (the dashboard masks their holder codes). */
export async function recentLicenceUses(reader: Queryable, limit: number, before?: number) {
  const { rows } = await reader.query<{ seq: number | string; at: number | string; client_id: string; holder_code: string; licence_type: string; theme_code: string; use_cause: string; action: string; outcome: string }>(
    recentLicenceUsesSql(before !== undefined), [...(before !== undefined ? [before] : []), limit]);
  return rows.map((row) => ({
    seq: Number(row.seq), at: iso(row.at)!, clientId: row.client_id, holderCode: row.holder_code, licenceType: row.licence_type,
    themeCode: row.theme_code, useCause: row.use_cause, action: row.action, outcome: row.outcome,
  }));
}

/** Writes one ops audit entry (who did what from the dashboard). */
export async function auditOps(store: Store, entry: { clientId: string; action: string; target: string; details: unknown }, now = Date.now()): Promise<void> {
  await store.query('INSERT INTO ops_audit (client_id, action, target, details, at) VALUES ($1, $2, $3, $4, $5)',
    [entry.clientId, entry.action, entry.target, JSON.stringify(entry.details), now]);
}

/** A delivery as the dashboard lists it: with its matter, theme, application and 受理号. */
export interface DeliveryRow {
  readonly id: string;
  readonly subApplicationId: string;
  readonly applicationId: string;
  readonly themeCode: string;
  /** From the stored catalogue; null when the theme is not in it. */
  readonly themeName: string | null;
  readonly matterName: string;
  readonly department: string;
  readonly channel: string;
  readonly state: string;
  readonly attempts: number;
  readonly acceptanceNumber: string | null;
  readonly lastError: string | null;
  readonly updatedAt: string | null;
  /** `updatedAt` in ms (the list's cursor). */
  readonly updatedAtMs: number;
}

/** The SQL of the dashboard's delivery rows (exported for the query-plan test): `where` over `d`, `s`, `a`, `limit` bound after its parameters. */
export function deliveryRowsSql(where: string, parameterCount: number): string {
  return `SELECT d.id, d.sub_application_id, s.application_id, a.theme_code, t.name AS theme_name, s.matter_name, d.department_code, d.channel, d.state, d.attempts,
            s.acceptance_number, d.last_error, d.updated_at
       FROM deliveries d JOIN sub_applications s ON s.id = d.sub_application_id JOIN applications a ON a.id = s.application_id
       LEFT JOIN catalog_themes t ON t.code = a.theme_code
      ${where ? `WHERE ${where}` : ''} ORDER BY d.updated_at DESC, d.id DESC LIMIT $${parameterCount + 1}`;
}

/**
 * Deliveries with their sub-application, application and theme, newest first.
 * `where` is a constant SQL fragment over `d` (deliveries), `s`
 * (sub_applications) and `a` (applications) with `$n` placeholders for
 * `params`; the limit is bound after them.
 */
export async function deliveryRows(reader: Queryable, where: string, params: readonly SqlValue[], limit: number): Promise<DeliveryRow[]> {
  const { rows } = await reader.query<{
    id: string; sub_application_id: string; application_id: string; theme_code: string; theme_name: string | null; matter_name: string; department_code: string;
    channel: string; state: string; attempts: number | string; acceptance_number: string | null; last_error: string | null; updated_at: number | string;
  }>(deliveryRowsSql(where, params.length), [...params, limit]);
  return rows.map((row) => ({
    id: row.id, subApplicationId: row.sub_application_id, applicationId: row.application_id, themeCode: row.theme_code, themeName: row.theme_name,
    matterName: row.matter_name, department: row.department_code, channel: row.channel, state: row.state, attempts: Number(row.attempts),
    acceptanceNumber: row.acceptance_number, lastError: row.last_error, updatedAt: iso(row.updated_at), updatedAtMs: Number(row.updated_at),
  }));
}

/** One page of the delivery list (newest change first), filtered by state and department, from the cursor key `filter.after`. */
export async function deliveryListPage(reader: Queryable, filter: DeliveryPageFilter, limit: number): Promise<Page<DeliveryRow>> {
  const params: SqlValue[] = [];
  const where = deliveryPageConditions(filter, params).join(' AND ');
  return pageOf(await deliveryRows(reader, where, params, limit + 1), limit, DELIVERY_CURSOR.list, (row) => [row.updatedAtMs, row.id]);
}

/** The SQL of {@link themeNames} for `count` codes (exported for the query-plan test). */
export function themeNamesSql(count: number): string {
  return `SELECT code, name FROM catalog_themes WHERE code IN (${placeholders(count)})`;
}

/** Theme names from the stored catalogue, by code (codes the catalogue lacks are left out). */
export async function themeNames(reader: Queryable, codes: readonly string[]): Promise<Map<string, string>> {
  const distinct = [...new Set(codes)];
  if (distinct.length === 0) return new Map();
  const { rows } = await reader.query<{ code: string; name: string }>(themeNamesSql(distinct.length), distinct);
  return new Map(rows.map((row) => [row.code, row.name]));
}
