import { expect } from 'chai';
import { CREDIT_CODE_ALPHABET, creditCodeCheckChar, makeCreditCode } from '../../../src/domain/identifiers/credit-code.js';
import {
  LICENCE_IDENTIFIER_ROOT, licenceIdentifierCheckChar, makeLicenceIdentifier, parseLicenceIdentifier, validateLicenceIdentifier,
} from '../../../src/domain/identifiers/licence-identifier.js';
import { replaceAt, seededRandom } from './seeded-random.js';

const ALPHANUMERIC = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/**
 * The verification form of ISO/IEC 7064 MOD 37,36, independent of the
 * generator: run the recursion over body + check; the final sum must be 1.
 */
function hybridChecks(bodyAndCheck: string): boolean {
  let product = 36;
  let sum = 0;
  for (const character of bodyAndCheck) {
    sum = (product + Number.parseInt(character, 36)) % 36;
    product = (2 * (sum === 0 ? 36 : sum)) % 37;
  }
  return sum === 1;
}

const examples = [
  { body: '11100000000013338W011.11430000006122244L.20230000403.001', check: 'U' },
  { body: '11100000000013338W011.11110000000021135M.20230329701.003', check: 'Y' },
  { body: '11100000000013338W032.11220000013544541J.2430599.001', check: 'F' },
];

