/**
 * The unified public payment platform (统一公共支付平台) over its HTTP API:
 * HMAC-SM3 signed requests (payment-signature.ts), `{resultCode, resultMsg,
 * data}` envelopes validated with ajv, notice numbers checked against their
 * check digit, the daily reconciliation file checked against its SM3
 * digest, and verification of the payment notifications the platform pushes.
 */
import { createHash } from 'node:crypto';
import type { PaymentNotice, PaymentPlatform, Refund, ReconciliationLine } from '../../src/domain/payment.js';
import { NotificationVerificationError } from '../../src/domain/payment.js';
import { createEnvelopeClient, parseBaseUrl, timeoutSetting } from '../common/envelope-client.js';
import { verifySignedCallback } from '../common/signed-callback.js';
import {
  NOTICES_PATH, RECONCILIATIONS_PATH, RECONCILIATION_HEADER, REFUNDS_PATH, RESULT_CODES, describeSchemaError,
  validateEnvelope, validateNotice, validateNotification, validateReconciliation, validateRefund,
  type WireNotice, type WireNoticeRequest, type WireRefund,
} from './payment-api.js';
import { envelopeError, malformedError } from './payment-error.js';
import { APP_ID_HEADER, NONCE_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, feeSignature, feeSignatureHeaders } from './payment-signature.js';
import { mapNoticeStatus, mapRefundStatus } from './map-status.js';
import { isValidNoticeNo } from './notice-number.js';

export interface PaymentSettings {
  /** Base URL of the platform (a path prefix is kept and signed). */
  readonly baseUrl: string;
  /** App id (`x-fee-appid`). */
  readonly appId: string;
  /** App secret: the HMAC-SM3 key of requests and notifications. */
  readonly appSecret: string;
  /** Timeout of each HTTP call (ms). Default 5000. */
  readonly timeoutMs?: number;
  /** Path (and query) of Tongban's callback as the platform posts to it: part of the notification signature. Default `/`. */
  readonly callbackPath?: string;
  /** Allowed clock difference of notification timestamps (s). Default 300. */
  readonly notificationSkewSeconds?: number;
  /** Clock (epoch ms). Default `Date.now`. */
  readonly now?: () => number;
}

export type PaymentAdapter = PaymentPlatform;

const SYSTEM = 'payment';

/** @throws RangeError when a setting is invalid. */
export function createPaymentAdapter(settings: PaymentSettings): PaymentAdapter {
  const baseUrl = parseBaseUrl('createPaymentAdapter', settings.baseUrl);
  if (!settings.appId) throw new RangeError('createPaymentAdapter: "appId" is empty');
  if (!settings.appSecret) throw new RangeError('createPaymentAdapter: "appSecret" is empty');
  const timeoutMs = timeoutSetting('createPaymentAdapter', settings.timeoutMs);
  const now = settings.now ?? Date.now;
  const callbackPath = settings.callbackPath ?? '/';
  const skew = settings.notificationSkewSeconds ?? 300;
  const { call } = createEnvelopeClient({
    system: SYSTEM, baseUrl, timeoutMs, accept: 'application/json', contentType: 'application/json; charset=utf-8',
    envelope: { validate: validateEnvelope, read: (envelope) => ({ code: envelope.resultCode, message: envelope.resultMsg, data: envelope.data }), okCode: RESULT_CODES.OK.code },
    authenticate: (request) => feeSignatureHeaders({ appId: settings.appId, appSecret: settings.appSecret, ...request, nowMs: now() }),
    envelopeError, malformedError,
  });

  function toNotice(operation: string, data: unknown): PaymentNotice {
    if (!validateNotice(data)) throw malformedError(operation, describeSchemaError(validateNotice.errors, '/data'));
    return mapNotice(operation, data);
  }

  function toRefund(operation: string, data: unknown): Refund {
    if (!validateRefund(data)) throw malformedError(operation, describeSchemaError(validateRefund.errors, '/data'));
    return mapRefund(operation, data);
  }

  function requireNoticeNo(operation: string, noticeNo: string): void {
    if (!isValidNoticeNo(noticeNo)) throw new RangeError(`${operation}: "noticeNo" is not a 缴款码 with a valid check digit: "${String(noticeNo)}"`);
  }

  return {
    async createNotice(request) {
      const wire: WireNoticeRequest = {
        orderNo: request.orderNo, payerName: request.payer.name, payerIdNo: request.payer.idNumber,
        items: request.items.map((item) => ({ itemCode: item.code, itemName: item.name, amount: item.amountFen })),
        totalAmount: request.totalFen, dueDate: request.dueDate, ...(request.remark === undefined ? {} : { remark: request.remark }),
      };
      const { code, data } = await call('createNotice', 'POST', NOTICES_PATH, wire, [RESULT_CODES.DUPLICATE_ORDER.code]);
      const notice = toNotice('createNotice', data);
      if (notice.orderNo !== request.orderNo) throw malformedError('createNotice', `/data/orderNo: asked for "${request.orderNo}", got "${notice.orderNo}"`);
      return { ...notice, duplicate: code === RESULT_CODES.DUPLICATE_ORDER.code };
    },
    async getNotice(noticeNo) {
      requireNoticeNo('getNotice', noticeNo);
      const { code, data } = await call('getNotice', 'GET', `${NOTICES_PATH}/${noticeNo}`, undefined, [RESULT_CODES.NOTICE_NOT_FOUND.code]);
      return code === RESULT_CODES.NOTICE_NOT_FOUND.code ? undefined : toNotice('getNotice', data);
    },
    async requestRefund(request) {
      requireNoticeNo('requestRefund', request.noticeNo);
      const { code, data } = await call('requestRefund', 'POST', REFUNDS_PATH,
        { refundNo: request.refundNo, noticeNo: request.noticeNo, amount: request.amountFen, reason: request.reason }, [RESULT_CODES.DUPLICATE_REFUND.code]);
      return { ...toRefund('requestRefund', data), duplicate: code === RESULT_CODES.DUPLICATE_REFUND.code };
    },
    async getRefund(refundNo) {
      const { code, data } = await call('getRefund', 'GET', `${REFUNDS_PATH}/${encodeURIComponent(refundNo)}`, undefined, [RESULT_CODES.REFUND_NOT_FOUND.code]);
      return code === RESULT_CODES.REFUND_NOT_FOUND.code ? undefined : toRefund('getRefund', data);
    },
    async reconciliationFile(date) {
      if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new RangeError(`reconciliationFile: "date" must be YYYY-MM-DD, got "${date}"`);
      const { data } = await call('reconciliationFile', 'GET', `${RECONCILIATIONS_PATH}/${date}`);
      if (!validateReconciliation(data)) throw malformedError('reconciliationFile', describeSchemaError(validateReconciliation.errors, '/data'));
      if (data.billDate !== date) throw malformedError('reconciliationFile', `/data/billDate: asked for ${date}, got ${data.billDate}`);
      if (createHash('sm3').update(data.content, 'utf8').digest('hex') !== data.digest) throw malformedError('reconciliationFile', '/data/digest: the file does not match its SM3 digest');
      return { date, lines: parseReconciliation(data.content) };
    },
    verifyNotification(headers, rawBody) {
      const { body: parsed, nonce } = verifySignedCallback({
        noun: 'notification', headers: { account: APP_ID_HEADER, timestamp: TIMESTAMP_HEADER, nonce: NONCE_HEADER, signature: SIGNATURE_HEADER },
        account: settings.appId, accountNoun: 'app id', skewSeconds: skew, now,
        expectedSignature: (input) => feeSignature(settings.appSecret, { appId: input.account, timestamp: input.timestamp, nonce: input.nonce, method: 'POST', pathWithQuery: callbackPath, body: input.body }),
        validate: validateNotification, error: (field, message) => new NotificationVerificationError(field, message),
      }, headers, rawBody);
      if (!isValidNoticeNo(parsed.noticeNo)) throw new NotificationVerificationError('/noticeNo', `notification "/noticeNo" has no valid check digit: "${parsed.noticeNo}"`);
      return {
        notificationId: parsed.notifyId, noticeNo: parsed.noticeNo, orderNo: parsed.orderNo, amountFen: parsed.paidAmount,
        paidAt: parsed.paidTime, channel: parsed.payChannel, nonce,
      };
    },
  };
}

