/**
 * Payments as the application view shows them (`payments`), which
 * sub-applications' results an unpaid `before-results` fee holds, and the
 * ops lists (differences, reconciliations).
 */
import type { Queryable } from '../store/index.js';

/** Statuses of a `before-results` fee that no longer hold results: paid, or nothing to pay (cancelled on rejection, refunded). */
export const RESULTS_RELEASED = ['paid', 'cancelled', 'refunding', 'refunded', 'refund_failed'] as const;

/** SQL condition (on a sub-application aliased `s`): an unpaid `before-results` fee holds its results. */
export const RESULTS_HELD_SQL = `EXISTS (SELECT 1 FROM payments p WHERE p.sub_application_id = s.id AND p.gate = 'before-results'
  AND p.status NOT IN (${RESULTS_RELEASED.map((status) => `'${status}'`).join(', ')}))`;

interface Row {
  id: string; sub_application_id: string; matter_code: string; gate: string; items: string; total_fen: number | string; due_date: string;
  notice_no: string | null; status: string; paid_fen: number | string | null; paid_at: string | null; channel: string | null;
  refund_no: string | null; attempts: number | string; last_error: string | null; updated_at: number | string;
}

/** The `payments` section of an application, in sub-application order. */
export async function readPayments(db: Queryable, applicationId: string) {
  const { rows } = await db.query<Row>(
    `SELECT p.id, p.sub_application_id, p.matter_code, p.gate, p.items, p.total_fen, p.due_date, p.notice_no, p.status, p.paid_fen, p.paid_at, p.channel,
            p.refund_no, p.attempts, p.last_error, p.updated_at
       FROM payments p JOIN sub_applications s ON s.id = p.sub_application_id WHERE p.application_id = $1 ORDER BY s.position`, [applicationId]);
  return rows.map((row) => ({
    id: row.id, subApplicationId: row.sub_application_id, matterCode: row.matter_code, gate: row.gate,
    noticeNo: row.notice_no, items: JSON.parse(row.items) as unknown, totalFen: Number(row.total_fen), dueDate: row.due_date, status: row.status,
    paidFen: row.paid_fen === null ? null : Number(row.paid_fen), paidAt: row.paid_at, channel: row.channel, refundNo: row.refund_no,
    attempts: Number(row.attempts), lastError: row.last_error, updatedAt: new Date(Number(row.updated_at)).toISOString(),
  }));
}

/** Sub-applications of the application whose results an unpaid fee holds. */
export async function heldResults(db: Queryable, applicationId: string): Promise<Set<string>> {
  const { rows } = await db.query<{ id: string }>(`SELECT s.id FROM sub_applications s WHERE s.application_id = $1 AND ${RESULTS_HELD_SQL}`, [applicationId]);
  return new Set(rows.map((row) => row.id));
}

/** Differences, most recent first (optionally of one reconciliation day). */
export async function listDifferences(db: Queryable, options: { date?: string; limit: number }) {
  const { rows } = await db.query<{
    id: string; source: string; bill_date: string | null; kind: string; notice_no: string; order_no: string | null; payment_id: string | null;
    expected_fen: number | string | null; actual_fen: number | string | null; detail: string; recorded_at: number | string;
  }>(
    `SELECT id, source, bill_date, kind, notice_no, order_no, payment_id, expected_fen, actual_fen, detail, recorded_at FROM payment_differences
      ${options.date ? 'WHERE bill_date = $2' : ''} ORDER BY recorded_at DESC LIMIT $1`,
    options.date ? [options.limit, options.date] : [options.limit]);
  return rows.map((row) => ({
    id: row.id, source: row.source, billDate: row.bill_date, kind: row.kind, noticeNo: row.notice_no, orderNo: row.order_no, paymentId: row.payment_id,
    expectedFen: row.expected_fen === null ? null : Number(row.expected_fen), actualFen: row.actual_fen === null ? null : Number(row.actual_fen),
    detail: row.detail, recordedAt: new Date(Number(row.recorded_at)).toISOString(),
  }));
}
