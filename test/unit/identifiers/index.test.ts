import { expect } from 'chai';
import * as identifiers from '../../../src/domain/identifiers/index.js';
import { seededRandom } from './seeded-random.js';

const validators: ReadonlyArray<[string, (value: unknown) => identifiers.ValidationResult<object>]> = [
  ['validateIdNumber', (value) => identifiers.validateIdNumber(value)],
  ['validateCreditCode', identifiers.validateCreditCode],
  ['validateOrganizationCode', identifiers.validateOrganizationCode],
  ['validateLicenceIdentifier', identifiers.validateLicenceIdentifier],
  ['parseLicenceIdentifier', identifiers.parseLicenceIdentifier],
  ['validateAreaCode', identifiers.validateAreaCode],
  ['validateBasicCode', identifiers.validateBasicCode],
  ['validateImplementationCode', identifiers.validateImplementationCode],
  ['validateHandlingItemCode', identifiers.validateHandlingItemCode],
  ['validatePhone', identifiers.validatePhone],
];

describe('identifiers: index', () => {
  it('re-exports every validator, check-character function and maker', () => {
    const expected = [
      'idNumberCheckChar', 'validateIdNumber', 'makeIdNumber',
      'creditCodeCheckChar', 'validateCreditCode', 'makeCreditCode', 'CREDIT_CODE_ALPHABET',
      'organizationCodeCheckChar', 'validateOrganizationCode',
      'licenceIdentifierCheckChar', 'parseLicenceIdentifier', 'validateLicenceIdentifier', 'makeLicenceIdentifier', 'LICENCE_IDENTIFIER_ROOT',
      'validateAreaCode', 'PROVINCE_CODES', 'isProvinceCode', 'RESIDENCE_PERMIT_AREA_CODES', 'CREDIT_CODE_AUTHORITIES',
      'validateBasicCode', 'validateImplementationCode', 'validateHandlingItemCode',
      'makeBasicCode', 'makeImplementationCode', 'makeHandlingItemCode', 'MATTER_TYPES', 'MATTER_TYPE_CODES', 'EXERCISE_LEVELS',
      'validatePhone',
    ];
    expect(Object.keys(identifiers)).to.include.members(expected);
  });

  const nonStrings: unknown[] = [undefined, null, 0, 42n, true, {}, [], ['11010519491231002X'], Symbol('id'), () => '1', new String('110105')];
  for (const [name, validate] of validators) {
    it(`${name} answers ok:false with code not_a_string for non-strings, without throwing`, () => {
      for (const value of nonStrings) {
        const result = validate(value);
        expect(result).to.include({ ok: false, code: 'not_a_string' });
      }
    });
  }

  it('no validator throws on 2,000 pseudo-random strings of varied length and alphabet', () => {
    const random = seededRandom(20260115);
    const alphabets = ['0123456789', '0123456789X', '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ', '0123456789.-+ ', 'abcXYZ中文\u0000\uFFFD'];
    const lengths = [0, 1, 8, 9, 10, 11, 12, 13, 18, 31, 33, 60, 70];
    for (let index = 0; index < 2000; index++) {
      const value = random.string(random.pick(alphabets), random.pick(lengths));
      const root = index % 5 === 0 ? `${identifiers.LICENCE_IDENTIFIER_ROOT}.` : '';
      for (const [name, validate] of validators) {
        const result = validate(root + value);
        expect(typeof result.ok, `${name}(${JSON.stringify(root + value)})`).to.equal('boolean');
        if (!result.ok) expect(result.reason, name).to.be.a('string').and.not.equal('');
      }
    }
  });
});
