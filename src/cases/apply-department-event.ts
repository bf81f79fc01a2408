/**
 * Department events move sub-applications through their states:
 * queued/delivered → accepted (受理) → completed (办结, with results), or →
 * rejected (不予受理); a dead letter (failed) the department nevertheless has
 * moves on the same way. Events are de-duplicated by (department, event id);
 * out-of-order events are handled explicitly (completed before accepted
 * counts as both; a late accepted after completion changes nothing). A
 * completed prerequisite releases the sub-applications waiting for it.
 * A 补正 request (supplement_requested) pauses the sub-application until the
 * applicant supplies; a commitment_false report is recorded (request-supplement.ts).
 */
import { settleFeeOfRejected } from '../payments/refund-on-rejection.js';
import { TongbanError, validationError, type FieldError } from '../errors/index.js';
import { readTextMember } from '../forms/text-rules.js';
import type { Mappings } from '../forms/mappings/types.js';
import { recordSubApplicationEvent, resultSummaries } from '../notifications/sub-application-events.js';
import type { Queryable, Store } from '../store/index.js';
import type { DepartmentEventInput, SealedDocument } from './department-event.js';
import { deliveredMaterials, readSupplementMembers, reportCommitmentFalse, requestSupplement } from './request-supplement.js';
import { addWorkingDays, chinaDate } from './working-days.js';
import { enqueueIssuance, requestRevocation } from '../licence-issuance/issuance-jobs.js';

export interface EventOutcome {
  duplicate: boolean;
  subApplicationId: string;
  status: string;
  /** The event arrived out of order and changed nothing (e.g. accepted after completed). */
  stale: boolean;
  released: string[];
}

const EVENT_TYPES = ['accepted', 'completed', 'rejected', 'status', 'supplement_requested', 'commitment_false', 'licence_revoked'];

/** The longest 受理号 and reason (characters) an event may carry. */
const MAX_EVENT_TEXT = 500;
/** The longest result name, value, licence identifier or URL (characters). */
const MAX_RESULT_TEXT = 200;

/**
 * Checks a department's event and returns it with every text normalised
 * (src/forms/text-rules.ts): a reason may span lines, every other text is one
 * line; a result's value and licence identifier may fill another
 * department's form (a prerequisite's result), so they refuse `<` and `>`
 * like the merged form does.
 * @throws TongbanError VALIDATION_FAILED naming every member at fault.
 */
export function readDepartmentEvent(body: unknown, today = chinaDate()): DepartmentEventInput {
  const value = (body ?? {}) as Record<string, unknown>;
  const errors: FieldError[] = [];
  if (typeof value['eventId'] !== 'string' || !/^[\x21-\x7e]{1,128}$/.test(value['eventId'])) errors.push({ pointer: '/eventId', message: 'is required (1–128 visible ASCII characters)' });
  if (typeof value['subApplicationId'] !== 'string') errors.push({ pointer: '/subApplicationId', message: 'is required' });
  if (!EVENT_TYPES.includes(String(value['type']))) errors.push({ pointer: '/type', message: `must be ${EVENT_TYPES.slice(0, -1).join(', ')} or ${EVENT_TYPES.at(-1)}` });
  if (typeof value['occurredAt'] !== 'string' || Number.isNaN(Date.parse(value['occurredAt']))) errors.push({ pointer: '/occurredAt', message: 'must be an ISO 8601 date-time' });
  const texts: Partial<Record<'acceptanceNumber' | 'reason', string>> = {};
  if (value['type'] === 'rejected' && value['reason'] === undefined) errors.push({ pointer: '/reason', message: 'a rejection (不予受理) needs a reason' });
  for (const field of ['acceptanceNumber', 'reason'] as const) {
    if (value[field] === undefined) continue;
    const text = readTextMember(value[field], `/${field}`, errors, { maxLength: MAX_EVENT_TEXT, multiLine: field === 'reason' });
    if (text !== undefined) texts[field] = text;
  }
  readSupplementMembers(value, errors, today);
  if (value['type'] === 'licence_revoked') {
    // 注销/吊销 of the licence the result was issued as (src/licence-issuance): the kind and a reason are required.
    if (value['revocationKind'] !== 'cancel' && value['revocationKind'] !== 'revoke') errors.push({ pointer: '/revocationKind', message: 'must be cancel (注销) or revoke (吊销)' });
    if (value['reason'] === undefined) errors.push({ pointer: '/reason', message: 'a revocation needs a reason' });
    if (value['licenceIdentifier'] !== undefined && typeof value['licenceIdentifier'] !== 'string') errors.push({ pointer: '/licenceIdentifier', message: 'must be a string' });
  }
  let results: DepartmentEventInput['results'];
  if (value['results'] !== undefined) {
    if (!Array.isArray(value['results'])) errors.push({ pointer: '/results', message: 'must be an array' });
    else results = value['results'].map((result: unknown, index) => readResult(result, `/results/${index}`, errors));
  }
  if (errors.length > 0) throw validationError(errors);
  return { ...value, ...texts, ...(results === undefined ? {} : { results }) } as unknown as DepartmentEventInput;
}

