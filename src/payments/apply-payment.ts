/**
 * A payment the platform reports (a notification, a pull of the notice, a
 * reconciliation line), applied in the caller's transaction: the amount must
 * be the notice's total — then the payment is `paid`, a `before-acceptance`
 * hold on the delivery is lifted and the platform told; any other amount is a
 * `difference`, recorded for ops and never taken as paid.
 */
import { newId, type Queryable } from '../store/index.js';
import { notifyPayment } from './notify-payment.js';
import { AWAITING_PAYMENT } from './record-payments.js';
import { refundNoOf } from './refund-on-rejection.js';

export interface ReportedPayment {
  readonly noticeNo: string;
  readonly orderNo?: string;
  readonly amountFen: number;
  readonly paidAt: string;
  readonly channel: string;
  readonly source: 'notification' | 'pull' | 'reconciliation';
  readonly billDate?: string;
}

export interface PaymentRow {
  id: string; application_id: string; sub_application_id: string; gate: string; total_fen: number | string; notice_no: string | null;
  order_no: string; status: string; paid_fen: number | string | null;
}

export const PAYMENT_COLUMNS = 'id, application_id, sub_application_id, gate, total_fen, notice_no, order_no, status, paid_fen';

/** Statuses a reported payment no longer changes (it was applied, or refunded since). */
const SETTLED = new Set(['paid', 'difference', 'refunding', 'refunded', 'refund_failed']);

export type PaymentOutcome = 'paid' | 'already' | 'difference' | 'unknown_notice';

/**
 * Applies a reported payment to the payment of its notice.
 * @param lock take the payment's row lock first (PostgreSQL: a notification and a pull may apply at once).
 * @returns what happened, and whether a held delivery was released (wake the dispatcher).
 */
export async function applyReportedPayment(tx: Queryable, report: ReportedPayment, at: number, lock: boolean): Promise<{ outcome: PaymentOutcome; released: boolean }> {
  const { rows } = await tx.query<PaymentRow>(`SELECT ${PAYMENT_COLUMNS} FROM payments WHERE notice_no = $1${lock ? ' FOR UPDATE' : ''}`, [report.noticeNo]);
  const payment = rows[0];
  if (!payment) {
    await recordDifference(tx, { ...report, kind: 'unknown_notice', detail: `缴款码 ${report.noticeNo} is no notice of Tongban's`, actualFen: report.amountFen }, at);
    return { outcome: 'unknown_notice', released: false };
  }
  if (SETTLED.has(payment.status)) return { outcome: 'already', released: false };
  const totalFen = Number(payment.total_fen);
  if (payment.status === 'cancelled') {
    // Paid after its matter was rejected (the notice was still open at the platform): paid back at once.
    await tx.query('UPDATE payments SET status = $2, paid_fen = $3, paid_at = $4, channel = $5, job = $6, refund_no = $7, attempts = 0, next_attempt_at = $8, updated_at = $8 WHERE id = $1',
      [payment.id, 'refunding', report.amountFen, report.paidAt, report.channel, 'refund', refundNoOf(payment.sub_application_id), at]);
    await notifyPayment(tx, {
      applicationId: payment.application_id, subApplicationId: payment.sub_application_id, at,
      data: { step: 'refund_requested', status: 'refunding', noticeNo: report.noticeNo, paidFen: report.amountFen, reason: 'rejected' },
    });
    return { outcome: 'already', released: false };
  }
  if (report.amountFen !== totalFen) {
    await recordDifference(tx, {
      ...report, kind: 'amount', paymentId: payment.id, orderNo: payment.order_no, expectedFen: totalFen, actualFen: report.amountFen,
      detail: `paid ${report.amountFen} 分, the notice is for ${totalFen} 分`,
    }, at);
    await tx.query('UPDATE payments SET status = $2, paid_fen = $3, paid_at = $4, channel = $5, job = $6, updated_at = $7 WHERE id = $1',
      [payment.id, 'difference', report.amountFen, report.paidAt, report.channel, 'done', at]);
    await notifyPayment(tx, {
      applicationId: payment.application_id, subApplicationId: payment.sub_application_id, at,
      data: { step: 'difference', status: 'difference', noticeNo: report.noticeNo, totalFen, paidFen: report.amountFen },
    });
    return { outcome: 'difference', released: false };
  }
  await tx.query('UPDATE payments SET status = $2, paid_fen = $3, paid_at = $4, channel = $5, job = $6, last_error = NULL, updated_at = $7 WHERE id = $1',
    [payment.id, 'paid', report.amountFen, report.paidAt, report.channel, 'done', at]);
  const released = payment.gate === 'before-acceptance' && (await tx.query(
    `UPDATE deliveries SET state = 'pending', next_attempt_at = $2, updated_at = $2 WHERE sub_application_id = $1 AND state = '${AWAITING_PAYMENT}'`,
    [payment.sub_application_id, at])).rowCount > 0;
  await notifyPayment(tx, {
    applicationId: payment.application_id, subApplicationId: payment.sub_application_id, at,
    data: { step: 'paid', status: 'paid', noticeNo: report.noticeNo, totalFen, paidFen: report.amountFen, paidAt: report.paidAt, channel: report.channel, source: report.source },
  });
  return { outcome: 'paid', released };
}

export interface Difference {
  readonly source: ReportedPayment['source'];
  readonly billDate?: string;
  readonly kind: 'amount' | 'unknown_notice' | 'missing_on_platform';
  readonly noticeNo: string;
  readonly orderNo?: string;
  readonly paymentId?: string;
  readonly expectedFen?: number;
  readonly actualFen?: number;
  readonly detail: string;
}

/** Records a difference once (by source, day, notice and kind); true when it is new. */
export async function recordDifference(tx: Queryable, difference: Difference, at: number): Promise<boolean> {
  const key = `${difference.source}:${difference.billDate ?? ''}:${difference.noticeNo}:${difference.kind}`;
  const { rowCount } = await tx.query(
    `INSERT INTO payment_differences (id, key, source, bill_date, kind, notice_no, order_no, payment_id, expected_fen, actual_fen, detail, recorded_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) ON CONFLICT (key) DO NOTHING`,
    [newId(at), key, difference.source, difference.billDate ?? null, difference.kind, difference.noticeNo, difference.orderNo ?? null, difference.paymentId ?? null,
      difference.expectedFen ?? null, difference.actualFen ?? null, difference.detail, at]);
  return rowCount > 0;
}
