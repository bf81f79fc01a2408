/**
 * A rejected sub-application's fee, settled in the transaction of the
 * rejection: a paid fee is refunded (the payment worker requests the 退付
 * under a stable refund number and tracks it); a fee not paid yet is
 * cancelled — nothing is left to pay for.
 */
import type { Queryable } from '../store/index.js';
import { notifyPayment } from './notify-payment.js';

/** The refund number of a sub-application's fee (idempotent at the platform). */
export function refundNoOf(subApplicationId: string): string {
  return `TBR-${subApplicationId}`;
}

/** Settles the fee of a sub-application just rejected, if it has one. */
export async function settleFeeOfRejected(tx: Queryable, subApplicationId: string, at: number): Promise<void> {
  const { rows } = await tx.query<{ id: string; application_id: string; status: string; notice_no: string | null }>(
    "SELECT id, application_id, status, notice_no FROM payments WHERE sub_application_id = $1 AND status IN ('creating', 'unpaid', 'paid')", [subApplicationId]);
  const payment = rows[0];
  if (!payment) return;
  const refund = payment.status === 'paid';
  await tx.query(
    `UPDATE payments SET status = $2, job = $3, refund_no = $4, attempts = 0, next_attempt_at = $5, updated_at = $5 WHERE id = $1`,
    [payment.id, refund ? 'refunding' : 'cancelled', refund ? 'refund' : 'done', refund ? refundNoOf(subApplicationId) : null, at]);
  await notifyPayment(tx, {
    applicationId: payment.application_id, subApplicationId, at,
    data: { step: refund ? 'refund_requested' : 'cancelled', status: refund ? 'refunding' : 'cancelled', noticeNo: payment.notice_no, reason: 'rejected' },
  });
}
