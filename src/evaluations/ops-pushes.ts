/** What ops see and do with the evaluation push outbox: list by state (dead letters), replay a dead push. Replays are audited. */
import { TongbanError } from '../errors/index.js';
import { pageOf } from '../ops/cursor.js';
import type { Queryable, SqlValue, Store } from '../store/index.js';

export const PUSH_STATES = ['pending', 'in_flight', 'delivered', 'dead'] as const;
export type PushState = (typeof PUSH_STATES)[number];

/** The push list's cursor: the last row's updated_at and id (most recently changed first). */
export const PUSH_CURSOR = { list: 'evaluation-pushes', shape: ['number', 'string'] } as const;

const iso = (ms: number | string | null) => (ms === null ? null : new Date(Number(ms)).toISOString());

interface Row {
  id: string; evaluation_id: string; position: number; kind: string; payload: string; state: string; attempts: number; next_attempt_at: number;
  last_error: string | null; delivered_at: number | null; updated_at: number; application_id: string; service_code: string; province_id: string | null;
}

/** One page of pushes, most recently changed first. */
export async function listPushes(reader: Queryable, filter: { state?: PushState | undefined; after?: readonly (string | number)[] | undefined; limit: number }) {
  const params: SqlValue[] = [];
  const where: string[] = [];
  if (filter.state) { params.push(filter.state); where.push(`p.state = $${params.length}`); }
  if (filter.after) { params.push(filter.after[0]!, filter.after[1]!); where.push(`(p.updated_at, p.id) < ($${params.length - 1}, $${params.length})`); }
  params.push(filter.limit + 1);
  const { rows } = await reader.query<Row>(
    `SELECT p.id, p.evaluation_id, p.position, p.kind, p.payload, p.state, p.attempts, p.next_attempt_at, p.last_error, p.delivered_at, p.updated_at,
            e.application_id, e.service_code, e.province_id
       FROM evaluation_pushes p JOIN evaluations e ON e.id = p.evaluation_id
      ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY p.updated_at DESC, p.id DESC LIMIT $${params.length}`, params);
  const page = pageOf(rows, filter.limit, PUSH_CURSOR.list, (row) => [Number(row.updated_at), row.id]);
  return {
    pushes: page.rows.map((row) => ({
      id: row.id, evaluationId: row.evaluation_id, applicationId: row.application_id, serviceCode: row.service_code, provinceId: row.province_id,
      kind: row.kind, step: row.kind === 'rectification' ? String((JSON.parse(row.payload) as { status?: unknown }).status) : null,
      state: row.state, attempts: Number(row.attempts), nextAttemptAt: row.state === 'pending' ? iso(row.next_attempt_at) : null,
      lastError: row.last_error, deliveredAt: iso(row.delivered_at), updatedAt: iso(row.updated_at)!,
    })),
    nextCursor: page.nextCursor,
  };
}

/** Puts a dead push back in the queue with fresh attempts (audited). @throws TongbanError NOT_FOUND, CONFLICT (not dead). */
export async function replayPush(store: Store, pushId: string, clientId: string, now = Date.now()): Promise<{ id: string; previousState: string }> {
  return store.transaction(async (tx) => {
    const { rows } = await tx.query<{ state: string }>('SELECT state FROM evaluation_pushes WHERE id = $1', [pushId]);
    const row = rows[0];
    if (!row) throw new TongbanError('NOT_FOUND', `No evaluation push ${pushId}`);
    if (row.state !== 'dead') throw new TongbanError('CONFLICT', `Evaluation push ${pushId} is ${row.state}; only dead pushes can be replayed`);
    await tx.query("UPDATE evaluation_pushes SET state = 'pending', attempts = 0, next_attempt_at = $2, last_error = NULL, updated_at = $2 WHERE id = $1", [pushId, now]);
    await tx.query('INSERT INTO ops_audit (client_id, action, target, details, at) VALUES ($1, $2, $3, $4, $5)',
      [clientId, 'evaluation.push-replay', pushId, JSON.stringify({ previousState: row.state }), now]);
    return { id: pushId, previousState: row.state };
  });
}