describe('identifiers: electronic licence identifier (GB/T 36904)', () => {
  for (const { body, check } of examples) {
    it(`recomputes ${body} → ${check} and validates the full identifier`, () => {
      expect(licenceIdentifierCheckChar(body)).to.equal(check);
      expect(licenceIdentifierCheckChar(body.replaceAll('.', ''))).to.equal(check);
      expect(hybridChecks(body.replaceAll('.', '') + check)).to.equal(true);
      const [typeCode, issuerCreditCode, serial, version] = body.split('.') as [string, string, string, string];
      const identifier = `${LICENCE_IDENTIFIER_ROOT}.${body}.${check}`;
      const expected = {
        ok: true,
        typeCode,
        definingAuthorityCreditCode: typeCode.slice(0, 18),
        typeSequence: typeCode.slice(18),
        issuerCreditCode,
        serial,
        version,
        checkChar: check,
      };
      expect(validateLicenceIdentifier(identifier)).to.deep.equal(expected);
      expect(parseLicenceIdentifier(identifier)).to.deep.equal(expected);
      expect(makeLicenceIdentifier({ typeCode, issuerCreditCode, serial, version: Number(version) })).to.equal(identifier);
    });
  }

  const good = `${LICENCE_IDENTIFIER_ROOT}.${examples[0]!.body}.U`;
  /** `good` with its body edited and the check character recomputed, so only the edit is at fault. */
  const recheck = (edit: (body: string) => string): string => {
    const body = edit(examples[0]!.body);
    return `${LICENCE_IDENTIFIER_ROOT}.${body}.${licenceIdentifierCheckChar(body)}`;
  };
  const failures: ReadonlyArray<{ name: string; value: unknown; code: string; reason: RegExp }> = [
    { name: 'a number', value: 1.2, code: 'not_a_string', reason: /got number/ },
    { name: 'a wrong root', value: good.replace('1.2.156.3005.2.', '1.2.156.3005.3.'), code: 'root', reason: /does not start with "1\.2\.156\.3005\.2\."/ },
    { name: 'no root', value: `${examples[0]!.body}.U`, code: 'root', reason: /does not start with/ },
    { name: 'a missing check part', value: `${LICENCE_IDENTIFIER_ROOT}.${examples[0]!.body}`, code: 'format', reason: /has 4 parts after the root, expected 5/ },
    { name: 'an extra part', value: `${good}.1`, code: 'format', reason: /has 6 parts/ },
    { name: 'a 20-character type', value: good.replace('W011.', 'W01.'), code: 'format', reason: /type part "11100000000013338W01" is not 21 characters/ },
    { name: 'a letter in the type sequence', value: good.replace('W011.', 'W01A.'), code: 'format', reason: /type part/ },
    { name: 'a 17-character issuer', value: good.replace('244L.', '244.'), code: 'format', reason: /issuer part "11430000006122244"/ },
    { name: 'a 6-character serial', value: good.replace('20230000403', '202300'), code: 'format', reason: /serial part "202300" is not 7–32/ },
    { name: 'a 33-character serial', value: good.replace('20230000403', 'A'.repeat(33)), code: 'format', reason: /serial part/ },
    { name: 'a lower-case serial', value: good.replace('20230000403', '2023abc0403'), code: 'format', reason: /serial part "2023abc0403"/ },
    { name: 'a 2-digit version', value: good.replace('.001.', '.01.'), code: 'format', reason: /version part "01" is not 3 digits/ },
    { name: 'a lower-case check', value: `${LICENCE_IDENTIFIER_ROOT}.${examples[1]!.body}.y`, code: 'format', reason: /check part "y"/ },
    { name: 'an empty check', value: `${good.slice(0, -1)}`, code: 'format', reason: /check part ""/ },
    { name: 'an issuer that is not a valid credit code', value: recheck((body) => body.replace('244L', '245L')), code: 'embedded_identifier', reason: /issuer part: credit code "11430000006122245L": check character is "L"/ },
    { name: 'an issuer with an S', value: recheck((body) => body.replace('244L', '24SL')), code: 'embedded_identifier', reason: /issuer part: .*"S" is not used/ },
    { name: 'a type whose credit code is invalid', value: recheck((body) => body.replace('338W011', '338X011')), code: 'embedded_identifier', reason: /type part: credit code "11100000000013338X"/ },
    { name: 'a wrong check character', value: good.replace(/U$/, 'V'), code: 'check_character', reason: /check character is "V", expected "U"/ },
    { name: 'one serial digit changed', value: good.replace('20230000403', '20230000404'), code: 'check_character', reason: /expected/ },
  ];
  for (const { name, value, code, reason } of failures) {
    it(`rejects ${name} (${code})`, () => {
      const result = validateLicenceIdentifier(value);
      expect(result.ok).to.equal(false);
      if (result.ok) return;
      expect(result.code).to.equal(code);
      expect(result.reason).to.match(reason);
    });
  }

  it('parseLicenceIdentifier checks shape only, not the check character or the credit codes', () => {
    expect(parseLicenceIdentifier(good.replace(/U$/, 'V')).ok).to.equal(true);
    expect(parseLicenceIdentifier(recheck((body) => body.replace('244L', '245L'))).ok).to.equal(true);
  });

  it('makeLicenceIdentifier rejects malformed parts and invalid credit codes', () => {
    const base = { typeCode: '11100000000013338W011', issuerCreditCode: '11430000006122244L', serial: '20230000403', version: 1 };
    const bad = [
      { ...base, typeCode: '11100000000013338W01' },
      { ...base, typeCode: '11100000000013338X011' },
      { ...base, issuerCreditCode: '11430000006122245L' },
      { ...base, serial: 'ABC' },
      { ...base, serial: '2023.0403' },
      { ...base, version: 1000 },
      { ...base, version: '1' },
    ];
    for (const input of bad) expect(() => makeLicenceIdentifier(input), JSON.stringify(input)).to.throw(RangeError);
    expect(() => licenceIdentifierCheckChar('abc')).to.throw(RangeError);
    expect(() => licenceIdentifierCheckChar('')).to.throw(RangeError);
  });

  describe('property: 2,000 generated licence identifiers', () => {
    const random = seededRandom(36904);
    const creditCode = (): string => makeCreditCode({
      registrationAuthority: random.pick(['1', '5', '9']),
      category: random.pick(['1', '2', '3']),
      areaCode: random.string('0123456789', 6),
      random: random.next,
    });
    const generated = Array.from({ length: 2000 }, () => makeLicenceIdentifier({
      typeCode: creditCode() + random.string('0123456789', 3),
      issuerCreditCode: creditCode(),
      serial: random.string(ALPHANUMERIC, random.int(7, 32)),
      version: random.int(1, 999),
    }));
    const bodyStart = LICENCE_IDENTIFIER_ROOT.length + 1;

    it('all validate, and satisfy the MOD 37,36 verification form', () => {
      for (const identifier of generated) {
        expect(validateLicenceIdentifier(identifier).ok, identifier).to.equal(true);
        expect(hybridChecks(identifier.slice(bodyStart).replaceAll('.', '')), identifier).to.equal(true);
      }
    });

    /** Every position after the root that holds a letter or digit, with the alternatives to try there. */
    const substitutions = function* (identifier: string, alternatives: (index: number) => string): Generator<[number, string]> {
      for (let index = bodyStart; index < identifier.length; index++) {
        if (identifier.charAt(index) === '.') continue;
        for (const character of alternatives(index)) {
          if (character !== identifier.charAt(index)) yield [index, character];
        }
      }
    };
    const fails = (identifier: string, alternatives: (index: number) => string): string[] => {
      const accepted: string[] = [];
      const missedByCheck: string[] = [];
      const checkIndex = identifier.length - 1;
      for (const [index, character] of substitutions(identifier, alternatives)) {
        const changed = replaceAt(identifier, index, character);
        if (validateLicenceIdentifier(changed).ok) accepted.push(changed);
        // Stronger: MOD 37,36 alone detects it, whatever the credit-code and shape rules say.
        if (index < checkIndex && licenceIdentifierCheckChar(changed.slice(bodyStart, checkIndex)) === identifier.charAt(checkIndex)) {
          missedByCheck.push(changed);
        }
      }
      return [...accepted, ...missedByCheck];
    };

    // All 36 alternatives at every position of all 2,000 would be ~4.5 million
    // validations (~30 s); exhaustive on 100 and one random alternative per
    // position on all 2,000 covers every position and every character.
    it('all 35 substitutions at every position after the root fail (first 100 identifiers)', () => {
      const escaped = generated.slice(0, 100).flatMap((identifier) => fails(identifier, () => ALPHANUMERIC));
      expect(escaped).to.deep.equal([]);
    });

    it('one random substitution at every position after the root fails (all 2,000)', () => {
      const pick = seededRandom(37036);
      const escaped = generated.flatMap((identifier) => fails(identifier, () => pick.pickChar(ALPHANUMERIC)));
      expect(escaped).to.deep.equal([]);
    });

    it('changing any character of the root or any dot fails', () => {
      const accepted: string[] = [];
      for (const identifier of generated.slice(0, 200)) {
        for (let index = 0; index < identifier.length; index++) {
          if (index >= bodyStart && identifier.charAt(index) !== '.') continue;
          for (const character of ['0', '1', '9', 'A', '.', '-']) {
            if (character === identifier.charAt(index)) continue;
            const changed = replaceAt(identifier, index, character);
            if (validateLicenceIdentifier(changed).ok) accepted.push(changed);
          }
        }
      }
      expect(accepted).to.deep.equal([]);
    });
  });

  it('uses credit codes whose check characters the credit-code module agrees with', () => {
    for (const { body } of examples) {
      const [typeCode, issuer] = body.split('.') as [string, string];
      expect(creditCodeCheckChar(typeCode.slice(0, 17))).to.equal(typeCode.charAt(17));
      expect(creditCodeCheckChar(issuer.slice(0, 17))).to.equal(issuer.charAt(17));
      expect(CREDIT_CODE_ALPHABET).to.include(issuer.charAt(17));
    }
  });
});
