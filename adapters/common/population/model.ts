/**
 * The synthetic population the licence library simulator serves: people in
 * households, enterprises, and the licences issued to them.
 */
import type { LicenceTypeKey } from '../../../src/domain/licence-library.js';
import type { County } from './areas.js';
import type { IssuerKey } from './issuers.js';

export type Sex = 'male' | 'female';

/** Wire status codes (docs/domain.md#electronic-licences-电子证照): 01 有效, 02 暂扣, 03 撤销, 04 注销, 05 失效, 99 other. */
export type LicenceStatusCode = '01' | '02' | '03' | '04' | '05' | '99';

export interface Household {
  /** 户号 (9 digits). */
  readonly number: string;
  readonly county: County;
  readonly address: string;
  /** When the household was registered (立户). */
  readonly registeredOn: string;
  headKey: string;
  readonly memberKeys: string[];
}

export interface Person {
  /** Stable key within the population, e.g. `P0001`. */
  readonly key: string;
  /** `null` for a newborn whose birth registration (出生登记) is still pending. */
  idNumber: string | null;
  readonly name: string;
  readonly sex: Sex;
  /** `YYYY-MM-DD`, consistent with the ID number. */
  readonly birthDate: string;
  readonly birthCounty: County;
  readonly ethnicity: string;
  readonly householdNumber: string;
  /** 与户主关系: 户主, 妻, 夫, 子, 女, 父, 母, 孙子, 孙女, 儿媳. */
  relation: string;
  readonly address: string;
  /** Mobile number; children have none. */
  readonly phone: string | null;
  spouseKey?: string;
  fatherKey?: string;
  motherKey?: string;
  marriage?: { readonly registeredOn: string; readonly certificateNumber: string; readonly issuer: IssuerKey };
  birth?: {
    readonly hospital: IssuerKey;
    /** `HH:mm`. */
    readonly time: string;
    readonly gestationWeeks: number;
    readonly weightGrams: number;
    readonly lengthCm: number;
    readonly certificateNumber: string;
  };
  driver?: { readonly firstIssuedOn: string; readonly vehicleClass: string; readonly fileNumber: string };
  vehicle?: { readonly plate: string; readonly vin: string; readonly model: string; readonly engineNumber: string; readonly registeredOn: string };
  transportWorker?: { readonly category: string; readonly firstIssuedOn: string };
  physician?: { readonly category: string; readonly scope: string; readonly level: string; readonly certificateNumber: string; readonly issuedOn: string };
  disability?: { readonly category: string; readonly level: string; readonly issuedOn: string };
  jobSeeker?: { readonly status: string; readonly registeredOn: string; readonly certificateNumber: string };
  /** Social security (社会保险) record; retirees have `retiredOn` and a monthly pension. */
  socialSecurity?: {
    readonly insuredSince: string;
    readonly status: string;
    readonly retiredOn?: string;
    readonly monthlyPensionYuan?: number;
    readonly cardNumber?: string;
    readonly cardIssuedOn?: string;
  };
  home?: { readonly location: string; readonly areaM2: number; readonly registeredOn: string; readonly unitNumber: string; readonly coOwnerKey?: string };
  /** A retiree who died (退休人员过世, deaths.ts): the 居民死亡医学证明（推断）书 and the relative who claims. */
  death?: { readonly date: string; readonly certificateNumber: string; readonly place: string; readonly hospital: IssuerKey; readonly claimantKey: string };
  /** 医师资格证书 (the national examination passed): every physician holds one; some are qualified but not yet registered (no 执业证书). */
  physicianQualification?: { readonly number: string; readonly category: string; readonly level: string; readonly school: string; readonly education: string; readonly major: string; readonly issuedOn: string };
  /** A soldier who left active service to find work himself (自主就业退役士兵), with his 退出现役证. */
  veteran?: { readonly certificateNumber: string; readonly enlistedOn: string; readonly dischargedOn: string; readonly unit: string; readonly rank: string; readonly placement: string };
  /** A new car bought, its 车辆购置税 paid (its 完税证明), not registered yet (新车上牌照, new-cars.ts). */
  newCar?: { readonly vin: string; readonly engineNumber: string; readonly model: string; readonly taxPaidOn: string; readonly certificateNumber: string };
}

/**
 * An organisation that is no enterprise (no 营业执照): a 社会团体 with its 社会团体法人登记证书, a 民办学校 (a
 * 民办非企业单位) with its 民办学校办学许可证.
 */
export interface Organisation {
  readonly key: string;
  readonly creditCode: string;
  readonly name: string;
  readonly kind: 'socialOrganisation' | 'privateSchool';
  readonly legalRepresentativeKey: string;
  readonly address: string;
  readonly establishedOn: string;
  /** 社会团体: 业务范围, 业务主管单位, 注册资金 (e.g. `3万元`), whether it is a 民族 association (业务主管单位 民族宗教事务局). */
  readonly association?: { readonly scope: string; readonly supervisor: string; readonly funds: string; readonly ethnic: boolean };
  /** 民办学校: 办学许可证 number, 举办者, 办学类型 and 内容. */
  readonly school?: { readonly licenceNumber: string; readonly founder: string; readonly type: string; readonly content: string; readonly headKey: string };
}

export type EnterpriseIndustry = 'food' | 'importExport' | 'trade' | 'construction' | 'logistics' | 'agriculture' | 'technology' | 'tourism' | 'humanResources';

export interface Enterprise {
  readonly key: string;
  readonly creditCode: string;
  readonly name: string;
  /** 类型, e.g. `有限责任公司（自然人投资或控股）`, `个体工商户`. */
  readonly kind: string;
  readonly industry: EnterpriseIndustry;
  readonly legalRepresentativeKey: string;
  /** e.g. `100万元人民币`; empty for 个体工商户. */
  readonly registeredCapital: string;
  readonly establishedOn: string;
  /** Business term end, `null` = 长期. */
  readonly operatingUntil: string | null;
  readonly address: string;
  readonly businessScope: string;
  /** 存续 (active), 注销 (deregistered), 吊销 (licence revoked). */
  readonly registrationStatus: 'active' | 'deregistered' | 'revoked';
  readonly foodBusiness?: { readonly format: string; readonly items: string };
  /** A 劳务派遣 company's 劳务派遣经营许可证 (labour-dispatch.ts). */
  readonly labourDispatch?: { readonly licenceNumber: string; readonly firstIssuedOn: string };
}

/** One licence as the library stores it (before wire formatting). */
export interface LicenceRecord {
  readonly identifier: string;
  readonly type: LicenceTypeKey;
  readonly number: string;
  readonly version: string;
  readonly issuer: IssuerKey;
  /** `YYYY-MM-DD`. */
  readonly issuedOn: string;
  readonly validFrom: string;
  /** `null` = 长期. */
  readonly validUntil: string | null;
  readonly holder: { readonly name: string; readonly code: string; readonly type: '111' | '001' };
  readonly surface: Readonly<Record<string, string>>;
  status: LicenceStatusCode;
  /** Population key of the holder (person or enterprise). */
  readonly holderKey: string;
}

export interface Population {
  readonly seed: number;
  /** The date the population describes (`YYYY-MM-DD`); no date in it is later. */
  readonly asOf: string;
  readonly persons: readonly Person[];
  readonly households: readonly Household[];
  readonly enterprises: readonly Enterprise[];
  readonly organisations: readonly Organisation[];
  readonly licences: readonly LicenceRecord[];
}
