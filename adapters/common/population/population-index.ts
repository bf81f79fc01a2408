/**
 * Finds applicants in the seeded population: people and enterprises that
 * really hold valid licences of the types a theme declares, so a prefill
 * from the licence library fills what they hold. The end-to-end tests pick
 * their holders with it, and `tongban demo` its families and enterprises.
 */
import type { LicenceTypeKey } from '../../../src/domain/licence-library.js';
import type { Enterprise, LicenceRecord, Organisation, Person, Population } from './model.js';

/** Today in China (UTC+8), `YYYY-MM-DD`: the date licence validity is judged on. */
export function chinaToday(now = Date.now()): string {
  return new Date(now + 8 * 3600_000).toISOString().slice(0, 10);
}

export class PopulationIndex {
  private readonly byHolder = new Map<string, LicenceRecord[]>();
  private readonly persons = new Map<string, Person>();
  /** Valid until at least this date: the scenario must not break while the suite runs. */
  private readonly horizon: string;

  constructor(readonly population: Population, readonly today = chinaToday()) {
    for (const licence of population.licences) this.byHolder.set(licence.holder.code, [...(this.byHolder.get(licence.holder.code) ?? []), licence]);
    for (const person of population.persons) this.persons.set(person.key, person);
    this.horizon = new Date(Date.parse(`${today}T00:00:00Z`) + 30 * 86_400_000).toISOString().slice(0, 10);
  }

  /** Every licence of a type the holder has (any status). */
  licences(holderCode: string, type: LicenceTypeKey): LicenceRecord[] {
    return (this.byHolder.get(holderCode) ?? []).filter((licence) => licence.type === type);
  }

  isValid(licence: LicenceRecord): boolean {
    return licence.status === '01' && licence.validFrom <= this.today && (licence.validUntil === null || licence.validUntil >= this.horizon);
  }

  /** The holder's one licence of the type, when it is the only one and valid (so a prefill has one source per type). */
  sole(holderCode: string, type: LicenceTypeKey): LicenceRecord | undefined {
    const licences = this.licences(holderCode, type);
    return licences.length === 1 && this.isValid(licences[0]!) ? licences[0] : undefined;
  }

  /** Whether the holder has exactly one licence of each type, valid. */
  holdsSole(holderCode: string | null | undefined, types: readonly LicenceTypeKey[]): boolean {
    return typeof holderCode === 'string' && types.every((type) => this.sole(holderCode, type) !== undefined);
  }

  /** The one valid licence of the type, or an error naming what is missing. */
  licence(holderCode: string, type: LicenceTypeKey): LicenceRecord {
    const licence = this.sole(holderCode, type);
    if (!licence) throw new Error(`${holderCode} holds no single valid ${type}`);
    return licence;
  }

  person(key: string | undefined): Person | undefined {
    return key === undefined ? undefined : this.persons.get(key);
  }

  personByCode(code: string): Person {
    const person = this.population.persons.find((candidate) => candidate.idNumber === code);
    if (!person) throw new Error(`no person ${code}`);
    return person;
  }

  /** The first person (in population order, after `skip` matches) that fits; an error when none does. */
  findPerson(what: string, fits: (person: Person) => boolean, skip = 0): Person {
    const found = this.population.persons.filter(fits)[skip];
    if (!found) throw new Error(`no ${what} in the population`);
    return found;
  }

  findEnterprise(what: string, fits: (enterprise: Enterprise) => boolean): Enterprise {
    const found = this.population.enterprises.find(fits);
    if (!found) throw new Error(`no ${what} in the population`);
    return found;
  }

  /** The first organisation (社会团体, 民办学校) that fits; an error when none does. */
  findOrganisation(what: string, fits: (organisation: Organisation) => boolean): Organisation {
    const found = this.population.organisations.find(fits);
    if (!found) throw new Error(`no ${what} in the population`);
    return found;
  }

  /** The enterprises (any status) whose legal representative (经营者, 投资人) the person is: none for someone who runs no business yet. */
  enterprisesOf(personKey: string): Enterprise[] {
    return this.population.enterprises.filter((enterprise) => enterprise.legalRepresentativeKey === personKey);
  }

  /** The first active enterprise that fits and holds one valid 营业执照; an error when none does. */
  findActiveEnterprise(what: string, fits: (enterprise: Enterprise) => boolean): Enterprise {
    return this.findEnterprise(what, (enterprise) => enterprise.registrationStatus === 'active' && fits(enterprise) && this.holdsSole(enterprise.creditCode, ['businessLicence']));
  }
}
