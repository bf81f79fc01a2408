/**
 * Wire protocol of the provincial matter system (省事项系统), as the
 * simulator speaks it and the adapter reads it. Every answer is an envelope
 * `{code, msg, data}`; `code` 0 is success. Lists are paged:
 * `data = {pageNo, pageSize, total, records}`.
 *
 * The schemas list only the fields the adapter reads; extra fields are
 * allowed (the upstream adds fields without notice).
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';

/** Path prefix of the catalogue API (事项管理). */
export const API_PREFIX = '/sxgl/v1';
export const THEMES_PATH = `${API_PREFIX}/themes`;
export const MATTERS_PATH = `${API_PREFIX}/matters`;
/** Largest `pageSize` the upstream accepts. */
export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 20;

/** Envelope result codes and the HTTP status each is answered with. */
export const RESULT_CODES = {
  OK: { code: 0, status: 200, msg: 'success' },
  BAD_PARAMETER: { code: 40001, status: 400, msg: '参数错误' },
  MISSING_CREDENTIALS: { code: 40100, status: 401, msg: '缺少认证信息' },
  UNKNOWN_APP_KEY: { code: 40101, status: 401, msg: '应用标识不存在' },
  BAD_SIGNATURE: { code: 40102, status: 401, msg: '签名校验失败' },
  TIMESTAMP_SKEW: { code: 40103, status: 401, msg: '请求时间戳超出允许范围' },
  NONCE_REUSED: { code: 40104, status: 401, msg: '请求重放' },
  NOT_FOUND: { code: 40401, status: 404, msg: '资源不存在' },
  INTERNAL: { code: 50001, status: 500, msg: '系统内部错误' },
} as const;

export type ResultName = keyof typeof RESULT_CODES;

export interface WireEnvelope {
  code: number;
  msg: string;
  data?: unknown;
}

export interface WirePage<T> {
  pageNo: number;
  pageSize: number;
  total: number;
  records: T[];
}

/** Theme: `serviceObject` '1' 自然人 / '2' 法人; `status` '1' 在用 / '2' 已撤销. */
export interface WireTheme {
  themeCode: string;
  themeName: string;
  seqNo: number;
  serviceObject: string;
  handleAddress: string;
  remark: string;
  status: string;
  matters: { catalogCode: string; taskName?: string; deptName?: string; sort: number }[];
  /** Epoch milliseconds. */
  updateTime: number;
  version: number;
}

/**
 * `materialForm` '1' 原件 / '2' 复印件 / '3' 原件及复印件; `isRequired` '1' / '0'; `licenceName` '' when none.
 * The province's flags (absent from older records, meaning not allowed): `isTolerant` '1' 容缺 allowed,
 * `tolerantDays` its period (working days after acceptance); `isPromise` '1' 告知承诺 allowed, `promiseContent`
 * the commitment text.
 */
export interface WireMaterial {
  materialCode: string;
  materialName: string;
  materialForm: string;
  isRequired: string;
  licenceName: string;
  isTolerant?: string;
  tolerantDays?: number;
  isPromise?: string;
  promiseContent?: string;
}

/** `fieldType`: text, date, select, number, mobile, idcard, uscc. */
export interface WireFormField {
  fieldCode: string;
  fieldName: string;
  fieldType: string;
  isRequired: string;
  options?: { value: string; label: string }[];
}

/**
 * 收费项目 of a matter (absent from free matters and older records): `chargeCode` the 执收项目 code,
 * `chargeAmount` in 分, `chargeStage` '1' 受理前缴费 (before acceptance) or '2' 出证前缴费 (before results).
 */
export interface WireChargeItem {
  chargeCode: string;
  chargeName: string;
  chargeAmount: number;
  chargeStage: string;
}

/** Matter: `catalogCode` 基本编码, `taskCode` 实施编码, `taskType` 事项类型, `useLevel` 行使层级; limits in working days. */
export interface WireMatter {
  catalogCode: string;
  taskCode: string;
  taskName: string;
  taskType: string;
  deptName: string;
  deptCode: string;
  useLevel: string;
  legalTimeLimit: number;
  promiseTimeLimit: number;
  remark: string;
  materials: WireMaterial[];
  formFields: WireFormField[];
  chargeItems?: WireChargeItem[];
  updateTime: number;
  version: number;
}

