/**
 * Wire protocol of the government mail service (政务EMS), as the simulator
 * speaks it and the adapter reads it (README.md). Every answer is an envelope
 * `{code, msg, data}`; `code` "0000" is success. The schemas list only the
 * fields the adapter reads; extra fields are allowed.
 */
import { Ajv, type ValidateFunction } from 'ajv';

export const API_PREFIX = '/ems/v1';
export const ORDERS_PATH = `${API_PREFIX}/orders`;
export const WAYBILLS_PATH = `${API_PREFIX}/waybills`;

/** Envelope result codes and the HTTP status each is answered with. */
export const RESULT_CODES = {
  OK: { code: '0000', status: 200, msg: '成功' },
  MISSING_CREDENTIALS: { code: '1000', status: 401, msg: '缺少认证信息' },
  BAD_SIGNATURE: { code: '1001', status: 401, msg: '签名无效' },
  TIMESTAMP_SKEW: { code: '1002', status: 401, msg: '时间戳超出允许范围' },
  NONCE_REUSED: { code: '1003', status: 401, msg: '请求重复(nonce已使用)' },
  UNKNOWN_APP_KEY: { code: '1004', status: 401, msg: '应用标识不存在' },
  BAD_PARAMETER: { code: '2001', status: 400, msg: '参数缺失或无效' },
  NOT_SERVICEABLE: { code: '2002', status: 422, msg: '地址不在服务范围' },
  DUPLICATE_ORDER: { code: '2003', status: 200, msg: '订单号重复,返回已有运单' },
  WAYBILL_NOT_FOUND: { code: '3001', status: 404, msg: '运单不存在' },
  NOT_CANCELLABLE: { code: '3002', status: 409, msg: '运单已收寄,不能撤单' },
  NOT_FOUND: { code: '4004', status: 404, msg: '接口不存在' },
  BUSY: { code: '9999', status: 503, msg: '系统繁忙' },
} as const;

export type ResultName = keyof typeof RESULT_CODES;

/** `RESULT` 结果寄递 (government → applicant), `MATERIAL` 材料寄递 (applicant → government). */
export const BUSINESS_TYPES = ['RESULT', 'MATERIAL'] as const;
export type WireBusinessType = typeof BUSINESS_TYPES[number];

/** Trace event codes, in the order of a normal life (FAILED, RETURNED, CANCELLED off the main line). */
export const TRACE_CODES = ['ACCEPTED', 'IN_TRANSIT', 'ARRIVED', 'OUT_FOR_DELIVERY', 'DELIVERED', 'FAILED', 'RETURNED', 'CANCELLED'] as const;
export type WireTraceCode = typeof TRACE_CODES[number];
export type WireStatus = 'CREATED' | WireTraceCode;

export interface WireEnvelope {
  code: string;
  msg: string;
  data?: unknown;
}

export interface WireAddress {
  name: string;
  mobile: string;
  province: string;
  city: string;
  county: string;
  address: string;
  postcode?: string;
}

/** Body of `POST /ems/v1/orders`. */
export interface WireOrderRequest {
  orderNo: string;
  businessType: WireBusinessType;
  sender: WireAddress;
  recipient: WireAddress;
  items: { name: string; count: number }[];
  remark?: string;
}

/** `data` of order creation (also of code 2003) and of `GET /waybills/{no}`. */
export interface WireWaybill {
  waybillNo: string;
  orderNo: string;
  businessType?: string;
  status: string;
  /** ISO 8601 with +08:00. */
  createdAt: string;
}

export interface WireTrace {
  eventId: string;
  sequence: number;
  code: string;
  time: string;
  location: string;
  description: string;
  signer?: string;
  reason?: string;
}

/** `data` of `GET /waybills/{no}/traces`. */
export interface WireTraces {
  waybillNo: string;
  traces: WireTrace[];
}

/** Body of a push to the callback URL. */
export interface WirePush {
  eventId: string;
  waybillNo: string;
  orderNo: string;
  businessType: string;
  trace: WireTrace;
}

const nonEmpty = { type: 'string', minLength: 1 } as const;
/** ISO 8601 date-time with an explicit offset (the carrier always sends +08:00). */
const isoTime = { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?([+-]\\d{2}:\\d{2}|Z)$' } as const;

const envelopeSchema = {
  type: 'object', required: ['code', 'msg'],
  properties: { code: { type: 'string', pattern: '^\\d{4}$' }, msg: { type: 'string' }, data: {} },
} as const;

const waybillSchema = {
  type: 'object', required: ['waybillNo', 'orderNo', 'status', 'createdAt'],
  properties: { waybillNo: nonEmpty, orderNo: nonEmpty, businessType: { type: 'string' }, status: nonEmpty, createdAt: isoTime },
} as const;

const traceSchema = {
  type: 'object', required: ['eventId', 'sequence', 'code', 'time', 'location', 'description'],
  properties: {
    eventId: nonEmpty, sequence: { type: 'integer', minimum: 1 }, code: nonEmpty, time: isoTime,
    location: { type: 'string' }, description: { type: 'string' }, signer: { type: 'string' }, reason: { type: 'string' },
  },
} as const;

const tracesSchema = {
  type: 'object', required: ['waybillNo', 'traces'],
  properties: { waybillNo: nonEmpty, traces: { type: 'array', items: traceSchema } },
} as const;

const pushSchema = {
  type: 'object', required: ['eventId', 'waybillNo', 'orderNo', 'businessType', 'trace'],
  properties: { eventId: nonEmpty, waybillNo: nonEmpty, orderNo: nonEmpty, businessType: nonEmpty, trace: traceSchema },
} as const;

const ajv = new Ajv({ allErrors: false, strict: true });

export const validateEnvelope: ValidateFunction<WireEnvelope> = ajv.compile<WireEnvelope>(envelopeSchema);
export const validateWaybill: ValidateFunction<WireWaybill> = ajv.compile<WireWaybill>(waybillSchema);
export const validateTraces: ValidateFunction<WireTraces> = ajv.compile<WireTraces>(tracesSchema);
export const validatePush: ValidateFunction<WirePush> = ajv.compile<WirePush>(pushSchema);

/** Same JSON Pointer error text as the matter system's. */
export { describeSchemaError } from '../common/schema-errors.js';

export { beijingTime } from '../common/beijing-time.js';
