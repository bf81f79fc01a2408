/**
 * Fees (网上缴费) through the unified public payment platform (统一公共支付平台,
 * 非税收入), as Tongban speaks of it.
 *
 * Glossary:
 * - fee item 收费项目: what a matter charges (e.g. 往来港澳通行证 证件工本费), by its
 *   执收项目 code (the non-tax revenue item code), with an amount in 分.
 * - gate: what an unpaid fee holds back — `before-acceptance` (the sub-application
 *   is not delivered to the department) or `before-results` (results are not released).
 * - payment notice 缴款通知书: what the applicant pays, numbered by its 缴款码
 *   (notice number, 20 digits with a check digit: adapters/payment/notice-number.ts).
 * - payment notification 缴费通知: the platform's signed message that a notice was paid.
 * - refund 退付: money paid back through the platform (e.g. the matter was rejected).
 * - reconciliation file 对账文件: the platform's daily list of payments, compared with
 *   Tongban's records; a mismatch is a difference 差异, never a payment.
 *
 * Money is integer 分 (fen) everywhere; never a float.
 */

/** What an unpaid fee holds back. */
export type FeeGate = 'before-acceptance' | 'before-results';

export const FEE_GATES: readonly FeeGate[] = ['before-acceptance', 'before-results'];

/** One fee item of a matter (收费项目), from the matter catalogue. */
export interface FeeItem {
  /** 执收项目 code, e.g. `103010100101` (non-tax revenue item). */
  readonly code: string;
  /** Name, e.g. `往来港澳通行证工本费`. */
  readonly name: string;
  /** Amount in 分 (a positive integer). */
  readonly amountFen: number;
  readonly gate: FeeGate;
}

/** One line of a payment notice. */
export interface NoticeItem {
  readonly code: string;
  readonly name: string;
  readonly amountFen: number;
}

export interface NoticeRequest {
  /** Tongban's order id: the platform's idempotency key (same order → same notice). */
  readonly orderNo: string;
  readonly payer: { readonly name: string; readonly idNumber: string };
  readonly items: readonly NoticeItem[];
  /** Sum of the items (分). */
  readonly totalFen: number;
  /** Last day to pay, `YYYY-MM-DD` (Beijing). */
  readonly dueDate: string;
  /** Shown to the payer, e.g. the matter's name. */
  readonly remark?: string;
}

export type NoticeStatus = 'unpaid' | 'paid' | 'refunded' | 'partially-refunded' | 'expired';

export interface PaymentNotice {
  /** 缴款码 (20 digits, valid check digit). */
  readonly noticeNo: string;
  readonly orderNo: string;
  readonly totalFen: number;
  readonly status: NoticeStatus;
  readonly dueDate: string;
  /** Present once paid: what was paid, when (ISO 8601, +08:00), through which channel. */
  readonly payment?: { readonly amountFen: number; readonly paidAt: string; readonly channel: string };
}

export type RefundStatus = 'processing' | 'succeeded' | 'failed';

export interface RefundRequest {
  /** Tongban's refund id: idempotent upstream. */
  readonly refundNo: string;
  readonly noticeNo: string;
  readonly amountFen: number;
  readonly reason: string;
}

export interface Refund {
  readonly refundNo: string;
  readonly noticeNo: string;
  readonly amountFen: number;
  readonly status: RefundStatus;
  readonly finishedAt?: string;
}

/** A payment notification as verified. */
export interface PaymentNotification {
  readonly notificationId: string;
  readonly noticeNo: string;
  readonly orderNo: string;
  readonly amountFen: number;
  readonly paidAt: string;
  readonly channel: string;
  /** The nonce of the signed message: a second message with it is a replay. */
  readonly nonce: string;
}

/** One line of the daily reconciliation file. */
export interface ReconciliationLine {
  readonly noticeNo: string;
  readonly orderNo: string;
  readonly amountFen: number;
  readonly paidAt: string;
  readonly channel: string;
}

export interface ReconciliationFile {
  /** `YYYY-MM-DD` (Beijing). */
  readonly date: string;
  readonly lines: readonly ReconciliationLine[];
}

/**
 * The payment platform. Operations throw `UpstreamError` (system `payment`)
 * when it fails or answers what does not validate; none retries by itself.
 */
export interface PaymentPlatform {
  /** Creates (or, for an order already known, returns) the notice; `duplicate` when it existed. */
  createNotice(request: NoticeRequest): Promise<PaymentNotice & { duplicate: boolean }>;
  /** The notice, or undefined when the platform does not know it. */
  getNotice(noticeNo: string): Promise<PaymentNotice | undefined>;
  requestRefund(request: RefundRequest): Promise<Refund & { duplicate: boolean }>;
  getRefund(refundNo: string): Promise<Refund | undefined>;
  /** The reconciliation file of a past day. */
  reconciliationFile(date: string): Promise<ReconciliationFile>;
  /**
   * Verifies a notification pushed to Tongban's callback (app id, timestamp,
   * signature over the callback path and body, body schema, notice number check digit).
   * Keeps no state: replay protection (by nonce) is the receiver's.
   * @throws NotificationVerificationError naming the header or member at fault.
   */
  verifyNotification(headers: Readonly<Record<string, string | string[] | undefined>>, rawBody: Buffer | string): PaymentNotification;
}

/** A notification that does not verify. `field` names what is wrong. */
export class NotificationVerificationError extends Error {
  readonly code = 'PAYMENT_NOTIFICATION_INVALID' as const;
  constructor(readonly field: string, message: string) {
    super(message);
    this.name = 'NotificationVerificationError';
  }
}
