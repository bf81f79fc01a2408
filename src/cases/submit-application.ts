/**
 * Intake (受理前): one signed submission of the merged form becomes, in ONE
 * transaction, the application, its sub-applications (one per applicable
 * matter, each in its department's form) and their outbox deliveries. Nothing
 * is half-written: a failure anywhere leaves no trace but the error.
 */
import { createHash } from 'node:crypto';
import { TongbanError, validationError, type FieldError } from '../errors/index.js';
import { validateForm } from '../forms/form-schema.js';
import { personFieldConflicts } from '../forms/form-consistency.js';
import { getField } from '../forms/form-schema.js';
import type { Mappings } from '../forms/mappings/types.js';
import { deriveMergedForm } from '../forms/merged-form.js';
import { valueDigest, verifyEvidence } from '../forms/prefill-evidence.js';
import { applicableMatters, resolveAnswers, subjectBindings } from '../forms/scenario.js';
import { splitForm, SplitError, type FieldSource } from '../forms/split.js';
import { normalizeFormText } from '../forms/text-rules.js';
import type { ThemeContext } from '../forms/theme-context.js';
import type { Actor } from '../identity/index.js';
import type { AuthorizationService } from '../licences/index.js';
import { isUniqueViolation, newId, pipelined, valuesList, type Queryable, type Store } from '../store/index.js';
import type { Keyring } from '../trust/keyring.js';
import { recordApplicationHolders } from './application-holders.js';
import { recordApplicationMaterials } from './record-application-materials.js';
import { readSubmittedMaterials, resolveMaterials, type SubmittedMaterial } from './submission-materials.js';
import { submittingActor } from './submitting-actor.js';
import { readResultDelivery, recordResultDelivery, type ResultDeliveryChoice } from '../results-delivery/choice.js';
import { recordIntakeEvents } from '../notifications/platform-events.js';
import { requiresVerification, verifyAtIntake, type SharedDataAccess } from '../data-sharing/index.js';
import { AWAITING_PAYMENT, holdsDelivery, intakePayments } from '../payments/record-payments.js';

export interface SubmissionAnswer {
  applicationId: string;
  status: 'received';
  themeCode: string;
  subApplications: { id: string; matterCode: string; matterName: string; departmentCode: string; status: 'queued' | 'waiting'; after: string[] }[];
  /** Canonical fields whose prefilled value was changed: now user-provided. */
  changedFromPrefill: string[];
}

export interface SubmitOptions {
  store: Store;
  keyring: Keyring;
  mappings: Mappings;
  /** Channel of each department (rest | soap | inbox). */
  channelOf: (departmentCode: string) => string;
  /** For a submission under an authorisation (body member `authorizationId`). */
  authorizations: AuthorizationService;
  /** Verifies what the matters require at the data-sharing exchange (`verifications:`, docs/shared-data.md); absent: a matter requiring one answers 503. */
  sharedData?: SharedDataAccess;
  now?: () => number;
}

const KEY_PATTERN = /^[\x21-\x7e]{8,200}$/;

/** Parses and checks the parts of a submission that do not need the theme. */
export function readSubmission(body: unknown, idempotencyKey: string | undefined): {
  themeCode: string; answers: unknown; form: Record<string, unknown>; evidenceToken?: string; authorizationId?: string; materials: Map<string, SubmittedMaterial>; resultDelivery?: ResultDeliveryChoice;
} {
  const errors: FieldError[] = [];
  if (!idempotencyKey || !KEY_PATTERN.test(idempotencyKey)) errors.push({ pointer: '/headers/idempotency-key', message: 'an Idempotency-Key header of 8–200 visible ASCII characters is required' });
  const value = (body ?? {}) as Record<string, unknown>;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) errors.push({ pointer: '', message: 'body must be an object' });
  if (typeof value['themeCode'] !== 'string') errors.push({ pointer: '/themeCode', message: 'is required' });
  if (typeof value['form'] !== 'object' || value['form'] === null || Array.isArray(value['form'])) errors.push({ pointer: '/form', message: 'the merged form is required (an object by role)' });
  if (value['evidenceToken'] !== undefined && typeof value['evidenceToken'] !== 'string') errors.push({ pointer: '/evidenceToken', message: 'must be the token /v1/prefill returned' });
  if (value['authorizationId'] !== undefined && typeof value['authorizationId'] !== 'string') errors.push({ pointer: '/authorizationId', message: 'must be the id of an authorisation (a UUID)' });
  const materials = readSubmittedMaterials(value['materials'], errors);
  const resultDelivery = readResultDelivery(value['resultDelivery'], errors);
  if (errors.length > 0) throw validationError(errors);
  return {
    themeCode: value['themeCode'] as string, answers: value['answers'], form: value['form'] as Record<string, unknown>, materials, resultDelivery,
    ...(typeof value['evidenceToken'] === 'string' ? { evidenceToken: value['evidenceToken'] } : {}),
    ...(typeof value['authorizationId'] === 'string' ? { authorizationId: value['authorizationId'] } : {}),
  };
}

