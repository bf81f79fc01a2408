/**
 * The payment worker: claims due payments under a lease and, with a payment
 * platform configured, creates their notices (the order number is stable, so
 * a retry after a lost answer gets the same notice back, E203), pulls unpaid
 * notices (the fallback of notifications), requests and tracks refunds of
 * rejected sub-applications, and runs the daily reconciliation. Failures are
 * retried with backoff and dead after the last attempt; whatever happens, a
 * claim is settled or released.
 */
import { randomUUID } from 'node:crypto';
import type { PaymentPlatform } from '../domain/payment.js';
import { isUpstreamError } from '../domain/upstream-error.js';
import { OutboxWorker } from '../delivery/outbox-loop.js';
import { backoffMs, isRetryable, type RetryPolicy } from '../delivery/retry-policy.js';
import type { Logger } from '../log/index.js';
import type { Store } from '../store/index.js';
import { applyReportedPayment } from './apply-payment.js';
import { beijingDate } from './beijing-date.js';
import { notifyPayment } from './notify-payment.js';
import { reconcile } from './reconcile.js';

export interface PaymentWorkerOptions {
  store: Store;
  logger: Logger;
  /** Without one, notices wait (status `creating`) and refunds wait (`refunding`). */
  platform: PaymentPlatform | undefined;
  retry: RetryPolicy;
  /** How often an unpaid notice is pulled (ms). */
  pullIntervalMs: number;
  /** Run the reconciliation of the previous Beijing day once it is over (default true). */
  dailyReconciliation?: boolean;
  /** A payment was confirmed and its delivery released (wakes the dispatcher). */
  onReleased?: () => void;
  leaseMs?: number;
  idleMs?: number;
  now?: () => number;
}

interface Claimed {
  id: string; application_id: string; sub_application_id: string; job: string; order_no: string; notice_no: string | null; refund_no: string | null;
  items: string; total_fen: number | string; paid_fen: number | string | null; payer: string; due_date: string; matter_code: string; attempts: number;
}

const JOBS = "('create', 'await', 'refund', 'track_refund')";

export class PaymentWorker extends OutboxWorker {
  readonly owner = `payments-${randomUUID()}`;
  /** Days whose reconciliation this worker tried, and when (a failed one is tried again an hour later). */
  private readonly reconciledAt = new Map<string, number>();

  constructor(private readonly options: PaymentWorkerOptions) {
    super({ idleMs: options.idleMs ?? 250, now: options.now, onError: (error) => options.logger.warn('payment worker round failed', { error: error.message }) });
  }

  /** One round: due jobs (notices, pulls, refunds), the daily reconciliation. @returns how many things were done. */
  async runOnce(): Promise<number> {
    const { platform } = this.options;
    const now = this.now();
    if (!platform) return 0;
    const claimed = await this.claim(now);
    await Promise.allSettled(claimed.map((payment) => this.handle(platform, payment)));
    let done = claimed.length;
    if (this.options.dailyReconciliation !== false) done += await this.reconcileYesterday(platform, now);
    return done;
  }

  private async claim(now: number): Promise<Claimed[]> {
    const { store } = this.options;
    const lock = store.capabilities.skipLocked ? 'FOR UPDATE SKIP LOCKED' : '';
    return store.transaction(async (tx) => (await tx.query<Claimed>(
      `UPDATE payments SET lease_owner = $1, lease_expires_at = $2
        WHERE id IN (SELECT id FROM payments WHERE job IN ${JOBS} AND next_attempt_at <= $3 AND (lease_expires_at IS NULL OR lease_expires_at < $3)
                      ORDER BY next_attempt_at LIMIT 20 ${lock})
        RETURNING id, application_id, sub_application_id, job, order_no, notice_no, refund_no, items, total_fen, paid_fen, payer, due_date, matter_code, attempts`,
      [this.owner, now + (this.options.leaseMs ?? 30_000), now])).rows);
  }

  private async handle(platform: PaymentPlatform, payment: Claimed): Promise<void> {
    let settled = false;
    try {
      switch (payment.job) {
        case 'create': settled = await this.create(platform, payment); break;
        case 'await': settled = await this.pull(platform, payment); break;
        case 'refund': settled = await this.refund(platform, payment); break;
        default: settled = await this.trackRefund(platform, payment); break;
      }
    } catch (error) {
      this.options.logger.error('payment handling failed', { paymentId: payment.id, job: payment.job, error: (error as Error).message });
    } finally {
      if (!settled) {
        await this.options.store.query('UPDATE payments SET lease_owner = NULL, lease_expires_at = NULL, next_attempt_at = $3 WHERE id = $1 AND lease_owner = $2',
          [payment.id, this.owner, this.now() + 1000]).catch(() => undefined);
      }
    }
  }

  /** Settles a claim: the columns to set besides the lease, in one UPDATE that still owns it. */
  private async settle(payment: Claimed, set: Record<string, string | number | null>, event?: Record<string, unknown>, onlyIfStatus?: string): Promise<boolean> {
    const at = this.now();
    const columns = Object.keys(set);
    return this.options.store.transaction(async (tx) => {
      const { rowCount } = await tx.query(
        `UPDATE payments SET ${columns.map((column, index) => `${column} = $${index + 3}`).join(', ')}, lease_owner = NULL, lease_expires_at = NULL, updated_at = $${columns.length + 3}
          WHERE id = $1 AND lease_owner = $2${onlyIfStatus ? ` AND status = '${onlyIfStatus}'` : ''}`, [payment.id, this.owner, ...columns.map((column) => set[column]!), at]);
      if (rowCount === 0) return false;
      if (event) await notifyPayment(tx, { applicationId: payment.application_id, subApplicationId: payment.sub_application_id, at, data: event });
      return true;
    });
  }