type EventResult = NonNullable<DepartmentEventInput['results']>[number];

/** A result is an object with a name and string parts; anything else would be stored, sealed and delivered as if it were one. */
function readResult(result: unknown, pointer: string, errors: FieldError[]): EventResult {
  if (typeof result !== 'object' || result === null || Array.isArray(result)) {
    errors.push({ pointer, message: 'must be an object {name, value | licenceIdentifier | documentBase64}' });
    return result as EventResult;
  }
  const fields = { ...(result as Record<string, unknown>) };
  if (fields['name'] === undefined) errors.push({ pointer: `${pointer}/name`, message: 'is required (1–200 characters)' });
  else fields['name'] = readTextMember(fields['name'], `${pointer}/name`, errors, { maxLength: MAX_RESULT_TEXT });
  for (const part of ['value', 'licenceIdentifier', 'url'] as const) {
    if (fields[part] !== undefined) fields[part] = readTextMember(fields[part], `${pointer}/${part}`, errors, { maxLength: MAX_RESULT_TEXT, noMarkup: part !== 'url' });
  }
  if (fields['documentBase64'] !== undefined && typeof fields['documentBase64'] !== 'string') errors.push({ pointer: `${pointer}/documentBase64`, message: 'must be a string' });
  return fields as unknown as EventResult;
}

interface SubRow {
  id: string; application_id: string; department_code: string; status: string; accepted_at: number | null; promised_days: number;
  matter_code: string; materials: string | null; form: string;
}

/**
 * The checks an event must pass before anything is done on its behalf (such
 * as sealing its documents): the sub-application exists and is the
 * department's. A repeat of an event already applied is answered as the
 * duplicate it is, so a resend does not seal its documents again.
 * @throws TongbanError NOT_FOUND, DEPARTMENT_MISMATCH.
 */
export async function precheckDepartmentEvent(store: Store, departmentCode: string, event: DepartmentEventInput): Promise<EventOutcome | undefined> {
  const { rows } = await store.query<{ id: string; department_code: string; status: string; seen: number | string }>(
    `SELECT s.id, s.department_code, s.status,
            (SELECT COUNT(*) FROM department_events e WHERE e.department_code = $2 AND e.event_id = $3) AS seen
       FROM sub_applications s WHERE s.id = $1`, [event.subApplicationId, departmentCode, event.eventId]);
  const sub = rows[0];
  if (!sub) throw new TongbanError('NOT_FOUND', `No sub-application ${event.subApplicationId}`);
  if (sub.department_code !== departmentCode) throw new TongbanError('DEPARTMENT_MISMATCH', `Sub-application ${event.subApplicationId} belongs to another department`);
  return Number(sub.seen) > 0 ? { duplicate: true, subApplicationId: sub.id, status: sub.status, stale: false, released: [] } : undefined;
}

/**
 * Applies an event in one transaction with its de-duplication record.
 * @param mappings the matters' mappings, to check the form fields a supplement request names (else the stored form's fields).
 */
