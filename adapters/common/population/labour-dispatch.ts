/**
 * 劳务派遣 companies (我要注销劳务派遣公司, MX-T14): limited companies of at
 * least 200万元 registered capital (劳动合同法 §57) holding a
 * 劳务派遣经营许可证 from the 民政和人社局, renewed every three years (劳务派遣
 * 行政许可实施办法 §18), and their 营业执照.
 *
 * Runs last, on a random stream of its own, so what was made before comes out
 * as it did; the companies get the next enterprise keys.
 */
import { makeCreditCode } from '../../../src/domain/identifiers/index.js';
import { COUNTIES } from './areas.js';
import { createContext, unique, type Context, type Tools } from './context.js';
import { addDays, addYears, ageOn } from './dates.js';
import { INDUSTRIES } from './enterprises.js';
import { ISSUERS } from './issuers.js';
import { addLicence } from './licence-builder.js';
import type { Enterprise } from './model.js';
import { TRADE_NAMES } from './names.js';
import { businessLicence } from './organization-licences.js';

/** Salt of this stream's seed (any constant other than another stream's). */
const STREAM = 0x5eed_0014;
const COMPANIES = 3;
/** The 劳务派遣 licensing regime (劳动合同法 as amended, 人社部令第19号) applies from this date. */
const LICENSING_FROM = '2013-07-01';
const VALID_YEARS = 3;

export function createLabourDispatchCompanies(context: Context, seed: number): void {
  const tools = createContext((seed ^ STREAM) >>> 0, context.asOf).tools;
  const own: Context = { ...context, tools };
  const representatives = context.persons.filter((person) => person.idNumber !== null && !person.death
    && ageOn(person.birthDate, context.asOf) >= 30 && ageOn(person.birthDate, context.asOf) <= 60);
  for (let index = 0; index < COMPANIES; index++) {
    const enterprise = company(own, tools, tools.pick(representatives).key);
    context.enterprises.push(enterprise);
    businessLicence(own, enterprise);
    dispatchLicence(own, tools, enterprise);
  }
}

function company(context: Context, tools: Tools, representativeKey: string): Enterprise {
  const profile = INDUSTRIES.humanResources;
  const county = COUNTIES.meixianDistrict;
  // The licence in force began between two months and two and a half years ago; the first one, one to three periods before.
  const validFrom = addDays(context.asOf, -tools.int(60, VALID_YEARS * 365 - 200));
  let firstIssuedOn = addYears(validFrom, -VALID_YEARS * tools.int(1, 3));
  while (firstIssuedOn < LICENSING_FROM) firstIssuedOn = addYears(firstIssuedOn, VALID_YEARS);
  const establishedOn = addDays(firstIssuedOn, -tools.int(30, 120));
  return {
    key: `E${String(context.enterprises.length + 1).padStart(3, '0')}`,
    creditCode: unique(context, 'creditCode', () => makeCreditCode({
      registrationAuthority: '9', category: '1', areaCode: county.code, organizationCode: `MA${tools.pick(['4', '5', '6'])}${tools.digits(5)}`,
    })),
    name: unique(context, 'enterpriseName', () => `梅州市${tools.chance(0.6) ? '梅县区' : ''}${tools.pick(TRADE_NAMES)}${tools.pick(profile.words)}有限公司`),
    kind: tools.chance(0.7) ? '有限责任公司（自然人投资或控股）' : '有限责任公司（自然人独资）',
    industry: 'humanResources',
    legalRepresentativeKey: representativeKey,
    registeredCapital: `${tools.pick([200, 300, 500])}万元人民币`,
    establishedOn,
    operatingUntil: null,
    address: `${county.fullName}${tools.pick(county.places)}${tools.int(1, 300)}号`,
    businessScope: profile.scope,
    registrationStatus: 'active',
    labourDispatch: {
      firstIssuedOn,
      licenceNumber: unique(context, 'labourDispatchLicence', () => `${county.code}${firstIssuedOn.slice(0, 4)}${tools.digits(4)}`),
    },
  };
}

function dispatchLicence(context: Context, tools: Tools, enterprise: Enterprise): void {
  const dispatch = enterprise.labourDispatch!;
  const representative = context.personsByKey.get(enterprise.legalRepresentativeKey)!;
  // Renewed (延续) every three years, the number kept: the licence in force is the last renewal's.
  let validFrom = dispatch.firstIssuedOn;
  while (addYears(validFrom, VALID_YEARS) <= context.asOf) validFrom = addYears(validFrom, VALID_YEARS);
  const issuedOn = addDays(validFrom, -tools.int(5, 25));
  const validUntil = addDays(addYears(validFrom, VALID_YEARS), -1);
  addLicence(context, {
    type: 'labourDispatchLicence', issuer: 'meixianCivilAffairs', number: dispatch.licenceNumber, issuedOn, validFrom, validUntil,
    holder: { name: enterprise.name, code: enterprise.creditCode, type: '001' }, holderKey: enterprise.key,
    surface: {
      XKZBH: dispatch.licenceNumber, DWMC: enterprise.name, TYSHXYDM: enterprise.creditCode, FDDBR: representative.name, ZS: enterprise.address,
      ZCZB: enterprise.registeredCapital, XKJYSX: '劳务派遣经营', YXQQ: validFrom, YXQZ: validUntil,
      FZJG: ISSUERS.meixianCivilAffairs.name, FZRQ: issuedOn,
    },
  });
}
