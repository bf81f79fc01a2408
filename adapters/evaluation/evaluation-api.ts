/**
 * Wire protocol of the provincial 好差评 system (政务服务"好差评"系统), as the
 * simulator speaks it and the adapter reads it. Every answer is an envelope
 * `{code, message, data}`; `code` 200 is success (see README.md for the table).
 *
 * - `POST /hcp/v1/evaluations`                            WirePushRequest → `{evaluationId, receivedAt}`
 * - `GET  /hcp/v1/evaluations/{evaluationId}`             → WireEvaluation
 * - `GET  /hcp/v1/evaluations?projectNo=…`                → `{projectNo, total, records: WireEvaluation[]}`
 * - `POST /hcp/v1/evaluations/{evaluationId}/rectifications` WireRectificationRequest → WireEvaluation
 *
 * The schemas list only the fields the adapter reads; extra fields are allowed.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';

export const EVALUATIONS_PATH = '/hcp/v1/evaluations';
export const rectificationsPath = (evaluationId: string): string => `${EVALUATIONS_PATH}/${encodeURIComponent(evaluationId)}/rectifications`;

/** Envelope result codes and the HTTP status each is answered with. Business refusals come with HTTP 200. */
export const RESULT_CODES = {
  OK: { code: 200, status: 200, message: '成功' },
  SIGN_INVALID: { code: 401, status: 401, message: '签名校验失败' },
  CREDENTIALS_MISSING: { code: 4010, status: 401, message: '缺少认证请求头' },
  UNKNOWN_APP: { code: 4011, status: 401, message: '应用标识不存在' },
  TIMESTAMP_SKEW: { code: 4012, status: 401, message: '请求时间戳超出允许范围' },
  NONCE_REUSED: { code: 4013, status: 401, message: '请求随机数已使用' },
  FIELD_INVALID: { code: 4001, status: 200, message: '字段缺失或不合法' },
  UNKNOWN_SERVICE: { code: 4002, status: 200, message: '事项编码不存在' },
  LEVEL_OUT_OF_RANGE: { code: 4003, status: 200, message: '评价等级超出范围' },
  NOT_FOUND: { code: 4004, status: 200, message: '评价不存在' },
  DUPLICATE: { code: 4091, status: 200, message: '该办件已评价' },
  INVALID_TRANSITION: { code: 4094, status: 200, message: '整改状态流转不合法' },
  NOT_POOR: { code: 4095, status: 200, message: '非差评无需整改' },
  INTERNAL: { code: 5000, status: 500, message: '系统内部错误' },
  BUSY: { code: 5030, status: 503, message: '系统繁忙，请稍后重试' },
} as const;

export type ResultName = keyof typeof RESULT_CODES;

/** `scope`: MATTER 事项 / THEME 一件事. */
export type WireScope = 'MATTER' | 'THEME';
/** `status` of a rectification step, in its only order. */
export const WIRE_RECTIFICATION_STEPS = ['ASSIGNED', 'RECTIFIED', 'REVISITED', 'CLOSED'] as const;
export type WireRectificationStatus = (typeof WIRE_RECTIFICATION_STEPS)[number];

export interface WireEnvelope {
  code: number;
  message: string;
  data?: unknown;
}

/** `applicant.type` 1 自然人 / 2 法人; name and number masked (`张*`, 4 + `*` + 4). */
export interface WireApplicant {
  name: string;
  idNumber: string;
  type: number;
}

export interface WirePushRequest {
  projectNo: string;
  serviceCode: string;
  scope: WireScope;
  deptCode: string;
  applicant: WireApplicant;
  /** pc, app, window, self-service, hotline. */
  channel: string;
  level: number;
  indicators: string[];
  comment: string;
  /** `YYYY-MM-DDTHH:mm:ss+08:00`. */
  evaluatedAt: string;
}

export interface WirePushResult {
  evaluationId: string;
  receivedAt: string;
}

export interface WireRectificationRequest {
  status: WireRectificationStatus;
  handler: string;
  note: string;
  at: string;
}

export interface WireRectification extends WireRectificationRequest {
  recordedAt: string;
}

export interface WireEvaluation extends WirePushRequest {
  evaluationId: string;
  receivedAt: string;
  /** Display fields of the province (not read). */
  serviceName?: string;
  levelName?: string;
  rectifications: WireRectification[];
}

export interface WireEvaluationList {
  projectNo: string;
  total: number;
  records: WireEvaluation[];
}

/** Duplicate (4091): the first evaluation's id. */
export type WireDuplicate = WirePushResult;

const text = { type: 'string' } as const;
const nonEmpty = { type: 'string', minLength: 1 } as const;
/** Times are China time with an explicit offset. */
const chinaTime = { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,3})?\\+08:00$' } as const;

const envelopeSchema = {
  type: 'object', required: ['code', 'message'],
  properties: { code: { type: 'integer' }, message: text },
} as const;

const pushResultSchema = {
  type: 'object', required: ['evaluationId', 'receivedAt'],
  properties: { evaluationId: nonEmpty, receivedAt: chinaTime },
} as const;

const rectificationSchema = {
  type: 'object', required: ['status', 'handler', 'note', 'at', 'recordedAt'],
  properties: { status: { enum: WIRE_RECTIFICATION_STEPS }, handler: text, note: text, at: chinaTime, recordedAt: chinaTime },
} as const;

const evaluationSchema = {
  type: 'object',
  required: ['evaluationId', 'receivedAt', 'projectNo', 'serviceCode', 'scope', 'deptCode', 'applicant', 'channel', 'level', 'indicators', 'comment', 'evaluatedAt', 'rectifications'],
  properties: {
    evaluationId: nonEmpty, receivedAt: chinaTime, projectNo: nonEmpty, serviceCode: nonEmpty, scope: { enum: ['MATTER', 'THEME'] }, deptCode: nonEmpty,
    applicant: { type: 'object', required: ['name', 'idNumber', 'type'], properties: { name: nonEmpty, idNumber: nonEmpty, type: { type: 'integer' } } },
    channel: nonEmpty, level: { type: 'integer', minimum: 1, maximum: 5 }, indicators: { type: 'array', items: nonEmpty },
    comment: text, evaluatedAt: chinaTime, rectifications: { type: 'array', items: rectificationSchema },
  },
} as const;

const listSchema = {
  type: 'object', required: ['projectNo', 'total', 'records'],
  properties: { projectNo: nonEmpty, total: { type: 'integer', minimum: 0 }, records: { type: 'array', items: evaluationSchema } },
} as const;

const ajv = new Ajv({ allErrors: false, strict: true });

export const validateEnvelope: ValidateFunction<WireEnvelope> = ajv.compile<WireEnvelope>(envelopeSchema);
export const validatePushResult: ValidateFunction<WirePushResult> = ajv.compile<WirePushResult>(pushResultSchema);
export const validateEvaluation: ValidateFunction<WireEvaluation> = ajv.compile<WireEvaluation>(evaluationSchema);
export const validateEvaluationList: ValidateFunction<WireEvaluationList> = ajv.compile<WireEvaluationList>(listSchema);

/** First schema error as `<JSON Pointer>: <message>`, the pointer prefixed with `prefix` (e.g. `/data`). */
export function describeSchemaError(errors: readonly ErrorObject[] | null | undefined, prefix = ''): string {
  const first = errors?.[0];
  return `${`${prefix}${first?.instancePath ?? ''}` || '/'}: ${first?.message ?? 'is invalid'}`;
}
