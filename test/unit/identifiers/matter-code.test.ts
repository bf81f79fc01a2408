import { expect } from 'chai';
import { PROVINCE_CODES } from '../../../src/domain/identifiers/area-code.js';
import { CREDIT_CODE_ALPHABET, makeCreditCode } from '../../../src/domain/identifiers/credit-code.js';
import {
  MATTER_TYPES, MATTER_TYPE_CODES, makeBasicCode, makeHandlingItemCode, makeImplementationCode,
  validateBasicCode, validateHandlingItemCode, validateImplementationCode, type ExerciseLevel,
} from '../../../src/domain/identifiers/matter-code.js';
import { replaceAt, seededRandom } from './seeded-random.js';

const creditCode = makeCreditCode({ registrationAuthority: '1', category: '1', areaCode: '441400', organizationCode: '00721726' });

describe('identifiers: service matter codes (GB/T 39554.1)', () => {
  it('has the eleven matter types with Chinese and English names', () => {
    expect(MATTER_TYPE_CODES).to.deep.equal(['01', '02', '03', '04', '05', '06', '07', '08', '09', '10', '20']);
    expect(Object.keys(MATTER_TYPES).sort()).to.deep.equal([...MATTER_TYPE_CODES]);
    expect(MATTER_TYPES['01']).to.deep.equal({ name: '行政许可', englishName: 'administrative licensing' });
    expect(MATTER_TYPES['05'].name).to.equal('行政给付');
    expect(MATTER_TYPES['07'].englishName).to.equal('administrative confirmation');
    expect(MATTER_TYPES['10'].name).to.equal('其他行政权力');
    expect(MATTER_TYPES['20']).to.deep.equal({ name: '公共服务', englishName: 'public service' });
  });

  describe('basic code (12)', () => {
    const valid = [
      { value: '000100001000', areaCode: '00', national: true, matterType: '01', matterTypeName: '行政许可', mainItem: '00001', subItem: '000', subItemKind: 'none' },
      { value: '00012345600Y', areaCode: '00', national: true, matterType: '01', matterTypeName: '行政许可', mainItem: '23456', subItem: '00Y', subItemKind: 'has_sub_items' },
      { value: '442000123001', areaCode: '44', national: false, matterType: '20', matterTypeName: '公共服务', mainItem: '00123', subItem: '001', subItemKind: 'sub_item' },
      { value: '001099999999', areaCode: '00', national: true, matterType: '10', matterTypeName: '其他行政权力', mainItem: '99999', subItem: '999', subItemKind: 'sub_item' },
    ] as const;
    for (const { value, ...details } of valid) {
      it(`validates ${value}`, () => {
        expect(validateBasicCode(value)).to.deep.equal({ ok: true, basicCode: value, ...details });
      });
    }

    const failures: ReadonlyArray<{ name: string; value: unknown; code: string; reason: RegExp }> = [
      { name: 'a number', value: 100001000, code: 'not_a_string', reason: /got number/ },
      { name: '11 characters', value: '00010000100', code: 'length', reason: /has 11 characters, expected 12/ },
      { name: 'a letter in the main item', value: '0001000A1000', code: 'characters', reason: /character 8 of the basic code "A"/ },
      { name: 'area 99', value: '990100001000', code: 'area_code', reason: /area "99" is neither "00" \(national\) nor a province code/ },
      { name: 'area 10', value: '100100001000', code: 'area_code', reason: /area "10"/ },
      { name: 'matter type 00', value: '000000001000', code: 'matter_type', reason: /matter type "00" is not one of 01, 02/ },
      { name: 'matter type 11', value: '001100001000', code: 'matter_type', reason: /matter type "11"/ },
      { name: 'matter type 19', value: '001900001000', code: 'matter_type', reason: /matter type "19"/ },
      { name: 'sub item 0Y0', value: '0001000010Y0', code: 'sub_item', reason: /sub item "0Y0" is not "000", "00Y" or "001"–"999"/ },
      { name: 'sub item 00y', value: '00010000100y', code: 'sub_item', reason: /sub item "00y"/ },
      { name: 'sub item Y00', value: '000100001Y00', code: 'sub_item', reason: /sub item "Y00"/ },
    ];
    for (const { name, value, code, reason } of failures) {
      it(`rejects ${name} (${code})`, () => {
        const result = validateBasicCode(value);
        expect(result.ok).to.equal(false);
        if (result.ok) return;
        expect(result.code).to.equal(code);
        expect(result.reason).to.match(reason);
      });
    }

    it('makeBasicCode pads numbers and rejects what the validator rejects', () => {
      expect(makeBasicCode({ area: '00', matterType: '01', mainItem: 1 })).to.equal('000100001000');
      expect(makeBasicCode({ area: '44', matterType: '20', mainItem: '00123', subItem: 1 })).to.equal('442000123001');
      expect(makeBasicCode({ area: '00', matterType: '07', mainItem: 42, subItem: '00Y' })).to.equal('00070004200Y');
      const bad = [
        { area: '99', matterType: '01', mainItem: 1 },
        { area: '00', matterType: '11', mainItem: 1 },
        { area: '00', matterType: '01', mainItem: 100000 },
        { area: '00', matterType: '01', mainItem: -1 },
        { area: '00', matterType: '01', mainItem: 1, subItem: 1000 },
        { area: '00', matterType: '01', mainItem: 1, subItem: 'Y' },
      ];
      for (const input of bad) expect(() => makeBasicCode(input as never), JSON.stringify(input)).to.throw(RangeError);
    });
  });

  describe('implementation code (31) and handling-item code (33)', () => {
    const implementation = `${creditCode}4000100001000`;

    it('validates an implementation code and reads its parts', () => {
      expect(validateImplementationCode(implementation)).to.deep.equal({
        ok: true, implementationCode: implementation, creditCode, exerciseLevel: 4,
        basicCode: '000100001000', areaCode: '00', national: true, matterType: '01', matterTypeName: '行政许可',
        mainItem: '00001', subItem: '000', subItemKind: 'none',
      });
    });

    it('validates a handling-item code and reads its parts', () => {
      const result = validateHandlingItemCode(`${implementation}07`);
      expect(result).to.include({ ok: true, handlingItemCode: `${implementation}07`, handlingVariant: '07', implementationCode: implementation, exerciseLevel: 4 });
    });

    it('accepts every exercise level 1–4 and the docs/domain.md credit codes', () => {
      for (const code of ['91350100M000100Y43', '9144030071526726XG', '11100000000013338W']) {
        for (const level of [1, 2, 3, 4]) expect(validateImplementationCode(`${code}${level}000100001000`).ok).to.equal(true);
      }
    });

    const failures: ReadonlyArray<{ name: string; validate: (value: unknown) => { ok: boolean }; value: unknown; code: string; reason: RegExp }> = [
      { name: 'a non-string implementation code', validate: validateImplementationCode, value: null, code: 'not_a_string', reason: /got null/ },
      { name: 'a 30-character implementation code', validate: validateImplementationCode, value: implementation.slice(1), code: 'length', reason: /has 30 characters, expected 31/ },
      { name: 'an invalid credit code', validate: validateImplementationCode, value: `91350100M000100Y44${implementation.slice(18)}`, code: 'embedded_identifier', reason: /implementing body: credit code "91350100M000100Y44": check character is "4", expected "3"/ },
      { name: 'an O in the credit code', validate: validateImplementationCode, value: `O${implementation.slice(1)}`, code: 'embedded_identifier', reason: /"O" is not used in credit codes/ },
      { name: 'exercise level 0', validate: validateImplementationCode, value: replaceAt(implementation, 18, '0'), code: 'exercise_level', reason: /exercise level "0" is not 1–4/ },
      { name: 'exercise level 5', validate: validateImplementationCode, value: replaceAt(implementation, 18, '5'), code: 'exercise_level', reason: /"5"/ },
      { name: 'a bad matter type inside', validate: validateImplementationCode, value: replaceAt(implementation, 21, '3'), code: 'matter_type', reason: /implementation code ".*": matter type "31"/ },
      { name: 'a bad sub item inside', validate: validateImplementationCode, value: replaceAt(implementation, 28, 'Y'), code: 'sub_item', reason: /sub item "Y00"/ },
      { name: 'a 32-character handling-item code', validate: validateHandlingItemCode, value: `${implementation}0`, code: 'length', reason: /has 32 characters, expected 33/ },
      { name: 'a letter in the handling variant', validate: validateHandlingItemCode, value: `${implementation}0A`, code: 'characters', reason: /handling variant "0A" is not 2 digits/ },
      { name: 'a bad level in a handling-item code', validate: validateHandlingItemCode, value: `${replaceAt(implementation, 18, '9')}01`, code: 'exercise_level', reason: /handling-item code ".*": exercise level "9"/ },
    ];
    for (const { name, validate, value, code, reason } of failures) {
      it(`rejects ${name} (${code})`, () => {
        const result = validate(value) as { ok: boolean; code?: string; reason?: string };
        expect(result.ok).to.equal(false);
        expect(result.code).to.equal(code);
        expect(result.reason).to.match(reason);
      });
    }

    it('makeImplementationCode and makeHandlingItemCode build and reject', () => {
      expect(makeImplementationCode({ creditCode, exerciseLevel: 4, basicCode: '000100001000' })).to.equal(implementation);
      expect(makeHandlingItemCode({ implementationCode: implementation, handlingVariant: 7 })).to.equal(`${implementation}07`);
      expect(() => makeImplementationCode({ creditCode: '91350100M000100Y44', exerciseLevel: 1, basicCode: '000100001000' })).to.throw(RangeError);
      expect(() => makeImplementationCode({ creditCode, exerciseLevel: 5 as ExerciseLevel, basicCode: '000100001000' })).to.throw(RangeError);
      expect(() => makeImplementationCode({ creditCode, exerciseLevel: 1, basicCode: '00010000100' })).to.throw(RangeError);
      expect(() => makeHandlingItemCode({ implementationCode: implementation, handlingVariant: 100 })).to.throw(RangeError);
      expect(() => makeHandlingItemCode({ implementationCode: implementation.slice(1), handlingVariant: 1 })).to.throw(RangeError);
    });
  });

  describe('property: 2,000 generated handling-item codes', () => {
    const random = seededRandom(39554);
    const areas = ['00', ...Object.keys(PROVINCE_CODES)];
    const types = MATTER_TYPE_CODES;
    const generated = Array.from({ length: 2000 }, () => {
      const basicCode = makeBasicCode({
        area: random.pick(areas),
        matterType: random.pick(types),
        mainItem: random.int(0, 99999),
        subItem: random.pick<number | string>(['000', '00Y', random.int(1, 999)]),
      });
      const implementationCode = makeImplementationCode({
        creditCode: makeCreditCode({ registrationAuthority: '1', category: '1', areaCode: random.string('0123456789', 6), random: random.next }),
        exerciseLevel: random.int(1, 4) as ExerciseLevel,
        basicCode,
      });
      return makeHandlingItemCode({ implementationCode, handlingVariant: random.int(0, 99) });
    });

    it('all validate at every level (basic, implementation, handling item)', () => {
      for (const code of generated) {
        expect(validateHandlingItemCode(code).ok, code).to.equal(true);
        expect(validateImplementationCode(code.slice(0, 31)).ok, code).to.equal(true);
        expect(validateBasicCode(code.slice(19, 31)).ok, code).to.equal(true);
      }
    });

    it('every substitution inside the credit code (characters 1–18) fails', () => {
      const accepted: string[] = [];
      for (const code of generated) {
        for (let index = 0; index < 18; index++) {
          for (const character of CREDIT_CODE_ALPHABET) {
            if (character === code.charAt(index)) continue;
            const changed = replaceAt(code, index, character);
            if (validateHandlingItemCode(changed).ok) accepted.push(changed);
          }
        }
      }
      expect(accepted).to.deep.equal([]);
    });

    it('an "A" anywhere after the credit code fails', () => {
      const accepted: string[] = [];
      for (const code of generated) {
        for (let index = 18; index < 33; index++) {
          const changed = replaceAt(code, index, 'A');
          if (validateHandlingItemCode(changed).ok) accepted.push(changed);
        }
      }
      expect(accepted).to.deep.equal([]);
    });

    it('has no check character of its own: a changed main-item digit still validates', () => {
      const code = generated[0]!;
      const changed = replaceAt(code, 25, code.charAt(25) === '5' ? '6' : '5');
      expect(validateHandlingItemCode(changed).ok).to.equal(true);
    });
  });
});
