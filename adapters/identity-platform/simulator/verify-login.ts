/**
 * Checks the login form of `POST /oauth2/authorize`: the fields, the level
 * asked for, the person's real name, the enterprise, and the credential of
 * the chosen method. What passes becomes the identity claims.
 */
import { validateCreditCode, validateIdNumber } from '../../../src/domain/identifiers/index.js';
import { ERROR_CODES, isLoginMethod, type IdentityError, levelRank, METHODS, type IdentityClaims, type Level, type LoginMethod, type SubjectType } from '../identity-platform-api.js';
import { subjectOf } from './id-token.js';
import type { IdentityRegistry, RegisteredPerson } from './registry.js';
import type { SmsCodes } from './sms-codes.js';

/** The credentials the simulated devices produce: a liveness ticket, an e-social-security-card pass, an e-business-licence pass. */
export const SIMULATED_CREDENTIALS = Object.freeze({ face: 'live-pass', esscard: 'card-pass', ebl: 'ebl-pass' });

export interface LoginContext {
  readonly registry: IdentityRegistry;
  readonly smsCodes: SmsCodes;
  readonly subjectSecret: string;
  readonly minimumLevel: Level | undefined;
  /** Unix ms. */
  readonly now: number;
}

export type LoginOutcome =
  | { ok: true; identity: IdentityClaims }
  | { ok: false; failure: IdentityError; description: string };

export function verifyLogin(form: Readonly<Record<string, string | undefined>>, context: LoginContext): LoginOutcome {
  const fail = (failure: IdentityError, description: string): LoginOutcome => ({ ok: false, failure, description });
  const invalid = (description: string) => fail(ERROR_CODES.invalidLoginForm, description);

  const subjectType = form['subject_type'] ?? 'natural';
  if (subjectType !== 'natural' && subjectType !== 'legal') return invalid(`subject_type "${subjectType}" 应为natural或legal`);
  const method = form['method'];
  if (!isLoginMethod(method)) return invalid(`method "${method ?? ''}" 应为 ${Object.keys(METHODS).join('、')} 之一`);
  if (METHODS[method].legalOnly && subjectType !== 'legal') return invalid(`认证方式${method}仅限法人登录`);
  const idNumber = form['id_number'] ?? '';
  const idCheck = validateIdNumber(idNumber, { today: new Date(context.now) });
  if (!idCheck.ok) return invalid(`id_number: ${idCheck.reason}`);
  const name = (form['name'] ?? '').trim();
  if (name === '') return invalid('name: 姓名不能为空');
  const credential = form['credential'] ?? '';
  if (credential === '') return invalid('credential: 凭证不能为空');
  const creditCode = form['credit_code'];
  if (subjectType === 'legal') {
    const codeCheck = validateCreditCode(creditCode);
    if (!codeCheck.ok) return invalid(`credit_code: ${codeCheck.reason}`);
  }

  const level = METHODS[method].acr;
  if (context.minimumLevel !== undefined && levelRank(level) < levelRank(context.minimumLevel)) {
    return fail(ERROR_CODES.levelTooLow, `认证方式${METHODS[method].label}仅达到${level}，应用要求${context.minimumLevel}`);
  }

  const person = context.registry.person(idNumber);
  if (person === undefined || person.deceased) return fail(ERROR_CODES.unknownPerson, '人口库中无此公民身份号码');
  if (person.name !== name) return fail(ERROR_CODES.nameMismatch, '实名核验未通过：姓名与公民身份号码不一致');

  let organisation: Pick<IdentityClaims, 'credit_code' | 'org_name' | 'org_role'> = {};
  if (subjectType === 'legal') {
    const enterprise = context.registry.enterprise(creditCode!);
    if (enterprise === undefined) return fail(ERROR_CODES.unknownEnterprise, '未找到该统一社会信用代码的登记主体');
    if (enterprise.deregistered) return fail(ERROR_CODES.enterpriseDeregistered, '该主体已注销');
    organisation = {
      credit_code: enterprise.creditCode,
      org_name: enterprise.name,
      org_role: enterprise.legalRepresentativeIdNumber === idNumber ? 'legalRepresentative' : 'agent',
    };
  }

  const refused = checkCredential(method, credential, person, context.smsCodes);
  if (refused !== undefined) return refused;

  return {
    ok: true,
    identity: {
      sub: subjectOf(context.subjectSecret, idNumber, subjectType === 'legal' ? creditCode : undefined),
      acr: level,
      amr: [METHODS[method].amr],
      auth_time: Math.floor(context.now / 1000),
      subject_type: subjectType as SubjectType,
      id_number: idNumber,
      name: person.name,
      ...organisation,
    },
  };
}

function checkCredential(method: LoginMethod, credential: string, person: RegisteredPerson, smsCodes: SmsCodes): LoginOutcome | undefined {
  switch (method) {
    case 'face':
      return credential === SIMULATED_CREDENTIALS.face ? undefined : { ok: false, failure: ERROR_CODES.faceFailed, description: '人脸比对未通过' };
    case 'esscard':
      return credential === SIMULATED_CREDENTIALS.esscard ? undefined : { ok: false, failure: ERROR_CODES.esscardFailed, description: '电子社保卡核验未通过' };
    case 'ebl':
      return credential === SIMULATED_CREDENTIALS.ebl ? undefined : { ok: false, failure: ERROR_CODES.eblFailed, description: '电子营业执照核验未通过' };
    case 'sms':
      return smsCodes.check(person.idNumber, credential) ? undefined : { ok: false, failure: ERROR_CODES.smsCodeWrong, description: '短信验证码错误或已过期' };
    case 'password':
      return credential === person.password ? undefined : { ok: false, failure: ERROR_CODES.passwordWrong, description: '密码错误' };
  }
}
