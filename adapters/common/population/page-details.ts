/**
 * What the 居民户口簿 page (常住人口登记卡) and the 社会保障卡 print beyond
 * the holder's identity (MX-T11, MX-T26, MX-T30, issue #16): the page's 文化程度
 * and 婚姻状况, and the 金融社保卡's bank — every card Guangdong has issued since
 * 2014 is a co-branded bank card, and the account on it is the one pensions and
 * subsidies are paid into.
 *
 * Runs last, on a random stream of its own, and only adds surface fields to
 * licences already made, so everyone and everything else comes out as before.
 */
import { createContext, unique, type Context, type Tools } from './context.js';
import { ageOn } from './dates.js';
import type { LicenceRecord, Person } from './model.js';

/** Salt of this stream's seed (any constant other than another stream's). */
const STREAM = 0x5eed_0011;

/** The banks issuing 金融社保卡 in 梅州, with an issuer identification number (BIN) of each. */
export const CARD_BANKS = [
  ['中国工商银行', '621226'], ['中国农业银行', '622848'], ['中国银行', '621785'], ['中国建设银行', '621700'], ['中国邮政储蓄银行', '621799'],
] as const;

/** 文化程度 as the page prints it (GB/T 4658 names), by the decade the holder was born in. */
const EDUCATION_BY_COHORT: readonly (readonly [bornBefore: string, weights: readonly (readonly [string, number])[]])[] = [
  ['1965', [['小学', 30], ['初中', 38], ['高中', 20], ['中等专科', 6], ['大学专科', 4], ['大学本科', 2]]],
  ['1985', [['初中', 30], ['高中', 28], ['中等专科', 12], ['技工学校', 4], ['大学专科', 14], ['大学本科', 11], ['研究生', 1]]],
  ['9999', [['初中', 14], ['高中', 18], ['中等专科', 14], ['技工学校', 4], ['大学专科', 25], ['大学本科', 22], ['研究生', 3]]],
];

export function addPageDetails(context: Context, seed: number): void {
  const tools = createContext((seed ^ STREAM) >>> 0, context.asOf).tools;
  const own: Context = { ...context, tools };
  const parents = new Set(context.persons.flatMap((person) => [person.fatherKey, person.motherKey]).filter((key) => key !== undefined));
  context.licences.forEach((licence, position) => {
    const person = context.personsByKey.get(licence.holderKey);
    if (!person) return;
    if (licence.type === 'householdRegister') {
      context.licences[position] = withSurface(licence, { WHCD: education(context, tools, person), HYZK: maritalStatus(context, tools, person, parents) });
    } else if (licence.type === 'socialSecurityCard') {
      const [bank, bin] = tools.pick(CARD_BANKS);
      context.licences[position] = withSurface(licence, { KHYH: bank, YHZH: unique(own, 'bankAccount', () => withLuhn(`${bin}${tools.digits(12)}`)) });
    }
  });
}

function withSurface(licence: LicenceRecord, fields: Record<string, string | undefined>): LicenceRecord {
  const surface = { ...licence.surface };
  for (const [key, value] of Object.entries(fields)) if (value !== undefined) surface[key] = value;
  return { ...licence, surface };
}

/** Left blank under 16 (still at school); a physician's or a veteran's is what their own certificate says. */
function education(context: Context, tools: Tools, person: Person): string | undefined {
  if (ageOn(person.birthDate, context.asOf) < 16) return undefined;
  if (person.physicianQualification) return person.physicianQualification.education;
  if (person.veteran) return tools.weighted([['高中', 5], ['中等专科', 2], ['大学专科', 2], ['大学本科', 1]] as const);
  const [, weights] = EDUCATION_BY_COHORT.find(([bornBefore]) => person.birthDate < bornBefore)!;
  return tools.weighted(weights);
}

/** 已婚 with a spouse (丧偶 once the spouse's death was registered); a parent without one is 离婚 or 丧偶; else 未婚. */
function maritalStatus(context: Context, tools: Tools, person: Person, parents: ReadonlySet<string>): string {
  const spouse = person.spouseKey ? context.personsByKey.get(person.spouseKey) : undefined;
  if (spouse) return spouse.death ? '丧偶' : '已婚';
  if (parents.has(person.key)) return tools.chance(0.5) ? '离婚' : '丧偶';
  return '未婚';
}

/** Appends the Luhn check digit (ISO/IEC 7812) bank card numbers carry. */
export function withLuhn(body: string): string {
  let sum = 0;
  [...body].reverse().forEach((digit, position) => {
    const value = Number(digit) * (position % 2 === 0 ? 2 : 1);
    sum += value > 9 ? value - 9 : value;
  });
  return `${body}${(10 - (sum % 10)) % 10}`;
}
