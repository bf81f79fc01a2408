/** The aggregate view of an application: its sub-applications, their delivery, receipts, results, sealed documents and deadlines. */
import { TongbanError } from '../errors/index.js';
import type { Mappings } from '../forms/mappings/types.js';
import { placeholders, type Store } from '../store/index.js';
import { applicationMaterials, describePause, describeRequest, matterFieldsOf, supplementRequestsOf } from './read-supplements.js';
import { readResultDeliverySections } from '../results-delivery/read-result-delivery.js';
import { heldResults, readPayments } from '../payments/read-payments.js';
import { chinaDate } from './working-days.js';
import { evaluationsOf } from '../evaluations/read-evaluations.js';
import { notificationsOf } from '../notifications/application-notifications.js';
import { issuedLicencesOf } from '../licence-issuance/issuance-jobs.js';

export type ApplicationStatus = 'received' | 'in_progress' | 'awaiting_supplement' | 'completed' | 'partially_rejected' | 'rejected';

interface SubRow {
  id: string; matter_code: string; matter_name: string; department_code: string; position: number; prerequisites: string; status: string;
  acceptance_number: string | null; receipt: string | null; results: string | null; reason: string | null; statutory_days: number; promised_days: number;
  accepted_at: number | null; due_date: string | null; due_status: string | null; completed_at: number | null;
  delivery_state: string; attempts: number; last_error: string | null; delivery_id: string;
  materials: string | null; version: number; paused_since: number | string | null; paused_working_days: number;
}

/** The application's status is the aggregate of its sub-applications. */
export function aggregateStatus(statuses: readonly string[]): ApplicationStatus {
  if (statuses.every((status) => status === 'completed')) return 'completed';
  if (statuses.every((status) => status === 'rejected')) return 'rejected';
  const finished = statuses.every((status) => status === 'completed' || status === 'rejected');
  if (finished) return 'partially_rejected';
  // The applicant has something to do (补正): that outranks every department still at work.
  if (statuses.includes('awaiting_supplement')) return 'awaiting_supplement';
  if (statuses.every((status) => status === 'queued' || status === 'waiting')) return 'received';
  return 'in_progress';
}

/** A receipt as stored: `{ acceptanceNumber, evidence: <the verified receipt> }`. */
interface StoredReceipt { acceptanceNumber: string; evidence: { evidence?: { format?: string; batchId?: string; index?: number } } & Record<string, unknown> }

/**
 * A receipt of a batched push points at the department's signed answer,
 * stored once for the batch: the view puts that answer's signature and body
 * back into the receipt's evidence, so each receipt reads (and re-verifies)
 * on its own, like one pushed alone.
 */
async function withBatchEvidence(store: Store, receipts: readonly (StoredReceipt | null)[]): Promise<(StoredReceipt | null)[]> {
  const batchIds = [...new Set(receipts.flatMap((receipt) => {
    const evidence = receipt?.evidence?.evidence;
    return evidence?.format === 'tongban-signature-v1-batch' && evidence.batchId ? [evidence.batchId] : [];
  }))];
  if (batchIds.length === 0) return [...receipts];
  const { rows } = await store.query<{ id: string; signature: string; body: string }>(
    `SELECT id, signature, body FROM receipt_batches WHERE id IN (${placeholders(batchIds.length)})`, batchIds);
  const batches = new Map(rows.map((row) => [row.id, row]));
  return receipts.map((receipt) => {
    const evidence = receipt?.evidence?.evidence;
    const batch = evidence?.format === 'tongban-signature-v1-batch' ? batches.get(evidence.batchId ?? '') : undefined;
    if (!receipt || !evidence || !batch) return receipt;
    return { ...receipt, evidence: { ...receipt.evidence, evidence: { format: evidence.format, batchId: evidence.batchId, index: evidence.index, signature: batch.signature, body: batch.body } } };
  });
}

const iso = (ms: number | null) => (ms === null ? null : new Date(Number(ms)).toISOString());

/**
 * @param options.mappings the matters' mappings (a 补正 request's fields are shown with their canonical fields); `now` the clock.
 */
