/** The record of catalogue sync runs, for ops (`GET /v1/ops/sync-runs`). */
import type { Queryable, Store } from '../store/index.js';

export interface SyncRun {
  id: number;
  kind: 'full' | 'incremental';
  trigger: string;
  status: 'running' | 'succeeded' | 'failed';
  startedAt: string;
  finishedAt: string | null;
  updatedSince: string | null;
  themesReceived: number;
  mattersReceived: number;
  themesChanged: number;
  mattersChanged: number;
  errorCode: string | null;
  errorMessage: string | null;
}

interface SyncRunRow {
  id: number; kind: SyncRun['kind']; trigger: string; status: SyncRun['status']; started_at: number; finished_at: number | null;
  updated_since: number | null; themes_received: number; matters_received: number; themes_changed: number; matters_changed: number;
  error_code: string | null; error_message: string | null;
}

const COLUMNS = 'id, kind, trigger, status, started_at, finished_at, updated_since, themes_received, matters_received, themes_changed, matters_changed, error_code, error_message';

function toRun(row: SyncRunRow): SyncRun {
  const iso = (ms: number | null) => (ms === null ? null : new Date(Number(ms)).toISOString());
  return {
    id: Number(row.id), kind: row.kind, trigger: row.trigger, status: row.status, startedAt: iso(row.started_at)!, finishedAt: iso(row.finished_at),
    updatedSince: iso(row.updated_since), themesReceived: row.themes_received, mattersReceived: row.matters_received,
    themesChanged: row.themes_changed, mattersChanged: row.matters_changed, errorCode: row.error_code, errorMessage: row.error_message,
  };
}

export async function startRun(store: Store, run: { kind: SyncRun['kind']; trigger: string; updatedSince: number | undefined; startedAt: number }): Promise<SyncRun> {
  const { rows } = await store.query<SyncRunRow>(
    `INSERT INTO sync_runs (kind, trigger, status, started_at, updated_since) VALUES ($1, $2, 'running', $3, $4) RETURNING ${COLUMNS}`,
    [run.kind, run.trigger, run.startedAt, run.updatedSince ?? null]);
  return toRun(rows[0]!);
}

export interface RunOutcome {
  status: 'succeeded' | 'failed';
  finishedAt: number;
  themesReceived?: number;
  mattersReceived?: number;
  themesChanged?: number;
  mattersChanged?: number;
  errorCode?: string;
  errorMessage?: string;
}

export async function finishRun(store: Store, id: number, outcome: RunOutcome): Promise<SyncRun> {
  const { rows } = await store.query<SyncRunRow>(
    `UPDATE sync_runs SET status = $2, finished_at = $3, themes_received = $4, matters_received = $5, themes_changed = $6, matters_changed = $7,
       error_code = $8, error_message = $9 WHERE id = $1 RETURNING ${COLUMNS}`,
    [id, outcome.status, outcome.finishedAt, outcome.themesReceived ?? 0, outcome.mattersReceived ?? 0, outcome.themesChanged ?? 0,
      outcome.mattersChanged ?? 0, outcome.errorCode ?? null, outcome.errorMessage?.slice(0, 1000) ?? null]);
  return toRun(rows[0]!);
}

/** The SQL of {@link listRuns} (exported for the query-plan test): the status first when filtered, then the id to start below, `limit` bound last. */
export function listRunsSql(filter: { status: boolean; before: boolean }): string {
  const where = [...(filter.status ? ['status = $1'] : []), ...(filter.before ? [`id < $${filter.status ? 2 : 1}`] : [])];
  const limit = 1 + (filter.status ? 1 : 0) + (filter.before ? 1 : 0);
  return `SELECT ${COLUMNS} FROM sync_runs${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT $${limit}`;
}

/** Recent runs, newest first; `status` filters (e.g. only failures), `before` starts below that run id (the next page). */
export async function listRuns(store: Queryable, options: { status?: SyncRun['status']; limit?: number; before?: number } = {}): Promise<SyncRun[]> {
  const limit = Math.min(Math.max(options.limit ?? 50, 1), 501);
  const params = [...(options.status ? [options.status] : []), ...(options.before !== undefined ? [options.before] : []), limit];
  const { rows } = await store.query<SyncRunRow>(listRunsSql({ status: !!options.status, before: options.before !== undefined }), params);
  return rows.map(toRun);
}

/** Whether a full sync has ever succeeded (else the first start runs one). */
export async function hasSucceededFullSync(store: Store): Promise<boolean> {
  const { rows } = await store.query<{ n: number }>("SELECT COUNT(*) AS n FROM sync_runs WHERE kind = 'full' AND status = 'succeeded'");
  return Number(rows[0]?.n ?? 0) > 0;
}
