import { expect } from 'chai';
import { personFieldConflicts } from '../../../src/forms/form-consistency.js';
import { makeIdNumber } from '../../../src/domain/identifiers/index.js';

describe('person fields against their own ID number', () => {
  // Digit 17 odd: male; even: female (GB 11643).
  const man = makeIdNumber({ areaCode: '440304', birthDate: '1988-02-29', sequence: 13 });
  const woman = makeIdNumber({ areaCode: '440304', birthDate: '1991-12-01', sequence: 24 });

  it('accepts a form whose people agree with their ID numbers, and groups without one', () => {
    expect(personFieldConflicts({
      husband: { name: '王建国', idNumber: man, birthDate: '1988-02-29', sex: '男' },
      wife: { name: '李秀梅', idNumber: woman, birthDate: '1991-12-01', sex: '女' },
      child: { name: '王小明', birthDate: '2026-11-10', sex: '男' },
      marriage: { certificateNumber: 'J441403-2025-100001' },
    }, '/form')).to.deep.equal([]);
  });

  it('names the birth date and the sex that disagree, per person, with the ID number they disagree with', () => {
    expect(personFieldConflicts({
      husband: { idNumber: man, birthDate: '1988-03-01', sex: '女' },
      wife: { idNumber: woman, birthDate: '1991-12-01', sex: '男' },
    }, '/form')).to.deep.equal([
      { pointer: '/form/husband/birthDate', message: `disagrees with the ID number at /form/husband/idNumber, which gives the birth date 1988-02-29` },
      { pointer: '/form/husband/sex', message: 'disagrees with the ID number at /form/husband/idNumber, whose 17th digit gives 男' },
      { pointer: '/form/wife/sex', message: 'disagrees with the ID number at /form/wife/idNumber, whose 17th digit gives 女' },
    ]);
  });

  it('leaves a malformed ID number to the schema, and non-object groups alone', () => {
    const wrongCheck = `${man.slice(0, 17)}${man.endsWith('0') ? '1' : '0'}`;
    expect(personFieldConflicts({ applicant: { idNumber: wrongCheck, birthDate: '2000-01-01', sex: '女' }, note: 'text', list: [1] as unknown })).to.deep.equal([]);
  });
});