export async function applyDepartmentEvent(store: Store, departmentCode: string, event: DepartmentEventInput, now = Date.now(), documents: readonly SealedDocument[] = [],
  mappings?: Pick<Mappings, 'matters'>): Promise<EventOutcome> {
  return store.transaction(async (tx) => {
    const { rows } = await tx.query<SubRow>(
      'SELECT id, application_id, department_code, status, accepted_at, promised_days, matter_code, materials, form FROM sub_applications WHERE id = $1', [event.subApplicationId]);
    const sub = rows[0];
    if (!sub) throw new TongbanError('NOT_FOUND', `No sub-application ${event.subApplicationId}`);
    if (sub.department_code !== departmentCode) throw new TongbanError('DEPARTMENT_MISMATCH', `Sub-application ${event.subApplicationId} belongs to another department`);
    const inserted = await tx.query(
      'INSERT INTO department_events (department_code, event_id, sub_application_id, type, payload, received_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING',
      [departmentCode, event.eventId, event.subApplicationId, event.type, JSON.stringify(event), now]);
    if (inserted.rowCount === 0) return { duplicate: true, subApplicationId: sub.id, status: sub.status, stale: false, released: [] };
    for (const document of documents) {
      await tx.query('INSERT INTO result_documents (id, sub_application_id, name, pdf, seal_id, created_at) VALUES ($1, $2, $3, $4, $5, $6)',
        [document.id, sub.id, document.name, document.pdf, document.sealId, now]);
    }

    const occurred = Date.parse(event.occurredAt);
    // 'failed' (a dead letter) is open too: a signed event proves the department has the sub-application even though
    // Tongban could not trust its answer (e.g. a receipt whose signature did not verify); ignoring it would lose its results.
    const open = ['queued', 'delivered', 'failed', 'accepted', 'awaiting_supplement'].includes(sub.status);
    const notYetAccepted = sub.status === 'queued' || sub.status === 'delivered' || sub.status === 'failed';
    let status = sub.status;
    let stale = false;
    let released: string[] = [];
    switch (event.type) {
      case 'accepted':
        if (notYetAccepted) {
          await accept(tx, sub, event, occurred, now);
          status = 'accepted';
          await recordSubApplicationEvent(tx, sub.id, 'sub_application.accepted', {}, now);
        } else stale = true;
        break;
      case 'completed':
        if (open) {
          if (sub.accepted_at === null) {
            await accept(tx, sub, event, occurred, now);
            await recordSubApplicationEvent(tx, sub.id, 'sub_application.accepted', {}, now);
          }
          await tx.query("UPDATE sub_applications SET status = 'completed', results = $2, completed_at = $3, updated_at = $4 WHERE id = $1",
            [sub.id, JSON.stringify(event.results ?? []), occurred, now]);
          status = 'completed';
          await recordSubApplicationEvent(tx, sub.id, 'sub_application.completed', {}, now);
          if ((event.results ?? []).length > 0) {
            await recordSubApplicationEvent(tx, sub.id, 'sub_application.results_ready', { results: resultSummaries(event.results as unknown as Record<string, unknown>[]) }, now);
          }
          released = await releaseDependents(tx, sub.application_id, now);
          await enqueueIssuance(tx, sub, mappings?.matters.get(sub.matter_code), event.results ?? [], occurred, now);
        } else stale = true;
        break;
      case 'rejected':
        if (open) {
          await tx.query("UPDATE sub_applications SET status = 'rejected', reason = $2, completed_at = $3, updated_at = $4 WHERE id = $1", [sub.id, event.reason!.slice(0, 500), occurred, now]);
          await settleFeeOfRejected(tx, sub.id, now); // a paid fee is refunded, an unpaid one cancelled (src/payments)
          status = 'rejected';
          await recordSubApplicationEvent(tx, sub.id, 'sub_application.rejected', { reason: event.reason!.slice(0, 500) }, now);
          for (const cancelled of await cancelDependents(tx, sub.application_id, now)) {
            await recordSubApplicationEvent(tx, cancelled, 'sub_application.rejected', { reason: '前置事项未通过 (a prerequisite matter was rejected)', prerequisiteOf: sub.id }, now);
          }
        } else stale = true;
        break;
      case 'status':
        break;
      case 'supplement_requested': {
        const next = await requestSupplement(tx, sub, event, departmentCode, occurred, now, mappings);
        if (next === undefined) stale = true;
        else status = next;
        break;
      }
      case 'commitment_false':
        await reportCommitmentFalse(tx, sub, event, departmentCode, now);
        break;
      case 'licence_revoked':
        await requestRevocation(tx, sub.id, { kind: event.revocationKind!, reason: event.reason!.slice(0, 200), eventId: event.eventId, ...(event.licenceIdentifier === undefined ? {} : { identifier: event.licenceIdentifier }) }, now);
        break;
    }
    await tx.query('UPDATE applications SET updated_at = $2 WHERE id = $1', [sub.application_id, now]);
    return { duplicate: false, subApplicationId: sub.id, status, stale, released };
  });
}

async function accept(tx: Queryable, sub: SubRow, event: DepartmentEventInput, occurred: number, now: number): Promise<void> {
  const due = addWorkingDays(chinaDate(new Date(occurred)), sub.promised_days);
  await tx.query(
    `UPDATE sub_applications SET status = 'accepted', accepted_at = $2, acceptance_number = COALESCE($3, acceptance_number), due_date = $4, due_status = $5,
       reason = NULL, updated_at = $6 WHERE id = $1`,
    [sub.id, occurred, event.acceptanceNumber ?? null, due.status === 'computed' ? due.dueDate : null, due.status, now]);
  await startDeferrals(tx, sub, chinaDate(new Date(occurred)));
}