/** A stored answer to the same idempotency key: the same one again, or 422 for a different body. */
export async function findPrevious(db: Queryable, clientId: string, idempotencyKey: string, rawBody: Buffer, requestDigest = digest(rawBody)): Promise<SubmissionAnswer | undefined> {
  const { rows } = await db.query<{ request_digest: string; response: string }>(
    'SELECT request_digest, response FROM applications WHERE client_id = $1 AND idempotency_key = $2', [clientId, idempotencyKey]);
  const row = rows[0];
  if (!row) return undefined;
  if (row.request_digest !== requestDigest) {
    throw new TongbanError('IDEMPOTENCY_KEY_REUSED', `Idempotency-Key "${idempotencyKey}" was used for a different submission`);
  }
  return JSON.parse(row.response) as SubmissionAnswer;
}

function digest(raw: Buffer): string {
  return createHash('sha256').update(raw).digest('hex');
}

/** Who submitted what, as the intake transaction needs it. */
export interface SubmissionRequest {
  clientId: string;
  /** The person submitting (the request's verified ID token). */
  actor: Actor;
  idempotencyKey: string;
  rawBody: Buffer;
  /** Records the request signature's jti in the intake transaction: a replay fails its statement (and throws), which rolls the transaction back. */
  recordJti?: (tx: Queryable) => Promise<void>;
}

/**
 * Validates the submission against the theme's derived schema and the prefill
 * evidence, splits it, and stores everything in one transaction, which
 * first records the request's jti. An Idempotency-Key already stored fails
 * that transaction; then the earlier answer is answered again (`replayed`:
 * nothing stored).
 */
