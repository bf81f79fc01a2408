/**
 * Wire protocol of the unified public payment platform (统一公共支付平台,
 * 非税收入), as the simulator speaks it and the adapter reads it (README.md).
 * Every answer is `{resultCode, resultMsg, data}`; `resultCode` "0000" is
 * success. Schemas list only the fields the adapter reads.
 */
import { Ajv, type ValidateFunction } from 'ajv';

export const API_PREFIX = '/fee/v1';
export const NOTICES_PATH = `${API_PREFIX}/notices`;
export const REFUNDS_PATH = `${API_PREFIX}/refunds`;
export const RECONCILIATIONS_PATH = `${API_PREFIX}/reconciliations`;

/** Envelope result codes and the HTTP status each is answered with. */
export const RESULT_CODES = {
  OK: { code: '0000', status: 200, msg: '成功' },
  MISSING_CREDENTIALS: { code: 'E101', status: 401, msg: '缺少认证信息' },
  BAD_SIGNATURE: { code: 'E102', status: 401, msg: '签名验证失败' },
  TIMESTAMP_SKEW: { code: 'E103', status: 401, msg: '时间戳超出允许范围' },
  NONCE_REUSED: { code: 'E104', status: 401, msg: '重复请求(nonce已使用)' },
  UNKNOWN_APP: { code: 'E105', status: 401, msg: '应用不存在' },
  BAD_PARAMETER: { code: 'E201', status: 400, msg: '参数缺失或无效' },
  UNKNOWN_ITEM: { code: 'E202', status: 422, msg: '执收项目不存在' },
  DUPLICATE_ORDER: { code: 'E203', status: 200, msg: '业务订单号重复,返回已开缴款通知书' },
  TOTAL_MISMATCH: { code: 'E204', status: 422, msg: '合计金额与明细不符' },
  NOTICE_NOT_FOUND: { code: 'E301', status: 404, msg: '缴款通知书不存在' },
  NOT_PAID: { code: 'E302', status: 409, msg: '缴款通知书未缴费,不能退付' },
  REFUND_TOO_LARGE: { code: 'E303', status: 422, msg: '退付金额超过可退金额' },
  REFUND_NOT_FOUND: { code: 'E304', status: 404, msg: '退付申请不存在' },
  DUPLICATE_REFUND: { code: 'E305', status: 200, msg: '退付单号重复,返回已有退付' },
  FILE_NOT_READY: { code: 'E306', status: 409, msg: '对账文件尚未生成' },
  NOT_FOUND: { code: 'E404', status: 404, msg: '接口不存在' },
  BUSY: { code: 'E999', status: 503, msg: '系统繁忙' },
} as const;

export type ResultName = keyof typeof RESULT_CODES;

export interface WireEnvelope { resultCode: string; resultMsg: string; data?: unknown }

/** Body of `POST /fee/v1/notices`. */
export interface WireNoticeRequest {
  orderNo: string;
  payerName: string;
  payerIdNo: string;
  items: { itemCode: string; itemName: string; amount: number }[];
  totalAmount: number;
  dueDate: string;
  remark?: string;
}

/** `data` of notice creation (also of E203) and of `GET /notices/{noticeNo}`. */
export interface WireNotice {
  noticeNo: string;
  orderNo: string;
  totalAmount: number;
  /** 0 待缴 unpaid, 1 已缴 paid, 2 已退付 refunded, 3 部分退付, 9 已过期 */
  payStatus: string;
  dueDate: string;
  paidAmount?: number;
  paidTime?: string;
  payChannel?: string;
}

export interface WireRefundRequest { refundNo: string; noticeNo: string; amount: number; reason: string }

/** `data` of refund creation (also of E305) and of `GET /refunds/{refundNo}`. */
export interface WireRefund {
  refundNo: string;
  noticeNo: string;
  amount: number;
  /** PROCESSING | SUCCESS | FAIL */
  refundStatus: string;
  finishTime?: string;
}

/** `data` of `GET /reconciliations/{date}`: the CSV file and its SM3 digest. */
export interface WireReconciliation {
  billDate: string;
  fileName: string;
  /** CSV, header line `noticeNo,orderNo,amount,paidTime,payChannel`, then one line per payment. */
  content: string;
  /** Lower-case hex SM3 of `content` (UTF-8). */
  digest: string;
}

/** Body of a notification to Tongban's callback URL. */
export interface WireNotification {
  notifyId: string;
  noticeNo: string;
  orderNo: string;
  paidAmount: number;
  paidTime: string;
  payChannel: string;
}

/** 缴费渠道 codes. */
export const PAY_CHANNELS = ['UNIONPAY', 'ALIPAY', 'WECHAT', 'BANK_COUNTER'] as const;

const nonEmpty = { type: 'string', minLength: 1 } as const;
const fen = { type: 'integer', minimum: 0 } as const;
const isoTime = { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?([+-]\\d{2}:\\d{2}|Z)$' } as const;
const date = { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' } as const;

const envelopeSchema = {
  type: 'object', required: ['resultCode', 'resultMsg'],
  properties: { resultCode: { type: 'string', pattern: '^(0000|E\\d{3})$' }, resultMsg: { type: 'string' }, data: {} },
} as const;

const noticeSchema = {
  type: 'object', required: ['noticeNo', 'orderNo', 'totalAmount', 'payStatus', 'dueDate'],
  properties: {
    noticeNo: nonEmpty, orderNo: nonEmpty, totalAmount: fen, payStatus: nonEmpty, dueDate: date,
    paidAmount: fen, paidTime: isoTime, payChannel: nonEmpty,
  },
} as const;

const refundSchema = {
  type: 'object', required: ['refundNo', 'noticeNo', 'amount', 'refundStatus'],
  properties: { refundNo: nonEmpty, noticeNo: nonEmpty, amount: fen, refundStatus: nonEmpty, finishTime: isoTime },
} as const;

const reconciliationSchema = {
  type: 'object', required: ['billDate', 'fileName', 'content', 'digest'],
  properties: { billDate: date, fileName: nonEmpty, content: { type: 'string' }, digest: { type: 'string', pattern: '^[0-9a-f]{64}$' } },
} as const;

const notificationSchema = {
  type: 'object', required: ['notifyId', 'noticeNo', 'orderNo', 'paidAmount', 'paidTime', 'payChannel'],
  properties: { notifyId: nonEmpty, noticeNo: nonEmpty, orderNo: nonEmpty, paidAmount: fen, paidTime: isoTime, payChannel: nonEmpty },
} as const;

const ajv = new Ajv({ allErrors: false, strict: true });

export const validateEnvelope: ValidateFunction<WireEnvelope> = ajv.compile<WireEnvelope>(envelopeSchema);
export const validateNotice: ValidateFunction<WireNotice> = ajv.compile<WireNotice>(noticeSchema);
export const validateRefund: ValidateFunction<WireRefund> = ajv.compile<WireRefund>(refundSchema);
export const validateReconciliation: ValidateFunction<WireReconciliation> = ajv.compile<WireReconciliation>(reconciliationSchema);
export const validateNotification: ValidateFunction<WireNotification> = ajv.compile<WireNotification>(notificationSchema);

export { describeSchemaError } from '../common/schema-errors.js';
export { beijingTime } from '../common/beijing-time.js';

/** The CSV header line of reconciliation files. */
export const RECONCILIATION_HEADER = 'noticeNo,orderNo,amount,paidTime,payChannel';
