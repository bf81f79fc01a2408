import { expect } from 'chai';
import { PROVINCE_CODES, isProvinceCode, validateAreaCode } from '../../../src/domain/identifiers/area-code.js';

describe('identifiers: administrative area code (GB/T 2260)', () => {
  it('lists exactly the 34 province-level codes', () => {
    const expected = [
      '11', '12', '13', '14', '15', '21', '22', '23', '31', '32', '33', '34', '35', '36', '37',
      '41', '42', '43', '44', '45', '46', '50', '51', '52', '53', '54', '61', '62', '63', '64', '65', '71', '81', '82',
    ];
    expect(Object.keys(PROVINCE_CODES).sort()).to.deep.equal(expected);
    for (let prefix = 0; prefix < 100; prefix++) {
      const code = String(prefix).padStart(2, '0');
      expect(isProvinceCode(code), code).to.equal(expected.includes(code));
    }
    expect(isProvinceCode('toString')).to.equal(false);
  });

  const valid = [
    { value: '511602000000', provinceCode: '51', provinceName: '四川', countyLevelCode: '511602', level: 'county' },
    { value: '110105', provinceCode: '11', provinceName: '北京', countyLevelCode: '110105', level: 'county' },
    { value: '440000', provinceCode: '44', provinceName: '广东', countyLevelCode: '440000', level: 'province' },
    { value: '441400', provinceCode: '44', provinceName: '广东', countyLevelCode: '441400', level: 'prefecture' },
    { value: '441403', provinceCode: '44', provinceName: '广东', countyLevelCode: '441403', level: 'county' },
    { value: '441403100000', provinceCode: '44', provinceName: '广东', countyLevelCode: '441403', level: 'township' },
    { value: '441403100201', provinceCode: '44', provinceName: '广东', countyLevelCode: '441403', level: 'village' },
    { value: '820000', provinceCode: '82', provinceName: '澳门', countyLevelCode: '820000', level: 'province' },
  ] as const;
  for (const { value, ...details } of valid) {
    it(`validates ${value} (${details.level})`, () => {
      expect(validateAreaCode(value)).to.deep.equal({ ok: true, areaCode: value, ...details });
    });
  }

  const failures: ReadonlyArray<{ name: string; value: unknown; code: string; reason: RegExp }> = [
    { name: 'a number', value: 110105, code: 'not_a_string', reason: /got number/ },
    { name: 'an array', value: ['110105'], code: 'not_a_string', reason: /got array/ },
    { name: '5 digits', value: '11010', code: 'length', reason: /has 5 characters, expected 6 .* or 12/ },
    { name: '9 digits', value: '110105001', code: 'length', reason: /has 9 characters/ },
    { name: 'a letter', value: '11010A', code: 'characters', reason: /character 6 "A" is not a digit/ },
    { name: 'full-width digits', value: '１１０１０５', code: 'characters', reason: /character 1/ },
    { name: 'the national prefix 10', value: '100000', code: 'area_code', reason: /"10" is not a province code/ },
    { name: 'prefix 00', value: '000000', code: 'area_code', reason: /"00" is not a province code/ },
    { name: 'prefix 16', value: '160000', code: 'area_code', reason: /"16"/ },
    { name: 'prefix 99 in a 12-digit code', value: '990000000000', code: 'area_code', reason: /"99"/ },
  ];
  for (const { name, value, code, reason } of failures) {
    it(`rejects ${name} (${code})`, () => {
      const result = validateAreaCode(value);
      expect(result.ok).to.equal(false);
      if (result.ok) return;
      expect(result.code).to.equal(code);
      expect(result.reason).to.match(reason);
    });
  }
});
