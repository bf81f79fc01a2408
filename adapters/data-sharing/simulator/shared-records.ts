/**
 * What the source departments hold about the synthetic population, per
 * shared resource: 户籍 from households, 婚姻登记 from marriages, 社保参保 from
 * each person's social-security record; 住房公积金 accounts are not in the
 * population, so they are derived here from the population seed and the ID
 * number (deterministic: the same seed gives the same accounts).
 */
import { createHash } from 'node:crypto';
import { SHARED_RESOURCES, type SharedResourceKey } from '../../../src/domain/shared-data.js';
import type { Household, Person, Population } from '../../common/population/index.js';

export interface SourceRecord {
  readonly fields: Record<string, string>;
  /** `YYYY-MM-DD`: when the source last updated it. */
  readonly updatedOn: string;
}

/** 梅州市 from 广东省梅州市梅县区; 兴宁市 from 广东省兴宁市. */
export function cityOf(fullName: string): string {
  const match = /^(?:[^省]+省)?([^市]+市)/.exec(fullName);
  return match?.[1] ?? fullName;
}

export class SharedRecords {
  private readonly persons = new Map<string, Person>();
  private readonly byKey = new Map<string, Person>();
  private readonly households = new Map<string, Household>();

  constructor(private readonly population: Population) {
    for (const person of population.persons) {
      this.byKey.set(person.key, person);
      if (person.idNumber) this.persons.set(person.idNumber, person);
    }
    for (const household of population.households) this.households.set(household.number, household);
  }

  /** The holder's record of a resource, or `undefined` when the source holds none. */
  record(resource: SharedResourceKey, idNumber: string): SourceRecord | undefined {
    const person = this.persons.get(idNumber);
    if (!person) return undefined;
    const base = { XM: person.name, GMSFHM: idNumber };
    switch (resource) {
      case 'householdRegistration': {
        const household = this.households.get(person.householdNumber);
        const head = household ? this.byKey.get(household.headKey) : undefined;
        return {
          fields: { ...base, XB: person.sex === 'male' ? '男' : '女', CSRQ: person.birthDate, MZ: person.ethnicity, HH: person.householdNumber, YHZGX: person.relation, HZXM: head?.name ?? person.name, HNRS: String(household?.memberKeys.length ?? 1), ZZ: person.address },
          updatedOn: household?.registeredOn ?? person.birthDate,
        };
      }
      case 'marriageRegistration': {
        const spouse = this.byKey.get(person.spouseKey ?? '');
        if (!person.marriage || !spouse?.idNumber) return undefined;
        return {
          fields: { ...base, HYZK: '已婚', POXM: spouse.name, POGMSFHM: spouse.idNumber, DJRQ: person.marriage.registeredOn, JHZZH: person.marriage.certificateNumber },
          updatedOn: person.marriage.registeredOn,
        };
      }
      case 'socialInsuranceEnrolment': {
        const insurance = person.socialSecurity;
        if (!insurance) return undefined;
        const household = this.households.get(person.householdNumber);
        const adult = insurance.status !== '城乡居民参保';
        return {
          fields: { ...base, CBZT: insurance.status, CBDQ: cityOf(household?.county.fullName ?? person.address), CBRQ: insurance.insuredSince, XZ: adult ? '企业职工基本养老保险' : '城乡居民基本医疗保险' },
          updatedOn: insurance.retiredOn ?? insurance.insuredSince,
        };
      }
      case 'providentFundAccount': {
        const insurance = person.socialSecurity;
        if (!insurance || insurance.status !== '参保缴费') return undefined;
        const digest = createHash('sha256').update(`${this.population.seed}:gjj:${idNumber}`).digest();
        // About four in five contributing employees have an account.
        if (digest[0]! >= 205) return undefined;
        const employers = this.population.enterprises.filter((enterprise) => enterprise.registrationStatus === 'active');
        const employer = employers.length > 0 ? employers[digest.readUInt16BE(1) % employers.length]!.name : '梅州市机关事务管理局';
        const openedOn = insurance.insuredSince < '2005-01-01' ? '2005-01-01' : insurance.insuredSince;
        return {
          fields: { ...base, GRZH: `4414${String(digest.readUInt32BE(3)).padStart(10, '0').slice(0, 10)}`, ZHZT: digest[7]! < 20 ? '封存' : '正常', JCDW: employer, KHRQ: openedOn },
          updatedOn: this.population.asOf,
        };
      }
    }
  }

  /** Someone in the population who has a record of the resource (for tests and the demo). */
  someHolder(resource: SharedResourceKey, fits: (person: Person) => boolean = () => true): Person {
    const found = this.population.persons.find((person) => person.idNumber !== null && fits(person) && this.record(resource, person.idNumber) !== undefined);
    if (!found) throw new Error(`no holder of ${SHARED_RESOURCES[resource].name} in the population`);
    return found;
  }
}
