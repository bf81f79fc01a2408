/**
 * Counts the dashboard, `/metrics` and `/v1/ops/adapters` read instead of
 * counting deliveries and attempts: kept by triggers as rows change
 * (migration 011), so a read costs the size of the counts — departments ×
 * states, buckets in a time range — not the size of the tables.
 *
 * On PostgreSQL each count is spread over rows per database session
 * (`shard` = backend pid), so concurrent writers never wait for one
 * another; reads sum the shards, and {@link compactCounters} folds the rows
 * of ended sessions into shard 0 so the shards stay few.
 */
import { placeholders, type Queryable, type Store } from '../store/index.js';

/** The counter tables (small, fixed by departments × states × time buckets; the query-plan test allows scanning them). */
export const COUNTER_TABLES = ['delivery_counts', 'delivery_attempt_buckets', 'department_attempts', 'business_counts'] as const;

/** Deliveries per department and state (only non-zero counts). */
export const DELIVERY_COUNTS_SQL = `SELECT department_code, state, SUM(n) AS n FROM delivery_counts
  GROUP BY department_code, state HAVING SUM(n) <> 0 ORDER BY department_code, state`;

/** Deliveries per state over every department, for the given states ($1…). */
export function stateCountsSql(states: number): string {
  return `SELECT state, SUM(n) AS n FROM delivery_counts WHERE state IN (${placeholders(states)}) GROUP BY state`;
}

/** Attempts per bucket of `$1` ms and outcome, from `$2` (a bucket start) on. */
export const ATTEMPT_BUCKETS_SQL = `SELECT bucket_start, outcome, SUM(n) AS n FROM delivery_attempt_buckets
  WHERE bucket_ms = $1 AND bucket_start >= $2 GROUP BY bucket_start, outcome`;

/** Attempts per department and outcome in minute buckets from `$1` (a minute start) on. */
export const DEPARTMENT_ATTEMPTS_SINCE_SQL = `SELECT department_code, outcome, SUM(n) AS n FROM delivery_attempt_buckets
  WHERE bucket_ms = 60000 AND bucket_start >= $1 GROUP BY department_code, outcome`;

/** Each department's latest attempt, success and failure, per shard (combined in code). */
export const DEPARTMENT_LATEST_SQL = `SELECT department_code, last_id, last_started_at, last_outcome, success_at, failure_at, failure_id, failure_error_code
  FROM department_attempts`;

/** Deliveries per department and state. */
export async function deliveryCounts(reader: Queryable): Promise<{ department: string; state: string; count: number }[]> {
  const { rows } = await reader.query<{ department_code: string; state: string; n: number | string }>(DELIVERY_COUNTS_SQL);
  return rows.map((row) => ({ department: row.department_code, state: row.state, count: Number(row.n) }));
}

/** Deliveries in each of `states` over every department (zero when none). */
export async function stateCounts<State extends string>(reader: Queryable, states: readonly State[]): Promise<Record<State, number>> {
  const { rows } = await reader.query<{ state: State; n: number | string }>(stateCountsSql(states.length), [...states]);
  const counts = Object.fromEntries(states.map((state) => [state, 0])) as Record<State, number>;
  for (const row of rows) counts[row.state] = Number(row.n);
  return counts;
}

/** Attempts per bucket start and outcome, in buckets of `bucketMs` (60 000 or 3 600 000) from the bucket holding `since` on. */
export async function attemptBuckets(reader: Queryable, bucketMs: 60_000 | 3_600_000, since: number): Promise<{ start: number; outcome: string; count: number }[]> {
  const { rows } = await reader.query<{ bucket_start: number | string; outcome: string; n: number | string }>(ATTEMPT_BUCKETS_SQL, [bucketMs, since - (since % bucketMs)]);
  return rows.map((row) => ({ start: Number(row.bucket_start), outcome: row.outcome, count: Number(row.n) }));
}

