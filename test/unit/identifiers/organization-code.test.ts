import { expect } from 'chai';
import { organizationCodeCheckChar, validateOrganizationCode } from '../../../src/domain/identifiers/organization-code.js';
import { replaceAt, seededRandom } from './seeded-random.js';

const BODY_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';

describe('identifiers: organisation code (GB 11714)', () => {
  it('computes the docs/domain.md example D2143569 → X (Σ = 199, 199 mod 11 = 1)', () => {
    const weights = [3, 7, 9, 10, 5, 8, 4, 2];
    const sum = [...'D2143569'].reduce((total, character, index) => total + Number.parseInt(character, 36) * weights[index]!, 0);
    expect(sum).to.equal(199);
    expect(organizationCodeCheckChar('D2143569')).to.equal('X');
  });

  const valid = [
    { value: 'D2143569X', organizationCode: 'D2143569X' },
    { value: 'D2143569-X', organizationCode: 'D2143569X' },
    // Positions 9–17 of the docs/domain.md credit codes.
    { value: 'M000100Y4', organizationCode: 'M000100Y4' },
    { value: '71526726-X', organizationCode: '71526726X' },
    { value: '000013338', organizationCode: '000013338' },
    // Σ = 0 → 11 − 0 = 11 → "0".
    { value: '000000000', organizationCode: '000000000' },
  ];
  for (const { value, organizationCode } of valid) {
    it(`validates ${value}`, () => {
      expect(validateOrganizationCode(value)).to.deep.equal({ ok: true, organizationCode });
    });
  }

  const failures: ReadonlyArray<{ name: string; value: unknown; code: string; reason: RegExp }> = [
    { name: 'a number', value: 12345678, code: 'not_a_string', reason: /got number/ },
    { name: '8 characters', value: 'D2143569', code: 'length', reason: /has 8 characters, expected 9/ },
    { name: '11 characters', value: 'D2143569--X', code: 'length', reason: /has 11 characters/ },
    { name: 'the hyphen in the wrong place', value: 'D214356-9X', code: 'format', reason: /must have "-" before the check character, got "9"/ },
    { name: 'a lower-case letter', value: 'd2143569X', code: 'characters', reason: /character 1 "d"/ },
    { name: 'a lower-case x check', value: 'D2143569x', code: 'characters', reason: /check character "x" is not a digit or "X"/ },
    { name: 'a letter other than X as check', value: 'D2143569Y', code: 'characters', reason: /check character "Y"/ },
    { name: 'a wrong check character', value: 'D21435690', code: 'check_character', reason: /check character is "0", expected "X"/ },
    { name: 'one digit changed', value: 'D2143568-X', code: 'check_character', reason: /expected/ },
  ];
  for (const { name, value, code, reason } of failures) {
    it(`rejects ${name} (${code})`, () => {
      const result = validateOrganizationCode(value);
      expect(result.ok).to.equal(false);
      if (result.ok) return;
      expect(result.code).to.equal(code);
      expect(result.reason).to.match(reason);
    });
  }

  it('rejects a malformed body in organizationCodeCheckChar', () => {
    expect(() => organizationCodeCheckChar('D214356')).to.throw(RangeError);
    expect(() => organizationCodeCheckChar('d2143569')).to.throw(RangeError);
  });

  describe('property: 2,000 generated organisation codes', () => {
    const random = seededRandom(11714);
    const generated = Array.from({ length: 2000 }, () => {
      const body = random.string(BODY_ALPHABET, 8);
      return body + organizationCodeCheckChar(body);
    });

    it('all validate, with and without the hyphen', () => {
      for (const code of generated) {
        expect(validateOrganizationCode(code).ok, code).to.equal(true);
        expect(validateOrganizationCode(`${code.slice(0, 8)}-${code.charAt(8)}`).ok, code).to.equal(true);
      }
    });

    it('every digit-for-digit substitution, and every change of the check character, fails', () => {
      const accepted: string[] = [];
      for (const code of generated) {
        for (let index = 0; index < 9; index++) {
          const original = code.charAt(index);
          const replacements = index === 8 ? '0123456789X' : /\d/.test(original) ? '0123456789' : '';
          for (const character of replacements) {
            if (character === original) continue;
            const changed = replaceAt(code, index, character);
            if (validateOrganizationCode(changed).ok) accepted.push(changed);
          }
        }
      }
      expect(accepted).to.deep.equal([]);
    });

    it('misses exactly the body substitutions whose values differ by a multiple of 11 (a known weakness)', () => {
      for (const code of generated.slice(0, 200)) {
        for (let index = 0; index < 8; index++) {
          const original = Number.parseInt(code.charAt(index), 36);
          for (const character of BODY_ALPHABET) {
            const value = Number.parseInt(character, 36);
            if (value === original) continue;
            const changed = replaceAt(code, index, character);
            expect(validateOrganizationCode(changed).ok, changed).to.equal((value - original) % 11 === 0);
          }
        }
      }
      // For instance D (13) → 2 (2) in the docs/domain.md example goes unnoticed.
      expect(validateOrganizationCode('22143569X').ok).to.equal(true);
    });
  });
});
