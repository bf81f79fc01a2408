/**
 * Wire format of the seal platform (only the fields Tongban reads), as ajv
 * schemas. Every answer is `{code, msg, data}`; `code` 0 is success.
 *
 * Endpoints (all authenticated, see request-signing.ts):
 * - `GET  /api/v1/seals?deptCode=…`      → `{deptCode, seals: WireSeal[]}`
 * - `POST /api/v1/seal/pdf`              `{deptCode, sealId?, fileName, fileData, page, posX, posY, reason}` → WireSealResult
 * - `POST /api/v1/verify/pdf`            `{fileData}` → WireVerification (code 0 valid, 40001 not valid)
 * - `GET  /api/v1/ca/certificates`       → `{certificates: string[]}` (PEM)
 * `fileData` is base64; positions are PDF points from the page's bottom-left, page 1-based.
 */
import { Ajv, type ValidateFunction } from 'ajv';

export const PATHS = {
  seals: '/api/v1/seals',
  sealPdf: '/api/v1/seal/pdf',
  verifyPdf: '/api/v1/verify/pdf',
  caCertificates: '/api/v1/ca/certificates',
} as const;

/** The platform's result codes. */
export const RESULT_CODES = {
  ok: 0,
  unknownApp: 10001,
  badSignature: 10002,
  timestampSkew: 10003,
  nonceReused: 10004,
  badParameters: 10005,
  unknownEndpoint: 10006,
  unknownSeal: 20001,
  sealRevoked: 20002,
  sealExpired: 20003,
  unknownDepartment: 20004,
  noUsableSeal: 20005,
  notPdf: 30001,
  documentTooLarge: 30002,
  badPosition: 30003,
  alreadySigned: 30004,
  verificationFailed: 40001,
  internalError: 50000,
  busy: 50001,
} as const;

export interface WireEnvelope {
  code: number;
  msg: string;
  data?: unknown;
}

export interface WireSeal {
  sealId: string;
  sealName: string;
  /** 01 法定名称章 … see map-seal.ts. */
  sealType: string;
  /** 01 正常, 02 挂起, 03 已撤销, 04 已过期. */
  status: string;
  /** `YYYY-MM-DD HH:mm:ss`, China time. */
  validStart: string;
  validEnd: string;
  picture: { format: 'png'; data: string; widthMm: number; heightMm: number };
  /** PEM. */
  certificate: string;
}

export interface WireSealList {
  deptCode: string;
  seals: WireSeal[];
}

export interface WireSealResult {
  sealId: string;
  sealName: string;
  fileData: string;
  /** `YYYY-MM-DD HH:mm:ss`, China time. */
  signTime: string;
}

export interface WireSignature {
  signerName: string;
  certificate: string;
  signTime?: string;
  integrity: boolean;
  trusted: boolean;
  wholeDocument: boolean;
  reason?: string;
  sealId?: string;
  sealName?: string;
}

export interface WireVerification {
  result: boolean;
  signatures: WireSignature[];
  problems: string[];
}

export interface WireCaCertificates {
  certificates: string[];
}

const dateTime = { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}$' } as const;
const pem = { type: 'string', pattern: '^-----BEGIN CERTIFICATE-----' } as const;
const base64 = { type: 'string', minLength: 4, pattern: '^[A-Za-z0-9+/]+={0,2}$' } as const;

const ajv = new Ajv({ allErrors: true, strict: true });

export const validateEnvelope: ValidateFunction<WireEnvelope> = ajv.compile<WireEnvelope>({
  type: 'object', required: ['code', 'msg'],
  properties: { code: { type: 'integer' }, msg: { type: 'string' }, data: {} },
});

const seal = {
  type: 'object', required: ['sealId', 'sealName', 'sealType', 'status', 'validStart', 'validEnd', 'picture', 'certificate'],
  properties: {
    sealId: { type: 'string', minLength: 1, maxLength: 64 },
    sealName: { type: 'string', minLength: 1, maxLength: 200 },
    sealType: { type: 'string' },
    status: { type: 'string' },
    validStart: dateTime,
    validEnd: dateTime,
    picture: {
      type: 'object', required: ['format', 'data', 'widthMm', 'heightMm'],
      properties: { format: { const: 'png' }, data: base64, widthMm: { type: 'number', exclusiveMinimum: 0 }, heightMm: { type: 'number', exclusiveMinimum: 0 } },
    },
    certificate: pem,
  },
} as const;

export const validateSealList: ValidateFunction<WireSealList> = ajv.compile<WireSealList>({
  type: 'object', required: ['deptCode', 'seals'],
  properties: { deptCode: { type: 'string' }, seals: { type: 'array', items: seal } },
});

export const validateSealResult: ValidateFunction<WireSealResult> = ajv.compile<WireSealResult>({
  type: 'object', required: ['sealId', 'sealName', 'fileData', 'signTime'],
  properties: { sealId: { type: 'string', minLength: 1 }, sealName: { type: 'string', minLength: 1 }, fileData: base64, signTime: dateTime },
});

export const validateVerification: ValidateFunction<WireVerification> = ajv.compile<WireVerification>({
  type: 'object', required: ['result', 'signatures', 'problems'],
  properties: {
    result: { type: 'boolean' },
    problems: { type: 'array', items: { type: 'string' } },
    signatures: {
      type: 'array',
      items: {
        type: 'object', required: ['signerName', 'certificate', 'integrity', 'trusted', 'wholeDocument'],
        properties: {
          signerName: { type: 'string' },
          certificate: { type: 'string' },
          signTime: dateTime,
          integrity: { type: 'boolean' },
          trusted: { type: 'boolean' },
          wholeDocument: { type: 'boolean' },
          reason: { type: 'string' },
          sealId: { type: 'string' },
          sealName: { type: 'string' },
        },
      },
    },
  },
});

export const validateCaCertificates: ValidateFunction<WireCaCertificates> = ajv.compile<WireCaCertificates>({
  type: 'object', required: ['certificates'],
  properties: { certificates: { type: 'array', minItems: 1, items: pem } },
});

/** `YYYY-MM-DD HH:mm:ss` in China time (UTC+8, no daylight saving) ↔ ISO 8601. */
export function toChinaDateTime(instant: Date): string {
  return new Date(instant.getTime() + 8 * 3_600_000).toISOString().slice(0, 19).replace('T', ' ');
}

export function fromChinaDateTime(text: string): string {
  return new Date(`${text.replace(' ', 'T')}+08:00`).toISOString();
}
