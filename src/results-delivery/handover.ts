/**
 * 一窗出件: results handed over at the window of the hall the applicant
 * chose. The counter terminal's staff member (their own ID token) records
 * who collected them — the applicant themselves (`self`: a holder of the
 * application) or an agent — with the ID document checked; once per
 * application, in one transaction with its `result_delivery.updated` event.
 */
import { TongbanError, validationError, type FieldError } from '../errors/index.js';
import { readTextMember } from '../forms/text-rules.js';
import { validateIdNumber } from '../domain/identifiers/index.js';
import type { Actor } from '../identity/actor.js';
import { recordPlatformEvent } from '../notifications/platform-events.js';
import { normaliseHolderCode } from '../cases/application-holders.js';
import type { Store } from '../store/index.js';
import { resultItems } from './results-ready.js';
import { maskIdNumber } from './read-result-delivery.js';

export interface Collector {
  readonly name: string;
  readonly idNumber: string;
  readonly relation: 'self' | 'agent';
}

export interface HandoverRequest { readonly applicationId: string; readonly collector: Collector }

/** Reads the body `{applicationId, collector: {name, idNumber, idChecked: true, relation}}`. @throws TongbanError VALIDATION_FAILED naming each member at fault. */
export function readHandover(body: unknown): HandoverRequest {
  const errors: FieldError[] = [];
  const value = (typeof body === 'object' && body !== null && !Array.isArray(body) ? body : {}) as Record<string, unknown>;
  if (typeof value['applicationId'] !== 'string' || !/^[0-9a-f-]{36}$/i.test(value['applicationId'])) errors.push({ pointer: '/applicationId', message: 'is required: the application\'s id (a UUID)' });
  const collector = value['collector'];
  let read: Collector | undefined;
  if (typeof collector !== 'object' || collector === null || Array.isArray(collector)) {
    errors.push({ pointer: '/collector', message: 'is required: {name, idNumber, idChecked: true, relation: self | agent}' });
  } else {
    const fields = collector as Record<string, unknown>;
    const before = errors.length;
    const name = readTextMember(fields['name'], '/collector/name', errors, { maxLength: 30, noMarkup: true });
    const idNumber = typeof fields['idNumber'] === 'string' ? normaliseHolderCode(fields['idNumber']) : fields['idNumber'];
    const check = validateIdNumber(idNumber);
    if (!check.ok) errors.push({ pointer: '/collector/idNumber', message: `must be a valid 公民身份号码: ${check.reason}` });
    if (fields['idChecked'] !== true) errors.push({ pointer: '/collector/idChecked', message: 'must be true: the staff member checked the collector\'s ID document against the person' });
    if (fields['relation'] !== 'self' && fields['relation'] !== 'agent') errors.push({ pointer: '/collector/relation', message: 'must be self (the applicant) or agent' });
    if (errors.length === before) read = { name: name!, idNumber: idNumber as string, relation: fields['relation'] as Collector['relation'] };
  }
  if (errors.length > 0 || !read) throw validationError(errors);
  return { applicationId: value['applicationId'] as string, collector: read };
}

/**
 * Records the hand-over at `counter` (its hall) by `staff`.
 * @throws TongbanError NOT_FOUND, RESULTS_NOT_AT_WINDOW, HANDOVER_WRONG_HALL, RESULTS_NOT_READY, RESULTS_ALREADY_COLLECTED, HANDOVER_COLLECTOR_MISMATCH.
 */
export async function recordHandover(store: Store, counter: { id: string; hall: string }, staff: Actor, request: HandoverRequest, at = Date.now()) {
  return store.transaction(async (tx) => {
    const { rows } = await tx.query<{ method: string; hall_code: string | null; status: string }>(
      `SELECT method, hall_code, status FROM result_deliveries WHERE application_id = $1${store.capabilities.skipLocked ? ' FOR UPDATE' : ''}`, [request.applicationId]);
    const { rows: applications } = await tx.query<{ id: string }>('SELECT id FROM applications WHERE id = $1', [request.applicationId]);
    if (applications.length === 0) throw new TongbanError('NOT_FOUND', `No application ${request.applicationId}`);
    const choice = rows[0];
    if (!choice || choice.method !== 'window') {
      throw new TongbanError('RESULTS_NOT_AT_WINDOW', `Application ${request.applicationId} chose ${choice?.method ?? 'online'} delivery of its results, not the window`);
    }
    if (choice.hall_code !== counter.hall) {
      throw new TongbanError('HANDOVER_WRONG_HALL', `Application ${request.applicationId} collects its results at hall "${choice.hall_code}", not at "${counter.hall}"`);
    }
    if (choice.status === 'collected') throw new TongbanError('RESULTS_ALREADY_COLLECTED', `The results of application ${request.applicationId} were already collected`);
    if (choice.status !== 'ready_for_collection') {
      throw new TongbanError('RESULTS_NOT_READY', `The results of application ${request.applicationId} are not ready for collection (${choice.status})`);
    }
    if (request.collector.relation === 'self') {
      const { rows: holders } = await tx.query('SELECT 1 FROM application_holders WHERE application_id = $1 AND holder_code = $2', [request.applicationId, request.collector.idNumber]);
      if (holders.length === 0) {
        throw new TongbanError('HANDOVER_COLLECTOR_MISMATCH', `The collector (${maskIdNumber(request.collector.idNumber)}) is not an applicant of application ${request.applicationId}: record them as an agent`);
      }
    }
    const { rows: subs } = await tx.query<{ department_code: string; matter_name: string; status: string; results: string | null }>(
      'SELECT department_code, matter_name, status, results FROM sub_applications WHERE application_id = $1 ORDER BY position', [request.applicationId]);
    const items = resultItems(subs);
    const staffRecord = { subject: staff.sub, name: staff.name, idNumber: staff.idNumber };
    await tx.query(
      `INSERT INTO result_handovers (application_id, hall_code, client_id, staff, collector, items, collected_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [request.applicationId, counter.hall, counter.id, JSON.stringify(staffRecord), JSON.stringify({ ...request.collector, idChecked: true }), JSON.stringify(items), at]);
    await tx.query("UPDATE result_deliveries SET status = 'collected', updated_at = $2 WHERE application_id = $1", [request.applicationId, at]);
    const collector = { name: request.collector.name, idNumber: maskIdNumber(request.collector.idNumber), relation: request.collector.relation };
    await recordPlatformEvent(tx, {
      applicationId: request.applicationId, type: 'result_delivery.updated', at,
      data: { method: 'window', step: 'collected', status: 'collected', hallCode: counter.hall, collector, items },
    });
    return { applicationId: request.applicationId, hallCode: counter.hall, status: 'collected' as const, collectedAt: new Date(at).toISOString(), collector, items, staff: { name: staff.name } };
  });
}
