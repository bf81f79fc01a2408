/**
 * The e-licence library capability (电子证照库): what Tongban asks of the
 * provincial licence sharing system, in Tongban's own terms.
 *
 * Glossary:
 * - licence 电子证照 — an electronic licence or certificate with metadata, surface
 *   data and a sealed file; identified by a GB/T 36904 identifier (电子证照标识).
 * - licence type 证照类型 — e.g. 居民身份证, 营业执照; a 21-character type code
 *   (证照类型代码): credit code of the defining authority + 3-digit sequence.
 * - holder 持证主体 — a citizen (公民身份号码, wire code `111`) or an organisation
 *   (统一社会信用代码, wire code `001`).
 * - issuer 发证机构 — the authority that issued and sealed the licence.
 * - surface data 照面信息 — the fields printed on the licence (wire `extend_info`).
 * - reason for use 用证事由 (`useCause`) — why the licence is consulted; mandatory
 *   on every call that reads a holder's data, at most 200 characters.
 * - data signature 数据签名 — the issuer's signature over the licence data; file
 *   signature 文件签章 — the issuer's seal on the licence's PDF file.
 */

/** Who holds a licence. */
export type LicenceHolderType = 'citizen' | 'organization';

/** Licence status (wire `status` 01…05, 99). */
export type LicenceStatus = 'valid' | 'suspended' | 'revoked' | 'cancelled' | 'expired' | 'other';

/**
 * What the adapter checked on a licence before returning it. A licence whose
 * `passed` is false is returned so callers can show why, but must not be
 * trusted (not used for prefill, not counted as a submitted material).
 */
export interface LicenceVerification {
  /** The identifier's GB/T 36904 check character and embedded credit codes hold, and its type/issuer parts agree with the metadata. */
  readonly identifierCheck: boolean;
  /** The status is `valid` (有效). */
  readonly status: boolean;
  /** The check instant lies within [validFrom, validUntil] (China calendar dates). */
  readonly validity: boolean;
  /** The issuer's data signature verifies with a certificate that chains to a trust anchor and names the issuer. */
  readonly dataSignature: boolean;
  /** The issuer's seal on the PDF file verifies; `undefined` until the file was fetched. */
  readonly fileSignature?: boolean | undefined;
  /** Every check above passed (an unfetched file does not count against it). */
  readonly passed: boolean;
  /** One sentence per failed check, quoting the value at fault. Empty when `passed`. */
  readonly problems: readonly string[];
  /** ISO 8601 instant the checks were made at. */
  readonly checkedAt: string;
}

/** One electronic licence, as Tongban sees it. */
export interface Licence {
  /** GB/T 36904 identifier (电子证照标识). */
  readonly identifier: string;
  /** 21-character licence type code (证照类型代码). */
  readonly typeCode: string;
  /** e.g. `居民身份证`. */
  readonly typeName: string;
  /** The number printed on the licence (证照编号). */
  readonly number: string;
  readonly holder: { readonly code: string; readonly type: LicenceHolderType; readonly name: string };
  readonly issuer: { readonly name: string; readonly code: string };
  /** Issue date `YYYY-MM-DD`. */
  readonly issuedOn: string;
  /** `YYYY-MM-DD`. */
  readonly validFrom: string;
  /** `YYYY-MM-DD`, or `null` for a licence valid without end (长期). */
  readonly validUntil: string | null;
  /** GB/T 2260 area code of the issuing area. */
  readonly areaCode: string;
  readonly status: LicenceStatus;
  /** Surface data (照面信息): field key → value as printed. Keys are the type's field keys (see {@link LicenceFieldDefinitions}). */
  readonly surface: Readonly<Record<string, string>>;
  readonly verification: LicenceVerification;
}

/** A query for a holder's licences of some types. */
export interface LicenceQuery {
  /** ID number (citizen) or credit code (organisation). */
  readonly holderCode: string;
  readonly holderType: LicenceHolderType;
  /** Licence type codes wanted; at least one (Tongban asks only for what the matters declare). */
  readonly licenceTypes: readonly string[];
  /** Reason for use (用证事由), 1–200 characters. */
  readonly useCause: string;
}

