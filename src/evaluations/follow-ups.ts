/**
 * The follow-up of a 差评 (整改回访), for ops: list by state, and move one
 * step at a time — open → assigned → rectified → revisited → closed. Each
 * step is audited, queued for the provincial 好差评 system (after the
 * evaluation itself, in order) and notified to the platform, in one transaction.
 */
import { EVALUATION_LEVELS, RECTIFICATION_STEPS, type EvaluationLevel, type RectificationStatus } from '../domain/evaluation.js';
import { TongbanError, validationError, type FieldError } from '../errors/index.js';
import type { ActorRecord } from '../identity/actor.js';
import { maskName } from '../log/personal-data-keys.js';
import { recordPlatformEvent } from '../notifications/platform-events.js';
import { pageOf } from '../ops/cursor.js';
import { newId, type Queryable, type SqlValue, type Store } from '../store/index.js';
import { FOLLOW_UP_STATE_NAMES } from './read-evaluations.js';

export const FOLLOW_UP_STATES = ['open', ...RECTIFICATION_STEPS] as const;
export type FollowUpState = (typeof FOLLOW_UP_STATES)[number];

/** The follow-up list's cursor: the last row's created_at and id (newest first). */
export const FOLLOW_UP_CURSOR = { list: 'evaluation-follow-ups', shape: ['number', 'string'] } as const;

/** Longest handler name the province takes (its `handler`). */
const MAX_ASSIGNEE_LENGTH = 50;
const MAX_NOTE_LENGTH = 500;

const iso = (ms: number | string | null) => (ms === null ? null : new Date(Number(ms)).toISOString());

/** An ID number or credit code as ops see it: first four and last four characters. */
export function maskCode(code: string): string {
  return code.length <= 8 ? '*'.repeat(code.length) : `${code.slice(0, 4)}${'*'.repeat(code.length - 8)}${code.slice(-4)}`;
}

interface Row {
  id: string; evaluation_id: string; application_id: string; department_code: string | null; state: string; assignee: string | null; notes: string;
  due_at: number; created_at: number; updated_at: number; closed_at: number | null;
  scope: string; service_code: string; matter_code: string | null; theme_code: string; level: number; indicators: string; comment: string; channel: string; actor: string;
}

const SELECT = `SELECT f.id, f.evaluation_id, f.application_id, f.department_code, f.state, f.assignee, f.notes, f.due_at, f.created_at, f.updated_at, f.closed_at,
          e.scope, e.service_code, e.matter_code, e.theme_code, e.level, e.indicators, e.comment, e.channel, e.actor
     FROM evaluation_follow_ups f JOIN evaluations e ON e.id = f.evaluation_id`;

/** A follow-up as ops see it (the applicant masked). */
export function describeFollowUp(row: Row, now: number) {
  const actor = JSON.parse(row.actor) as ActorRecord;
  return {
    id: row.id, evaluationId: row.evaluation_id, applicationId: row.application_id, departmentCode: row.department_code,
    scope: row.scope, serviceCode: row.service_code, matterCode: row.matter_code, themeCode: row.theme_code,
    level: Number(row.level), levelName: EVALUATION_LEVELS[Number(row.level) as EvaluationLevel].name,
    indicators: JSON.parse(row.indicators) as string[], comment: row.comment, channel: row.channel,
    applicant: { name: maskName(actor.name), idNumber: maskCode(actor.idNumber) },
    state: row.state, stateName: FOLLOW_UP_STATE_NAMES[row.state as FollowUpState] ?? row.state, assignee: row.assignee,
    notes: JSON.parse(row.notes) as { state: string; note: string; by: string; at: string }[],
    dueAt: iso(row.due_at)!, overdue: row.state !== 'closed' && Number(row.due_at) < now,
    createdAt: iso(row.created_at)!, updatedAt: iso(row.updated_at)!, closedAt: iso(row.closed_at),
  };
}
export type FollowUpView = ReturnType<typeof describeFollowUp>;

/** One page of follow-ups, newest first (`after`: the previous page's cursor key). */
export async function listFollowUps(reader: Queryable, filter: { state?: FollowUpState | undefined; after?: readonly (string | number)[] | undefined; limit: number; now?: number }) {
  const params: SqlValue[] = [];
  const where: string[] = [];
  if (filter.state) { params.push(filter.state); where.push(`f.state = $${params.length}`); }
  if (filter.after) { params.push(filter.after[0]!, filter.after[1]!); where.push(`(f.created_at, f.id) < ($${params.length - 1}, $${params.length})`); }
  params.push(filter.limit + 1);
  const { rows } = await reader.query<Row>(`${SELECT} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY f.created_at DESC, f.id DESC LIMIT $${params.length}`, params);
  const page = pageOf(rows, filter.limit, FOLLOW_UP_CURSOR.list, (row) => [Number(row.created_at), row.id]);
  const now = filter.now ?? Date.now();
  return { followUps: page.rows.map((row) => describeFollowUp(row, now)), nextCursor: page.nextCursor };
}

/** A transition asked of a follow-up. */
export interface FollowUpTransition {
  readonly to: RectificationStatus;
  /** Who handles the follow-up: required to assign it (the province's `handler`). */
  readonly assignee?: string;
  readonly note: string;
}

