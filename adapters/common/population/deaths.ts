/**
 * Retirees who died lately (退休人员过世一件事, MX-T23). The hospital that
 * certified the death issued the 居民死亡医学证明（推断）书, filed in the
 * library under the deceased's own ID number; the 户口 was cancelled, so the
 * deceased's other licences are 注销 (04). Each has a relative in the
 * population who claims the death benefits: the widow(er) of a retired couple,
 * or the son of a three-generation household.
 *
 * Runs last, on a random stream of its own, and takes the deceased from the end
 * of the population (the scenarios pick the first who fit), so what was made
 * before comes out as it did.
 */
import { createContext, unique, type Context } from './context.js';
import { addDays, ageOn, dateBetween } from './dates.js';
import { ISSUERS, type IssuerKey } from './issuers.js';
import { addLicence } from './licence-builder.js';
import type { Person } from './model.js';

/** Salt of this stream's seed (any constant other than another stream's). */
const STREAM = 0x5eed_0023;
const DEATHS = 4;
const HOSPITALS: readonly IssuerKey[] = ['meixianHospital', 'cityHospital'];

export function recordDeaths(context: Context, seed: number): void {
  const tools = createContext((seed ^ STREAM) >>> 0, context.asOf).tools;
  const candidates = context.persons.filter((person) => person.idNumber !== null && person.socialSecurity?.status === '退休'
    && ageOn(person.birthDate, context.asOf) >= 65 && !person.home && !person.vehicle && !person.disability && claimant(context, person) !== undefined).reverse();
  const taken = new Set<string>();
  for (const person of candidates) {
    if (taken.size >= DEATHS * 2) break;
    const relative = claimant(context, person)!;
    // One death per household: the relative who claims is alive.
    if (taken.has(person.key) || taken.has(relative.key)) continue;
    taken.add(person.key).add(relative.key);
    const date = dateBetween(tools.random, addDays(context.asOf, -150), addDays(context.asOf, -7));
    const hospital = tools.pick(HOSPITALS);
    person.death = {
      date, hospital, claimantKey: relative.key, place: ISSUERS[hospital].name,
      certificateNumber: unique(context, 'deathCertificate', () => `${ISSUERS[hospital].areaCode}${date.slice(0, 4)}${tools.digits(6)}`),
    };
    for (const licence of context.licences) if (licence.holderKey === person.key) licence.status = '04';
    deathCertificate(context, person);
  }
}

/** The relative who claims: the living spouse, else an adult son or daughter with an ID number. */
function claimant(context: Context, person: Person): Person | undefined {
  const spouse = person.spouseKey ? context.personsByKey.get(person.spouseKey) : undefined;
  if (spouse?.idNumber && !spouse.death) return spouse;
  return context.persons.find((child) => (child.fatherKey === person.key || child.motherKey === person.key) && child.idNumber !== null
    && !child.death && ageOn(child.birthDate, context.asOf) >= 18);
}

function deathCertificate(context: Context, person: Person): void {
  const death = person.death!;
  addLicence(context, {
    type: 'deathCertificate', issuer: death.hospital, number: death.certificateNumber, issuedOn: death.date,
    holder: { name: person.name, code: person.idNumber!, type: '111' }, holderKey: person.key,
    surface: {
      BH: death.certificateNumber, XM: person.name, XB: person.sex === 'male' ? '男' : '女', MZ: person.ethnicity, GJ: '中国',
      ZJLX: '居民身份证', ZJHM: person.idNumber!, CSRQ: person.birthDate, SWRQ: death.date, SWDD: death.place, HJDZ: person.address,
      YLJGMC: ISSUERS[death.hospital].name, QFRQ: death.date,
    },
  });
}
