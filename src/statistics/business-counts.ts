/**
 * The business counters of `/metrics`, kept by triggers in `business_counts`
 * (migration 016) as applications arrive, departments decide and applicants
 * rate: a scrape reads that small table, never the growing ones. Totals since
 * the gateway's database began, whichever replica wrote them.
 */
import type { Queryable } from '../store/index.js';

export const BUSINESS_COUNTS_SQL = 'SELECT metric, label, SUM(n) AS n FROM business_counts GROUP BY metric, label';

export interface BusinessCounts {
  /** Theme code → applications received. */
  readonly applicationsReceived: ReadonlyMap<string, number>;
  /** Department code → sub-applications completed (办结). */
  readonly completed: ReadonlyMap<string, number>;
  /** Department code → sub-applications rejected (不予受理/不予许可). */
  readonly rejected: ReadonlyMap<string, number>;
  /** Level "1"–"5" → evaluations. */
  readonly evaluations: ReadonlyMap<string, number>;
}

export async function readBusinessCounts(reader: Queryable): Promise<BusinessCounts> {
  const { rows } = await reader.query<{ metric: string; label: string; n: number | string }>(BUSINESS_COUNTS_SQL);
  const maps: Record<string, Map<string, number>> = {
    applications_received: new Map(), sub_applications_completed: new Map(), sub_applications_rejected: new Map(), evaluations: new Map(),
  };
  for (const row of rows) maps[row.metric]?.set(row.label, Number(row.n));
  return {
    applicationsReceived: maps['applications_received']!, completed: maps['sub_applications_completed']!,
    rejected: maps['sub_applications_rejected']!, evaluations: maps['evaluations']!,
  };
}