export async function submitApplication(context: ThemeContext, submission: ReturnType<typeof readSubmission>, request: SubmissionRequest,
  options: SubmitOptions): Promise<{ answer: SubmissionAnswer; replayed: boolean }> {
  const now = options.now ?? Date.now;
  const answers = resolveAnswers(context.mapping, submission.answers);
  const ordered = applicableMatters(context.mapping, answers);
  const codes = ordered.map((matter) => matter.code);
  const merged = deriveMergedForm(context, ordered, options.mappings);
  // Text is normalised before anything reads it: validated, compared with the prefill, split, stored and delivered as NFC, trimmed.
  const text = normalizeFormText(submission.form, '/form');
  submission = { ...submission, form: text.form };
  const faulted = new Set(text.errors.map((error) => error.pointer));
  const errors = [...text.errors, ...validateForm(merged.schema, submission.form, '/form').filter((error) => !faulted.has(error.pointer))];
  errors.push(...personFieldConflicts(submission.form, '/form'));

  const sources: Record<string, FieldSource> = {};
  const changedFromPrefill: string[] = [];
  const evidence = submission.evidenceToken
    ? await verifyEvidence(options.keyring, submission.evidenceToken, { clientId: request.clientId, themeCode: context.theme.code })
    : undefined;
  const at = now();
  const applicationId = newId(at);
  const materials = await resolveMaterials(context, codes, options.mappings, submission.materials,
    { bound: subjectBindings(context.mapping, answers), db: options.store, clientId: request.clientId, keyring: options.keyring, applicationId, now: at, ...(evidence ? { evidence } : {}) }, errors);
  if (errors.length > 0) throw validationError(errors, `The submission has ${errors.length} field(s) or material(s) at fault`);
  const actor = await submittingActor({
    actor: request.actor, clientId: request.clientId, themeCode: context.theme.code, form: submission.form, authorizationId: submission.authorizationId, at: new Date(at),
  }, options.authorizations);
  // Statements the matters require are verified once the form is known to be valid and who submits it allowed to,
  // before anything is stored: a refused form asks the exchange nothing.
  if (requiresVerification(options.mappings, codes)) {
    if (!options.sharedData) throw new TongbanError('SERVICE_UNAVAILABLE', 'A matter of this submission is verified at the data-sharing exchange, and none is configured');
    await verifyAtIntake(options.sharedData, options.mappings, {
      clientId: request.clientId, actor: request.actor, authorizationId: submission.authorizationId, themeCode: context.theme.code, matterCodes: codes, form: submission.form,
    });
  }
  if (evidence) {
    for (const [canonical, field] of Object.entries(evidence.fields)) {
      const value = getField(submission.form, canonical);
      if (value !== undefined && valueDigest(value) === field.digest) sources[canonical] = { source: 'licence', licenceIdentifier: field.licenceIdentifier, verified: true };
      else if (value !== undefined) changedFromPrefill.push(canonical);
    }
  }

  let forms;
  try {
    forms = splitForm(context, codes, submission.form, sources, options.mappings);
  } catch (error) {
    if (error instanceof SplitError) throw validationError([{ pointer: error.pointer, message: error.message }]);
    throw error;
  }

  const subs = ordered.map((matter, index) => {
    const catalogueMatter = context.matters.get(matter.code)!;
    const resultField = matter.resultAs && matter.after.length > 0
      ? context.matterMappings.get(matter.code)!.fields.find((field) => field.canonical === matter.resultAs)?.field ?? null : null;
    return {
      id: newId(at), matter, catalogueMatter, form: forms[index]!, position: index, resultField,
      status: (matter.after.length > 0 ? 'waiting' : 'queued') as 'waiting' | 'queued',
    };
  });
  const answer: SubmissionAnswer = {
    applicationId, status: 'received', themeCode: context.theme.code,
    subApplications: subs.map((sub) => ({
      id: sub.id, matterCode: sub.matter.code, matterName: sub.catalogueMatter.name, departmentCode: sub.form.departmentCode, status: sub.status, after: [...sub.matter.after],
    })),
    changedFromPrefill,
  };

  const requestDigest = digest(request.rawBody);
  const subRows = subs.length === 0 ? undefined : valuesList(subs.map((sub) => [
    sub.id, applicationId, sub.matter.code, sub.catalogueMatter.name, sub.form.departmentCode, sub.position, JSON.stringify(sub.matter.after),
    sub.matter.resultAs ?? null, sub.resultField, JSON.stringify(sub.form.fields), JSON.stringify(sub.form.provenance), sub.status,
    sub.catalogueMatter.statutoryDays, sub.catalogueMatter.promisedDays, at, at, JSON.stringify(materials.byMatter.get(sub.matter.code) ?? [])]));
  const deliveryRows = subs.length === 0 ? undefined : valuesList(subs.map((sub) => [
    newId(at), sub.id, sub.form.departmentCode, options.channelOf(sub.form.departmentCode), `tongban-${sub.id}`,
    // A fee paid before acceptance holds the delivery until paid (src/payments); one waiting for a prerequisite is held when released.
    sub.status === 'waiting' ? 'waiting' : holdsDelivery(sub.catalogueMatter) ? AWAITING_PAYMENT : 'pending', at, at, at]));
  const payments = intakePayments({ applicationId, payer: { name: actor.name, idNumber: actor.idNumber }, subs: subs.map((sub) => ({ id: sub.id, matter: sub.catalogueMatter })), at });
  let stored: Promise<unknown> | undefined;
  try {
    // Every statement goes out without waiting for another's answer, and every way intake can fail is a failing statement
    // (a used jti, an Idempotency-Key already stored, an upload gone), so PostgreSQL gets COMMIT right behind them: one
    // round trip for the whole transaction.
    await options.store.transaction(async (tx) => {
      // The jti first: a replayed request is refused as such, whatever else fails behind it.
      const jti = request.recordJti?.(tx);
      stored = tx.query(
        `INSERT INTO applications (id, client_id, idempotency_key, request_digest, response, theme_code, answers, form, provenance, status, created_at, updated_at, actor)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'received', $10, $10, $11)`,
        [applicationId, request.clientId, request.idempotencyKey, requestDigest, JSON.stringify(answer), context.theme.code,
          JSON.stringify(answers), JSON.stringify(submission.form), JSON.stringify(sources), at, JSON.stringify(actor)]);
      await pipelined([
        jti,
        stored,
        recordApplicationHolders(tx, applicationId, submission.form),
        recordApplicationMaterials(tx, applicationId, request.clientId, materials, at),
        recordResultDelivery(tx, applicationId, submission.resultDelivery, at),
        recordIntakeEvents(tx, { applicationId, clientId: request.clientId, at, events: [{ type: 'application.received', data: receivedEventData(answer) }, ...payments.events] }),
        // One statement for all sub-applications and one for their deliveries, whatever their number.
        subRows && tx.query(
          `INSERT INTO sub_applications (id, application_id, matter_code, matter_name, department_code, position, prerequisites, result_as, result_field, form, provenance, status,
             statutory_days, promised_days, created_at, updated_at, materials)
           VALUES ${subRows.sql}`, subRows.params),
        deliveryRows && tx.query(
          `INSERT INTO deliveries (id, sub_application_id, department_code, channel, idempotency_key, state, next_attempt_at, created_at, updated_at)
           VALUES ${deliveryRows.sql}`, deliveryRows.params),
        payments.record(tx),
      ]);
    }, { commitWithStatements: true });
    return { answer, replayed: false };
  } catch (error) {
    // The Idempotency-Key is already stored (the applications row is the only one it can collide on): that answer again, or
    // 422 for a different body. The request's jti is still used up, as on every answer.
    const collided = await stored?.then(() => false, isUniqueViolation);
    if (!collided) throw error;
    const previous = await findPrevious(options.store, request.clientId, request.idempotencyKey, request.rawBody, requestDigest);
    if (!previous) throw error;
    if (request.recordJti) await options.store.transaction(request.recordJti);
    return { answer: previous, replayed: true };
  }
}

/** What `application.received` tells the platform: the answer's theme, status and sub-applications. */
function receivedEventData(answer: SubmissionAnswer): Record<string, unknown> {
  return {
    themeCode: answer.themeCode, status: answer.status,
    subApplications: answer.subApplications.map((sub) => ({ id: sub.id, matterCode: sub.matterCode, matterName: sub.matterName, department: sub.departmentCode, status: sub.status })),
  };
}

