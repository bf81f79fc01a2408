/**
 * The library's issuance operations (签发, 注销/吊销) as pure handlers over
 * the simulator's records: an issuer (an account allowed the type) hands in
 * signed metadata, surface data and the sealed file; the library checks the
 * type (200), the issuer, the holder (201), the data signature (202) and the
 * business number (203), assigns the GB/T 36904 identifier and from then on
 * serves the licence like any other — re-signed with the issuer's key it
 * hosts, since the signature it received could not cover the identifier.
 */
import { createHash, X509Certificate } from 'node:crypto';
import { makeLicenceIdentifier, validateCreditCode, validateIdNumber } from '../../../src/domain/identifiers/index.js';
import { LICENCE_TYPES, type LicenceTypeKey } from '../../../src/domain/licence-library.js';
import { ISSUERS, LICENCE_FIELDS, type IssuerKey, type LicenceRecord, type LicenceStatusCode, type Population } from '../../common/population/index.js';
import { signedContent, verifyLicenceData } from '../data-signature.js';
import { HOLDER_TYPE_CODES, STATUS } from '../licence-library-api.js';
import type { SimulatorAccount } from './access-control.js';
import { mayRead } from './access-control.js';
import type { DataOperations, Outcome } from './data-operations.js';
import type { LicenceFiles } from './licence-files.js';

const fail = (status: number, message: string): Outcome => ({ status, message });
const text = (value: unknown): value is string => typeof value === 'string' && value.trim() !== '';
const COMPACT_DATE = /^\d{8}$/;
const iso = (compact: string) => `${compact.slice(0, 4)}-${compact.slice(4, 6)}-${compact.slice(6, 8)}`;
/** Surface keys naming the holder, per holder type: they must agree with the holder members. */
const HOLDER_SURFACE = { '111': { code: 'GMSFHM', name: 'XM' }, '001': { code: 'TYSHXYDM', name: 'MC' } } as const;

interface Issued { account: string; digest: string; identifier: string }

export class Issuance {
  private readonly byBusinessNumber = new Map<string, Issued>();
  private readonly issuedBy = new Map<string, string>();
  private readonly namesByCode = new Map<string, string>();
  private serial = 0;

  constructor(population: Population, private readonly operations: DataOperations, private readonly files: LicenceFiles,
    private readonly trustAnchors: () => readonly X509Certificate[], private readonly clock: () => number) {
    for (const person of population.persons) if (person.idNumber) this.namesByCode.set(person.idNumber, person.name);
    for (const enterprise of population.enterprises) this.namesByCode.set(enterprise.creditCode, enterprise.name);
  }

  /** Licences issued through the API so far. */
  get count(): number {
    return this.issuedBy.size;
  }

  /** `{businessNumber, certificate: {metadata…, data_signature…}, fileBase64}` → `{certificateIdentifier, duplicate}`. */
  issue(account: SimulatorAccount, data: Record<string, unknown>): Outcome {
    const businessNumber = data['businessNumber'];
    if (!text(businessNumber) || businessNumber.length > 64) return fail(STATUS.invalidParameters, 'businessNumber不能为空且不超过64位');
    const certificate = data['certificate'];
    if (certificate === null || typeof certificate !== 'object' || Array.isArray(certificate)) return fail(STATUS.invalidParameters, 'certificate不能为空');
    const metadata = certificate as Record<string, unknown>;
    const file = typeof data['fileBase64'] === 'string' ? Buffer.from(data['fileBase64'], 'base64') : Buffer.alloc(0);
    if (file.subarray(0, 5).toString('latin1') !== '%PDF-') return fail(STATUS.invalidParameters, 'fileBase64须为PDF版式文件');
    const typeKey = (Object.keys(LICENCE_TYPES) as LicenceTypeKey[]).find((key) => LICENCE_TYPES[key].code === metadata['certificate_type_name_code']);
    if (!typeKey) return fail(STATUS.unknownLicenceType, `证照类型不存在：${String(metadata['certificate_type_name_code'])}`);
    const type = LICENCE_TYPES[typeKey];
    if (!mayRead(account, type.code)) return fail(STATUS.noPermission, '无权限签发该类型证照');
    const issuerKey = (Object.keys(ISSUERS) as IssuerKey[]).find((key) => ISSUERS[key].creditCode === metadata['certificate_issuing_authority_code']);
    if (!issuerKey || ISSUERS[issuerKey].name !== metadata['certificate_issuing_authority_name']) return fail(STATUS.noPermission, '发证机构未在证照库登记');
    const malformed = this.malformed(metadata, typeKey);
    const surface = malformed === undefined ? JSON.parse(metadata['extend_info'] as string) as Record<string, string> : {};
    // Who the licence is for is judged first: a surface of another type's fields is most often a licence for another kind of holder.
    const holderProblem = this.holderProblem(metadata, typeKey, surface);
    if (holderProblem) return fail(holderProblem.status, holderProblem.message);
    if (malformed) return fail(STATUS.invalidParameters, malformed);
    const signature = verifyLicenceData(metadata, this.trustAnchors(), new Date(this.clock()));
    if (!signature.ok) return fail(STATUS.badDataSignature, `数据签名验证失败：${signature.problem}`);

    const digest = createHash('sha256').update(signedContent(metadata)).update(file).digest('hex');
    const key = `${metadata['certificate_issuing_authority_code'] as string}|${businessNumber}`;
    const earlier = this.byBusinessNumber.get(key);
    if (earlier) {
      if (earlier.digest !== digest) return fail(STATUS.duplicateBusinessNumber, `业务编号${businessNumber}已签发且内容不一致`);
      return { status: STATUS.ok, data: { certificateIdentifier: earlier.identifier, duplicate: true } };
    }
    this.serial += 1;
    const identifier = makeLicenceIdentifier({
      typeCode: type.code, issuerCreditCode: ISSUERS[issuerKey].creditCode, serial: `QZ${String(this.clock()).slice(-6)}${String(this.serial).padStart(6, '0')}`, version: 1,
    });
    const holderCode = metadata['certificate_holder_code'] as string;
    const end = metadata['certificate_validate_end'] as string;
    const record: LicenceRecord = {
      identifier, type: typeKey, number: metadata['certificate_number'] as string, version: '001', issuer: issuerKey,
      issuedOn: iso(metadata['certificate_issuing_authority_date'] as string), validFrom: iso(metadata['certificate_validate_start'] as string),
      validUntil: end === '长期' ? null : iso(end),
      holder: { name: metadata['certificate_holder_name'] as string, code: holderCode, type: metadata['certificate_holder_type'] as '111' | '001' },
      surface, status: '01', holderKey: `issued:${holderCode}`,
    };
    this.operations.add(record);
    this.files.put(identifier, file);
    this.byBusinessNumber.set(key, { account: account.accessId, digest, identifier });
    this.issuedBy.set(identifier, account.accessId);
    return { status: STATUS.ok, data: { certificateIdentifier: identifier, duplicate: false } };
  }