/**
 * 容缺: acceptance starts each deferred material's period (working days). The
 * application's material takes the earliest due date over the departments
 * that deferred it. What was delivered is left as it was (a retry of that
 * version carries the same content); the next version carries the due date.
 */
async function startDeferrals(tx: Queryable, sub: SubRow, acceptedOn: string): Promise<void> {
  for (const material of deliveredMaterials(sub)) {
    if (material.satisfiedBy !== 'deferred' || !material.outstanding || material.identity === undefined) continue;
    const due = addWorkingDays(acceptedOn, material.outstanding.days);
    if (due.status !== 'computed') continue;
    await tx.query(
      `UPDATE application_materials SET due_date = CASE WHEN due_date IS NULL OR due_date > $3 THEN $3 ELSE due_date END
        WHERE application_id = $1 AND material_code = $2 AND satisfied_by = 'deferred' AND supplied_at IS NULL`,
      [sub.application_id, material.identity, due.dueDate]);
  }
}

/** Waiting sub-applications whose prerequisites have all completed are queued for delivery. */
async function releaseDependents(tx: Queryable, applicationId: string, now: number): Promise<string[]> {
  const { rows } = await tx.query<{ id: string; matter_code: string; status: string; prerequisites: string; result_field: string | null; form: string; results: string | null }>(
    'SELECT id, matter_code, status, prerequisites, result_field, form, results FROM sub_applications WHERE application_id = $1', [applicationId]);
  const completed = new Map(rows.filter((row) => row.status === 'completed').map((row) => [row.matter_code, row]));
  const released: string[] = [];
  for (const row of rows) {
    if (row.status !== 'waiting') continue;
    const prerequisites = JSON.parse(row.prerequisites) as string[];
    if (!prerequisites.every((code) => completed.has(code))) continue;
    const form = JSON.parse(row.form) as Record<string, unknown>;
    if (row.result_field) {
      // The prerequisite's result (e.g. the ID number just assigned, the new licence) fills the field the applicant was not asked for.
      // A value the department stated (the ID number) wins over a licence identifier, whatever their order in the results;
      // a licence identifier fills the field only when no result carries a value (e.g. resultAs: child.householdLicenceId).
      const results = prerequisites.flatMap((code) => JSON.parse(completed.get(code)!.results ?? '[]') as { value?: string; licenceIdentifier?: string }[]);
      const value = results.find((result) => result.value !== undefined)?.value ?? results.find((result) => result.licenceIdentifier !== undefined)?.licenceIdentifier;
      if (value !== undefined) form[row.result_field] = value;
    }
    await tx.query("UPDATE sub_applications SET status = 'queued', form = $3, updated_at = $2 WHERE id = $1 AND status = 'waiting'", [row.id, now, JSON.stringify(form)]);
    // A fee to pay before acceptance still holds it (src/payments): it waits for the payment instead.
    await tx.query(
      `UPDATE deliveries SET state = CASE WHEN EXISTS (SELECT 1 FROM payments WHERE sub_application_id = $1 AND gate = 'before-acceptance' AND status <> 'paid')
         THEN 'awaiting_payment' ELSE 'pending' END, next_attempt_at = $2, updated_at = $2 WHERE sub_application_id = $1 AND state = 'waiting'`, [row.id, now]);
    released.push(row.id);
  }
  return released;
}

/** A rejected prerequisite means the matters waiting for it cannot proceed. Answers the sub-applications so rejected. */
async function cancelDependents(tx: Queryable, applicationId: string, now: number): Promise<string[]> {
  const { rows } = await tx.query<{ id: string; matter_code: string; status: string; prerequisites: string }>(
    'SELECT id, matter_code, status, prerequisites FROM sub_applications WHERE application_id = $1', [applicationId]);
  const rejected = new Set(rows.filter((row) => row.status === 'rejected').map((row) => row.matter_code));
  const cancelled: string[] = [];
  for (const row of rows) {
    if (row.status !== 'waiting') continue;
    if (!(JSON.parse(row.prerequisites) as string[]).some((code) => rejected.has(code))) continue;
    await tx.query("UPDATE sub_applications SET status = 'rejected', reason = '前置事项未通过 (a prerequisite matter was rejected)', updated_at = $2 WHERE id = $1", [row.id, now]);
    await tx.query("UPDATE deliveries SET state = 'cancelled', updated_at = $2 WHERE sub_application_id = $1 AND state = 'waiting'", [row.id, now]);
    await settleFeeOfRejected(tx, row.id, now);
    cancelled.push(row.id);
  }
  return cancelled;
}
