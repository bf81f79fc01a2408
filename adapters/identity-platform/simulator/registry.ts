/**
 * Whom the identity platform knows: natural persons as the public security
 * population register has them (ID number, name, mobile phone) and legal
 * persons as the market regulation and civil affairs registers have them
 * (credit code, name, legal representative).
 */
import { createHash } from 'node:crypto';
import { validateCreditCode, validateIdNumber } from '../../../src/domain/identifiers/index.js';
import { createPopulation, type Population } from '../../common/population/index.js';

/** Everyone's password unless registered with another. */
export const DEFAULT_PASSWORD = 'Passw0rd!';

export interface RegisteredPerson {
  readonly idNumber: string;
  readonly name: string;
  /** Mobile number for SMS codes; `null` = none (children). */
  readonly phone: string | null;
  readonly password: string;
  /** A person who died can no longer log in. */
  readonly deceased: boolean;
}

export interface RegisteredEnterprise {
  readonly creditCode: string;
  readonly name: string;
  readonly legalRepresentativeIdNumber: string;
  /** A deregistered (注销) enterprise no longer exists; a revoked (吊销) one still logs in, e.g. to deregister. */
  readonly deregistered: boolean;
}

/** `registerPerson` input. */
export interface PersonRegistration {
  idNumber: string;
  name: string;
  /** Default: a number derived from the ID number. */
  phone?: string;
  /** Default {@link DEFAULT_PASSWORD}. */
  password?: string;
}

/** `registerEnterprise` input. */
export interface EnterpriseRegistration {
  creditCode: string;
  name: string;
  legalRepresentativeIdNumber: string;
}

let defaultPopulation: Population | undefined;

/** The licence library's default population, built once per process on first use. */
export function sharedDefaultPopulation(): Population {
  defaultPopulation ??= createPopulation();
  return defaultPopulation;
}

/** A registration refused: `field` names the input at fault. */
export class RegistrationError extends RangeError {
  constructor(readonly field: string, message: string) {
    super(message);
    this.name = 'RegistrationError';
  }
}

export class IdentityRegistry {
  private readonly persons = new Map<string, RegisteredPerson>();
  private readonly enterprises = new Map<string, RegisteredEnterprise>();

  constructor(population: Population, private readonly today: () => Date) {
    const idNumberOf = new Map<string, string>();
    for (const person of population.persons) {
      if (person.idNumber === null) continue;
      idNumberOf.set(person.key, person.idNumber);
      this.persons.set(person.idNumber, {
        idNumber: person.idNumber, name: person.name, phone: person.phone, password: DEFAULT_PASSWORD, deceased: person.death !== undefined,
      });
    }
    const legalPersons = [
      ...population.enterprises.map((enterprise) => ({ ...enterprise, deregistered: enterprise.registrationStatus === 'deregistered' })),
      ...population.organisations.map((organisation) => ({ ...organisation, deregistered: false })),
    ];
    for (const { creditCode, name, legalRepresentativeKey, deregistered } of legalPersons) {
      const legalRepresentativeIdNumber = idNumberOf.get(legalRepresentativeKey);
      if (legalRepresentativeIdNumber === undefined) continue;
      this.enterprises.set(creditCode, { creditCode, name, legalRepresentativeIdNumber, deregistered });
    }
  }

  person(idNumber: string): RegisteredPerson | undefined {
    return this.persons.get(idNumber);
  }

  enterprise(creditCode: string): RegisteredEnterprise | undefined {
    return this.enterprises.get(creditCode);
  }

  /** Adds a person, or replaces the one with that ID number. @throws RegistrationError naming the field at fault. */
  registerPerson(input: PersonRegistration): RegisteredPerson {
    const idNumber = this.checkedIdNumber(input.idNumber, 'idNumber');
    const name = checkedName(input.name, 'name');
    if (input.phone !== undefined && (typeof input.phone !== 'string' || !/^1\d{10}$/.test(input.phone))) {
      throw new RegistrationError('phone', `phone "${String(input.phone)}" is not an 11-digit mobile number`);
    }
    if (input.password !== undefined && (typeof input.password !== 'string' || input.password === '')) {
      throw new RegistrationError('password', 'password must be a non-empty string');
    }
    const person: RegisteredPerson = {
      idNumber, name, phone: input.phone ?? derivedPhone(idNumber), password: input.password ?? DEFAULT_PASSWORD, deceased: false,
    };
    this.persons.set(idNumber, person);
    return person;
  }

  /** Adds an enterprise, or replaces the one with that credit code. @throws RegistrationError naming the field at fault. */
  registerEnterprise(input: EnterpriseRegistration): RegisteredEnterprise {
    const checked = validateCreditCode(input.creditCode);
    if (!checked.ok) throw new RegistrationError('creditCode', checked.reason);
    const enterprise: RegisteredEnterprise = {
      creditCode: input.creditCode,
      name: checkedName(input.name, 'name'),
      legalRepresentativeIdNumber: this.checkedIdNumber(input.legalRepresentativeIdNumber, 'legalRepresentativeIdNumber'),
      deregistered: false,
    };
    this.enterprises.set(enterprise.creditCode, enterprise);
    return enterprise;
  }

  private checkedIdNumber(value: unknown, field: string): string {
    const checked = validateIdNumber(value, { today: this.today() });
    if (!checked.ok) throw new RegistrationError(field, checked.reason);
    return value as string;
  }
}

function checkedName(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.trim() === '' || value.length > 100) {
    throw new RegistrationError(field, `${field} must be a non-empty string of at most 100 characters`);
  }
  return value;
}

/** A stable 11-digit mobile number for a registered person who gave none. */
function derivedPhone(idNumber: string): string {
  const digits = BigInt(`0x${createHash('sha256').update(idNumber).digest('hex').slice(0, 12)}`) % 100_000_000n;
  return `139${digits.toString().padStart(8, '0')}`;
}
