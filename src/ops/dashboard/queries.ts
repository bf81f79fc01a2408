/** Read-only queries behind the dashboard panels (both dialects: plain SQL, `$n` placeholders). */
import type { Store } from '../../store/index.js';

const iso = (ms: number | string | null) => (ms === null ? null : new Date(Number(ms)).toISOString());

/** Deliveries per department and state. */
export async function deliveryCounts(store: Store): Promise<{ department: string; state: string; count: number }[]> {
  const { rows } = await store.query<{ department_code: string; state: string; n: number | string }>(
    'SELECT department_code, state, COUNT(*) AS n FROM deliveries GROUP BY department_code, state ORDER BY department_code, state');
  return rows.map((row) => ({ department: row.department_code, state: row.state, count: Number(row.n) }));
}

/** One bucket of the attempts chart. */
export interface AttemptBucket {
  /** Start of the bucket, ms since the epoch. */
  readonly start: number;
  readonly delivered: number;
  /** Attempts that failed (`retry` or `dead`). */
  readonly failed: number;
}

/**
 * Delivery attempts since `since`, grouped in buckets of `bucketMs`;
 * every bucket up to `until` is present (zeros where nothing happened).
 */
export async function attemptSeries(store: Store, options: { since: number; until: number; bucketMs: number }): Promise<AttemptBucket[]> {
  const { since, until, bucketMs } = options;
  const { rows } = await store.query<{ bucket: number | string; outcome: string; n: number | string }>(
    `SELECT started_at - (started_at % $2) AS bucket, outcome, COUNT(*) AS n FROM delivery_attempts
      WHERE started_at >= $1 AND outcome IN ('delivered', 'retry', 'dead') GROUP BY 1, 2`, [since, bucketMs]);
  const first = since - (since % bucketMs);
  const buckets = new Map<number, { delivered: number; failed: number }>();
  for (let start = first; start <= until; start += bucketMs) buckets.set(start, { delivered: 0, failed: 0 });
  for (const row of rows) {
    const bucket = buckets.get(Number(row.bucket));
    if (!bucket) continue;
    if (row.outcome === 'delivered') bucket.delivered += Number(row.n);
    else bucket.failed += Number(row.n);
  }
  return [...buckets].map(([start, counts]) => ({ start, ...counts }));
}

/** Per department: attempts since `since` by result, and the latest attempt. */
export async function departmentActivity(store: Store, since: number): Promise<Map<string, { delivered: number; failed: number; lastAt: string | null; lastOutcome: string | null }>> {
  const { rows: counts } = await store.query<{ department_code: string; outcome: string; n: number | string }>(
    `SELECT d.department_code, a.outcome, COUNT(*) AS n FROM delivery_attempts a JOIN deliveries d ON d.id = a.delivery_id
      WHERE a.started_at >= $1 GROUP BY d.department_code, a.outcome`, [since]);
  const { rows: latest } = await store.query<{ department_code: string; started_at: number | string; outcome: string }>(
    `SELECT d.department_code, a.started_at, a.outcome FROM delivery_attempts a JOIN deliveries d ON d.id = a.delivery_id
      WHERE a.id IN (SELECT MAX(a2.id) FROM delivery_attempts a2 JOIN deliveries d2 ON d2.id = a2.delivery_id GROUP BY d2.department_code)`);
  const activity = new Map<string, { delivered: number; failed: number; lastAt: string | null; lastOutcome: string | null }>();
  const entry = (code: string) => {
    if (!activity.has(code)) activity.set(code, { delivered: 0, failed: 0, lastAt: null, lastOutcome: null });
    return activity.get(code)!;
  };
  for (const row of counts) {
    if (row.outcome === 'delivered') entry(row.department_code).delivered += Number(row.n);
    else if (row.outcome === 'retry' || row.outcome === 'dead') entry(row.department_code).failed += Number(row.n);
  }
  for (const row of latest) Object.assign(entry(row.department_code), { lastAt: iso(row.started_at), lastOutcome: row.outcome });
  return activity;
}