export async function readApplication(store: Store, id: string, viewer: { clientId: string; role: string }, options: { mappings?: Pick<Mappings, 'matters'>; now?: number } = {}) {
  const { rows } = await store.query<{ id: string; client_id: string; theme_code: string; answers: string; provenance: string; created_at: number }>(
    'SELECT id, client_id, theme_code, answers, provenance, created_at FROM applications WHERE id = $1', [id]);
  const application = rows[0];
  if (!application || (viewer.role !== 'ops' && application.client_id !== viewer.clientId)) throw new TongbanError('NOT_FOUND', `No application ${id}`);
  const subs = await store.query<SubRow>(
    `SELECT s.id, s.matter_code, s.matter_name, s.department_code, s.position, s.prerequisites, s.status, s.acceptance_number, s.receipt, s.results, s.reason,
            s.statutory_days, s.promised_days, s.accepted_at, s.due_date, s.due_status, s.completed_at,
            d.state AS delivery_state, d.attempts, d.last_error, d.id AS delivery_id, s.materials, s.version, s.paused_since, s.paused_working_days
       FROM sub_applications s JOIN deliveries d ON d.sub_application_id = s.id
      WHERE s.application_id = $1 ORDER BY s.position`, [id]);
  // Every sealed document a department sent, with any event (a 受理通知书 with `accepted`, results with `completed`).
  const documents = await store.query<{ id: string; sub_application_id: string; name: string; seal_id: string | null; created_at: number }>(
    `SELECT r.id, r.sub_application_id, r.name, r.seal_id, r.created_at FROM result_documents r JOIN sub_applications s ON s.id = r.sub_application_id
      WHERE s.application_id = $1 ORDER BY r.created_at, r.id`, [id]);
  const documentsOf = (subApplicationId: string) => documents.rows.filter((document) => document.sub_application_id === subApplicationId).map((document) => ({
    id: document.id, name: document.name, sealId: document.seal_id, sealedAt: iso(document.created_at),
    href: `/v1/applications/${application.id}/documents/${document.id}`,
  }));
  const receipts = await withBatchEvidence(store, subs.rows.map((row) => (row.receipt ? JSON.parse(row.receipt) as StoredReceipt : null)));
  const now = options.now ?? Date.now();
  const today = chinaDate(new Date(now));
  const requests = await supplementRequestsOf(store, id);
  const requestsOf = (row: SubRow) => requests.filter((request) => request.sub_application_id === row.id)
    .map((request) => describeRequest(request, row.materials ? JSON.parse(row.materials) as [] : [], matterFieldsOf(options.mappings, row.matter_code), today));
  // An unpaid fee due before results holds them (src/payments): not shown until paid.
  const held = await heldResults(store, id);
  const subApplications = subs.rows.map((row, index) => ({
    id: row.id, matterCode: row.matter_code, matterName: row.matter_name, departmentCode: row.department_code,
    after: JSON.parse(row.prerequisites) as string[], status: row.status,
    delivery: { id: row.delivery_id, state: row.delivery_state, attempts: row.attempts, lastError: row.last_error },
    acceptanceNumber: row.acceptance_number, receipt: receipts[index] ?? null,
    results: row.results && !held.has(row.id) ? JSON.parse(row.results) as unknown : null, documents: held.has(row.id) ? [] : documentsOf(row.id), reason: row.reason,
    ...(held.has(row.id) ? { resultsHeldFor: 'payment' as const } : {}),
    deadline: { statutoryDays: row.statutory_days, promisedDays: row.promised_days, acceptedAt: iso(row.accepted_at), dueDate: row.due_date, dueStatus: row.due_status },
    completedAt: iso(row.completed_at),
    // The version the department receives (1 at submission, one more per supplement); the 补正 asked and the paused clock.
    version: Number(row.version),
    supplement: requestsOf(row).filter((request) => request.status !== 'supplied').at(-1) ?? null,
    supplementRequests: requestsOf(row),
    pause: describePause(row.paused_since, row.paused_working_days, now),
  }));
  return {
    id: application.id, themeCode: application.theme_code, status: aggregateStatus(subApplications.map((sub) => sub.status)),
    answers: JSON.parse(application.answers) as unknown, provenance: JSON.parse(application.provenance) as unknown,
    submittedAt: iso(application.created_at), subApplications,
    materials: await applicationMaterials(store, id, subs.rows, today),
    // 好差评: the applicant's evaluations, their push to the province, a 差评's follow-up.
    evaluations: await evaluationsOf(store, id),
    // What the platform has been told (webhooks, docs/notifications.md).
    notifications: await notificationsOf(store, id),
    // Results issued into the licence library (docs/licence-issuance.md): type, identifier, status, a refusal's code.
    issuedLicences: await issuedLicencesOf(store, id),
    // 领证方式 and where it stands; originals posted in (双向寄递).
    ...await readResultDeliverySections(store, id),
    // Fees (网上缴费): each fee-bearing sub-application's notice and where it stands.
    payments: await readPayments(store, id),
  };
}
