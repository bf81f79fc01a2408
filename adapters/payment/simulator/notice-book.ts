/**
 * The simulated platform's ledger: notices (one per app id and order number),
 * their payments, refunds (one per refund number), and the payments of each
 * Beijing day for the reconciliation file.
 */
import { beijingTime, type WireNotice, type WireNoticeRequest, type WireRefund } from '../payment-api.js';
import { formatNoticeNo } from '../notice-number.js';

export interface BookedNotice {
  readonly appId: string;
  readonly request: WireNoticeRequest;
  readonly noticeNo: string;
  status: '0' | '1' | '2' | '3' | '9';
  payment?: { amount: number; paidAtMs: number; channel: string };
  refunded: number;
}

export interface BookedRefund {
  readonly appId: string;
  readonly refundNo: string;
  readonly noticeNo: string;
  readonly amount: number;
  readonly reason: string;
  status: 'PROCESSING' | 'SUCCESS' | 'FAIL';
  readonly requestedAtMs: number;
  finishedAtMs?: number;
}

export class PayError extends Error {
  constructor(readonly reason: 'not-found' | 'already-paid', message: string) {
    super(message);
  }
}

/** The Beijing date `YYYY-MM-DD` of an instant. */
export function beijingDate(epochMs: number): string {
  return beijingTime(epochMs).slice(0, 10);
}

export class NoticeBook {
  private readonly byNo = new Map<string, BookedNotice>();
  private readonly byOrder = new Map<string, BookedNotice>();
  private readonly refunds = new Map<string, BookedRefund>();
  private serial = 0;

  constructor(private readonly areaCode: string, private readonly now: () => number) {}

  get(noticeNo: string, appId?: string): BookedNotice | undefined {
    const notice = this.byNo.get(noticeNo);
    return notice && (appId === undefined || notice.appId === appId) ? notice : undefined;
  }

  byOrderNo(appId: string, orderNo: string): BookedNotice | undefined {
    return this.byOrder.get(`${appId}\u0000${orderNo}`);
  }

  all(): BookedNotice[] {
    return [...this.byNo.values()];
  }

  create(appId: string, request: WireNoticeRequest): BookedNotice {
    const yymmdd = beijingDate(this.now()).slice(2).replaceAll('-', '');
    const notice: BookedNotice = { appId, request, noticeNo: formatNoticeNo(this.areaCode, yymmdd, ++this.serial), status: '0', refunded: 0 };
    this.byNo.set(notice.noticeNo, notice);
    this.byOrder.set(`${appId}\u0000${request.orderNo}`, notice);
    return notice;
  }

  /** The applicant pays (outside the gateway): `amount` defaults to the total; another amount is what a reconciliation must catch. `paidAtMs` backdates it (tests of past days' files). */
  pay(noticeNo: string, amount?: number, channel = 'UNIONPAY', paidAtMs = this.now()): BookedNotice {
    const notice = this.byNo.get(noticeNo);
    if (!notice) throw new PayError('not-found', `no notice ${noticeNo}`);
    if (notice.status !== '0') throw new PayError('already-paid', `notice ${noticeNo} is not unpaid (status ${notice.status})`);
    notice.status = '1';
    notice.payment = { amount: amount ?? notice.request.totalAmount, paidAtMs, channel };
    return notice;
  }

  refundOf(refundNo: string, appId?: string): BookedRefund | undefined {
    const refund = this.refunds.get(refundNo);
    return refund && (appId === undefined || refund.appId === appId) ? refund : undefined;
  }

  refundsOf(noticeNo: string): BookedRefund[] {
    return [...this.refunds.values()].filter((refund) => refund.noticeNo === noticeNo);
  }

  addRefund(refund: BookedRefund): void {
    this.refunds.set(refund.refundNo, refund);
  }

  /** Finishes refunds older than `delayMs`: the notice is then (partly) refunded. */
  settleRefunds(delayMs: number): void {
    for (const refund of this.refunds.values()) {
      if (refund.status !== 'PROCESSING' || this.now() - refund.requestedAtMs < delayMs) continue;
      refund.status = 'SUCCESS';
      refund.finishedAtMs = this.now();
      const notice = this.byNo.get(refund.noticeNo)!;
      notice.refunded += refund.amount;
      notice.status = notice.refunded >= (notice.payment?.amount ?? 0) ? '2' : '3';
    }
  }

  /** Payments made on a Beijing day, by payment time. */
  paidOn(appId: string, date: string): BookedNotice[] {
    return this.all().filter((notice) => notice.appId === appId && notice.payment && beijingDate(notice.payment.paidAtMs) === date)
      .sort((a, b) => a.payment!.paidAtMs - b.payment!.paidAtMs);
  }
}

export function toWireNotice(notice: BookedNotice): WireNotice {
  return {
    noticeNo: notice.noticeNo, orderNo: notice.request.orderNo, totalAmount: notice.request.totalAmount, payStatus: notice.status, dueDate: notice.request.dueDate,
    ...(notice.payment ? { paidAmount: notice.payment.amount, paidTime: beijingTime(notice.payment.paidAtMs), payChannel: notice.payment.channel } : {}),
  };
}

export function toWireRefund(refund: BookedRefund): WireRefund {
  return {
    refundNo: refund.refundNo, noticeNo: refund.noticeNo, amount: refund.amount, refundStatus: refund.status,
    ...(refund.finishedAtMs === undefined ? {} : { finishTime: beijingTime(refund.finishedAtMs) }),
  };
}
