/**
 * A department's 补正 (supplement_requested) and 告知承诺 report (commitment_false)
 * events, applied inside the event's transaction (apply-department-event.ts):
 * the request is recorded open, the sub-application waits for the applicant
 * (`awaiting_supplement`) and its working-day clock pauses — 补正 time does not
 * count (行政许可法). A commitment found untrue is recorded; the sub-application
 * stays as it is unless the department also rejects it. docs/materials.md §8, §9.
 */
import { TongbanError, validationError, type FieldError } from '../errors/index.js';
import type { DeliveryMaterial } from '../domain/department-channel.js';
import type { Mappings } from '../forms/mappings/types.js';
import { recordSubApplicationEvent } from '../notifications/sub-application-events.js';
import { newId, type Queryable } from '../store/index.js';
import type { DepartmentEventInput } from './department-event.js';
import { chinaDate } from './working-days.js';

const CODE = /^[\x21-\x7e]{1,128}$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The sub-application as these events need it. */
export interface SupplementSubject {
  id: string;
  application_id: string;
  matter_code: string;
  status: string;
  materials: string | null;
  form: string;
}

/**
 * Checks the shape of the members a supplement_requested or commitment_false
 * event carries (which codes exist is checked against the sub-application when
 * the event is applied), adding every fault to `errors`.
 * @param today China date (YYYY-MM-DD): a deadline must be after it.
 */
export function readSupplementMembers(value: Record<string, unknown>, errors: FieldError[], today: string): void {
  if (value['type'] === 'supplement_requested') {
    for (const member of ['materials', 'fields'] as const) {
      const list = value[member];
      if (list === undefined) continue;
      if (!Array.isArray(list) || list.length > 200) errors.push({ pointer: `/${member}`, message: 'must be an array of codes (at most 200)' });
      else list.forEach((code, index) => { if (typeof code !== 'string' || !CODE.test(code)) errors.push({ pointer: `/${member}/${index}`, message: 'must be a code (1–128 visible ASCII characters)' }); });
    }
    const asked = (Array.isArray(value['materials']) ? value['materials'].length : 0) + (Array.isArray(value['fields']) ? value['fields'].length : 0);
    if (asked === 0 && !errors.some((error) => error.pointer.startsWith('/materials') || error.pointer.startsWith('/fields'))) {
      errors.push({ pointer: '/materials', message: 'a supplement request names at least one material (materials) or form field (fields)' });
    }
    if (value['reason'] === undefined) errors.push({ pointer: '/reason', message: 'a supplement request (补正) needs a reason' });
    const deadline = value['deadline'];
    if (typeof deadline !== 'string' || !DATE.test(deadline) || Number.isNaN(Date.parse(`${deadline}T00:00:00Z`)) || new Date(`${deadline}T00:00:00Z`).toISOString().slice(0, 10) !== deadline) {
      errors.push({ pointer: '/deadline', message: 'is required: the last day to supply, YYYY-MM-DD (China date)' });
    } else if (deadline <= today) errors.push({ pointer: '/deadline', message: `must be after today (${today}, China date)` });
  }
  if (value['type'] === 'commitment_false') {
    if (typeof value['materialCode'] !== 'string' || !CODE.test(value['materialCode'])) errors.push({ pointer: '/materialCode', message: 'is required: the matter\'s own material code whose commitment was untrue' });
    if (value['reason'] === undefined) errors.push({ pointer: '/reason', message: 'a false-commitment report needs a reason' });
  }
}

/** The sub-application's materials as last delivered (none when it was stored before materials were modelled). */
export function deliveredMaterials(sub: Pick<SupplementSubject, 'materials'>): DeliveryMaterial[] {
  return sub.materials === null ? [] : JSON.parse(sub.materials) as DeliveryMaterial[];
}

/** Statuses in which the department holds the sub-application and may ask for a supplement. */
const ASKABLE = new Set(['queued', 'delivered', 'failed', 'accepted']);

