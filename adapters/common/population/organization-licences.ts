/**
 * Licences of enterprises: every enterprise's 营业执照, and the 食品经营许可证
 * of food businesses (five-year validity, renewed by most).
 */
import type { Context } from './context.js';
import { addYears, dateBetween, maxDate, minDate } from './dates.js';
import { ISSUERS } from './issuers.js';
import { addLicence } from './licence-builder.js';
import type { Enterprise, LicenceStatusCode } from './model.js';

const FOOD_LICENCE_FROM = '2015-10-01';

export function createOrganizationLicences(context: Context): void {
  for (const enterprise of context.enterprises) {
    businessLicence(context, enterprise);
    if (enterprise.foodBusiness) foodBusinessLicence(context, enterprise);
  }
}

/** What a closed or revoked registration does to the enterprise's licences. */
function statusOf(enterprise: Enterprise): LicenceStatusCode {
  return enterprise.registrationStatus === 'deregistered' ? '04' : enterprise.registrationStatus === 'revoked' ? '03' : '01';
}

function holder(enterprise: Enterprise) {
  return { name: enterprise.name, code: enterprise.creditCode, type: '001' as const };
}

export function businessLicence(context: Context, enterprise: Enterprise): void {
  const representative = context.personsByKey.get(enterprise.legalRepresentativeKey)!;
  // The licence in force was issued at registration or at the latest change of registration.
  const issuedOn = context.tools.chance(0.5) ? enterprise.establishedOn : dateBetween(context.tools.random, enterprise.establishedOn, context.asOf);
  addLicence(context, {
    type: 'businessLicence', issuer: 'meixianMarket', number: enterprise.creditCode, issuedOn,
    validFrom: enterprise.establishedOn, validUntil: enterprise.operatingUntil,
    holder: holder(enterprise), holderKey: enterprise.key, status: statusOf(enterprise),
    surface: {
      TYSHXYDM: enterprise.creditCode, MC: enterprise.name, LX: enterprise.kind, FDDBR: representative.name,
      ZCZB: enterprise.registeredCapital, CLRQ: enterprise.establishedOn,
      YYQX: enterprise.operatingUntil === null ? '长期' : `${enterprise.establishedOn}至${enterprise.operatingUntil}`,
      ZS: enterprise.address, JYFW: enterprise.businessScope, DJJG: ISSUERS.meixianMarket.name, FZRQ: issuedOn,
    },
  });
}

function foodBusinessLicence(context: Context, enterprise: Enterprise): void {
  const { tools, asOf } = context;
  const food = enterprise.foodBusiness!;
  const representative = context.personsByKey.get(enterprise.legalRepresentativeKey)!;
  // 食品经营许可证 replaced the former catering and food-circulation permits on 2015-10-01.
  const from = maxDate(enterprise.establishedOn, FOOD_LICENCE_FROM);
  let issuedOn = dateBetween(tools.random, from, minDate(addYears(from, 1), asOf));
  const renews = !tools.chance(0.25);
  while (renews && addYears(issuedOn, 5) < asOf) issuedOn = addYears(issuedOn, 5);
  const validUntil = addYears(issuedOn, 5);
  const number = `JY${food.format === '餐饮服务经营者' ? '2' : '1'}441403${tools.digits(6)}${tools.digits(1)}`;
  const base = statusOf(enterprise);
  addLicence(context, {
    type: 'foodBusinessLicence', issuer: 'meixianMarket', number, issuedOn, validUntil,
    holder: holder(enterprise), holderKey: enterprise.key,
    status: base === '01' ? '01' : '04',
    surface: {
      XKZBH: number, JYZMC: enterprise.name, SHXYDM: enterprise.creditCode, FDDBR: representative.name, ZS: enterprise.address,
      JYCS: enterprise.address, ZTYT: food.format, JYXM: food.items, RCJDGLJG: '梅州市梅县区市场监督管理局程江市场监督管理所',
      FZJG: ISSUERS.meixianMarket.name, QFRQ: issuedOn, YXQZ: validUntil,
    },
  });
}