/** The body of `POST …/follow-ups/{id}/transitions`, or a 400 naming every field at fault. */
export function readTransition(body: unknown): FollowUpTransition {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw validationError([{ pointer: '', message: 'must be a JSON object' }]);
  const input = body as Record<string, unknown>;
  const errors: FieldError[] = [];
  for (const key of Object.keys(input)) if (!['to', 'assignee', 'note'].includes(key)) errors.push({ pointer: `/${key}`, message: 'is not a member of a transition' });
  const to = input['to'];
  if (!RECTIFICATION_STEPS.includes(to as RectificationStatus)) errors.push({ pointer: '/to', message: `must be one of ${RECTIFICATION_STEPS.join(', ')}` });
  const assignee = input['assignee'];
  if (assignee !== undefined && (typeof assignee !== 'string' || assignee.trim() === '' || Array.from(assignee).length > MAX_ASSIGNEE_LENGTH)) {
    errors.push({ pointer: '/assignee', message: `must be the name or desk handling the follow-up, 1–${MAX_ASSIGNEE_LENGTH} characters` });
  } else if (to === 'assigned' && assignee === undefined) {
    errors.push({ pointer: '/assignee', message: 'is required to assign the follow-up' });
  }
  const note = input['note'];
  if (typeof note !== 'string' || note.trim() === '' || Array.from(note).length > MAX_NOTE_LENGTH) errors.push({ pointer: '/note', message: `must say what was done, 1–${MAX_NOTE_LENGTH} characters` });
  if (errors.length > 0) throw validationError(errors);
  return { to: to as RectificationStatus, ...(typeof assignee === 'string' ? { assignee: assignee.trim() } : {}), note: (note as string).trim() };
}

/**
 * Moves a follow-up one step on, in one transaction with its audit entry, the step's push to the province and
 * the platform event. `by` is who did it (the ops client, and the dashboard user when there is one).
 * @throws TongbanError NOT_FOUND, CONFLICT (not the next step: the order is enforced).
 */
export async function transitionFollowUp(store: Store, id: string, transition: FollowUpTransition, by: { clientId: string; user?: string }, now = Date.now()): Promise<FollowUpView> {
  return store.transaction(async (tx) => {
    const { rows } = await tx.query<Row>(`${SELECT} WHERE f.id = $1`, [id]);
    const row = rows[0];
    if (!row) throw new TongbanError('NOT_FOUND', `No follow-up ${id}`);
    const expected = FOLLOW_UP_STATES[FOLLOW_UP_STATES.indexOf(row.state as FollowUpState) + 1];
    if (expected !== transition.to) {
      throw new TongbanError('CONFLICT', row.state === 'closed'
        ? `Follow-up ${id} is closed`
        : `Follow-up ${id} is ${row.state}: its next step is ${expected}, not ${transition.to} (open → assigned → rectified → revisited → closed)`);
    }
    const assignee = transition.assignee ?? row.assignee ?? by.user ?? by.clientId;
    const actor = by.user ? `${by.user} (${by.clientId})` : by.clientId;
    const notes = [...JSON.parse(row.notes) as unknown[], { state: transition.to, note: transition.note, by: actor, at: iso(now) }];
    const { rowCount } = await tx.query(
      `UPDATE evaluation_follow_ups SET state = $3, assignee = $4, notes = $5, ${transition.to}_at = $6, updated_at = $6 WHERE id = $1 AND state = $2`,
      [id, row.state, transition.to, assignee, JSON.stringify(notes), now]);
    if (rowCount === 0) throw new TongbanError('CONFLICT', `Follow-up ${id} changed meanwhile; read it again`);
    const step = { status: transition.to, handler: assignee, note: transition.note, at: iso(now) };
    await tx.query(
      `INSERT INTO evaluation_pushes (id, evaluation_id, position, kind, payload, state, attempts, next_attempt_at, created_at, updated_at)
       VALUES ($1, $2, $3, 'rectification', $4, 'pending', 0, $5, $5, $5)`,
      [newId(now), row.evaluation_id, RECTIFICATION_STEPS.indexOf(transition.to) + 1, JSON.stringify(step), now]);
    await tx.query('INSERT INTO ops_audit (client_id, action, target, details, at) VALUES ($1, $2, $3, $4, $5)',
      [by.clientId, 'evaluation.follow-up', id, JSON.stringify({ from: row.state, to: transition.to, assignee, note: transition.note, ...(by.user ? { user: by.user } : {}) }), now]);
    await recordPlatformEvent(tx, {
      applicationId: row.application_id, type: 'evaluation.follow_up_updated', at: now,
      data: { evaluationId: row.evaluation_id, followUpId: id, state: transition.to, stateName: FOLLOW_UP_STATE_NAMES[transition.to] },
    });
    return describeFollowUp({ ...row, state: transition.to, assignee, notes: JSON.stringify(notes), updated_at: now, closed_at: transition.to === 'closed' ? now : row.closed_at }, now);
  });
}

/** A follow-up past its due time, not closed, not alerted yet. */
export interface OverdueFollowUp {
  followUpId: string;
  evaluationId: string;
  applicationId: string;
  departmentCode: string | null;
  state: string;
  dueAt: string;
}

/**
 * Follow-ups past their due time and not closed that were never alerted, each marked alerted in the same
 * statement: whichever replica or restart runs the check, each is alerted once.
 */
export async function claimOverdueFollowUps(store: Store, now: number, limit = 500): Promise<OverdueFollowUp[]> {
  const { rows } = await store.query<{ id: string; evaluation_id: string; application_id: string; department_code: string | null; state: string; due_at: number }>(
    `UPDATE evaluation_follow_ups SET overdue_alerted_at = $1
      WHERE id IN (SELECT id FROM evaluation_follow_ups WHERE state <> 'closed' AND overdue_alerted_at IS NULL AND due_at < $1 ORDER BY due_at LIMIT $2)
      RETURNING id, evaluation_id, application_id, department_code, state, due_at`, [now, limit]);
  return rows.map((row) => ({
    followUpId: row.id, evaluationId: row.evaluation_id, applicationId: row.application_id, departmentCode: row.department_code, state: row.state, dueAt: iso(row.due_at)!,
  }));
}