/** Attempts per department and outcome from the minute holding `since` on. */
export async function departmentAttemptsSince(reader: Queryable, since: number): Promise<{ department: string; outcome: string; count: number }[]> {
  const { rows } = await reader.query<{ department_code: string; outcome: string; n: number | string }>(DEPARTMENT_ATTEMPTS_SINCE_SQL, [since - (since % 60_000)]);
  return rows.map((row) => ({ department: row.department_code, outcome: row.outcome, count: Number(row.n) }));
}

/** A department's latest attempt (highest id), latest success and latest failure (retry or dead) with its error code; times in ms. */
export interface DepartmentLatest {
  readonly lastId: number;
  readonly lastStartedAt: number;
  readonly lastOutcome: string;
  readonly successAt: number | null;
  readonly failureAt: number | null;
  readonly failureErrorCode: string | null;
}

/** Every department's latest attempts (departments without any attempt are absent). */
export async function departmentLatest(reader: Queryable): Promise<Map<string, DepartmentLatest>> {
  const { rows } = await reader.query<{
    department_code: string; last_id: number | string; last_started_at: number | string; last_outcome: string;
    success_at: number | string | null; failure_at: number | string | null; failure_id: number | string | null; failure_error_code: string | null;
  }>(DEPARTMENT_LATEST_SQL);
  const latest = new Map<string, DepartmentLatest & { failureId: number | null }>();
  const num = (value: number | string | null) => (value === null ? null : Number(value));
  for (const row of rows) {
    const shard = {
      lastId: Number(row.last_id), lastStartedAt: Number(row.last_started_at), lastOutcome: row.last_outcome, successAt: num(row.success_at),
      failureAt: num(row.failure_at), failureId: num(row.failure_id), failureErrorCode: row.failure_error_code,
    };
    const seen = latest.get(row.department_code);
    if (!seen) { latest.set(row.department_code, shard); continue; }
    const newerFailure = shard.failureAt !== null && (seen.failureAt === null || shard.failureAt > seen.failureAt || (shard.failureAt === seen.failureAt && shard.failureId! > seen.failureId!));
    latest.set(row.department_code, {
      ...(shard.lastId > seen.lastId ? { lastId: shard.lastId, lastStartedAt: shard.lastStartedAt, lastOutcome: shard.lastOutcome } : { lastId: seen.lastId, lastStartedAt: seen.lastStartedAt, lastOutcome: seen.lastOutcome }),
      successAt: seen.successAt === null || (shard.successAt !== null && shard.successAt > seen.successAt) ? shard.successAt ?? seen.successAt : seen.successAt,
      ...(newerFailure ? { failureAt: shard.failureAt, failureId: shard.failureId, failureErrorCode: shard.failureErrorCode } : { failureAt: seen.failureAt, failureId: seen.failureId, failureErrorCode: seen.failureErrorCode }),
    });
  }
  return latest;
}

const COMPACTION_LOCK = 'tongban-ops-counters-compaction';

/**
 * PostgreSQL: folds the counter rows of sessions that have ended into shard
 * 0, so reads sum few rows. Rows a live session may write are left alone,
 * and rows locked by anyone are skipped (never waited for), so it blocks no
 * writer; one replica compacts at a time. Nothing to do on SQLite (one shard).
 * @returns counter rows folded
 */
