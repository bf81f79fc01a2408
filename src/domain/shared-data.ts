/**
 * Shared data (共享数据): facts the provincial big-data centre's data-sharing
 * exchange (省大数据中心 数据共享交换平台) holds about a person — not licences,
 * but records of the departments that keep them — read by shared-catalogue
 * code (共享目录编码), or verified (在线核验) without reading them.
 *
 * Glossary: resource 共享资源 (one entry of the shared catalogue 共享目录),
 * source department 数源部门 (the department that keeps the data),
 * data time 数据时间 (when the source last updated the record),
 * purpose 用途 (why the requester reads it), verification 在线核验 (does a
 * statement hold? yes/no, never the data).
 */

/** Keys of the shared resources Tongban knows (also usable as authorisation `licenceTypes`). */
export type SharedResourceKey = 'householdRegistration' | 'marriageRegistration' | 'socialInsuranceEnrolment' | 'providentFundAccount';

export interface SharedResourceInfo {
  /** 共享目录编码. */
  readonly code: string;
  readonly name: string;
  /** 数源部门. */
  readonly sourceDepartment: string;
  /** Whose records: every resource here is kept per citizen (condition: 公民身份号码). */
  readonly holderType: 'citizen';
  /** Wire field → its meaning (Chinese label). */
  readonly fields: Readonly<Record<string, string>>;
}

/** The shared catalogue (共享目录) as far as Tongban reads it. */
export const SHARED_RESOURCES: Readonly<Record<SharedResourceKey, SharedResourceInfo>> = {
  householdRegistration: {
    code: '441400-GA-0001', name: '户籍信息', sourceDepartment: '广东省公安厅', holderType: 'citizen',
    fields: { XM: '姓名', GMSFHM: '公民身份号码', XB: '性别', CSRQ: '出生日期', MZ: '民族', HH: '户号', YHZGX: '与户主关系', HZXM: '户主姓名', HNRS: '户内人数', ZZ: '住址' },
  },
  marriageRegistration: {
    code: '441400-MZ-0002', name: '婚姻登记信息', sourceDepartment: '广东省民政厅', holderType: 'citizen',
    fields: { XM: '姓名', GMSFHM: '公民身份号码', HYZK: '婚姻状况', POXM: '配偶姓名', POGMSFHM: '配偶公民身份号码', DJRQ: '登记日期', JHZZH: '结婚证字号' },
  },
  socialInsuranceEnrolment: {
    code: '441400-RS-0003', name: '社会保险参保信息', sourceDepartment: '广东省人力资源和社会保障厅', holderType: 'citizen',
    fields: { XM: '姓名', GMSFHM: '公民身份号码', CBZT: '参保状态', CBDQ: '参保地区', CBRQ: '参保日期', XZ: '险种' },
  },
  providentFundAccount: {
    code: '441400-GJJ-0004', name: '住房公积金账户信息', sourceDepartment: '梅州市住房公积金管理中心', holderType: 'citizen',
    fields: { XM: '姓名', GMSFHM: '公民身份号码', GRZH: '个人账号', ZHZT: '账户状态', JCDW: '缴存单位', KHRQ: '开户日期' },
  },
};

/** Whether `key` names a shared resource. */
export function isSharedResourceKey(key: string): key is SharedResourceKey {
  return Object.hasOwn(SHARED_RESOURCES, key);
}

/** The key of a shared-catalogue code, if Tongban knows the resource. */
export function sharedResourceKeyOf(code: string): SharedResourceKey | undefined {
  return (Object.keys(SHARED_RESOURCES) as SharedResourceKey[]).find((key) => SHARED_RESOURCES[key].code === code);
}

/** One read of a resource for a holder. */
export interface SharedDataQuery {
  readonly resourceCode: string;
  /** The holder's 公民身份号码. */
  readonly holderCode: string;
  /** 用途: why the data is read (the reason for use). */
  readonly purpose: string;
  /** The holder's authorisation the read is under (Tongban's authorisation id). */
  readonly authorizationRef: string;
}

/** A record as the exchange answered it. */
export interface SharedDataRecord {
  readonly resourceCode: string;
  readonly resourceName: string;
  readonly sourceDepartment: string;
  /** When the source department last updated the record (ISO 8601). */
  readonly dataTime: string;
  /** Wire field → value, as the source holds it. */
  readonly data: Readonly<Record<string, string>>;
}

/** A statement to verify: the holder's record of a resource has these field values. */
export interface SharedDataStatement extends SharedDataQuery {
  /** Wire field → the value claimed (e.g. `{CBDQ: '梅州市', CBZT: '参保缴费'}`). */
  readonly claims: Readonly<Record<string, string>>;
}

/** The exchange's verdict on a statement. */
export interface SharedDataVerdict {
  readonly holds: boolean;
  readonly resourceCode: string;
  readonly sourceDepartment: string;
  /** The exchange's id of the verification (核验流水号). */
  readonly verificationId: string;
}

/** The data-sharing exchange, as Tongban uses it (adapters/data-sharing implements it). */
export interface SharedDataExchange {
  /** The holder's record, or `undefined` when the source holds none. */
  query(query: SharedDataQuery): Promise<SharedDataRecord | undefined>;
  /** Whether the statement holds; a holder without a record makes it not hold. */
  verify(statement: SharedDataStatement): Promise<SharedDataVerdict>;
}
