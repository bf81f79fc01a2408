/**
 * At intake: each fee-bearing sub-application gets a payment — a durable job
 * whose notice the payment worker creates (payment-worker.ts) — in the
 * intake's transaction. A `before-acceptance` fee holds the sub-application's
 * delivery (state `awaiting_payment`) until the payment is confirmed.
 */
import type { Matter } from '../domain/matter-catalog.js';
import type { FeeItem } from '../domain/payment.js';
import { newId, valuesList, type Queryable } from '../store/index.js';
import { beijingDate } from './beijing-date.js';
import type { IntakeEvent } from '../notifications/platform-events.js';

/** Days the applicant has to pay a notice (its due date is this many days after intake, Beijing). */
export const NOTICE_VALIDITY_DAYS = 15;

/** The delivery state that waits for a payment (src/delivery claims only `pending`). */
export const AWAITING_PAYMENT = 'awaiting_payment';

/** The matter's fee items, if any. */
export function feesOf(matter: Pick<Matter, 'fees'>): readonly FeeItem[] {
  return matter.fees ?? [];
}

/** Whether an unpaid fee of the matter holds its delivery to the department. */
export function holdsDelivery(matter: Pick<Matter, 'fees'>): boolean {
  return feesOf(matter).some((fee) => fee.gate === 'before-acceptance');
}

/** The gate of a payment: before acceptance when any item is, else before results. */
function gateOf(fees: readonly FeeItem[]): FeeItem['gate'] {
  return fees.some((fee) => fee.gate === 'before-acceptance') ? 'before-acceptance' : 'before-results';
}

export interface FeeBearingSub {
  readonly id: string;
  readonly matter: Pick<Matter, 'code' | 'name' | 'fees'>;
}

/**
 * The payments of an application's fee-bearing sub-applications, for the
 * intake transaction: `record` issues their rows (one statement, once the
 * sub-applications are written; nothing when no matter bears a fee), and
 * `events` are their `payment.updated` events, which the caller records with
 * the application's other intake events (`recordIntakeEvents`, after
 * `application.received`).
 */
export function intakePayments(input: { applicationId: string; payer: { name: string; idNumber: string }; subs: readonly FeeBearingSub[]; at: number }): { record: (tx: Queryable) => Promise<unknown> | undefined; events: IntakeEvent[] } {
  const bearing = input.subs.filter((sub) => feesOf(sub.matter).length > 0);
  if (bearing.length === 0) return { record: () => undefined, events: [] };
  const dueDate = beijingDate(input.at + NOTICE_VALIDITY_DAYS * 86_400_000);
  const rows = bearing.map((sub) => {
    const fees = feesOf(sub.matter);
    const items = fees.map((fee) => ({ code: fee.code, name: fee.name, amountFen: fee.amountFen }));
    return {
      id: newId(input.at), sub, gate: gateOf(fees), items, totalFen: items.reduce((sum, item) => sum + item.amountFen, 0),
    };
  });
  const values = valuesList(rows.map((row) => [
    row.id, input.applicationId, row.sub.id, row.sub.matter.code, row.gate, JSON.stringify(row.items), row.totalFen,
    JSON.stringify(input.payer), dueDate, `TBP-${row.sub.id}`, 'creating', 'create', input.at, input.at, input.at]));
  return {
    record: (tx) => tx.query(
      `INSERT INTO payments (id, application_id, sub_application_id, matter_code, gate, items, total_fen, payer, due_date, order_no, status, job, next_attempt_at, created_at, updated_at)
       VALUES ${values.sql}`, values.params),
    events: rows.map((row) => ({
      type: 'payment.updated' as const, subApplicationId: row.sub.id,
      data: { step: 'scheduled', status: 'creating', matterCode: row.sub.matter.code, gate: row.gate, totalFen: row.totalFen, noticeNo: null },
    })),
  };
}