  /** `{certificateIdentifier, revokeType: 03|04, reason}` → `{certificateIdentifier, status}`; only the account that issued it may. */
  revoke(account: SimulatorAccount, data: Record<string, unknown>): Outcome {
    if (!text(data['certificateIdentifier'])) return fail(STATUS.invalidParameters, 'certificateIdentifier不能为空');
    const revokeType = data['revokeType'];
    if (revokeType !== '03' && revokeType !== '04') return fail(STATUS.invalidParameters, 'revokeType须为03（吊销）或04（注销）');
    if (!text(data['reason']) || [...data['reason']].length > 200) return fail(STATUS.invalidParameters, 'reason不能为空且不超过200字');
    const licence = this.operations.licence(data['certificateIdentifier']);
    if (!licence) return fail(STATUS.noMatchingLicence, '未查询到匹配的证照');
    if (this.issuedBy.get(licence.identifier) !== account.accessId) return fail(STATUS.noPermission, '无权限注销该证照（非本机构签发）');
    licence.status = revokeType as LicenceStatusCode;
    return { status: STATUS.ok, data: { certificateIdentifier: licence.identifier, status: licence.status } };
  }

  private malformed(metadata: Record<string, unknown>, typeKey: LicenceTypeKey): string | undefined {
    for (const member of ['certificate_number', 'certificate_holder_name', 'certificate_holder_code', 'certificate_area_code', 'extend_info']) {
      if (!text(metadata[member])) return `${member}不能为空`;
    }
    for (const member of ['certificate_issuing_authority_date', 'certificate_validate_start']) {
      if (typeof metadata[member] !== 'string' || !COMPACT_DATE.test(metadata[member])) return `${member}须为YYYYMMDD`;
    }
    const end = metadata['certificate_validate_end'];
    if (end !== '长期' && (typeof end !== 'string' || !COMPACT_DATE.test(end))) return 'certificate_validate_end须为YYYYMMDD或长期';
    let surface: unknown;
    try {
      surface = JSON.parse(metadata['extend_info'] as string);
    } catch {
      return 'extend_info不是合法的JSON';
    }
    if (surface === null || typeof surface !== 'object' || Array.isArray(surface)) return 'extend_info须为照面信息对象';
    const fields = LICENCE_FIELDS[typeKey];
    const known = new Set(fields.map((field) => field.key));
    const values = surface as Record<string, unknown>;
    const unknown = Object.keys(values).find((key) => !known.has(key));
    if (unknown) return `照面信息项${unknown}不属于该证照类型`;
    const notText = Object.keys(values).find((key) => typeof values[key] !== 'string');
    if (notText) return `照面信息项${notText}须为字符串`;
    const missing = fields.filter((field) => field.required && !text(values[field.key])).map((field) => field.key);
    return missing.length > 0 ? `缺少必填照面信息项：${missing.join(',')}` : undefined;
  }

  private holderProblem(metadata: Record<string, unknown>, typeKey: LicenceTypeKey, surface: Record<string, string>): { status: number; message: string } | undefined {
    const holderType = metadata['certificate_holder_type'];
    const expected = HOLDER_TYPE_CODES[LICENCE_TYPES[typeKey].holderType];
    if (holderType !== HOLDER_TYPE_CODES.citizen && holderType !== HOLDER_TYPE_CODES.organization) return { status: STATUS.invalidHolderType, message: `持证主体代码类型不合法：${String(holderType)}` };
    const code = String(metadata['certificate_holder_code'] ?? '');
    const name = String(metadata['certificate_holder_name'] ?? '');
    const mismatch = (why: string) => ({ status: STATUS.holderMismatch, message: `持证主体不一致：${why}` });
    if (holderType !== expected) return mismatch(`${LICENCE_TYPES[typeKey].name}的持证主体类型为${expected}`);
    const valid = holderType === HOLDER_TYPE_CODES.citizen ? validateIdNumber(code) : validateCreditCode(code);
    if (!valid.ok) return mismatch(`持证主体代码${code}无效`);
    const known = this.namesByCode.get(code);
    if (known !== undefined && known !== name) return mismatch(`${code}登记的名称不是${name}`);
    const keys = HOLDER_SURFACE[holderType];
    if (surface[keys.code] !== undefined && surface[keys.code] !== code) return mismatch(`照面信息${keys.code}与持证主体代码不符`);
    if (surface[keys.name] !== undefined && surface[keys.name] !== name) return mismatch(`照面信息${keys.name}与持证主体名称不符`);
    return undefined;
  }
}
