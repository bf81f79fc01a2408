/**
 * Households: married couples with newborns or older children, retired
 * couples, three-generation families, singles and widowed retirees. Dates are
 * consistent: spouses marry at legal age (22 / 20), children are born after
 * the marriage and while the mother is 20–45, newborns are born in 2026.
 */
import { COUNTIES, type County } from './areas.js';
import { unique, type Context } from './context.js';
import { addDays, addYears, dateBetween, maxDate, minDate } from './dates.js';
import type { Household, Person, Sex } from './model.js';
import { birthDateForAge, newHousehold, newPerson } from './person-factory.js';
import { ISSUERS } from './issuers.js';

/** Newborns of the 新生儿出生一件事 scenario are born from this date. */
export const NEWBORN_YEAR_START = '2026-01-03';

/** Electronic birth certificates (电子出生医学证明) exist for children born from this date. */
const ELECTRONIC_BIRTH_CERTIFICATES_FROM = '2021-01-01';

const HOSPITALS = ['meixianHospital', 'cityHospital'] as const;

export interface HouseholdPlan {
  newbornFamilies: number;
  families: number;
  retiredCouples: number;
  singles: number;
  threeGenerations: number;
  widowed: number;
}

export const DEFAULT_HOUSEHOLD_PLAN: Readonly<HouseholdPlan> = {
  newbornFamilies: 16, families: 32, retiredCouples: 12, singles: 18, threeGenerations: 10, widowed: 6,
};

export function createHouseholds(context: Context, plan: HouseholdPlan = DEFAULT_HOUSEHOLD_PLAN): void {
  for (let index = 0; index < plan.newbornFamilies; index++) newbornFamily(context);
  for (let index = 0; index < plan.families; index++) family(context);
  for (let index = 0; index < plan.retiredCouples; index++) retiredCouple(context);
  for (let index = 0; index < plan.singles; index++) single(context, 20, 45);
  for (let index = 0; index < plan.threeGenerations; index++) threeGenerations(context);
  for (let index = 0; index < plan.widowed; index++) single(context, 65, 90);
}

/** Registers a marriage: both spouses hold a 结婚证 with the same number (字号). */
function marry(context: Context, husband: Person, wife: Person, on: string, county: County): void {
  const issuer = county.code === COUNTIES.meijiangDistrict.code ? 'meijiangCivilAffairs' : 'meixianCivilAffairs';
  const year = on.slice(0, 4);
  const number = unique(context, 'marriageNumber', () => `J${ISSUERS[issuer].areaCode}-${year}-${context.tools.digits(6)}`);
  husband.spouseKey = wife.key;
  wife.spouseKey = husband.key;
  husband.marriage = { registeredOn: on, certificateNumber: number, issuer };
  wife.marriage = { registeredOn: on, certificateNumber: number, issuer };
}

/** Earliest legal marriage date for a couple (men 22, women 20). */
function earliestMarriage(husbandBirth: string, wifeBirth: string): string {
  return maxDate(addYears(husbandBirth, 22), addYears(wifeBirth, 20), '1950-01-01');
}

interface Couple { household: Household; husband: Person; wife: Person; marriedOn: string }

/**
 * A married couple heading a new household. `latestMarriage` bounds the
 * marriage date (e.g. before a first child); the husband's age range is
 * narrowed so that a legal marriage date exists.
 */
function couple(context: Context, husbandAge: readonly [number, number], latestMarriage: string, county?: County, husbandBirth?: string): Couple {
  const { tools } = context;
  const hBirth = husbandBirth ?? birthDateForAge(context, husbandAge[0], husbandAge[1]);
  let wBirth = addDays(hBirth, tools.int(-2 * 365, 6 * 365));
  if (wBirth > addYears(latestMarriage, -20)) wBirth = addDays(addYears(latestMarriage, -20), -tools.int(0, 400));
  const from = earliestMarriage(hBirth, wBirth);
  const marriedOn = from <= latestMarriage ? dateBetween(tools.random, from, latestMarriage) : latestMarriage;
  const household = newHousehold(context, minDate(addDays(marriedOn, tools.int(0, 60)), context.asOf), county);
  const husband = newPerson(context, { sex: 'male', birthDate: hBirth, household, relation: '户主' });
  const wife = newPerson(context, { sex: 'female', birthDate: wBirth, household, relation: '妻' });
  marry(context, husband, wife, marriedOn, household.county);
  return { household, husband, wife, marriedOn };
}

