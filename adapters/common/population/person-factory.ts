/**
 * Making one person or one household: ID number consistent with birth date,
 * sex and birthplace; name; phone; address.
 */
import { makeIdNumber } from '../../../src/domain/identifiers/index.js';
import { BIRTH_COUNTIES, RESIDENCE_COUNTIES, idAreaCode, type County } from './areas.js';
import { unique, type Context } from './context.js';
import { addDays, addYears, dateBetween } from './dates.js';
import type { Household, Person, Sex } from './model.js';
import { ETHNICITIES, GIVEN_FEMALE, GIVEN_MALE, SURNAMES } from './names.js';

/** Mobile prefixes of the three carriers (all match `1[3-9]`). */
const MOBILE_PREFIXES = ['134', '135', '136', '137', '138', '139', '150', '151', '152', '158', '159', '182', '187', '188',
  '130', '131', '132', '155', '156', '185', '186', '133', '153', '180', '181', '189', '199', '177'] as const;

/** A birth date for someone aged `minAge`…`maxAge` (whole years) on the reference date. */
export function birthDateForAge(context: Context, minAge: number, maxAge: number): string {
  const earliest = addDays(addYears(context.asOf, -(maxAge + 1)), 1);
  const latest = addYears(context.asOf, -minAge);
  return dateBetween(context.tools.random, earliest, latest);
}

export function personName(context: Context, sex: Sex, surname?: string): string {
  const { pick, chance } = context.tools;
  const given = sex === 'male' ? GIVEN_MALE : GIVEN_FEMALE;
  const family = surname ?? pick(SURNAMES);
  return family + pick(given) + (chance(0.75) ? pick(given) : '');
}

/** A unique ID number: area code of the birthplace at birth, birth date, sequence whose parity gives the sex. */
export function idNumberFor(context: Context, county: County, birthDate: string, sex: Sex): string {
  const areaCode = idAreaCode(county, Number(birthDate.slice(0, 4)));
  return unique(context, 'idNumber', () => {
    const base = context.tools.int(0, 499) * 2;
    return makeIdNumber({ areaCode, birthDate, sequence: sex === 'male' ? base + 1 : base });
  });
}

export function mobile(context: Context): string {
  return unique(context, 'phone', () => context.tools.pick(MOBILE_PREFIXES) + context.tools.digits(8));
}

export interface NewPersonOptions {
  readonly sex: Sex;
  readonly birthDate: string;
  readonly household: Household;
  readonly relation: string;
  readonly surname?: string;
  readonly birthCounty?: County;
  /** Default true; false for a newborn not yet registered. */
  readonly registered?: boolean;
}

export function newPerson(context: Context, options: NewPersonOptions): Person {
  const { tools } = context;
  const birthCounty = options.birthCounty ?? tools.weighted(BIRTH_COUNTIES);
  const key = `P${String(context.persons.length + 1).padStart(4, '0')}`;
  const adult = options.birthDate <= addYears(context.asOf, -16);
  const person: Person = {
    key,
    idNumber: options.registered === false ? null : idNumberFor(context, birthCounty, options.birthDate, options.sex),
    name: personName(context, options.sex, options.surname),
    sex: options.sex,
    birthDate: options.birthDate,
    birthCounty,
    ethnicity: tools.weighted(ETHNICITIES),
    householdNumber: options.household.number,
    relation: options.relation,
    address: options.household.address,
    phone: adult ? mobile(context) : null,
  };
  context.persons.push(person);
  context.personsByKey.set(key, person);
  options.household.memberKeys.push(key);
  if (options.relation === '户主') options.household.headKey = key;
  return person;
}

export function newHousehold(context: Context, registeredOn: string, county?: County): Household {
  const { tools } = context;
  const home = county ?? tools.weighted(RESIDENCE_COUNTIES);
  const place = tools.pick(home.places);
  const address = tools.chance(0.5)
    ? `${home.fullName}${place}${tools.int(1, 320)}号`
    : `${home.fullName}${place}${tools.int(1, 40)}栋${tools.int(1, 28)}0${tools.int(1, 4)}房`;
  const household: Household = {
    number: unique(context, 'householdNumber', () => String(tools.int(1, 9)) + tools.digits(8)),
    county: home,
    address,
    registeredOn,
    headKey: '',
    memberKeys: [],
  };
  context.households.push(household);
  return household;
}
