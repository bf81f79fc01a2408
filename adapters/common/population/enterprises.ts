/**
 * Enterprises registered in 梅县区: companies and individual businesses
 * (个体工商户), among them food shops and import/export traders. Credit codes
 * follow GB 32100: `91` companies / `92` individual businesses, area
 * `441403`, and an organisation code that is an `MA…` code for bodies
 * registered after the 2015 reform, an older 8-digit code before.
 */
import { makeCreditCode } from '../../../src/domain/identifiers/index.js';
import { COUNTIES } from './areas.js';
import { unique, type Context } from './context.js';
import { addDays, addYears, dateBetween } from './dates.js';
import type { Enterprise, EnterpriseIndustry, Person } from './model.js';
import { TRADE_NAMES } from './names.js';

/** The 三证合一 reform gave new registrations `MA…` organisation codes from this date. */
const CREDIT_CODE_REFORM = '2015-10-01';
const ORGANISATION_BODY_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';

interface IndustryProfile {
  readonly count: number;
  readonly words: readonly string[];
  readonly scope: string;
  /** Share that are 个体工商户 (individual businesses). */
  readonly individualShare?: number;
  readonly shopWords?: readonly string[];
}

export const INDUSTRIES: Readonly<Record<EnterpriseIndustry, IndustryProfile>> = {
  food: {
    count: 14, words: ['餐饮管理', '食品', '饮食服务'], individualShare: 0.45, shopWords: ['小吃店', '食杂店', '客家菜馆', '茶餐厅', '粄店'],
    scope: '许可项目：餐饮服务；食品销售。一般项目：食用农产品零售。（依法须经批准的项目，经相关部门批准后方可开展经营活动）',
  },
  importExport: {
    count: 7, words: ['进出口贸易', '国际贸易'],
    scope: '一般项目：货物进出口；技术进出口；国内贸易代理；日用百货销售；五金产品批发。（除依法须经批准的项目外，凭营业执照依法自主开展经营活动）',
  },
  trade: {
    count: 10, words: ['商贸', '贸易', '百货'],
    scope: '一般项目：日用百货销售；五金产品零售；建筑材料销售；电子产品销售。（除依法须经批准的项目外，凭营业执照依法自主开展经营活动）',
  },
  construction: {
    count: 5, words: ['建筑工程', '装饰工程'],
    scope: '许可项目：建设工程施工；住宅室内装饰装修。一般项目：园林绿化工程施工。（依法须经批准的项目，经相关部门批准后方可开展经营活动）',
  },
  logistics: {
    count: 5, words: ['物流', '运输'],
    scope: '许可项目：道路货物运输（不含危险货物）。一般项目：国内货物运输代理；普通货物仓储服务。（依法须经批准的项目，经相关部门批准后方可开展经营活动）',
  },
  agriculture: {
    count: 6, words: ['农业发展', '茶业', '金柚'],
    scope: '一般项目：水果种植；茶叶种植；初级农产品收购；农副产品销售。（除依法须经批准的项目外，凭营业执照依法自主开展经营活动）',
  },
  technology: {
    count: 5, words: ['信息科技', '电子商务'],
    scope: '一般项目：软件开发；信息技术咨询服务；互联网销售（除销售需要许可的商品）。（除依法须经批准的项目外，凭营业执照依法自主开展经营活动）',
  },
  tourism: {
    count: 3, words: ['旅游文化', '文化传播'],
    scope: '一般项目：旅游开发项目策划咨询；组织文化艺术交流活动；会议及展览服务。（除依法须经批准的项目外，凭营业执照依法自主开展经营活动）',
  },
  // 劳务派遣 companies (MX-T14) are made after every licence, on a random stream of their own (labour-dispatch.ts), so
  // none is made here: the enterprises above and everything after them come out as before they existed.
  humanResources: {
    count: 0, words: ['人力资源', '劳务派遣', '人力资源服务'],
    scope: '许可项目：劳务派遣服务；职业中介活动。一般项目：人力资源服务（不含职业中介活动、劳务派遣服务）；劳务服务（不含劳务派遣）。（依法须经批准的项目，经相关部门批准后方可开展经营活动）',
  },
};

