/**
 * The application view's sections of this module: `resultDelivery` (the
 * chosen 领证方式 and where it stands: the hall and its hand-over, or the
 * masked address, waybill, status and trace) and `mailings` (originals the
 * applicant posts in, each with its waybill and trace).
 */
import type { Address } from '../domain/logistics.js';
import { placeholders, type Queryable } from '../store/index.js';
import { maskAddress } from './address.js';
import { serviceHalls } from './halls.js';

const iso = (ms: number | string | null) => (ms === null ? null : new Date(Number(ms)).toISOString());

/** An ID number as ops and hand-over records show it: 4 + ********** + 4. */
export function maskIdNumber(idNumber: string): string {
  return `${idNumber.slice(0, 4)}**********${idNumber.slice(-4)}`;
}

interface PostingRow {
  id: string; direction: string; order_no: string; hall_code: string; recipient: string; sender: string; items: string; waybill_no: string | null;
  status: string; state: string; attempts: number; last_error: string | null; created_at: number | string; updated_at: number | string;
}
interface TraceRow { posting_id: string; sequence: number; code: string; time: string; location: string; description: string; signer: string | null; reason: string | null }

async function postingsOf(db: Queryable, applicationId: string): Promise<PostingRow[]> {
  return (await db.query<PostingRow>(
    `SELECT id, direction, order_no, hall_code, recipient, sender, items, waybill_no, status, state, attempts, last_error, created_at, updated_at
       FROM postings WHERE application_id = $1 ORDER BY created_at, id`, [applicationId])).rows;
}

async function tracesOf(db: Queryable, postings: readonly PostingRow[]): Promise<Map<string, TraceRow[]>> {
  const byPosting = new Map<string, TraceRow[]>(postings.map((posting) => [posting.id, []]));
  if (postings.length === 0) return byPosting;
  const { rows } = await db.query<TraceRow>(
    // Only the events applied: one after a gap waits, unseen, for the missing one.
    `SELECT t.posting_id, t.sequence, t.code, t.time, t.location, t.description, t.signer, t.reason
       FROM posting_traces t JOIN postings p ON p.id = t.posting_id
      WHERE t.posting_id IN (${placeholders(postings.length)}) AND t.sequence <= p.applied_sequence ORDER BY t.sequence`, postings.map((posting) => posting.id));
  for (const row of rows) byPosting.get(row.posting_id)!.push(row);
  return byPosting;
}

function describePosting(posting: PostingRow, traces: readonly TraceRow[]) {
  return {
    waybillNo: posting.waybill_no, orderNo: posting.order_no, status: posting.status,
    ...(posting.status === 'waiting_for_logistics' ? { waitingFor: 'logistics configuration' } : {}),
    attempts: Number(posting.attempts), lastError: posting.last_error,
    items: JSON.parse(posting.items) as unknown,
    trace: traces.map((trace) => ({
      sequence: Number(trace.sequence), code: trace.code, time: trace.time, location: trace.location, description: trace.description,
      ...(trace.signer === null ? {} : { signer: trace.signer }), ...(trace.reason === null ? {} : { reason: trace.reason }),
    })),
    createdAt: iso(posting.created_at), updatedAt: iso(posting.updated_at),
  };
}

function hallOf(code: string | null) {
  const hall = code === null ? undefined : serviceHalls().get(code);
  if (!hall) return code === null ? null : { code, name: null, address: null };
  return { code: hall.code, name: hall.name, address: `${hall.address.province}${hall.address.city}${hall.address.county}${hall.address.detail}` };
}

/** Both sections for `GET /v1/applications/{id}`. */
export async function readResultDeliverySections(db: Queryable, applicationId: string) {
  const { rows } = await db.query<{ method: 'window' | 'post'; hall_code: string | null; address: string | null; status: string; ready_at: number | string | null }>(
    'SELECT method, hall_code, address, status, ready_at FROM result_deliveries WHERE application_id = $1', [applicationId]);
  const postings = await postingsOf(db, applicationId);
  const traces = await tracesOf(db, postings);
  const choice = rows[0];
  let resultDelivery: Record<string, unknown> = { method: 'online', status: 'online' };
  if (choice?.method === 'window') {
    const { rows: handovers } = await db.query<{ hall_code: string; client_id: string; staff: string; collector: string; items: string; collected_at: number | string }>(
      'SELECT hall_code, client_id, staff, collector, items, collected_at FROM result_handovers WHERE application_id = $1', [applicationId]);
    const handover = handovers[0];
    const collector = handover ? JSON.parse(handover.collector) as { name: string; idNumber: string; relation: string } : undefined;
    resultDelivery = {
      method: 'window', hall: hallOf(choice.hall_code), status: choice.status, readyAt: iso(choice.ready_at),
      handover: handover ? {
        collectedAt: iso(handover.collected_at), hallCode: handover.hall_code, counter: handover.client_id,
        collector: { name: collector!.name, idNumber: maskIdNumber(collector!.idNumber), relation: collector!.relation },
        staff: { name: (JSON.parse(handover.staff) as { name: string }).name },
        items: JSON.parse(handover.items) as unknown,
      } : null,
    };
  } else if (choice?.method === 'post') {
    const posting = postings.find((row) => row.direction === 'result');
    resultDelivery = {
      method: 'post', address: maskAddress(JSON.parse(choice.address!) as Address), readyAt: iso(choice.ready_at), hall: hallOf(choice.hall_code),
      ...(posting ? describePosting(posting, traces.get(posting.id)!) : { status: choice.status, waybillNo: null, trace: [] }),
    };
  }
  const mailings = postings.filter((row) => row.direction === 'material').map((posting) => ({
    id: posting.id, hall: hallOf(posting.hall_code), sender: maskAddress(JSON.parse(posting.sender) as Address), ...describePosting(posting, traces.get(posting.id)!),
  }));
  return { resultDelivery, mailings };
}