/**
 * Records a 补正 request: every material code must be one the delivery listed,
 * every field one of the matter's department form (its mapping's fields), or
 * 400 naming each; a request while another is open is 409 (一次性告知: the
 * department asks for everything at once). A closed sub-application
 * (completed, rejected) is left alone (stale).
 * @returns the new status, or undefined when the event was stale.
 */
export async function requestSupplement(tx: Queryable, sub: SupplementSubject, event: DepartmentEventInput, departmentCode: string,
  occurred: number, now: number, mappings?: Pick<Mappings, 'matters'>): Promise<string | undefined> {
  if (sub.status === 'awaiting_supplement') throw new TongbanError('CONFLICT', `Sub-application ${sub.id} already has an open supplement request; ask for everything at once (一次性告知)`);
  if (!ASKABLE.has(sub.status)) return undefined;
  const errors: FieldError[] = [];
  const codes = new Set(deliveredMaterials(sub).flatMap((material) => (material.code === undefined ? [] : [material.code])));
  (event.materials ?? []).forEach((code, index) => { if (!codes.has(code)) errors.push({ pointer: `/materials/${index}`, message: `"${code}" is not a material of this sub-application (its delivery lists ${[...codes].join(', ') || 'none'})` }); });
  const fields = formFieldsOf(sub, mappings);
  (event.fields ?? []).forEach((field, index) => { if (!fields.has(field)) errors.push({ pointer: `/fields/${index}`, message: `"${field}" is not a field of this matter's department form` }); });
  if (errors.length > 0) throw validationError(errors);
  await tx.query(
    `INSERT INTO supplement_requests (id, sub_application_id, department_code, event_id, materials, fields, reason, deadline, status, requested_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'open', $9)`,
    [newId(now), sub.id, departmentCode, event.eventId, JSON.stringify([...new Set(event.materials ?? [])]), JSON.stringify([...new Set(event.fields ?? [])]),
      event.reason!, event.deadline!, occurred]);
  // The clock pauses from the day the department asked; the working days it stays paused are added on supply.
  await tx.query("UPDATE sub_applications SET status = 'awaiting_supplement', paused_since = $2, updated_at = $3 WHERE id = $1", [sub.id, occurred, now]);
  await recordSubApplicationEvent(tx, sub.id, 'sub_application.supplement_requested', {
    supplement: { materials: [...new Set(event.materials ?? [])], fields: [...new Set(event.fields ?? [])], reason: event.reason!, deadline: event.deadline! },
  }, now);
  return 'awaiting_supplement';
}

/**
 * The department form's field codes of a matter: its mapping's fields (not
 * the constants it fixes itself), or the fields of the stored form when the
 * mapping is not at hand.
 */
function formFieldsOf(sub: SupplementSubject, mappings?: Pick<Mappings, 'matters'>): Set<string> {
  const mapping = mappings?.matters.get(sub.matter_code);
  if (mapping) return new Set(mapping.fields.map((field) => field.field));
  return new Set(Object.keys(JSON.parse(sub.form) as Record<string, unknown>));
}

/**
 * Records a department's report that a 告知承诺 was untrue: the material must be
 * one the delivery listed as satisfied by a commitment (400 otherwise).
 */
export async function reportCommitmentFalse(tx: Queryable, sub: SupplementSubject, event: DepartmentEventInput, departmentCode: string, now: number): Promise<void> {
  const material = deliveredMaterials(sub).find((candidate) => candidate.code === event.materialCode);
  if (!material) throw validationError([{ pointer: '/materialCode', message: `"${event.materialCode}" is not a material of this sub-application` }]);
  if (material.satisfiedBy !== 'commitment') throw validationError([{ pointer: '/materialCode', message: `"${event.materialCode}" was not satisfied by a commitment (告知承诺) but by ${material.satisfiedBy ?? 'a licence'}` }]);
  await tx.query(
    'INSERT INTO commitment_reports (department_code, event_id, sub_application_id, material_code, reason, reported_at) VALUES ($1, $2, $3, $4, $5, $6)',
    [departmentCode, event.eventId, sub.id, event.materialCode!, event.reason!, now]);
}

/** Today in China, for a deadline check. */
export function todayInChina(now = Date.now()): string {
  return chinaDate(new Date(now));
}
