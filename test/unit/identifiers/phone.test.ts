import { expect } from 'chai';
import { validatePhone } from '../../../src/domain/identifiers/phone.js';

describe('identifiers: mainland phone number', () => {
  const mobiles = [
    ['13800138000', '13800138000'],
    ['19912345678', '19912345678'],
    ['16612345678', '16612345678'],
    ['+8613800138000', '13800138000'],
    ['8613800138000', '13800138000'],
    ['+86 13800138000', '13800138000'],
    ['+86-13800138000', '13800138000'],
  ] as const;
  for (const [value, number] of mobiles) {
    it(`reads ${value} as a mobile number`, () => {
      expect(validatePhone(value)).to.deep.equal({ ok: true, kind: 'mobile', number, e164: `+86${number}` });
    });
  }

  const landlines = [
    ['010-12345678', '010', '12345678'],
    ['01082345678', '010', '82345678'],
    ['021-87654321', '021', '87654321'],
    ['02987654321', '029', '87654321'],
    ['0755-12345678', '0755', '12345678'],
    ['075522345678', '0755', '22345678'],
    ['07532345678', '0753', '2345678'],
    ['0753-2345678', '0753', '2345678'],
    ['0371-61234567', '0371', '61234567'],
  ] as const;
  for (const [value, areaCode, localNumber] of landlines) {
    it(`reads ${value} as a landline`, () => {
      expect(validatePhone(value)).to.deep.equal({ ok: true, kind: 'landline', areaCode, localNumber, number: `${areaCode}-${localNumber}` });
    });
  }

  const failures: ReadonlyArray<{ name: string; value: unknown; code: string }> = [
    { name: 'a number', value: 13800138000, code: 'not_a_string' },
    { name: 'undefined', value: undefined, code: 'not_a_string' },
    { name: 'an empty string', value: '', code: 'format' },
    { name: 'a mobile starting 12', value: '12800138000', code: 'format' },
    { name: 'a 10-digit mobile', value: '1380013800', code: 'format' },
    { name: 'a 12-digit mobile', value: '138001380000', code: 'format' },
    { name: 'another country code', value: '+85213800138000', code: 'format' },
    { name: 'a double prefix separator', value: '+86  13800138000', code: 'format' },
    { name: 'spaces inside', value: '138 0013 8000', code: 'format' },
    { name: 'a landline without area code', value: '82345678', code: 'format' },
    { name: 'a local number starting 0', value: '010-02345678', code: 'format' },
    { name: 'a trunk 0 repeated', value: '0755-0234567', code: 'format' },
    { name: 'a 6-digit local number', value: '0755-234567', code: 'format' },
    { name: 'a 9-digit local number', value: '0755-234567890', code: 'format' },
    { name: 'a non-existent area code 011', value: '011-82345678', code: 'format' },
    { name: 'a 4-digit area code starting 02', value: '0210-2345678', code: 'format' },
    { name: 'a special-service number', value: '110', code: 'format' },
  ];
  for (const { name, value, code } of failures) {
    it(`rejects ${name} (${code})`, () => {
      const result = validatePhone(value);
      expect(result.ok).to.equal(false);
      if (!result.ok) expect(result.code).to.equal(code);
    });
  }

  it('quotes the rejected value', () => {
    const result = validatePhone('12800138000');
    expect(result.ok === false && result.reason).to.match(/phone number "12800138000" is neither a mobile number/);
  });

  it('narrows on kind', () => {
    const result = validatePhone('0755-22345678');
    if (!result.ok || result.kind !== 'landline') throw new Error('expected a landline');
    expect(result.areaCode).to.equal('0755');
  });
});