function mapNotice(operation: string, wire: WireNotice): PaymentNotice {
  if (!isValidNoticeNo(wire.noticeNo)) throw malformedError(operation, `/data/noticeNo: "${wire.noticeNo}" has no valid check digit`);
  const status = mapNoticeStatus(wire.payStatus);
  if (!status) throw malformedError(operation, `/data/payStatus: unknown status "${wire.payStatus}"`);
  const paid = wire.paidAmount !== undefined && wire.paidTime !== undefined;
  return {
    noticeNo: wire.noticeNo, orderNo: wire.orderNo, totalFen: wire.totalAmount, status, dueDate: wire.dueDate,
    ...(paid ? { payment: { amountFen: wire.paidAmount!, paidAt: wire.paidTime!, channel: wire.payChannel ?? 'UNKNOWN' } } : {}),
  };
}

function mapRefund(operation: string, wire: WireRefund): Refund {
  const status = mapRefundStatus(wire.refundStatus);
  if (!status) throw malformedError(operation, `/data/refundStatus: unknown status "${wire.refundStatus}"`);
  return { refundNo: wire.refundNo, noticeNo: wire.noticeNo, amountFen: wire.amount, status, ...(wire.finishTime ? { finishedAt: wire.finishTime } : {}) };
}

/** Parses the CSV (header, then `noticeNo,orderNo,amount,paidTime,payChannel` per line). @throws UpstreamError malformed naming the line. */
export function parseReconciliation(content: string): ReconciliationLine[] {
  const lines = content.split(/\r?\n/).filter((line) => line.trim() !== '');
  if (lines[0] !== RECONCILIATION_HEADER) throw malformedError('reconciliationFile', `line 1: expected the header "${RECONCILIATION_HEADER}"`);
  return lines.slice(1).map((line, index) => {
    const cells = line.split(',');
    const [noticeNo, orderNo, amount, paidAt, channel] = cells;
    if (cells.length !== 5 || !isValidNoticeNo(noticeNo) || !orderNo || !/^\d{1,12}$/.test(amount ?? '') || !paidAt || !channel) {
      throw malformedError('reconciliationFile', `line ${index + 2}: "${line}" is not noticeNo,orderNo,amount,paidTime,payChannel`);
    }
    return { noticeNo, orderNo, amountFen: Number(amount), paidAt, channel };
  });
}
