/** The unified public payment platform (统一公共支付平台 / 非税收入) adapter: notices, refunds, reconciliation files, verified notifications. */
export { createPaymentAdapter, parseReconciliation, type PaymentAdapter, type PaymentSettings } from './payment-adapter.js';
export { NotificationVerificationError } from './payment-error.js';
export { formatNoticeNo, isValidNoticeNo, noticeCheckDigit } from './notice-number.js';
