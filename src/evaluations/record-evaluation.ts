/**
 * Records an applicant's evaluation (一次一评、一事一评) in one transaction:
 * the evaluation, its push to the provincial 好差评 system (outbox), the
 * follow-up of a 差评, and the platform event `evaluation.recorded`.
 */
import { isPoorEvaluation } from '../domain/evaluation.js';
import { TongbanError, validationError } from '../errors/index.js';
import { normaliseHolderCode } from '../cases/application-holders.js';
import { actorRecord, type Actor, type ActorRecord, type Capacity } from '../identity/actor.js';
import { recordPlatformEvent } from '../notifications/platform-events.js';
import { newId, type Queryable, type Store } from '../store/index.js';
import type { EvaluationRequest } from './evaluation-request.js';
import { followUpDueAt } from './follow-up-period.js';
import { evaluationsOf, type EvaluationView } from './read-evaluations.js';

/** Sub-application statuses after which a matter may be rated: the department has decided (办结). */
export const FINISHED_STATUSES: readonly string[] = ['completed', 'rejected'];

export interface RecordEvaluationInput {
  readonly applicationId: string;
  readonly clientId: string;
  readonly actor: Actor;
  readonly request: EvaluationRequest;
  /** Working days a 差评's follow-up has to be closed in. */
  readonly followUpWorkingDays: number;
  readonly now?: number;
}

interface ApplicationRow { client_id: string; theme_code: string; actor: string | null }
interface SubRow { id: string; matter_code: string; department_code: string; status: string }

/**
 * @throws TongbanError NOT_FOUND (no such application of this client), HOLDER_MISMATCH (the person is neither
 *   a holder of the form nor who submitted it), VALIDATION_FAILED naming /matterCode or /scope (not finished, already rated).
 */
export async function recordEvaluation(store: Store, input: RecordEvaluationInput): Promise<EvaluationView> {
  const now = input.now ?? Date.now();
  const id = newId(now);
  await store.transaction(async (tx) => {
    const { rows } = await tx.query<ApplicationRow>('SELECT client_id, theme_code, actor FROM applications WHERE id = $1', [input.applicationId]);
    const application = rows[0];
    if (!application || application.client_id !== input.clientId) throw new TongbanError('NOT_FOUND', `No application ${input.applicationId}`);
    const capacity = await raterCapacity(tx, input.applicationId, application, input.actor);
    const { rows: subs } = await tx.query<SubRow>('SELECT id, matter_code, department_code, status FROM sub_applications WHERE application_id = $1 ORDER BY position', [input.applicationId]);
    const target = ratedTarget(input.request, subs);
    const { request } = input;
    const inserted = await tx.query(
      `INSERT INTO evaluations (id, application_id, sub_application_id, matter_code, theme_code, department_code, scope, service_code, level, indicators, comment, channel, actor, client_id, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
       ON CONFLICT (application_id, scope, service_code) DO NOTHING`,
      [id, input.applicationId, target?.id ?? null, target?.matter_code ?? null, application.theme_code, target?.department_code ?? null, request.scope,
        target?.matter_code ?? application.theme_code, request.level, JSON.stringify(request.indicators), request.comment, request.channel,
        JSON.stringify(actorRecord(input.actor, capacity)), input.clientId, now]);
    if (inserted.rowCount === 0) {
      throw validationError([request.scope === 'matter'
        ? { pointer: '/matterCode', message: `matter ${request.matterCode!} of this application is already evaluated (一事一评: one evaluation per matter)` }
        : { pointer: '/scope', message: 'the whole 一件事 of this application is already evaluated (一事一评: one evaluation for the whole)' }]);
    }
    await tx.query(
      `INSERT INTO evaluation_pushes (id, evaluation_id, position, kind, payload, state, attempts, next_attempt_at, created_at, updated_at)
       VALUES ($1, $2, 0, 'evaluation', '{}', 'pending', 0, $3, $3, $3)`, [newId(now), id, now]);
    let followUpId: string | undefined;
    if (isPoorEvaluation(request.level)) {
      followUpId = newId(now);
      await tx.query(
        `INSERT INTO evaluation_follow_ups (id, evaluation_id, application_id, department_code, state, notes, due_at, created_at, updated_at)
         VALUES ($1, $2, $3, $4, 'open', '[]', $5, $6, $6)`,
        [followUpId, id, input.applicationId, target?.department_code ?? subs[0]?.department_code ?? null, followUpDueAt(now, input.followUpWorkingDays), now]);
    }
    await recordPlatformEvent(tx, {
      applicationId: input.applicationId, type: 'evaluation.recorded', at: now,
      ...(target ? { subApplicationId: target.id } : {}),
      data: { evaluationId: id, scope: request.scope, serviceCode: target?.matter_code ?? application.theme_code, level: request.level, ...(followUpId ? { followUpId } : {}) },
    });
  });
  const [view] = (await evaluationsOf(store, input.applicationId)).filter((evaluation) => evaluation.id === id);
  return view!;
}

/**
 * The person rating must be one whom the application concerns: a holder of its form (their ID number, or the
 * credit code of the enterprise they represent) or the person who submitted it (a guardian, an agent).
 */
async function raterCapacity(tx: Queryable, applicationId: string, application: ApplicationRow, actor: Actor): Promise<Capacity> {
  const codes = [normaliseHolderCode(actor.idNumber)];
  if (actor.subjectType === 'legal' && actor.orgRole === 'legalRepresentative' && actor.creditCode) codes.push(normaliseHolderCode(actor.creditCode));
  const { rows } = await tx.query('SELECT 1 FROM application_holders WHERE application_id = $1 AND holder_code IN ($2, $3) LIMIT 1', [applicationId, codes[0]!, codes[1] ?? codes[0]!]);
  if (rows.length > 0) return 'self';
  const submitter = application.actor ? JSON.parse(application.actor) as ActorRecord : undefined;
  if (submitter && normaliseHolderCode(submitter.idNumber) === codes[0]) return submitter.capacity;
  throw new TongbanError('HOLDER_MISMATCH', 'The person logged in is neither a holder of this application nor the person who submitted it: only they may evaluate it');
}

/** The sub-application rated (scope `matter`), or undefined for the whole; 400 when it may not be rated (yet). */
function ratedTarget(request: EvaluationRequest, subs: readonly SubRow[]): SubRow | undefined {
  if (request.scope === 'matter') {
    const sub = subs.find((candidate) => candidate.matter_code === request.matterCode);
    if (!sub) throw validationError([{ pointer: '/matterCode', message: `matter ${request.matterCode!} is not one of this application's` }]);
    if (!FINISHED_STATUSES.includes(sub.status)) {
      throw validationError([{ pointer: '/matterCode', message: `matter ${request.matterCode!} is not completed yet (status ${sub.status}): a matter is rated once the department has decided it` }]);
    }
    return sub;
  }
  const pending = subs.filter((sub) => !FINISHED_STATUSES.includes(sub.status)).map((sub) => sub.matter_code);
  if (pending.length > 0) {
    throw validationError([{ pointer: '/scope', message: `the whole 一件事 is rated once every matter is finished; not yet: ${pending.join(', ')}` }]);
  }
  return undefined;
}
