/**
 * docs/domain.md's worked examples, recomputed with the validators of
 * src/domain/identifiers and the working-day calendar: the page's weights,
 * alphabets, tables and examples must be what the code computes.
 */
import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { COVERED_YEARS, addWorkingDays, isWorkingDay } from '../../../src/cases/working-days.js';
import {
  CREDIT_CODE_ALPHABET,
  CREDIT_CODE_AUTHORITIES,
  LICENCE_IDENTIFIER_ROOT,
  RESIDENCE_PERMIT_AREA_CODES,
  creditCodeCheckChar,
  idNumberCheckChar,
  licenceIdentifierCheckChar,
  organizationCodeCheckChar,
  validateAreaCode,
  validateCreditCode,
  validateIdNumber,
  validateImplementationCode,
  validateBasicCode,
  validateLicenceIdentifier,
  validateOrganizationCode,
} from '../../../src/domain/identifiers/index.js';
import { example, readDocExamples, repositoryFile } from '../docs/doc-examples.js';
import { seededRandom } from './seeded-random.js';

const PAGE = 'docs/domain.md';
const examples = readDocExamples(PAGE);
const block = (label: string): string => example(examples, label, PAGE);
const numbers = (text: string): number[] => text.trim().split(/\s+/).map(Number);
const lines = (label: string): string[] => block(label).split('\n').map((line) => line.trim()).filter((line) => line !== '');

/** `key: value` lines of a block. */
function fields(label: string): Record<string, string> {
  return Object.fromEntries(lines(label).map((line) => {
    const colon = line.indexOf(': ');
    if (colon < 0) throw new Error(`${PAGE} example:${label}: "${line}" is not "key: value"`);
    return [line.slice(0, colon), line.slice(colon + 2)];
  }));
}

function weightedSum(values: readonly number[], weights: readonly number[]): number {
  return values.reduce((sum, value, index) => sum + value * weights[index]!, 0);
}

const random = seededRandom(20260101);

