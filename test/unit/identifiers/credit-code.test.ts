import { expect } from 'chai';
import {
  CREDIT_CODE_ALPHABET, CREDIT_CODE_AUTHORITIES, creditCodeCheckChar, makeCreditCode, validateCreditCode,
} from '../../../src/domain/identifiers/credit-code.js';
import { organizationCodeCheckChar } from '../../../src/domain/identifiers/organization-code.js';
import { replaceAt, seededRandom } from './seeded-random.js';

/** Weights derived as 3^(i−1) mod 31, independent of the table in the module. */
const derivedWeights = Array.from({ length: 17 }, (_, index) => {
  let weight = 1;
  for (let power = 0; power < index; power++) weight = (weight * 3) % 31;
  return weight;
});

function weightedSum(first17: string): number {
  return [...first17].reduce((total, character, index) => total + CREDIT_CODE_ALPHABET.indexOf(character) * derivedWeights[index]!, 0);
}

describe('identifiers: unified social credit code (GB 32100)', () => {
  it('has the docs/domain.md weights, which are the powers of 3 mod 31', () => {
    expect(derivedWeights).to.deep.equal([1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]);
    expect(CREDIT_CODE_ALPHABET).to.have.length(31);
    for (const letter of 'IOSVZ') expect(CREDIT_CODE_ALPHABET).to.not.include(letter);
  });

  // Every credit code in docs/domain.md, including the three inside the licence identifiers.
  const examples = [
    { code: '91350100M000100Y43', sum: 1640, organizationCode: 'M000100Y4' },
    { code: '9144030071526726XG', sum: 1782, organizationCode: '71526726X' },
    { code: '11100000000013338W', sum: 437, organizationCode: '000013338' },
    { code: '11430000006122244L', sum: 600, organizationCode: '006122244' },
    { code: '11110000000021135M', sum: 320, organizationCode: '000021135' },
    { code: '11220000013544541J', sum: 571, organizationCode: '013544541' },
  ];
  for (const { code, sum, organizationCode } of examples) {
    it(`validates ${code} (Σ = ${sum}) and its embedded organisation code checks`, () => {
      expect(weightedSum(code.slice(0, 17))).to.equal(sum);
      const expected = CREDIT_CODE_ALPHABET.charAt((31 - (sum % 31)) % 31);
      expect(creditCodeCheckChar(code.slice(0, 17))).to.equal(expected).and.to.equal(code.charAt(17));
      expect(organizationCodeCheckChar(organizationCode.slice(0, 8))).to.equal(organizationCode.charAt(8));
      expect(validateCreditCode(code)).to.deep.equal({
        ok: true,
        registrationAuthority: code.charAt(0),
        category: code.charAt(1),
        areaCode: code.slice(2, 8),
        organizationCode,
        organizationCodeValid: true,
      });
    });
  }

  it('follows the worked example: 1640 mod 31 = 28, 31 − 28 = 3', () => {
    expect(1640 % 31).to.equal(28);
    expect(creditCodeCheckChar('91350100M000100Y4')).to.equal('3');
  });

  it('maps check value 31 to "0"', () => {
    // Find a body whose Σ is a multiple of 31 by fixing the last character.
    const prefix = '9144030071526726';
    const last = [...CREDIT_CODE_ALPHABET].find((character) => weightedSum(prefix + character) % 31 === 0)!;
    expect(creditCodeCheckChar(prefix + last)).to.equal('0');
    expect(validateCreditCode(`${prefix}${last}0`).ok).to.equal(true);
  });

  it('accepts, but flags, a code whose organisation-code part does not satisfy GB 11714', () => {
    const first17 = '91350100M000100Y5';
    const result = validateCreditCode(first17 + creditCodeCheckChar(first17));
    expect(result.ok).to.equal(true);
    expect(result.ok && result.organizationCodeValid).to.equal(false);
  });

  /** `first17` completed with its check character, so only positions 1–2 can be wrong. */
  const withCheck = (first17: string): string => first17 + creditCodeCheckChar(first17);

  it('has the GB 32100 table of registration authorities and the categories each assigns', () => {
    const pairs = Object.entries(CREDIT_CODE_AUTHORITIES).flatMap(([authority, { categories }]) => Object.keys(categories).map((category) => authority + category));
    expect(pairs).to.deep.equal([
      '11', '12', '13', '19', '21', '29', '31', '32', '33', '34', '35', '39', '41', '49', '51', '52', '53', '59',
      '61', '62', '69', '71', '72', '79', '81', '89', '91', '92', '93', 'A1', 'A9', 'N1', 'N2', 'N3', 'N9', 'Y1',
    ]);
    expect(CREDIT_CODE_AUTHORITIES['9']).to.deep.equal({ name: '工商', categories: { '1': '企业', '2': '个体工商户', '3': '农民专业合作社' } });
  });

  it('accepts every listed authority and category, and refuses every other pair of positions 1–2 (check character right)', () => {
    const refused: string[] = [];
    for (const authority of CREDIT_CODE_ALPHABET) {
      for (const category of CREDIT_CODE_ALPHABET) {
        const result = validateCreditCode(withCheck(`${authority}${category}350100M000100Y4`));
        const listed = Object.hasOwn(CREDIT_CODE_AUTHORITIES, authority) && Object.hasOwn(CREDIT_CODE_AUTHORITIES[authority]!.categories, category);
        expect(result.ok, authority + category).to.equal(listed);
        if (!result.ok) {
          expect(result.code, authority + category).to.equal('authority_category');
          refused.push(authority + category);
        }
      }
    }
    expect(refused).to.have.length(31 * 31 - 36);
  });

  const failures: ReadonlyArray<{ name: string; value: unknown; code: string; reason: RegExp }> = [
    { name: 'registration authority 0', value: withCheck('01350100M000100Y4'), code: 'authority_category', reason: /character 1 "0" is not a registration authority \(1, 2, 3, 4, 5, 6, 7, 8, 9, A, N, Y\)/ },
    { name: 'registration authority B', value: withCheck('B1350100M000100Y4'), code: 'authority_category', reason: /character 1 "B" is not a registration authority/ },
    { name: 'category 4 under 工商', value: withCheck('94350100M000100Y4'), code: 'authority_category', reason: /characters 1–2 "94": category "4" is not one of 工商 \(9\): 1, 2, 3/ },
    { name: 'category 9 under 工商', value: withCheck('99350100M000100Y4'), code: 'authority_category', reason: /characters 1–2 "99"/ },
    { name: 'category 2 under 其他', value: withCheck('Y2350100M000100Y4'), code: 'authority_category', reason: /characters 1–2 "Y2": category "2" is not one of 其他 \(Y\): 1$/ },
    { name: 'category 0 under 机构编制', value: withCheck('10350100M000100Y4'), code: 'authority_category', reason: /characters 1–2 "10"/ },

    { name: 'a number', value: 911, code: 'not_a_string', reason: /must be a string, got number/ },
    { name: 'an object', value: {}, code: 'not_a_string', reason: /got object/ },
    { name: '17 characters', value: '91350100M000100Y4', code: 'length', reason: /has 17 characters, expected 18/ },
    { name: '19 characters', value: '91350100M000100Y433', code: 'length', reason: /has 19 characters/ },
    { name: 'an I', value: '91350100I000100Y43', code: 'characters', reason: /character 9 "I" is not used in credit codes/ },
    { name: 'an O', value: 'O1350100M000100Y43', code: 'characters', reason: /character 1 "O" is not used/ },
    { name: 'an S', value: '9S350100M000100Y43', code: 'characters', reason: /character 2 "S" is not used/ },
    { name: 'a V', value: '91350100M000100V43', code: 'characters', reason: /character 16 "V" is not used/ },
    { name: 'a Z', value: '91350100M000100Y4Z', code: 'characters', reason: /character 18 "Z" is not used/ },
    { name: 'a lower-case letter', value: '91350100m000100Y43', code: 'characters', reason: /character 9 "m" must be upper-case/ },
    { name: 'a hyphen', value: '91350100-000100Y43', code: 'characters', reason: /character 9 "-" is not in the credit-code alphabet/ },
    { name: 'a wrong check character', value: '91350100M000100Y44', code: 'check_character', reason: /check character is "4", expected "3"/ },
    { name: 'one character changed', value: '91350100M000100Y53', code: 'check_character', reason: /check character is "3", expected/ },
    { name: 'G for 6', value: '9144030071526726XG'.replace('6', 'G'), code: 'check_character', reason: /check character is "G"/ },
  ];
  for (const { name, value, code, reason } of failures) {
    it(`rejects ${name} (${code})`, () => {
      const result = validateCreditCode(value);
      expect(result.ok).to.equal(false);
      if (result.ok) return;
      expect(result.code).to.equal(code);
      expect(result.reason).to.match(reason);
    });
  }

  it('makeCreditCode uses a given organisation code, completing an 8-character body', () => {
    expect(makeCreditCode({ registrationAuthority: '9', category: '1', areaCode: '350100', organizationCode: 'M000100Y4' }))
      .to.equal('91350100M000100Y43');
    expect(makeCreditCode({ registrationAuthority: '9', category: '1', areaCode: '440300', organizationCode: '71526726' }))
      .to.equal('9144030071526726XG');
  });

  it('makeCreditCode generates the same code from the same seed, and rejects malformed input', () => {
    const make = (): string => makeCreditCode({ registrationAuthority: '9', category: '1', areaCode: '441403', random: seededRandom(7).next });
    expect(make()).to.equal(make());
    expect(validateCreditCode(makeCreditCode({ registrationAuthority: '1', category: '1', areaCode: '100000' })).ok).to.equal(true);
    const bad = [
      { registrationAuthority: 'I', category: '1', areaCode: '350100' },
      { registrationAuthority: '0', category: '1', areaCode: '350100' },
      { registrationAuthority: '9', category: '9', areaCode: '350100' },
      { registrationAuthority: '91', category: '1', areaCode: '350100' },
      { registrationAuthority: '9', category: '', areaCode: '350100' },
      { registrationAuthority: '9', category: '1', areaCode: '35010' },
      { registrationAuthority: '9', category: '1', areaCode: '35010A' },
      { registrationAuthority: '9', category: '1', areaCode: '350100', organizationCode: 'M000100' },
      { registrationAuthority: '9', category: '1', areaCode: '350100', organizationCode: 'S0001000' },
    ];
    for (const input of bad) expect(() => makeCreditCode(input), JSON.stringify(input)).to.throw(RangeError);
    expect(() => creditCodeCheckChar('91350100I000100Y4')).to.throw(RangeError);
    expect(() => creditCodeCheckChar('91350100M000100Y')).to.throw(RangeError);
  });

  describe('property: 2,000 generated credit codes', () => {
    const random = seededRandom(32100);
    const generated = Array.from({ length: 2000 }, (_, index) => {
      const registrationAuthority = random.pick(Object.keys(CREDIT_CODE_AUTHORITIES));
      const input = {
        registrationAuthority,
        category: random.pick(Object.keys(CREDIT_CODE_AUTHORITIES[registrationAuthority]!.categories)),
        areaCode: random.string('0123456789', 6),
        random: random.next,
      };
      // Every fourth code gets a given body with letters (organisation codes like MA01…).
      return index % 4 === 0
        ? makeCreditCode({ ...input, organizationCode: random.string(CREDIT_CODE_ALPHABET, 8) })
        : makeCreditCode(input);
    });

    it('are distinct enough to mean something', () => {
      expect(new Set(generated).size).to.be.greaterThan(1990);
    });

    it('all validate, with a valid embedded organisation code', () => {
      for (const code of generated) {
        const result = validateCreditCode(code);
        expect(result.ok, code).to.equal(true);
        expect(result.ok && result.organizationCodeValid, code).to.equal(true);
      }
    });

    it('every substitution of any alphabet character at every position fails the check (MOD 31)', () => {
      const accepted: string[] = [];
      let substitutions = 0;
      for (const code of generated) {
        for (let index = 0; index < 18; index++) {
          for (const character of CREDIT_CODE_ALPHABET) {
            if (character === code.charAt(index)) continue;
            const changed = replaceAt(code, index, character);
            const result = validateCreditCode(changed);
            if (result.ok || result.code !== 'check_character') accepted.push(changed);
            substitutions++;
          }
        }
      }
      expect(substitutions).to.equal(2000 * 18 * 30);
      expect(accepted).to.deep.equal([]);
    });

    it('every swap of two different adjacent characters among the first 17 fails the check (MOD 31)', () => {
      const missed: string[] = [];
      for (const code of generated) {
        for (let index = 0; index < 16; index++) {
          if (code.charAt(index) === code.charAt(index + 1)) continue;
          const swapped = code.slice(0, index) + code.charAt(index + 1) + code.charAt(index) + code.slice(index + 2);
          if (validateCreditCode(swapped).ok) missed.push(swapped);
        }
      }
      expect(missed).to.deep.equal([]);
    });
  });
});
