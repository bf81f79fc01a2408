/**
 * Licences of enterprises that the works and wildlife themes of issue #16
 * need (MX-T36, MX-T39): the 特种设备生产许可证 (安装改造修理) of construction
 * companies that install cranes and lifts, and the 水生野生动物人工繁育许可证 of
 * agricultural companies that breed a 国家二级 aquatic species.
 *
 * Runs after everything else on a random stream of its own (seeded from the
 * population's seed), so the people, enterprises and licences made before it
 * come out exactly as they did before it existed.
 */
import { createContext, type Context, type Tools } from './context.js';
import { addYears, dateBetween, maxDate } from './dates.js';
import { ISSUERS } from './issuers.js';
import { addLicence } from './licence-builder.js';
import type { Enterprise } from './model.js';

/** Salt of this stream's seed: any constant other than 0 (and other than the other streams') keeps it apart. */
const STREAM = 0x5eed_0036;

/** TSG 07-2019 licences are valid four years. */
const SPECIAL_EQUIPMENT_YEARS = 4;
/** 安装改造修理 items, by the category code of the 特种设备目录 (3 电梯, 4 起重机械). */
const INSTALLATION_ITEMS = [
  { category: '4', item: '起重机械安装（含修理）', subItem: '桥式、门式起重机；塔式起重机、升降机', parameter: 'B级' },
  { category: '3', item: '电梯安装（含修理）', subItem: '曳引驱动乘客电梯（含消防员电梯）；自动扶梯与自动人行道', parameter: 'B级' },
] as const;

/** 国家二级 aquatic species (国家重点保护野生动物名录, 2021) bred in 梅州's hill streams and ponds. */
const BRED_SPECIES = ['大鲵', '花鳗鲡', '山瑞鳖'] as const;
/** Breeding licences are issued for five years *(unverified: the provinces' period varies)*. */
const BREEDING_YEARS = 5;

/** Adds the licences to some active companies of the main population. */
export function createWorksLicences(context: Context, seed: number): void {
  const tools = createContext((seed ^ STREAM) >>> 0, context.asOf).tools;
  const companies = (industry: Enterprise['industry']) => context.enterprises.filter((enterprise) => enterprise.industry === industry
    && enterprise.registrationStatus === 'active' && enterprise.kind.startsWith('有限责任公司'));
  // The first three construction companies install (most of 梅县区's works hire them), the fourth does not.
  companies('construction').slice(0, 3).forEach((company, index) => specialEquipmentLicence(context, tools, company, INSTALLATION_ITEMS[index % INSTALLATION_ITEMS.length]!));
  // Breeders: 农业发展 companies first (tea and 金柚 growers only where there are too few of them).
  const breeders = companies('agriculture').sort((a, b) => Number(b.name.includes('农业发展')) - Number(a.name.includes('农业发展')));
  breeders.slice(0, 2).forEach((company, index) => breedingLicence(context, tools, company, BRED_SPECIES[index % BRED_SPECIES.length]!));
}

function holder(enterprise: Enterprise) {
  return { name: enterprise.name, code: enterprise.creditCode, type: '001' as const };
}

/** Issued within the last four years (renewed when older), so valid today. */
function recentIssue(context: Context, tools: Tools, enterprise: Enterprise, years: number): string {
  return dateBetween(tools.random, maxDate(enterprise.establishedOn, addYears(context.asOf, -years + 1)), addYears(context.asOf, 0));
}

function specialEquipmentLicence(context: Context, tools: Tools, company: Enterprise, item: typeof INSTALLATION_ITEMS[number]): void {
  const issuedOn = recentIssue(context, tools, company, SPECIAL_EQUIPMENT_YEARS);
  const validUntil = addYears(issuedOn, SPECIAL_EQUIPMENT_YEARS);
  // TS + 3 (安装改造修理) + the equipment's category digit + 44 (广东) + a sequence, then the year the licence ends.
  const number = `TS3${item.category}44${String(tools.int(1, 999)).padStart(3, '0')}-${validUntil.slice(0, 4)}`;
  addLicence(context, {
    type: 'specialEquipmentProductionLicence', issuer: 'provincialMarket', number, issuedOn, validUntil,
    holder: holder(company), holderKey: company.key,
    surface: {
      ZSBH: number, DWMC: company.name, TYSHXYDM: company.creditCode, ZS: company.address, XKXM: item.item, XKZXM: item.subItem,
      XKCS: item.parameter, YXQZ: validUntil, FZJG: ISSUERS.provincialMarket.name, FZRQ: issuedOn,
    },
  });
}

function breedingLicence(context: Context, tools: Tools, company: Enterprise, species: string): void {
  const issuedOn = recentIssue(context, tools, company, BREEDING_YEARS);
  const validUntil = addYears(issuedOn, BREEDING_YEARS);
  const representative = context.personsByKey.get(company.legalRepresentativeKey)!;
  const number = `（粤）水野繁育证字〔${issuedOn.slice(0, 4)}〕${String(tools.int(1, 9999)).padStart(4, '0')}号`;
  const site = `广东省梅州市梅县区${tools.pick(['雁洋镇', '丙村镇', '松口镇', '石扇镇'])}${tools.pick(['长教村', '南福村', '大黄村', '西阳村'])}${tools.int(1, 60)}号养殖基地`;
  addLicence(context, {
    type: 'aquaticWildlifeBreedingLicence', issuer: 'provincialAgriculture', number, issuedOn, validUntil,
    holder: holder(company), holderKey: company.key,
    surface: {
      XKZBH: number, DWMC: company.name, TYSHXYDM: company.creditCode, FDDBR: representative.name, ZS: company.address,
      FYCS: site, WZMC: species, YT: '商业性人工繁育', YXQZ: validUntil, FZJG: ISSUERS.provincialAgriculture.name, FZRQ: issuedOn,
    },
  });
}