  /** A failed attempt: retried with backoff, or dead (not retryable, or the last attempt) with `deadStatus`. */
  private async failed(payment: Claimed, error: unknown, deadStatus: string, startedAt: number): Promise<boolean> {
    const attempt = payment.attempts + 1;
    const dead = !isRetryable(error) || attempt >= this.options.retry.maxAttempts;
    if (dead) this.options.logger.warn('payment job given up', { paymentId: payment.id, job: payment.job, attempt, error: describe(error) });
    return this.settle(payment, dead
      ? { job: 'dead', status: deadStatus, attempts: attempt, last_error: describe(error) }
      : { attempts: attempt, last_error: describe(error), next_attempt_at: startedAt + backoffMs(this.options.retry, attempt) },
    dead ? { step: deadStatus, status: deadStatus, noticeNo: payment.notice_no, error: describe(error) } : undefined);
  }

  private async create(platform: PaymentPlatform, payment: Claimed): Promise<boolean> {
    const startedAt = this.now();
    let notice;
    try {
      notice = await platform.createNotice({
        orderNo: payment.order_no, payer: JSON.parse(payment.payer) as { name: string; idNumber: string },
        items: JSON.parse(payment.items) as { code: string; name: string; amountFen: number }[], totalFen: Number(payment.total_fen), dueDate: payment.due_date,
        remark: `政务服务事项 ${payment.matter_code}`,
      });
    } catch (error) {
      return this.failed(payment, error, 'not_created', startedAt);
    }
    const settled = await this.settle(payment, { notice_no: notice.noticeNo, status: 'unpaid', job: 'await', attempts: 0, last_error: null, next_attempt_at: this.now() + this.options.pullIntervalMs },
      { step: 'notice_created', status: 'unpaid', noticeNo: notice.noticeNo, totalFen: notice.totalFen, dueDate: notice.dueDate, duplicate: notice.duplicate }, 'creating');
    // Paid before its creation was stored (a lost answer, a retry): apply it now.
    if (settled && notice.payment) await this.applyPulled(notice.noticeNo, notice.payment);
    return settled;
  }

  private async pull(platform: PaymentPlatform, payment: Claimed): Promise<boolean> {
    let notice;
    try {
      notice = await platform.getNotice(payment.notice_no!);
    } catch (error) {
      return this.settle(payment, { last_error: describe(error), next_attempt_at: this.now() + this.options.pullIntervalMs });
    }
    if (!notice?.payment) return this.settle(payment, { last_error: null, next_attempt_at: this.now() + this.options.pullIntervalMs });
    await this.settle(payment, { last_error: null, next_attempt_at: this.now() + this.options.pullIntervalMs });
    await this.applyPulled(notice.noticeNo, notice.payment);
    return true;
  }

  private async applyPulled(noticeNo: string, paid: { amountFen: number; paidAt: string; channel: string }): Promise<void> {
    const { store } = this.options;
    const { released } = await store.transaction((tx) => applyReportedPayment(tx, { noticeNo, ...paid, source: 'pull' }, this.now(), store.capabilities.skipLocked));
    if (released) this.options.onReleased?.();
  }

  private async refund(platform: PaymentPlatform, payment: Claimed): Promise<boolean> {
    const startedAt = this.now();
    let refund;
    try {
      refund = await platform.requestRefund({ refundNo: payment.refund_no!, noticeNo: payment.notice_no!, amountFen: Number(payment.paid_fen), reason: '申请不予受理,退还已缴费用' });
    } catch (error) {
      return this.failed(payment, error, 'refund_failed', startedAt);
    }
    return this.settleRefund(payment, refund.status, refund.finishedAt);
  }

  private async trackRefund(platform: PaymentPlatform, payment: Claimed): Promise<boolean> {
    let refund;
    try {
      refund = await platform.getRefund(payment.refund_no!);
    } catch (error) {
      return this.settle(payment, { last_error: describe(error), next_attempt_at: this.now() + this.options.pullIntervalMs });
    }
    if (!refund) return this.settle(payment, { job: 'refund', last_error: 'the platform does not know the refund: requested again', next_attempt_at: this.now() });
    return this.settleRefund(payment, refund.status, refund.finishedAt);
  }

  private async settleRefund(payment: Claimed, status: 'processing' | 'succeeded' | 'failed', finishedAt: string | undefined): Promise<boolean> {
    if (status === 'processing') return this.settle(payment, { job: 'track_refund', attempts: 0, last_error: null, next_attempt_at: this.now() + this.options.pullIntervalMs });
    const final = status === 'succeeded' ? 'refunded' : 'refund_failed';
    return this.settle(payment, { job: status === 'succeeded' ? 'done' : 'dead', status: final, last_error: null },
      { step: final, status: final, noticeNo: payment.notice_no, refundFen: Number(payment.paid_fen), ...(finishedAt ? { refundedAt: finishedAt } : {}) });
  }

  private async reconcileYesterday(platform: PaymentPlatform, now: number): Promise<number> {
    const date = beijingDate(now - 86_400_000);
    const tried = this.reconciledAt.get(date);
    if (tried !== undefined && now - tried < 3_600_000) return 0;
    this.reconciledAt.set(date, now);
    const { rows } = await this.options.store.query<{ status: string }>('SELECT status FROM payment_reconciliations WHERE bill_date = $1', [date]);
    if (rows[0] && rows[0].status !== 'failed') return 0;
    const outcome = await reconcile(this.options.store, platform, date, now);
    if (outcome.released) this.options.onReleased?.();
    return 1;
  }
}

function describe(error: unknown): string {
  const message = (error as Error).message ?? String(error);
  return (isUpstreamError(error) ? `${error.kind}: ${message}` : message).slice(0, 1000);
}
