/**
 * Reconciliation (对账) of one Beijing day: the platform's file against
 * Tongban's payments. A line whose notice Tongban does not know, or whose
 * amount is not the notice's, is a difference; a payment Tongban holds as
 * paid that day but the file lacks is one too (`missing_on_platform`). A
 * line for a notice still unpaid here (its notification lost) settles it
 * like a notification would — paid when the amount matches, else a
 * difference. Differences are recorded once per day, notice and kind, so a
 * re-run adds nothing twice.
 */
import type { PaymentPlatform } from '../domain/payment.js';
import { isUpstreamError } from '../domain/upstream-error.js';
import type { Store } from '../store/index.js';
import { PAYMENT_COLUMNS, applyReportedPayment, recordDifference, type PaymentRow } from './apply-payment.js';

export interface ReconciliationOutcome {
  readonly date: string;
  readonly status: 'matched' | 'differences' | 'failed';
  readonly lines: number;
  readonly matched: number;
  readonly differences: number;
  readonly error?: string;
  /** A held delivery was released by a line that settled an unpaid notice. */
  readonly released: boolean;
}

/** Runs the reconciliation of `date` (`YYYY-MM-DD`, a past Beijing day) and stores its outcome. Never throws for the platform's failure: the day is `failed`. */
export async function reconcile(store: Store, platform: PaymentPlatform, date: string, at: number): Promise<ReconciliationOutcome> {
  let file;
  try {
    file = await platform.reconciliationFile(date);
  } catch (error) {
    const message = ((isUpstreamError(error) ? `${error.kind}: ` : '') + ((error as Error).message ?? String(error))).slice(0, 1000);
    await saveOutcome(store, { date, status: 'failed', lines: 0, matched: 0, differences: 0, error: message, released: false }, at);
    return { date, status: 'failed', lines: 0, matched: 0, differences: 0, error: message, released: false };
  }
  const outcome = await store.transaction(async (tx) => {
    let matched = 0;
    let differences = 0;
    let released = false;
    const seen = new Set<string>();
    for (const line of file.lines) {
      seen.add(line.noticeNo);
      const { rows } = await tx.query<PaymentRow>(`SELECT ${PAYMENT_COLUMNS} FROM payments WHERE notice_no = $1`, [line.noticeNo]);
      const payment = rows[0];
      if (!payment || payment.status === 'unpaid' || payment.status === 'creating' || payment.status === 'cancelled') {
        // Its notification was lost (or it was paid after a rejection cancelled it: refunded now).
        const applied = await applyReportedPayment(tx, { ...line, source: 'reconciliation', billDate: date }, at, store.capabilities.skipLocked);
        released ||= applied.released;
        if (applied.outcome === 'paid' || applied.outcome === 'already') matched += 1;
        else differences += 1;
        continue;
      }
      const heldFen = Number(payment.paid_fen ?? payment.total_fen);
      if (line.amountFen === heldFen && line.amountFen === Number(payment.total_fen)) {
        matched += 1;
        continue;
      }
      differences += 1;
      await recordDifference(tx, {
        source: 'reconciliation', billDate: date, kind: 'amount', noticeNo: line.noticeNo, orderNo: payment.order_no, paymentId: payment.id,
        expectedFen: Number(payment.total_fen), actualFen: line.amountFen, detail: `the file says ${line.amountFen} 分 paid, the notice is for ${Number(payment.total_fen)} 分`,
      }, at);
    }
    // Payments Tongban took as paid on that day (their paid_at is the platform's Beijing time) that the file lacks.
    const { rows: paid } = await tx.query<{ id: string; notice_no: string; order_no: string; paid_fen: number | string }>(
      "SELECT id, notice_no, order_no, paid_fen FROM payments WHERE status IN ('paid', 'refunding', 'refunded', 'refund_failed') AND paid_at LIKE $1", [`${date}T%`]);
    for (const payment of paid) {
      if (seen.has(payment.notice_no)) continue;
      differences += 1;
      await recordDifference(tx, {
        source: 'reconciliation', billDate: date, kind: 'missing_on_platform', noticeNo: payment.notice_no, orderNo: payment.order_no, paymentId: payment.id,
        expectedFen: Number(payment.paid_fen), detail: 'Tongban holds this notice paid on the day; the file does not list it',
      }, at);
    }
    return { date, status: differences > 0 ? 'differences' as const : 'matched' as const, lines: file.lines.length, matched, differences, released };
  });
  await saveOutcome(store, outcome, at);
  return outcome;
}

async function saveOutcome(store: Store, outcome: ReconciliationOutcome, at: number): Promise<void> {
  await store.query(
    `INSERT INTO payment_reconciliations (bill_date, status, lines, matched, differences, error, ran_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (bill_date) DO UPDATE SET status = excluded.status, lines = excluded.lines, matched = excluded.matched, differences = excluded.differences,
       error = excluded.error, ran_at = excluded.ran_at`,
    [outcome.date, outcome.status, outcome.lines, outcome.matched, outcome.differences, outcome.error ?? null, at]);
}