describe('docs/domain.md examples agree with the code', () => {
  describe('citizen ID number (GB 11643)', () => {
    const weights = numbers(block('id-number-weights'));
    const checkCharacters = block('id-number-check-characters');

    it('states the weights and check characters the code uses', () => {
      expect(weights).to.have.length(17);
      for (let trial = 0; trial < 500; trial++) {
        const first17 = random.string('0123456789', 17);
        expect(checkCharacters.charAt(weightedSum([...first17].map(Number), weights) % 11), first17).to.equal(idNumberCheckChar(first17));
      }
    });

    it('works the example as the validator does', () => {
      const worked = fields('id-number');
      const number = worked.number!;
      const digits = numbers(worked.digits!);
      expect(digits.join('')).to.equal(number.slice(0, 17));
      expect(numbers(worked.products!)).to.deep.equal(digits.map((digit, index) => digit * weights[index]!));
      expect(Number(worked.sum)).to.equal(weightedSum(digits, weights));
      expect(Number(worked.mod)).to.equal(Number(worked.sum) % 11);
      expect(worked.check).to.equal(checkCharacters.charAt(Number(worked.mod)));
      expect(idNumberCheckChar(number.slice(0, 17))).to.equal(worked.check);
      expect(validateIdNumber(number)).to.deep.include({ ok: true, birthDate: worked.birthDate, sex: worked.sex, residencePermitOf: null });
    });

    it('lists the residence-permit codes the code accepts, and its examples validate', () => {
      const codes = Object.fromEntries(lines('residence-permit-codes').map((line) => line.split(' ').slice(0, 2) as [string, string]));
      expect(codes).to.deep.equal(RESIDENCE_PERMIT_AREA_CODES);
      for (const line of lines('residence-permits')) {
        const [number, region, birthDate, sex] = line.split(' ');
        expect(validateIdNumber(number), line).to.deep.include({ ok: true, residencePermitOf: region, birthDate, sex });
      }
      expect(validateAreaCode('830000').ok, '830000 is valid inside an ID number only').to.equal(false);
    });
  });

  describe('credit code (GB 32100)', () => {
    const weights = numbers(block('credit-code-weights'));
    const alphabet = block('credit-code-alphabet');

    it('states the alphabet and weights the code uses', () => {
      expect(alphabet).to.equal(CREDIT_CODE_ALPHABET);
      for (let trial = 0; trial < 500; trial++) {
        const first17 = random.string(alphabet, 17);
        const sum = weightedSum([...first17].map((character) => alphabet.indexOf(character)), weights);
        expect(alphabet.charAt((31 - (sum % 31)) % 31), first17).to.equal(creditCodeCheckChar(first17));
      }
    });

    it('states the registration authorities and categories the code holds', () => {
      const table = Object.fromEntries(lines('credit-code-authorities').map((line) => {
        const match = /^(\S) ([^:]+): (.+)$/.exec(line);
        if (!match) throw new Error(`authority line "${line}" is not "X name: 1 category, …"`);
        const categories = Object.fromEntries(match[3]!.split(', ').map((entry) => [entry.slice(0, 1), entry.slice(2)]));
        return [match[1]!, { name: match[2]!, categories }];
      }));
      expect(table).to.deep.equal(CREDIT_CODE_AUTHORITIES);
    });

    it('works the example as the validator does', () => {
      const worked = fields('credit-code');
      const code = worked.code!;
      const values = numbers(worked.values!);
      expect(values).to.deep.equal([...code.slice(0, 17)].map((character) => alphabet.indexOf(character)));
      expect(numbers(worked.products!)).to.deep.equal(values.map((value, index) => value * weights[index]!));
      expect(Number(worked.sum)).to.equal(weightedSum(values, weights));
      expect(Number(worked.mod)).to.equal(Number(worked.sum) % 31);
      expect(Number(worked['check value'])).to.equal((31 - Number(worked.mod)) % 31);
      expect(worked.check).to.equal(alphabet.charAt(Number(worked['check value'])));
      expect(creditCodeCheckChar(code.slice(0, 17))).to.equal(worked.check);
      const [authority, authorityName] = worked.authority!.split(' ');
      const [category, categoryName] = worked.category!.split(' ');
      expect(validateCreditCode(code)).to.deep.include({ ok: true, registrationAuthority: authority, category });
      expect(CREDIT_CODE_AUTHORITIES[authority!]?.name).to.equal(authorityName);
      expect(CREDIT_CODE_AUTHORITIES[authority!]?.categories[category!]).to.equal(categoryName);
    });

    it('lists only valid codes as valid', () => {
      for (const code of lines('credit-codes-valid')) expect(validateCreditCode(code), code).to.include({ ok: true });
    });
  });

  describe('organisation code (GB 11714)', () => {
    const weights = numbers(block('organization-code-weights'));
    const checkOf = (sum: number): string => {
      const check = 11 - (sum % 11);
      return check === 10 ? 'X' : check === 11 ? '0' : String(check);
    };

    it('states the weights the code uses', () => {
      for (let trial = 0; trial < 500; trial++) {
        const body = random.string('0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ', 8);
        expect(checkOf(weightedSum([...body].map((character) => Number.parseInt(character, 36)), weights)), body).to.equal(organizationCodeCheckChar(body));
      }
    });

    it('works the example as the validator does', () => {
      const worked = fields('organization-code');
      const values = numbers(worked.values!);
      expect(values).to.deep.equal([...worked.body!].map((character) => Number.parseInt(character, 36)));
      expect(numbers(worked.products!)).to.deep.equal(values.map((value, index) => value * weights[index]!));
      expect(Number(worked.sum)).to.equal(weightedSum(values, weights));
      expect(Number(worked.mod)).to.equal(Number(worked.sum) % 11);
      expect(worked.check).to.equal(checkOf(Number(worked.sum)));
      expect(organizationCodeCheckChar(worked.body!)).to.equal(worked.check);
      expect(validateOrganizationCode(`${worked.body}-${worked.check}`)).to.include({ ok: true });
    });
  });

  it('area codes: province and level as the validator reports them', () => {
    for (const line of lines('area-codes')) {
      const [code, provinceName, level] = line.split(' ');
      expect(validateAreaCode(code), line).to.deep.include({ ok: true, provinceName, level });
    }
  });

  it('licence identifiers: check characters as the code computes them, and the whole identifiers validate', () => {
    for (const line of lines('licence-identifiers')) {
      const [body, check] = line.split(' ') as [string, string];
      expect(licenceIdentifierCheckChar(body), line).to.equal(check);
      expect(validateLicenceIdentifier(`${LICENCE_IDENTIFIER_ROOT}.${body}.${check}`), line).to.include({ ok: true });
    }
  });

  it('matter codes: parts as the validators read them', () => {
    for (const line of lines('matter-codes')) {
      const words = line.split(' ');
      const [kind, code] = words as [string, string];
      const part = (name: string) => words[words.indexOf(name) + 1];
      const result = kind === 'basic' ? validateBasicCode(code) : validateImplementationCode(code);
      expect(result, line).to.deep.include({ ok: true, matterType: part('type'), mainItem: part('main'), subItem: part('sub') });
      if (kind === 'implementation') expect(result, line).to.deep.include({ exerciseLevel: Number(part('level')), creditCode: part('body') });
    }
  });

  describe('working days', () => {
    it('covers the years the page says', () => {
      const match = /\*\*(\d{4}) to (\d{4})\*\*/.exec(readDocExamplesPage());
      expect(match, 'the page names the covered years as **YYYY to YYYY**').to.not.equal(null);
      const [first, last] = [Number(match![1]), Number(match![2])];
      expect(Math.min(...COVERED_YEARS)).to.equal(first);
      expect(Math.max(...COVERED_YEARS)).to.equal(last);
      expect(COVERED_YEARS.size).to.equal(last - first + 1);
    });

    it('knows the 2026 days off and make-up working days of the page', () => {
      const [daysOff, makeUp] = lines('holidays-2026') as [string, string];
      const offDays = daysOff.replace('days off: ', '').split(' ').flatMap((range) => {
        const [from, to] = range.split('..') as [string, string];
        const days: string[] = [];
        for (let day = new Date(`${from}T00:00:00Z`); day <= new Date(`${to}T00:00:00Z`); day.setUTCDate(day.getUTCDate() + 1)) days.push(day.toISOString().slice(0, 10));
        return days;
      });
      for (const day of offDays) expect(isWorkingDay(day), day).to.equal(false);
      for (const day of makeUp.replace('make-up working days: ', '').split(' ')) expect(isWorkingDay(day), day).to.equal(true);
    });

    it('computes the due dates of the page, and flags an uncovered year', () => {
      for (const line of lines('due-dates')) {
        const match = /^(\S+) \+ (\d+) = (?:(\d{4}-\d{2}-\d{2})|uncovered (\d{4}) after (\d+) day\(s\), last counted (\S+))$/.exec(line);
        if (!match) throw new Error(`due-date line "${line}" has an unknown form`);
        const due = addWorkingDays(match[1]!, Number(match[2]));
        if (match[3]) expect(due, line).to.deep.equal({ status: 'computed', dueDate: match[3] });
        else expect(due, line).to.deep.equal({ status: 'uncovered', uncoveredYear: Number(match[4]), countedWorkingDays: Number(match[5]), lastCountedDate: match[6] });
      }
    });
  });
});

function readDocExamplesPage(): string {
  return readFileSync(repositoryFile(PAGE), 'utf8');
}