export function createEnterprises(context: Context): void {
  const { tools, asOf } = context;
  const adults = context.persons.filter((person) => person.idNumber !== null && person.birthDate <= addYears(asOf, -22));
  for (const [industry, profile] of Object.entries(INDUSTRIES) as [EnterpriseIndustry, IndustryProfile][]) {
    for (let index = 0; index < profile.count; index++) {
      const individual = tools.chance(profile.individualShare ?? 0);
      const establishedOn = dateBetween(tools.random, individual ? '2008-01-01' : '1998-01-01', addDays(asOf, -30));
      // The legal representative was at least 20 when the business was registered.
      const candidates = adults.filter((person) => person.birthDate <= addYears(establishedOn, -20) && person.birthDate >= addYears(establishedOn, -62));
      const representative: Person = candidates.length > 0 ? tools.pick(candidates) : tools.pick(adults);
      context.enterprises.push(enterprise(context, industry, profile, individual, establishedOn, representative));
    }
  }
  // A few businesses closed (注销) or had their licence revoked (吊销), the oldest first.
  const oldest = [...context.enterprises].sort((a, b) => a.establishedOn.localeCompare(b.establishedOn));
  for (const [index, item] of oldest.slice(0, 5).entries()) {
    (item as { registrationStatus: Enterprise['registrationStatus'] }).registrationStatus = index < 3 ? 'deregistered' : 'revoked';
  }
}

function enterprise(context: Context, industry: EnterpriseIndustry, profile: IndustryProfile, individual: boolean, establishedOn: string, representative: Person): Enterprise {
  const { tools, asOf } = context;
  const county = COUNTIES.meixianDistrict;
  const place = tools.pick(county.places);
  const name = unique(context, 'enterpriseName', () => (individual
    ? `梅县区${place.replace(/(镇|办事处).*$/, '$1')}${tools.pick(TRADE_NAMES)}${tools.pick(profile.shopWords ?? ['商行'])}`
    : `梅州市${tools.chance(0.6) ? '梅县区' : ''}${tools.pick(TRADE_NAMES)}${tools.pick(profile.words)}有限公司`));
  const reformed = establishedOn >= CREDIT_CODE_REFORM;
  const creditCode = unique(context, 'creditCode', () => makeCreditCode({
    registrationAuthority: '9',
    category: individual ? '2' : '1',
    areaCode: county.code,
    organizationCode: reformed ? `MA${randomBody(context, 6)}` : tools.digits(8),
  }));
  const operatingUntil = !individual && tools.chance(0.25) ? addYears(establishedOn, 30) : null;
  return {
    key: `E${String(context.enterprises.length + 1).padStart(3, '0')}`,
    creditCode,
    name,
    kind: individual ? '个体工商户' : tools.chance(0.7) ? '有限责任公司（自然人投资或控股）' : '有限责任公司（自然人独资）',
    industry,
    legalRepresentativeKey: representative.key,
    registeredCapital: individual ? '' : `${tools.pick([10, 30, 50, 100, 200, 500, 1000])}万元人民币`,
    establishedOn,
    operatingUntil: operatingUntil !== null && operatingUntil < asOf ? null : operatingUntil,
    address: `${county.fullName}${place}${tools.int(1, 300)}号${individual ? '首层' : ''}`,
    businessScope: individual ? profile.scope.replace(/（.*）$/, '') : profile.scope,
    registrationStatus: 'active',
    ...(industry === 'food' ? {
      foodBusiness: tools.chance(0.6)
        ? { format: '餐饮服务经营者', items: '热食类食品制售；冷食类食品制售' }
        : { format: '食品销售经营者', items: '预包装食品（含冷藏冷冻食品）销售；散装食品（不含冷藏冷冻食品）销售' },
    } : {}),
  };
}

function randomBody(context: Context, length: number): string {
  let text = '';
  for (let index = 0; index < length; index++) text += ORGANISATION_BODY_ALPHABET.charAt(context.tools.int(0, ORGANISATION_BODY_ALPHABET.length - 1));
  return text;
}
