/**
 * Wire contract of the provincial licence sharing API (Shandong style,
 * docs/domain.md#electronic-licences-电子证照): every call is `POST` JSON `{accessId, accessToken, data}`,
 * every answer `{head: {status, message}, data}` with HTTP 200 — business
 * errors live in `head.status`. Only the fields the adapter reads are in the
 * schemas; extra members are allowed (and kept, for the data signature).
 */
import { Ajv, type ValidateFunction } from 'ajv';

/** Paths, relative to the library's base URL. */
export const PATHS = {
  token: '/license/api/token/get',
  queryByHolder: '/license/api/cert/queryByHolder',
  queryByIdentifier: '/license/api/cert/queryByIdentifier',
  verifyCertInfo: '/license/api/cert/verifyCertInfo',
  getCertRemarkInfo: '/license/api/cert/getCertRemarkInfo',
  getFileUrl: '/license/api/cert/getFileUrl',
  /** 签发: an issuer hands in a licence; the library assigns its identifier (issue-licence.ts). */
  issue: '/license/api/cert/issue',
  /** 注销/吊销: an issuer withdraws a licence it issued. */
  revoke: '/license/api/cert/revoke',
  /** `GET <prefix>/<token>`: the temporary file URL the library hands out (one random token, valid ~600 s). */
  filePrefix: '/license/file',
} as const;

/**
 * `head.status` values. 0, 10, 11, 99, 100 and 103 are the published ones;
 * 12, 101 and 102 are this library's own (documented in README.md).
 */
export const STATUS = {
  ok: 0,
  /** 未查询到匹配的证照 */
  noMatchingLicence: 10,
  /** 认证失败: unknown accessId, bad token-request signature, unknown token. */
  authenticationFailed: 11,
  /** accessToken 已过期: fetch a new token and repeat the call. */
  tokenExpired: 12,
  /** 其他错误 (system error). */
  other: 99,
  /** 无权限访问该证照: the account is not allowed this licence type. */
  noPermission: 100,
  /** 用证事由 useCause 缺失或超过 200 字. */
  useCauseInvalid: 101,
  /** 请求参数缺失或格式错误. */
  invalidParameters: 102,
  /** 持证主体代码类型不合法. */
  invalidHolderType: 103,
  /** 证照类型不存在 (issuance): the type code is not in the library's catalogue. */
  unknownLicenceType: 200,
  /** 持证主体不一致 (issuance): the holder is not who the surface data or the library's records say. */
  holderMismatch: 201,
  /** 数据签名验证失败 (issuance): the issuer's data signature does not verify or its certificate does not name the issuer. */
  badDataSignature: 202,
  /** 业务编号重复且内容不一致 (issuance): the business number was issued before with other content. */
  duplicateBusinessNumber: 203,
} as const;

/** Wire holder type codes: `111` 公民身份号码, `001` 统一社会信用代码. */
export const HOLDER_TYPE_CODES = { citizen: '111', organization: '001' } as const;

/** Token request: `{accessId, data: {timestamp, sign}}`, sign = hex HMAC-SHA256(secret, accessId + timestamp). */
export interface TokenRequestData {
  /** Unix milliseconds as a string; must be within the library's allowed skew (300 s). */
  timestamp: string;
  sign: string;
}

export interface Envelope<T = unknown> {
  head: { status: number; message?: string };
  data?: T;
}

export interface TokenData { accessToken: string; expiresIn: number }

/** Licence metadata as the library sends it (snake_case, docs/domain.md#electronic-licences-电子证照). */
export interface WireLicence {
  certificate_identifier: string;
  certificate_type_name: string;
  certificate_type_name_code: string;
  certificate_number: string;
  certificate_issuing_authority_name: string;
  certificate_issuing_authority_code: string;
  /** YYYYMMDD */
  certificate_issuing_authority_date: string;
  certificate_validate_start: string;
  /** YYYYMMDD or `长期`. */
  certificate_validate_end: string;
  certificate_area_code: string;
  certificate_holder_name: string;
  certificate_holder_code: string;
  certificate_holder_type: string;
  /** Surface data: a JSON string (as most libraries send it) or an object. */
  extend_info: string | Record<string, unknown>;
  status: string;
  data_signature?: string;
  data_signature_algorithm?: string;
  data_signature_certificate?: string;
  [member: string]: unknown;
}