export async function compactCounters(store: Store): Promise<number> {
  if (!store.capabilities.multiProcess) return 0;
  return store.transaction(async (tx) => {
    const { rows } = await tx.query<{ locked: boolean }>('SELECT pg_try_advisory_xact_lock(hashtext($1)) AS locked', [COMPACTION_LOCK]);
    if (!rows[0]?.locked) return 0;
    const ended = 'shard <> 0 AND shard NOT IN (SELECT pid FROM pg_stat_activity WHERE pid IS NOT NULL)';
    const counts = await foldEnded(tx, 'delivery_counts', ['department_code', 'state'], ended);
    const buckets = await foldEnded(tx, 'delivery_attempt_buckets', ['bucket_ms', 'bucket_start', 'department_code', 'outcome'], ended);
    // The latest attempt of ended sessions: keep, per department, whichever of shard 0 and theirs is newest.
    const latest = await tx.query(`WITH moved AS (
        DELETE FROM department_attempts WHERE ctid IN (SELECT ctid FROM department_attempts WHERE ${ended} FOR UPDATE SKIP LOCKED)
        RETURNING *),
      combined AS (
        SELECT department_code,
               (array_agg(last_id ORDER BY last_id DESC))[1] AS last_id,
               (array_agg(last_started_at ORDER BY last_id DESC))[1] AS last_started_at,
               (array_agg(last_outcome ORDER BY last_id DESC))[1] AS last_outcome,
               MAX(success_at) AS success_at,
               (array_agg(failure_at ORDER BY failure_at DESC NULLS LAST, failure_id DESC NULLS LAST))[1] AS failure_at,
               (array_agg(failure_id ORDER BY failure_at DESC NULLS LAST, failure_id DESC NULLS LAST))[1] AS failure_id,
               (array_agg(failure_error_code ORDER BY failure_at DESC NULLS LAST, failure_id DESC NULLS LAST))[1] AS failure_error_code
          FROM moved GROUP BY department_code)
      INSERT INTO department_attempts AS t (department_code, shard, last_id, last_started_at, last_outcome, success_at, failure_at, failure_id, failure_error_code)
        SELECT department_code, 0, last_id, last_started_at, last_outcome, success_at, failure_at, failure_id, failure_error_code FROM combined ORDER BY department_code
      ON CONFLICT (department_code, shard) DO UPDATE SET
        last_started_at = CASE WHEN excluded.last_id > t.last_id THEN excluded.last_started_at ELSE t.last_started_at END,
        last_outcome = CASE WHEN excluded.last_id > t.last_id THEN excluded.last_outcome ELSE t.last_outcome END,
        last_id = GREATEST(excluded.last_id, t.last_id),
        success_at = GREATEST(excluded.success_at, t.success_at),
        failure_error_code = CASE WHEN excluded.failure_at IS NOT NULL AND (excluded.failure_at, excluded.failure_id) > (t.failure_at, t.failure_id) IS NOT FALSE
                                  THEN excluded.failure_error_code ELSE t.failure_error_code END,
        failure_id = CASE WHEN excluded.failure_at IS NOT NULL AND (excluded.failure_at, excluded.failure_id) > (t.failure_at, t.failure_id) IS NOT FALSE
                          THEN excluded.failure_id ELSE t.failure_id END,
        failure_at = GREATEST(excluded.failure_at, t.failure_at)`);
    // The business counters of /metrics (migration 016).
    const business = await foldEnded(tx, 'business_counts', ['metric', 'label'], ended);
    return counts + buckets + latest.rowCount + business;
  });
}

/** Moves a summed counter table's rows of ended sessions (`ended`, a condition on `shard`) into shard 0; returns the rows folded in. */
async function foldEnded(tx: Queryable, table: string, keys: readonly string[], ended: string): Promise<number> {
  const columns = keys.join(', ');
  const { rowCount } = await tx.query(`WITH moved AS (
      DELETE FROM ${table} WHERE ctid IN (SELECT ctid FROM ${table} WHERE ${ended} FOR UPDATE SKIP LOCKED)
      RETURNING ${columns}, n)
    INSERT INTO ${table} AS c (${columns}, shard, n)
      SELECT ${columns}, 0, SUM(n) FROM moved GROUP BY ${columns} ORDER BY ${columns}
    ON CONFLICT (${columns}, shard) DO UPDATE SET n = c.n + excluded.n`);
  return rowCount;
}

/**
 * Compacts the counters every `intervalMs` (PostgreSQL only; nothing on SQLite).
 * @returns what stops it
 */
export function startCounterCompaction(store: Store, options: { intervalMs: number; onError: (error: Error) => void }): () => void {
  if (!store.capabilities.multiProcess) return () => undefined;
  const timer = setInterval(() => { compactCounters(store).catch(options.onError); }, options.intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
