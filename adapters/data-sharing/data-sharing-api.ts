/**
 * Wire protocol of the provincial data-sharing exchange (省大数据中心 数据共享
 *交换平台), as the simulator speaks it and the adapter reads it (README.md).
 * Every answer is an envelope `{resultCode, resultMsg, requestId, data}`;
 * `resultCode` "00" is success. Schemas list only the fields the adapter reads.
 */
import { Ajv, type ValidateFunction } from 'ajv';

export { describeSchemaError } from '../common/schema-errors.js';

export const API_PREFIX = '/dsep/v2';
export const TOKEN_PATH = `${API_PREFIX}/auth/token`;
export const RESOURCES_PATH = `${API_PREFIX}/resources`;

/** Header carrying the access token on every call but the token request. */
export const ACCESS_TOKEN_HEADER = 'x-dsep-access-token';

/** Envelope result codes and the HTTP status each is answered with. */
export const RESULT_CODES = {
  OK: { code: '00', status: 200, msg: '成功' },
  BAD_CREDENTIALS: { code: '10001', status: 401, msg: '应用标识或签名无效' },
  BAD_TOKEN: { code: '10002', status: 401, msg: '访问令牌无效' },
  TOKEN_EXPIRED: { code: '10003', status: 401, msg: '访问令牌已过期' },
  BAD_PARAMETER: { code: '20001', status: 400, msg: '参数缺失或无效' },
  UNKNOWN_RESOURCE: { code: '20002', status: 404, msg: '共享目录编码不存在' },
  NOT_GRANTED: { code: '20003', status: 403, msg: '未获该共享资源的使用授权' },
  PURPOSE_REQUIRED: { code: '20004', status: 400, msg: '缺少用途或授权凭证' },
  NO_DATA: { code: '30001', status: 200, msg: '查无数据' },
  NOT_FOUND: { code: '40400', status: 404, msg: '接口不存在' },
  RATE_LIMITED: { code: '42900', status: 429, msg: '调用频率超限' },
  BUSY: { code: '50000', status: 503, msg: '系统繁忙' },
} as const;

export type ResultName = keyof typeof RESULT_CODES;

export interface WireEnvelope {
  resultCode: string;
  resultMsg: string;
  requestId: string;
  data?: unknown;
}

/** Body of `POST /dsep/v2/auth/token`: `signature` = hex HMAC-SHA256(app secret, appKey + timestamp). */
export interface WireTokenRequest {
  appKey: string;
  /** Unix seconds. */
  timestamp: string;
  signature: string;
}

export interface WireToken {
  accessToken: string;
  /** Seconds. */
  expiresIn: number;
}

/** Body of `POST /dsep/v2/resources/{code}/query` and (with `claims`) `…/verify`. */
export interface WireQueryRequest {
  /** The holder condition: `{GMSFHM: 公民身份号码}`. */
  conditions: Record<string, string>;
  /** 用途. */
  purpose: string;
  /** 授权凭证: the requester's reference of the holder's authorisation. */
  authorizationRef: string;
  /** Only in a verification: field → value claimed. */
  claims?: Record<string, string>;
}

export interface WireRecordSet {
  resourceCode: string;
  resourceName: string;
  sourceDepartment: string;
  /** ISO 8601 with offset. */
  dataTime: string;
  records: Record<string, string>[];
}

export interface WireVerdict {
  resourceCode: string;
  sourceDepartment: string;
  /** 核验结果: true = 一致. */
  matched: boolean;
  verificationId: string;
}

const ajv = new Ajv({ allErrors: false });

export const validateEnvelope: ValidateFunction<WireEnvelope> = ajv.compile<WireEnvelope>({
  type: 'object', required: ['resultCode', 'resultMsg', 'requestId'],
  properties: { resultCode: { type: 'string' }, resultMsg: { type: 'string' }, requestId: { type: 'string' } },
});

export const validateToken: ValidateFunction<WireToken> = ajv.compile<WireToken>({
  type: 'object', required: ['accessToken', 'expiresIn'],
  properties: { accessToken: { type: 'string', minLength: 16 }, expiresIn: { type: 'integer', minimum: 1 } },
});

export const validateRecordSet: ValidateFunction<WireRecordSet> = ajv.compile<WireRecordSet>({
  type: 'object', required: ['resourceCode', 'resourceName', 'sourceDepartment', 'dataTime', 'records'],
  properties: {
    resourceCode: { type: 'string' }, resourceName: { type: 'string' }, sourceDepartment: { type: 'string', minLength: 1 },
    dataTime: { type: 'string', minLength: 10 },
    records: { type: 'array', maxItems: 1, items: { type: 'object', additionalProperties: { type: 'string' } } },
  },
});

export const validateVerdict: ValidateFunction<WireVerdict> = ajv.compile<WireVerdict>({
  type: 'object', required: ['resourceCode', 'sourceDepartment', 'matched', 'verificationId'],
  properties: { resourceCode: { type: 'string' }, sourceDepartment: { type: 'string' }, matched: { type: 'boolean' }, verificationId: { type: 'string', minLength: 1 } },
});