export interface HolderQueryData { total: number; list: WireLicence[] }
export interface VerifyCertInfoData { verifyResult: boolean; items: { name: string; match: boolean }[] }
export interface RemarkInfoData {
  certificate_type_name_code: string;
  certificate_type_name: string;
  remark: { name: string; label: string; type: string; required: boolean }[];
}
export interface FileUrlData { fileUrl: string; expiresIn: number; fileType: string }

const ajv = new Ajv({ allErrors: false, strict: true, allowUnionTypes: true });

const envelopeSchema = {
  type: 'object',
  required: ['head'],
  properties: {
    head: { type: 'object', required: ['status'], properties: { status: { type: 'integer' }, message: { type: 'string' } } },
    data: {},
  },
};

const text = { type: 'string' } as const;
const licenceSchema = {
  type: 'object',
  required: [
    'certificate_identifier', 'certificate_type_name', 'certificate_type_name_code', 'certificate_number',
    'certificate_issuing_authority_name', 'certificate_issuing_authority_code', 'certificate_issuing_authority_date',
    'certificate_validate_start', 'certificate_validate_end', 'certificate_area_code', 'certificate_holder_name',
    'certificate_holder_code', 'certificate_holder_type', 'extend_info', 'status',
  ],
  properties: {
    certificate_identifier: text, certificate_type_name: text, certificate_type_name_code: text, certificate_number: text,
    certificate_issuing_authority_name: text, certificate_issuing_authority_code: text,
    certificate_issuing_authority_date: { type: 'string', pattern: '^\\d{8}$' },
    certificate_validate_start: { type: 'string', pattern: '^\\d{8}$' },
    certificate_validate_end: text, certificate_area_code: text, certificate_holder_name: text, certificate_holder_code: text,
    certificate_holder_type: text, extend_info: { type: ['string', 'object'] }, status: text,
    data_signature: text, data_signature_algorithm: text, data_signature_certificate: text,
  },
};

export const validateEnvelope: ValidateFunction<Envelope> = ajv.compile<Envelope>(envelopeSchema);
export const validateTokenData: ValidateFunction<TokenData> = ajv.compile<TokenData>({
  type: 'object', required: ['accessToken', 'expiresIn'],
  properties: { accessToken: { type: 'string', minLength: 1 }, expiresIn: { type: 'number', minimum: 0 } },
});
export const validateLicence: ValidateFunction<WireLicence> = ajv.compile<WireLicence>(licenceSchema);
export const validateHolderQueryData: ValidateFunction<HolderQueryData> = ajv.compile<HolderQueryData>({
  type: 'object', required: ['list'], properties: { total: { type: 'integer' }, list: { type: 'array', items: licenceSchema } },
});
export const validateVerifyCertInfoData: ValidateFunction<VerifyCertInfoData> = ajv.compile<VerifyCertInfoData>({
  type: 'object', required: ['verifyResult', 'items'],
  properties: {
    verifyResult: { type: 'boolean' },
    items: { type: 'array', items: { type: 'object', required: ['name', 'match'], properties: { name: text, match: { type: 'boolean' } } } },
  },
});
export const validateRemarkInfoData: ValidateFunction<RemarkInfoData> = ajv.compile<RemarkInfoData>({
  type: 'object', required: ['certificate_type_name_code', 'certificate_type_name', 'remark'],
  properties: {
    certificate_type_name_code: text, certificate_type_name: text,
    remark: {
      type: 'array',
      items: {
        type: 'object', required: ['name', 'label', 'type', 'required'],
        properties: { name: text, label: text, type: { enum: ['string', 'date', 'number'] }, required: { type: 'boolean' } },
      },
    },
  },
});
export const validateFileUrlData: ValidateFunction<FileUrlData> = ajv.compile<FileUrlData>({
  type: 'object', required: ['fileUrl', 'expiresIn'],
  properties: { fileUrl: { type: 'string', minLength: 1 }, expiresIn: { type: 'number' }, fileType: text },
});

/** Issuance answer: the identifier the library assigned. */
export interface IssueData { certificateIdentifier: string; duplicate: boolean }
/** Revocation answer. */
export interface RevokeData { certificateIdentifier: string; status: string }

export const validateIssueData: ValidateFunction<IssueData> = ajv.compile<IssueData>({
  type: 'object', required: ['certificateIdentifier', 'duplicate'],
  properties: { certificateIdentifier: { type: 'string', minLength: 1 }, duplicate: { type: 'boolean' } },
});
export const validateRevokeData: ValidateFunction<RevokeData> = ajv.compile<RevokeData>({
  type: 'object', required: ['certificateIdentifier', 'status'],
  properties: { certificateIdentifier: { type: 'string', minLength: 1 }, status: { type: 'string' } },
});