function child(context: Context, parents: Couple, birthDate: string, relation = (sex: Sex) => (sex === 'male' ? '子' : '女'), registered = true): Person {
  const { tools } = context;
  const sex: Sex = tools.chance(0.51) ? 'male' : 'female';
  const person = newPerson(context, {
    sex, birthDate, household: parents.household, relation: relation(sex), surname: parents.husband.name.charAt(0),
    birthCounty: parents.household.county, registered,
  });
  person.fatherKey = parents.husband.key;
  person.motherKey = parents.wife.key;
  if (birthDate >= ELECTRONIC_BIRTH_CERTIFICATES_FROM) {
    person.birth = {
      hospital: tools.pick(HOSPITALS),
      time: `${String(tools.int(0, 23)).padStart(2, '0')}:${String(tools.int(0, 59)).padStart(2, '0')}`,
      gestationWeeks: tools.int(37, 41),
      weightGrams: tools.int(2600, 4100),
      lengthCm: tools.int(47, 53),
      certificateNumber: unique(context, 'birthCertificate', () => `${tools.pick(['M', 'N', 'P', 'Q', 'R'])}44${tools.digits(7)}`),
    };
  }
  return person;
}

/** A child birth date after the marriage, while the mother is 20–45, not after `latest`. */
function childBirthDate(context: Context, parents: Couple, latest: string): string | undefined {
  const from = maxDate(addDays(parents.marriedOn, 280), addYears(parents.wife.birthDate, 20));
  const to = minDate(latest, addYears(parents.wife.birthDate, 45), context.asOf);
  return from <= to ? dateBetween(context.tools.random, from, to) : undefined;
}

function newbornFamily(context: Context): void {
  const { tools, asOf } = context;
  const newbornBirth = dateBetween(tools.random, NEWBORN_YEAR_START, addDays(asOf, -2));
  const parents = couple(context, [24, 40], addDays(newbornBirth, -300));
  if (tools.chance(0.4)) {
    const older = childBirthDate(context, parents, addDays(newbornBirth, -700));
    if (older) child(context, parents, older);
  }
  // Birth registration (出生登记) follows within a month: the youngest are still pending.
  const registered = newbornBirth <= addDays(asOf, -30) && tools.chance(0.7);
  child(context, parents, newbornBirth, undefined, registered);
}

function family(context: Context): void {
  const parents = couple(context, [30, 55], addYears(context.asOf, -1));
  const count = context.tools.int(1, 3);
  for (let index = 0; index < count; index++) {
    const birth = childBirthDate(context, parents, addDays(context.asOf, -400));
    if (birth) child(context, parents, birth);
  }
}

function retiredCouple(context: Context): void {
  couple(context, [62, 85], addYears(context.asOf, -35));
}

function single(context: Context, minAge: number, maxAge: number): void {
  const sex: Sex = context.tools.chance(0.5) ? 'male' : 'female';
  const birthDate = birthDateForAge(context, minAge, maxAge);
  const household = newHousehold(context, maxDate(addYears(birthDate, 18), '1985-01-01'));
  newPerson(context, { sex, birthDate, household, relation: '户主' });
}

/** Grandparents, their son (户主) with his wife, and grandchildren. */
function threeGenerations(context: Context): void {
  const { tools, asOf } = context;
  const grandpaBirth = birthDateForAge(context, 62, 85);
  const sonBirth = minDate(addDays(grandpaBirth, tools.int(24 * 365, 36 * 365)), addYears(asOf, -28));
  const young = couple(context, [28, 50], addYears(asOf, -1), undefined, sonBirth);
  const { household } = young;
  const grandpa = newPerson(context, { sex: 'male', birthDate: grandpaBirth, household, relation: '父', surname: young.husband.name.charAt(0) });
  young.husband.fatherKey = grandpa.key;
  if (tools.chance(0.7)) {
    const grandma = newPerson(context, { sex: 'female', birthDate: addDays(grandpaBirth, tools.int(0, 4 * 365)), household, relation: '母' });
    young.husband.motherKey = grandma.key;
    marry(context, grandpa, grandma, dateBetween(tools.random, earliestMarriage(grandpa.birthDate, grandma.birthDate), addDays(sonBirth, -300)), household.county);
  }
  const count = tools.int(1, 2);
  for (let index = 0; index < count; index++) {
    const birth = childBirthDate(context, young, addDays(asOf, -200));
    if (birth) child(context, young, birth);
  }
}
