import { expect } from 'chai';
import { PROVINCE_CODES } from '../../../src/domain/identifiers/area-code.js';
import { idNumberCheckChar, makeIdNumber, validateIdNumber } from '../../../src/domain/identifiers/id-number.js';
import { replaceAt, seededRandom } from './seeded-random.js';

const today = new Date('2026-01-15T04:00:00Z'); // 2026-01-15 12:00 in China

/** ISO 7064 MOD 11-2 in its recursive form, independent of the weight table under test. */
function mod11_2(first17: string): string {
  let p = 0;
  for (const digit of first17) p = ((p + Number(digit)) * 2) % 11;
  const check = (12 - p) % 11;
  return check === 10 ? 'X' : String(check);
}

function withCheck(first17: string): string {
  return first17 + mod11_2(first17);
}

describe('identifiers: resident ID number (GB 11643)', () => {
  it('validates the docs/domain.md worked example 11010519491231002X (S = 167 → X)', () => {
    const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const sum = [...'11010519491231002'].reduce((total, digit, index) => total + Number(digit) * weights[index]!, 0);
    expect(sum).to.equal(167);
    expect(sum % 11).to.equal(2);
    expect(idNumberCheckChar('11010519491231002')).to.equal('X');
    expect(validateIdNumber('11010519491231002X', { today })).to.deep.equal({
      ok: true, birthDate: '1949-12-31', sex: 'female', areaCode: '110105', residencePermitOf: null,
    });
  });

  // Residence permits of Hong Kong, Macao and Taiwan residents: Σ computed by hand with the weights above.
  const residencePermits = [
    { value: '830000199001011234', sum: 184, birthDate: '1990-01-01', sex: 'male', region: 'taiwan' },
    { value: '830000197001010013', sum: 152, birthDate: '1970-01-01', sex: 'male', region: 'taiwan' },
    { value: '810000198506150020', sum: 232, birthDate: '1985-06-15', sex: 'female', region: 'hong_kong' },
    { value: '820000200002290072', sum: 175, birthDate: '2000-02-29', sex: 'male', region: 'macao' },
  ] as const;
  for (const { value, sum, birthDate, sex, region } of residencePermits) {
    it(`accepts the ${region} residence permit ${value} (S = ${sum}, ${sum} mod 11 = ${sum % 11})`, () => {
      expect(mod11_2(value.slice(0, 17))).to.equal(value.charAt(17));
      expect('10X98765432'.charAt(sum % 11)).to.equal(value.charAt(17));
      expect(validateIdNumber(value, { today })).to.deep.equal({
        ok: true, birthDate, sex, areaCode: value.slice(0, 6), residencePermitOf: region,
      });
    });
  }

  it('refuses a residence permit with a wrong check character, and Taiwan prefix 83 with any other address code', () => {
    expect(validateIdNumber('830000199001011235', { today })).to.include({ ok: false, code: 'check_character' });
    const result = validateIdNumber(withCheck('83010019900101123'), { today });
    expect(result).to.include({ ok: false, code: 'area_code' });
    expect(!result.ok && result.reason).to.match(/area code "830100" neither starts with a province code nor is a residence-permit code/);
  });

  it('accepts 1,000 generated residence permits (random region, birth date, sequence), each checked by the recursive MOD 11-2', () => {
    const random = seededRandom(2018);
    const regions = { '810000': 'hong_kong', '820000': 'macao', '830000': 'taiwan' } as const;
    for (let index = 0; index < 1000; index++) {
      const areaCode = random.pick(['810000', '820000', '830000'] as const);
      const year = random.int(1920, 2025);
      const month = String(random.int(1, 12)).padStart(2, '0');
      const day = String(random.int(1, 28)).padStart(2, '0');
      const first17 = `${areaCode}${year}${month}${day}${random.string('0123456789', 3)}`;
      const result = validateIdNumber(withCheck(first17), { today });
      expect(result, first17).to.include({ ok: true, residencePermitOf: regions[areaCode] });
    }
  });

  it('makeIdNumber builds residence permits', () => {
    expect(makeIdNumber({ areaCode: '830000', birthDate: '1990-01-01', sequence: 123 })).to.equal('830000199001011234');
    expect(makeIdNumber({ areaCode: '810000', birthDate: '1985-06-15', sequence: 2 })).to.equal('810000198506150020');
  });

  const checkCases = ['11010519491231002', '44030419900307123', '35010220000229001', '65010118000101000', '82000020260115999'];
  for (const first17 of checkCases) {
    it(`computes the check character of ${first17} like the recursive MOD 11-2`, () => {
      expect(idNumberCheckChar(first17)).to.equal(mod11_2(first17));
      expect(validateIdNumber(first17 + mod11_2(first17), { today }).ok).to.equal(true);
    });
  }

  it('reads sex from the parity of digit 17', () => {
    const male = validateIdNumber(withCheck('11010519491231001'), { today });
    const female = validateIdNumber(withCheck('11010519491231002'), { today });
    expect(male.ok && male.sex).to.equal('male');
    expect(female.ok && female.sex).to.equal('female');
  });

  const failures: ReadonlyArray<{ name: string; value: unknown; code: string; reason: RegExp }> = [
    { name: 'a number', value: 11010519491231002, code: 'not_a_string', reason: /must be a string, got number/ },
    { name: 'null', value: null, code: 'not_a_string', reason: /got null/ },
    { name: 'undefined', value: undefined, code: 'not_a_string', reason: /got undefined/ },
    { name: '17 characters', value: '11010519491231002', code: 'length', reason: /has 17 characters, expected 18/ },
    { name: '19 characters', value: '11010519491231002X1', code: 'length', reason: /has 19 characters/ },
    { name: 'an empty string', value: '', code: 'length', reason: /has 0 characters/ },
    { name: 'a letter in the body', value: '1101051949123100AX', code: 'characters', reason: /character 17 "A" is not a digit/ },
    { name: 'a space', value: ' 1010519491231002X', code: 'characters', reason: /character 1 " "/ },
    { name: 'lower-case x', value: '11010519491231002x', code: 'characters', reason: /upper-case "X"/ },
    { name: 'a letter other than X as check', value: '11010519491231002Y', code: 'characters', reason: /character 18 "Y" is not a digit or "X"/ },
    { name: 'a province prefix 10', value: withCheck('10010519491231002'), code: 'area_code', reason: /area code "100105"/ },
    { name: 'a province prefix 00', value: withCheck('00010519491231002'), code: 'area_code', reason: /area code "000105"/ },
    { name: 'a province prefix 72', value: withCheck('72010519491231002'), code: 'area_code', reason: /area code "720105"/ },
    { name: 'birth date 19490230', value: withCheck('11010519490230002'), code: 'birth_date', reason: /birth date "19490230" is not a possible date/ },
    { name: 'month 13', value: withCheck('11010519491301002'), code: 'birth_date', reason: /"19491301"/ },
    { name: 'day 00', value: withCheck('11010519491200002'), code: 'birth_date', reason: /"19491200"/ },
    { name: '29 February 1900 (not a leap year)', value: withCheck('11010519000229002'), code: 'birth_date', reason: /"19000229"/ },
    { name: 'a birth year before 1800', value: withCheck('11010517991231002'), code: 'birth_date', reason: /"17991231"/ },
    { name: 'a birth date tomorrow (China time)', value: withCheck('11010520260116002'), code: 'birth_date_in_future', reason: /"20260116" is after today \(20260115\)/ },
    { name: 'a birth date next century', value: withCheck('11010521000101002'), code: 'birth_date_in_future', reason: /after today/ },
    { name: 'a wrong check character', value: '110105194912310021', code: 'check_character', reason: /check character is "1", expected "X"/ },
    { name: 'one digit changed', value: '11010519491231003X', code: 'check_character', reason: /expected "8"/ },
  ];
  for (const { name, value, code, reason } of failures) {
    it(`rejects ${name} (${code})`, () => {
      const result = validateIdNumber(value, { today });
      expect(result.ok).to.equal(false);
      if (result.ok) return;
      expect(result.code).to.equal(code);
      expect(result.reason).to.match(reason);
    });
  }

  it('accepts 29 February 2000 and a child born today, judging "today" in China time', () => {
    expect(validateIdNumber(withCheck('11010520000229002'), { today }).ok).to.equal(true);
    expect(validateIdNumber(withCheck('11010520260115002'), { today }).ok).to.equal(true);
    // 17:00 UTC on the 15th is already the 16th in China.
    expect(validateIdNumber(withCheck('11010520260116002'), { today: new Date('2026-01-15T17:00:00Z') }).ok).to.equal(true);
  });

  it('defaults "today" to now', () => {
    expect(validateIdNumber('11010519491231002X').ok).to.equal(true);
    expect(validateIdNumber(withCheck('11010599991231002')).ok).to.equal(false);
  });

  it('makeIdNumber builds the worked example and rejects malformed input', () => {
    expect(makeIdNumber({ areaCode: '110105', birthDate: '1949-12-31', sequence: 2 })).to.equal('11010519491231002X');
    expect(makeIdNumber({ areaCode: '110105', birthDate: '19491231', sequence: '002' })).to.equal('11010519491231002X');
    const bad = [
      { areaCode: '100105', birthDate: '1949-12-31', sequence: 2 },
      { areaCode: '11010', birthDate: '1949-12-31', sequence: 2 },
      { areaCode: '110105', birthDate: '1949-02-30', sequence: 2 },
      { areaCode: '110105', birthDate: '1949/12/31', sequence: 2 },
      { areaCode: '110105', birthDate: '1949-12-31', sequence: 1000 },
      { areaCode: '110105', birthDate: '1949-12-31', sequence: -1 },
      { areaCode: '110105', birthDate: '1949-12-31', sequence: 1.5 },
      { areaCode: '110105', birthDate: '1949-12-31', sequence: '02' },
    ];
    for (const input of bad) expect(() => makeIdNumber(input), JSON.stringify(input)).to.throw(RangeError);
    expect(() => idNumberCheckChar('1101051949123100')).to.throw(RangeError);
  });

  describe('property: 2,000 generated ID numbers', () => {
    const random = seededRandom(11643);
    const provinces = Object.keys(PROVINCE_CODES);
    const generated = Array.from({ length: 2000 }, () => {
      const areaCode = random.pick(provinces) + random.string('0123456789', 4);
      const year = random.int(1900, 2025);
      const month = random.int(1, 12);
      const day = random.int(1, new Date(Date.UTC(year, month, 0)).getUTCDate());
      const birthDate = `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
      const sequence = random.int(0, 999);
      return { areaCode, birthDate, sequence, value: makeIdNumber({ areaCode, birthDate, sequence }) };
    });

    it('all validate, with the details they were made from', () => {
      for (const { areaCode, birthDate, sequence, value } of generated) {
        expect(validateIdNumber(value, { today }), value).to.deep.equal({
          ok: true, birthDate, areaCode, sex: sequence % 2 === 1 ? 'male' : 'female', residencePermitOf: null,
        });
      }
    });

    it('every single-character substitution at every position fails (MOD 11-2 detects them all)', () => {
      let substitutions = 0;
      const accepted: string[] = [];
      const missedByCheck: string[] = [];
      for (const { value } of generated) {
        for (let index = 0; index < 18; index++) {
          for (const character of index < 17 ? '0123456789' : '0123456789X') {
            if (character === value.charAt(index)) continue;
            const changed = replaceAt(value, index, character);
            if (validateIdNumber(changed, { today }).ok) accepted.push(changed);
            // Stronger: the check character alone catches it, whatever the area or date rules say.
            if (index < 17 && idNumberCheckChar(changed.slice(0, 17)) === value.charAt(17)) missedByCheck.push(changed);
            substitutions++;
          }
        }
      }
      expect(substitutions).to.equal(2000 * (17 * 9 + 10));
      expect(accepted).to.deep.equal([]);
      expect(missedByCheck).to.deep.equal([]);
    });

    it('every swap of two different adjacent digits among the first 17 fails the check (MOD 11-2)', () => {
      const missed: string[] = [];
      for (const { value } of generated) {
        for (let index = 0; index < 16; index++) {
          if (value.charAt(index) === value.charAt(index + 1)) continue;
          const swapped = value.slice(0, index) + value.charAt(index + 1) + value.charAt(index) + value.slice(index + 2);
          if (idNumberCheckChar(swapped.slice(0, 17)) === value.charAt(17)) missed.push(swapped);
        }
      }
      expect(missed).to.deep.equal([]);
    });
  });
});
