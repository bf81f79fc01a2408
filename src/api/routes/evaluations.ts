/**
 * 好差评: `POST/GET /v1/applications/{id}/evaluations` (the applicant rates,
 * through their platform, with their ID token) and the ops routes of the
 * follow-ups of 差评 and of the push outbox. See docs/evaluations.md.
 */
import { readEvaluationRequest } from '../../evaluations/evaluation-request.js';
import { FOLLOW_UP_CURSOR, FOLLOW_UP_STATES, listFollowUps, readTransition, transitionFollowUp, type FollowUpState } from '../../evaluations/follow-ups.js';
import { listPushes, PUSH_CURSOR, PUSH_STATES, replayPush, type PushState } from '../../evaluations/ops-pushes.js';
import { evaluationsOf } from '../../evaluations/read-evaluations.js';
import { recordEvaluation } from '../../evaluations/record-evaluation.js';
import { TongbanError, validationError } from '../../errors/index.js';
import type { IdentityService } from '../../identity/identity-service.js';
import { decodeCursor } from '../../ops/cursor.js';
import type { Queryable, Store } from '../../store/index.js';
import { cursorQuery, idTokenHeader, limitQuery, query } from '../openapi/parameters.js';
import { replayAnswer } from '../openapi/schemas/ops.js';
import { evaluation, evaluationExample, evaluationList, evaluationPushList, evaluationRequest, followUp, followUpList, followUpState, followUpTransition, pushState } from '../openapi/schemas/evaluations.js';
import { readLimit } from './read-limit.js';
import { type Route, OPS_READ } from './route.js';
import { ID_TOKEN_ERRORS } from './identity.js';

export interface EvaluationRouteDependencies {
  store: Store;
  /** Where ops lists read (the ops reader); default `store`. */
  reader?: Queryable;
  identity: IdentityService;
  /** Working days a 差评's follow-up has to be closed in. */
  followUpWorkingDays: number;
  /** Something was queued for the provincial system (wakes the pusher). */
  onQueued?: () => void;
}

/** Reads an optional enumerated query parameter, or 400 naming it. */
function enumQuery<T extends string>(value: unknown, name: string, allowed: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !allowed.includes(value as T)) throw validationError([{ pointer: `/${name}`, message: `must be one of ${allowed.join(', ')}` }]);
  return value as T;
}

/** The platform's evaluation routes. */
export function evaluationRoutes(deps: EvaluationRouteDependencies): Route[] {
  return [
    {
      method: 'POST', path: '/v1/applications/:applicationId/evaluations', access: { roles: ['platform', 'counter'] },
      summary: 'The applicant rates one finished matter or the whole 一件事 (好差评, 一次一评、一事一评); pushed to the provincial 好差评 system',
      description: 'Needs the ID token (`Tongban-Id-Token`) of a holder of the application\'s form or of the person who submitted it; else 403 `HOLDER_MISMATCH`. '
        + 'A matter can be rated once its department decided it (completed or rejected), the whole 一件事 once every matter is; each once. '
        + 'Else 400 `VALIDATION_FAILED` naming `/matterCode` or `/scope`. A 差评 (level 1 or 2) names at least one indicator and opens a follow-up (整改回访) for ops. '
        + 'The evaluation is pushed to the provincial system by a worker (retried; the applicant masked) and notified as `evaluation.recorded`.',
      parameters: [idTokenHeader],
      request: { schema: evaluationRequest, example: evaluationExample },
      responses: { 201: { description: 'Recorded; its push to the province is queued', schema: evaluation, headers: { Location: '`/v1/applications/{applicationId}/evaluations`' } } },
      errors: ['VALIDATION_FAILED', ...ID_TOKEN_ERRORS, 'HOLDER_MISMATCH'],
      handler: async (req, res) => {
        const applicationId = String(req.params['applicationId']);
        const actor = await deps.identity.actorOf(req);
        const request = readEvaluationRequest(req.body);
        const recorded = await recordEvaluation(deps.store, { applicationId, clientId: req.client!.id, actor, request, followUpWorkingDays: deps.followUpWorkingDays });
        deps.onQueued?.();
        res.status(201).setHeader('Location', `/v1/applications/${applicationId}/evaluations`).json(recorded);
      },
    },
    {
      method: 'GET', path: '/v1/applications/:applicationId/evaluations', access: { roles: ['platform', 'counter', 'ops'] },
      summary: 'The evaluations of an application, oldest first, with their push state and the follow-up of a 差评',
      responses: { 200: { description: 'The evaluations (a platform sees only its own applications\')', schema: evaluationList } },
      handler: async (req, res) => {
        const applicationId = String(req.params['applicationId']);
        const { rows } = await deps.store.query<{ client_id: string }>('SELECT client_id FROM applications WHERE id = $1', [applicationId]);
        if (!rows[0] || (req.client!.role !== 'ops' && rows[0].client_id !== req.client!.id)) throw new TongbanError('NOT_FOUND', `No application ${applicationId}`);
        res.json({ evaluations: await evaluationsOf(deps.store, applicationId) });
      },
    },
  ];
}