/** One delivery with its sub-application, or undefined. */
export async function getDelivery(store: Store, id: string) {
  const { rows } = await store.query<{
    id: string; sub_application_id: string; department_code: string; channel: string; idempotency_key: string; state: string; attempts: number;
    next_attempt_at: number | string; last_error: string | null; created_at: number | string; updated_at: number | string;
    matter_code: string; matter_name: string; application_id: string; status: string; acceptance_number: string | null; theme_code: string; theme_name: string | null;
  }>(
    `SELECT d.id, d.sub_application_id, d.department_code, d.channel, d.idempotency_key, d.state, d.attempts, d.next_attempt_at, d.last_error,
            d.created_at, d.updated_at, s.matter_code, s.matter_name, s.application_id, s.status, s.acceptance_number, a.theme_code, t.name AS theme_name
       FROM deliveries d JOIN sub_applications s ON s.id = d.sub_application_id JOIN applications a ON a.id = s.application_id
       LEFT JOIN catalog_themes t ON t.code = a.theme_code WHERE d.id = $1`, [id]);
  const row = rows[0];
  if (!row) return undefined;
  return {
    id: row.id, subApplicationId: row.sub_application_id, applicationId: row.application_id, matterCode: row.matter_code, matterName: row.matter_name,
    department: row.department_code, channel: row.channel, idempotencyKey: row.idempotency_key, state: row.state, attempts: Number(row.attempts),
    nextAttemptAt: iso(row.next_attempt_at), lastError: row.last_error, createdAt: iso(row.created_at), updatedAt: iso(row.updated_at),
    subApplicationStatus: row.status, acceptanceNumber: row.acceptance_number, themeCode: row.theme_code, themeName: row.theme_name,
  };
}

/** The newest licence uses across holders (the dashboard masks their holder codes). */
export async function recentLicenceUses(store: Store, limit: number) {
  const { rows } = await store.query<{ seq: number | string; at: number | string; client_id: string; holder_code: string; licence_type: string; theme_code: string; use_cause: string; action: string; outcome: string }>(
    'SELECT seq, at, client_id, holder_code, licence_type, theme_code, use_cause, action, outcome FROM licence_uses ORDER BY seq DESC LIMIT $1', [limit]);
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
}

/**
 * Deliveries with their sub-application, application and theme, newest first.
 * `where` is a constant SQL fragment over `d` (deliveries), `s`
 * (sub_applications) and `a` (applications) with `$n` placeholders for
 * `params`; the limit is bound after them.
 */
export async function deliveryRows(store: Store, where: string, params: readonly (string | number)[], limit: number): Promise<DeliveryRow[]> {
  const { rows } = await store.query<{
    id: string; sub_application_id: string; application_id: string; theme_code: string; theme_name: string | null; matter_name: string; department_code: string;
    channel: string; state: string; attempts: number | string; acceptance_number: string | null; last_error: string | null; updated_at: number | string;
  }>(
    `SELECT d.id, d.sub_application_id, s.application_id, a.theme_code, t.name AS theme_name, s.matter_name, d.department_code, d.channel, d.state, d.attempts,
            s.acceptance_number, d.last_error, d.updated_at
       FROM deliveries d JOIN sub_applications s ON s.id = d.sub_application_id JOIN applications a ON a.id = s.application_id
       LEFT JOIN catalog_themes t ON t.code = a.theme_code
      ${where ? `WHERE ${where}` : ''} ORDER BY d.updated_at DESC LIMIT $${params.length + 1}`, [...params, limit]);
  return rows.map((row) => ({
    id: row.id, subApplicationId: row.sub_application_id, applicationId: row.application_id, themeCode: row.theme_code, themeName: row.theme_name,
    matterName: row.matter_name, department: row.department_code, channel: row.channel, state: row.state, attempts: Number(row.attempts),
    acceptanceNumber: row.acceptance_number, lastError: row.last_error, updatedAt: iso(row.updated_at),
  }));
}

/** The delivery list's filters, as a WHERE fragment for {@link deliveryRows}. */
export function deliveryFilter(filter: { state?: string | undefined; department?: string | undefined }): { where: string; params: string[] } {
  const where: string[] = [];
  const params: string[] = [];
  if (filter.state) { params.push(filter.state); where.push(`d.state = $${params.length}`); }
  if (filter.department) { params.push(filter.department); where.push(`d.department_code = $${params.length}`); }
  return { where: where.join(' AND '), params };
}

/** Theme names from the stored catalogue, by code (codes the catalogue lacks are left out). */
export async function themeNames(store: Store, codes: readonly string[]): Promise<Map<string, string>> {
  const distinct = [...new Set(codes)];
  if (distinct.length === 0) return new Map();
  const { rows } = await store.query<{ code: string; name: string }>(
    `SELECT code, name FROM catalog_themes WHERE code IN (${distinct.map((_, index) => `$${index + 1}`).join(', ')})`, distinct);
  return new Map(rows.map((row) => [row.code, row.name]));
}
