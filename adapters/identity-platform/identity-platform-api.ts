/**
 * The wire contract of the provincial unified identity platform (统一身份认证平台),
 * an OpenID Connect provider: paths, assurance levels, login methods, the
 * claims of its ID tokens and its `IDP-xxxx` error codes.
 *
 * Glossary: natural person 自然人, legal person 法人 (an enterprise or
 * organisation, by its 统一社会信用代码), legal representative 法定代表人,
 * agent 经办人, real-name check 实名核验, liveness check 活体检测.
 */

/** Paths below the issuer URL. */
export const PATHS = {
  discovery: '/.well-known/openid-configuration',
  authorize: '/oauth2/authorize',
  token: '/oauth2/token',
  userinfo: '/oauth2/userinfo',
  jwks: '/oauth2/jwks',
  smsCodes: '/oauth2/sms-codes',
} as const;

/** Assurance levels (`acr`), lowest first. */
export const LEVELS = ['L1', 'L2', 'L3'] as const;
export type Level = (typeof LEVELS)[number];

export type SubjectType = 'natural' | 'legal';
export type OrgRole = 'legalRepresentative' | 'agent';

/** Login methods (form field `method`). */
export type LoginMethod = 'face' | 'esscard' | 'sms' | 'password' | 'ebl';

/** What each method proves: the level it reaches, its `amr` value, and who may use it. */
export const METHODS: Readonly<Record<LoginMethod, { readonly acr: Level; readonly amr: string; readonly legalOnly: boolean; readonly label: string }>> = Object.freeze({
  face: { acr: 'L3', amr: 'face', legalOnly: false, label: '人脸识别' },
  esscard: { acr: 'L3', amr: 'esscard', legalOnly: false, label: '电子社保卡' },
  sms: { acr: 'L2', amr: 'sms', legalOnly: false, label: '短信验证码' },
  password: { acr: 'L1', amr: 'pwd', legalOnly: false, label: '账号密码' },
  ebl: { acr: 'L3', amr: 'ebl', legalOnly: true, label: '电子营业执照' },
});

export function isLoginMethod(value: unknown): value is LoginMethod {
  return typeof value === 'string' && Object.hasOwn(METHODS, value);
}

/** 0 for L1 … 2 for L3; -1 for anything else. */
export function levelRank(level: string): number {
  return (LEVELS as readonly string[]).indexOf(level);
}

/** The identity claims, in the ID token and the userinfo answer alike. */
export interface IdentityClaims {
  sub: string;
  acr: Level;
  amr: string[];
  /** Unix seconds. */
  auth_time: number;
  subject_type: SubjectType;
  /** 公民身份号码 of the person who logged in (for `legal`, the one acting for the enterprise). */
  id_number: string;
  name: string;
  /** `legal` only. */
  credit_code?: string;
  org_name?: string;
  org_role?: OrgRole;
}

/** The claims of an ID token: the identity plus the token's own. */
export interface IdTokenClaims extends IdentityClaims {
  iss: string;
  aud: string;
  azp: string;
  exp: number;
  iat: number;
  jti: string;
  nonce?: string;
}

export const SCOPES = ['openid', 'profile', 'idcard', 'enterprise'] as const;

export const CLAIMS_SUPPORTED = [
  'iss', 'sub', 'aud', 'azp', 'exp', 'iat', 'auth_time', 'nonce', 'jti', 'acr', 'amr',
  'subject_type', 'id_number', 'name', 'credit_code', 'org_name', 'org_role',
] as const;

/** The platform's error codes (README.md has the table); `error` is the OAuth error sent with it. */
export const ERROR_CODES = {
  // Authorization endpoint, not redirected (400 page).
  unknownClient: { code: 'IDP-4001', error: 'invalid_client' },
  redirectUriNotRegistered: { code: 'IDP-4002', error: 'invalid_request' },
  // Authorization endpoint, redirected.
  invalidRequest: { code: 'IDP-4003', error: 'invalid_request' },
  unsupportedResponseType: { code: 'IDP-4004', error: 'unsupported_response_type' },
  invalidScope: { code: 'IDP-4005', error: 'invalid_scope' },
  pkceRequired: { code: 'IDP-4006', error: 'invalid_request' },
  invalidLoginForm: { code: 'IDP-4007', error: 'invalid_request' },
  unknownPerson: { code: 'IDP-4010', error: 'access_denied' },
  nameMismatch: { code: 'IDP-4011', error: 'access_denied' },
  faceFailed: { code: 'IDP-4012', error: 'access_denied' },
  smsCodeWrong: { code: 'IDP-4013', error: 'access_denied' },
  passwordWrong: { code: 'IDP-4014', error: 'access_denied' },
  levelTooLow: { code: 'IDP-4015', error: 'access_denied' },
  esscardFailed: { code: 'IDP-4016', error: 'access_denied' },
  eblFailed: { code: 'IDP-4017', error: 'access_denied' },
  unknownEnterprise: { code: 'IDP-4018', error: 'access_denied' },
  enterpriseDeregistered: { code: 'IDP-4019', error: 'access_denied' },
  noMobilePhone: { code: 'IDP-4020', error: 'invalid_request' },
  // Token endpoint.
  invalidClient: { code: 'IDP-4101', error: 'invalid_client' },
  unsupportedGrantType: { code: 'IDP-4102', error: 'unsupported_grant_type' },
  invalidTokenRequest: { code: 'IDP-4103', error: 'invalid_request' },
  codeUnknown: { code: 'IDP-4201', error: 'invalid_grant' },
  codeExpired: { code: 'IDP-4202', error: 'invalid_grant' },
  redirectUriMismatch: { code: 'IDP-4203', error: 'invalid_grant' },
  pkceMismatch: { code: 'IDP-4204', error: 'invalid_grant' },
  // Userinfo endpoint.
  invalidToken: { code: 'IDP-4301', error: 'invalid_token' },
} as const;

/** One entry of {@link ERROR_CODES}. */
export type IdentityError = (typeof ERROR_CODES)[keyof typeof ERROR_CODES];
export type IdentityErrorCode = IdentityError['code'];

/** An OAuth error with the platform's code and a description (Chinese, as the platform writes them). */
export interface OAuthErrorBody {
  error: string;
  error_description: string;
  error_code: IdentityErrorCode;
}