const ops = { roles: ['ops'] as const };

/** The ops routes: follow-ups of 差评 and the push outbox. */
export function opsEvaluationRoutes(deps: EvaluationRouteDependencies): Route[] {
  const reader = deps.reader ?? deps.store;
  return [
    {
      method: 'GET', path: '/v1/ops/evaluations/follow-ups', access: OPS_READ, summary: 'Follow-ups of 差评 (整改回访), newest first (?state=open)',
      parameters: [query('state', 'Only follow-ups in this state', followUpState), limitQuery(50, 500), cursorQuery],
      responses: { 200: { description: 'One page of follow-ups (applicants masked), newest first', schema: followUpList } },
      errors: ['VALIDATION_FAILED'],
      handler: async (req, res) => {
        const state = enumQuery<FollowUpState>(req.query['state'], 'state', FOLLOW_UP_STATES);
        const limit = readLimit(req.query['limit'], 50, 500);
        const after = decodeCursor(req.query['cursor'], FOLLOW_UP_CURSOR.list, FOLLOW_UP_CURSOR.shape);
        res.json(await listFollowUps(reader, { state, after, limit }));
      },
    },
    {
      method: 'POST', path: '/v1/ops/evaluations/follow-ups/:followUpId/transitions', access: ops,
      summary: 'Move a follow-up to its next state (assigned → rectified → revisited → closed; audited, recorded on the provincial system)',
      request: { schema: followUpTransition, example: { to: 'assigned', assignee: '公安局户政窗口 王科长', note: '已派单至户政窗口整改' } },
      responses: { 200: { description: 'The follow-up after the step; the step is queued for the provincial system', schema: followUp } },
      errors: ['VALIDATION_FAILED', 'CONFLICT'],
      handler: async (req, res) => {
        const transition = readTransition(req.body);
        const result = await transitionFollowUp(deps.store, String(req.params['followUpId']), transition, { clientId: req.client!.id });
        deps.onQueued?.();
        res.json(result);
      },
    },
    {
      method: 'GET', path: '/v1/ops/evaluations/pushes', access: OPS_READ, summary: 'Pushes to the provincial 好差评 system by state (?state=dead: dead letters)',
      parameters: [query('state', 'Only pushes in this state', pushState), limitQuery(100, 1000), cursorQuery],
      responses: { 200: { description: 'One page of pushes, most recently changed first', schema: evaluationPushList } },
      errors: ['VALIDATION_FAILED'],
      handler: async (req, res) => {
        const state = enumQuery<PushState>(req.query['state'], 'state', PUSH_STATES);
        const limit = readLimit(req.query['limit'], 100, 1000);
        const after = decodeCursor(req.query['cursor'], PUSH_CURSOR.list, PUSH_CURSOR.shape);
        res.json(await listPushes(reader, { state, after, limit }));
      },
    },
    {
      method: 'POST', path: '/v1/ops/evaluations/pushes/:pushId/replay', access: ops, summary: 'Replay a dead push to the provincial 好差评 system (audited)',
      responses: { 200: { description: 'Back in the queue with fresh attempts', schema: replayAnswer } },
      errors: ['CONFLICT'],
      handler: async (req, res) => {
        const result = await replayPush(deps.store, String(req.params['pushId']), req.client!.id);
        deps.onQueued?.();
        res.json(result);
      },
    },
  ];
}