/** The library's answer to "does this surface data match the licence?" (核验照面). */
export interface SurfaceCheck {
  readonly identifier: string;
  /** Every submitted field matched. */
  readonly matched: boolean;
  readonly fields: readonly { readonly key: string; readonly matched: boolean }[];
}

/** One surface field of a licence type (getCertRemarkInfo). */
export interface LicenceFieldDefinition {
  readonly key: string;
  /** Chinese label as printed, e.g. `公民身份号码`. */
  readonly label: string;
  readonly type: 'string' | 'date' | 'number';
  readonly required: boolean;
}

/** The surface fields of a licence type. */
export interface LicenceFieldDefinitions {
  readonly typeCode: string;
  readonly typeName: string;
  readonly fields: readonly LicenceFieldDefinition[];
}

/** One signature found on a licence file. */
export interface LicenceFileSignature {
  readonly signerName: string;
  /** Cryptographic integrity of the signed byte ranges. */
  readonly integrity: boolean;
  /** The signer certificate chains to a trust anchor. */
  readonly certificateTrusted: boolean;
  readonly coversWholeDocument: boolean;
  /** ISO 8601, when the signature carries a signing time. */
  readonly signedAt?: string | undefined;
}

/** A licence's sealed file with the licence it belongs to (whose `verification.fileSignature` is now set). */
export interface LicenceFile {
  readonly licence: Licence;
  readonly contentType: 'application/pdf';
  readonly bytes: Uint8Array;
  readonly signatures: readonly LicenceFileSignature[];
}

/**
 * The e-licence library. Every licence returned has been verified
 * (identifier, status, validity, data signature) and says which checks passed.
 * Failures are `UpstreamError`s (system `licence-library`); a caller error
 * (empty reason for use, no licence type) is a `VALIDATION_FAILED` TongbanError.
 */
export interface LicenceLibrary {
  /** A holder's licences of the given types; an empty list when the holder has none. */
  queryByHolder(query: LicenceQuery): Promise<Licence[]>;
  /** One licence. A licence the library does not know is an UpstreamError `rejected` with `upstreamCode` `'10'`. */
  getByIdentifier(identifier: string, useCause: string): Promise<Licence>;
  /** Asks the library whether submitted surface values match the licence (the library never returns its own values here). */
  verifySurface(identifier: string, surface: Readonly<Record<string, string>>, useCause: string): Promise<SurfaceCheck>;
  /** The surface field definitions of a licence type. */
  fieldDefinitions(typeCode: string): Promise<LicenceFieldDefinitions>;
  /** The sealed PDF file, its seal verified against the trust anchors. */
  downloadFile(identifier: string, useCause: string): Promise<LicenceFile>;
}

/** Maximum length of a reason for use (用证事由), in characters. */
export const MAX_USE_CAUSE_LENGTH = 200;

/** A national authority that defines licence types. */
export interface DefiningAuthority {
  readonly name: string;
  /** Unified social credit code; the first 18 characters of its licence type codes. */
  readonly creditCode: string;
}

/**
 * National authorities defining the licence types Tongban uses. The credit
 * codes are well-formed (GB 32100 check characters hold) but *(unverified)*
 * as the authorities' real codes; in the national catalogue many types are
 * also registered under the State Council General Office's code
 * `11100000000013338W`. Kept here, in one place, so a correction is one edit.
 */
export const DEFINING_AUTHORITIES = {
  mps: { name: '公安部', creditCode: '11100000000001927L' },
  mca: { name: '民政部', creditCode: '11100000000001310U' },
  nhc: { name: '国家卫生健康委员会', creditCode: '11100000000002823R' },
  samr: { name: '国家市场监督管理总局', creditCode: '11100000MB1967037Y' },
  mohrss: { name: '人力资源社会保障部', creditCode: '11100000000003172B' },
  mnr: { name: '自然资源部', creditCode: '11100000MB1729282A' },
  cdpf: { name: '中国残疾人联合会', creditCode: '11100000000004247L' },
  mot: { name: '交通运输部', creditCode: '11100000000002532N' },
  mva: { name: '退役军人事务部', creditCode: '11100000556585059T' },
  moe: { name: '教育部', creditCode: '11100000205910665Y' },
  moa: { name: '农业农村部', creditCode: '111000000000133607' },
  sta: { name: '国家税务总局', creditCode: '11100000000000013W' },
} as const satisfies Record<string, DefiningAuthority>;