const nonEmpty = { type: 'string', minLength: 1 } as const;
const counter = { type: 'integer', minimum: 0 } as const;
const flag = { enum: ['0', '1'] } as const;

const envelopeSchema = {
  type: 'object', required: ['code', 'msg'],
  properties: { code: { type: 'integer' }, msg: { type: 'string' } },
} as const;

const themeSchema = {
  type: 'object',
  required: ['themeCode', 'themeName', 'seqNo', 'serviceObject', 'handleAddress', 'remark', 'status', 'matters', 'updateTime', 'version'],
  properties: {
    themeCode: nonEmpty, themeName: nonEmpty, seqNo: { type: 'integer', minimum: 1 },
    serviceObject: { type: 'string' }, handleAddress: { type: 'string' }, remark: { type: 'string' }, status: { type: 'string' },
    matters: {
      type: 'array',
      items: { type: 'object', required: ['catalogCode', 'sort'], properties: { catalogCode: nonEmpty, sort: { type: 'integer' } } },
    },
    updateTime: counter, version: { type: 'integer', minimum: 1 },
  },
} as const;

const matterSchema = {
  type: 'object',
  required: ['catalogCode', 'taskCode', 'taskName', 'taskType', 'deptName', 'deptCode', 'useLevel', 'legalTimeLimit', 'promiseTimeLimit', 'remark', 'materials', 'formFields', 'updateTime', 'version'],
  properties: {
    catalogCode: nonEmpty, taskCode: nonEmpty, taskName: nonEmpty, taskType: nonEmpty, deptName: nonEmpty, deptCode: nonEmpty,
    useLevel: { enum: ['1', '2', '3', '4'] },
    legalTimeLimit: counter, promiseTimeLimit: counter, remark: { type: 'string' },
    materials: {
      type: 'array',
      items: {
        type: 'object', required: ['materialCode', 'materialName', 'materialForm', 'isRequired', 'licenceName'],
        properties: {
          materialCode: nonEmpty, materialName: nonEmpty, materialForm: { type: 'string' }, isRequired: flag, licenceName: { type: 'string' },
          isTolerant: flag, tolerantDays: counter, isPromise: flag, promiseContent: { type: 'string' },
        },
      },
    },
    chargeItems: {
      type: 'array',
      items: {
        type: 'object', required: ['chargeCode', 'chargeName', 'chargeAmount', 'chargeStage'],
        properties: { chargeCode: nonEmpty, chargeName: nonEmpty, chargeAmount: { type: 'integer', minimum: 1 }, chargeStage: { type: 'string' } },
      },
    },
    formFields: {
      type: 'array',
      items: {
        type: 'object', required: ['fieldCode', 'fieldName', 'fieldType', 'isRequired'],
        properties: {
          fieldCode: nonEmpty, fieldName: nonEmpty, fieldType: { type: 'string' }, isRequired: flag,
          options: { type: 'array', items: { type: 'object', required: ['value', 'label'], properties: { value: { type: 'string' }, label: { type: 'string' } } } },
        },
      },
    },
    updateTime: counter, version: { type: 'integer', minimum: 1 },
  },
} as const;

function pageSchema(records: object) {
  return {
    type: 'object', required: ['pageNo', 'pageSize', 'total', 'records'],
    properties: { pageNo: { type: 'integer', minimum: 1 }, pageSize: { type: 'integer', minimum: 1 }, total: counter, records: { type: 'array', items: records } },
  };
}

const ajv = new Ajv({ allErrors: false, strict: true });

export const validateEnvelope: ValidateFunction<WireEnvelope> = ajv.compile<WireEnvelope>(envelopeSchema);
export const validateThemePage: ValidateFunction<WirePage<WireTheme>> = ajv.compile<WirePage<WireTheme>>(pageSchema(themeSchema));
export const validateMatterPage: ValidateFunction<WirePage<WireMatter>> = ajv.compile<WirePage<WireMatter>>(pageSchema(matterSchema));
export const validateTheme: ValidateFunction<WireTheme> = ajv.compile<WireTheme>(themeSchema);
export const validateMatter: ValidateFunction<WireMatter> = ajv.compile<WireMatter>(matterSchema);

export { describeSchemaError } from '../common/schema-errors.js';
