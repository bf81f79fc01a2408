/** Wire status codes ↔ domain, with no silent default: an unknown code is a malformed answer. */
import type { NoticeStatus, RefundStatus } from '../../src/domain/payment.js';

export const NOTICE_STATUSES: Readonly<Record<string, NoticeStatus>> = { 0: 'unpaid', 1: 'paid', 2: 'refunded', 3: 'partially-refunded', 9: 'expired' };
export const REFUND_STATUSES: Readonly<Record<string, RefundStatus>> = { PROCESSING: 'processing', SUCCESS: 'succeeded', FAIL: 'failed' };

export function mapNoticeStatus(wire: string): NoticeStatus | undefined {
  return Object.hasOwn(NOTICE_STATUSES, wire) ? NOTICE_STATUSES[wire] : undefined;
}

export function mapRefundStatus(wire: string): RefundStatus | undefined {
  return Object.hasOwn(REFUND_STATUSES, wire) ? REFUND_STATUSES[wire] : undefined;
}