/** A licence type Tongban knows: its type code, name and holder type. */
export interface LicenceTypeInfo {
  readonly code: string;
  readonly name: string;
  readonly holderType: LicenceHolderType;
  readonly definedBy: DefiningAuthority;
}

function licenceType(key: keyof typeof DEFINING_AUTHORITIES, sequence: string, name: string, holderType: LicenceHolderType): LicenceTypeInfo {
  const definedBy = DEFINING_AUTHORITIES[key];
  return { code: definedBy.creditCode + sequence, name, holderType, definedBy };
}

/**
 * The licence types (证照类型) with their type codes: the one table the
 * gateway's mappings, the simulator and the tests share. Sequences are
 * *(unverified)* placeholders for the national catalogue's.
 */
export const LICENCE_TYPES = {
  residentIdCard: licenceType('mps', '001', '居民身份证', 'citizen'),
  householdRegister: licenceType('mps', '002', '居民户口簿', 'citizen'),
  drivingLicence: licenceType('mps', '011', '机动车驾驶证', 'citizen'),
  vehicleLicence: licenceType('mps', '012', '机动车行驶证', 'citizen'),
  marriageCertificate: licenceType('mca', '001', '结婚证', 'citizen'),
  birthCertificate: licenceType('nhc', '001', '出生医学证明', 'citizen'),
  physicianLicence: licenceType('nhc', '005', '医师执业证书', 'citizen'),
  businessLicence: licenceType('samr', '001', '营业执照', 'organization'),
  foodBusinessLicence: licenceType('samr', '005', '食品经营许可证', 'organization'),
  socialSecurityCard: licenceType('mohrss', '001', '社会保障卡', 'citizen'),
  employmentCertificate: licenceType('mohrss', '003', '就业创业证', 'citizen'),
  realEstateCertificate: licenceType('mnr', '001', '不动产权证书', 'citizen'),
  disabilityCertificate: licenceType('cdpf', '001', '残疾人证', 'citizen'),
  roadTransportQualification: licenceType('mot', '004', '道路运输从业资格证', 'citizen'),
  // MX-T14, MX-T23 (issue #16)
  deathCertificate: licenceType('nhc', '002', '居民死亡医学证明（推断）书', 'citizen'),
  labourDispatchLicence: licenceType('mohrss', '005', '劳务派遣经营许可证', 'organization'),
  physicianQualification: licenceType('nhc', '004', '医师资格证书', 'citizen'),
  dischargeCertificate: licenceType('mva', '001', '退出现役证', 'citizen'),
  privateSchoolLicence: licenceType('moe', '001', '民办学校办学许可证', 'organization'),
  socialOrganisationCertificate: licenceType('mca', '011', '社会团体法人登记证书', 'organization'),
  // MX-T36, MX-T39 (issue #16)
  specialEquipmentProductionLicence: licenceType('samr', '011', '特种设备生产许可证', 'organization'),
  aquaticWildlifeBreedingLicence: licenceType('moa', '021', '水生野生动物人工繁育许可证', 'organization'),
  // MX-T22 (issue #16): electronic since 2019 (国家税务总局 公安部公告2019年第18号), read by the 车管所 at registration
  vehiclePurchaseTaxCertificate: licenceType('sta', '001', '车辆购置税完税证明', 'citizen'),
} as const satisfies Record<string, LicenceTypeInfo>;

export type LicenceTypeKey = keyof typeof LICENCE_TYPES;

/** The licence type with this code, if Tongban knows it. */
export function licenceTypeByCode(code: string): LicenceTypeInfo | undefined {
  return Object.values(LICENCE_TYPES).find((type) => type.code === code);
}
