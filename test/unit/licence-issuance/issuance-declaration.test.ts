/**
 * What a matter's `issues:` declaration builds from the merged form and the
 * department's results: the first source with a value wins, the completion
 * date is the issue date, `validYears` ends the day before the anniversary,
 * and a missing holder, number or file is named rather than half-filled.
 */
import { expect } from 'chai';
import type { IssuanceDeclaration } from '../../../src/forms/mappings/types.js';
import { buildIssuanceSnapshot } from '../../../src/licence-issuance/issuance-declaration.js';
import { LICENCE_TYPES } from '../../../src/domain/licence-library.js';

const declaration: IssuanceDeclaration = {
  licenceType: 'householdRegister',
  issuer: { name: '梅州市公安局梅县分局', creditCode: '11441403007012346W', areaCode: '441403' },
  holder: { code: { result: '公民身份号码' }, name: { canonical: 'child.name' } },
  number: { result: '户号' },
  file: '居民户口簿',
  surface: {
    XM: { canonical: 'child.name' },
    MZ: [{ canonical: 'child.ethnicity' }, { result: '民族' }],
    HKLX: [{ result: '户别' }, { value: '家庭户' }],
    DJRQ: { completedOn: true },
    ZZ: { canonical: 'child.address' },
  },
};
const form = { child: { name: ' 李小满 ', birthDate: '2026-10-20' } };
const results = [
  { name: '公民身份号码', value: '441403202610201011' },
  { name: '户号', value: '441403000123' },
  { name: '民族', value: '汉族' },
  { name: '居民户口簿', documentId: 'doc-1' },
];

describe('issuance declaration → what to issue', () => {
  it('takes the first source with a value, trims, leaves out optional fields without one, dates from the completion', () => {
    const outcome = buildIssuanceSnapshot(declaration, form, results, '2026-11-02');
    expect(outcome).to.deep.equal({
      ok: true,
      snapshot: {
        typeCode: LICENCE_TYPES.householdRegister.code, number: '441403000123',
        holder: { code: '441403202610201011', type: 'citizen', name: '李小满' },
        issuer: declaration.issuer, issuedOn: '2026-11-02', validFrom: '2026-11-02', validUntil: null,
        surface: { XM: '李小满', MZ: '汉族', HKLX: '家庭户', DJRQ: '2026-11-02' },
        documentId: 'doc-1',
      },
    });
  });

  it('validYears ends the day before the anniversary (from 29 February: 1 March in a common year, so 28 February)', () => {
    const outcome = buildIssuanceSnapshot({ ...declaration, validYears: 5 }, form, results, '2028-02-29');
    expect(outcome.ok && outcome.snapshot.validUntil).to.equal('2033-02-28');
    const plain = buildIssuanceSnapshot({ ...declaration, validYears: 10 }, form, results, '2026-11-02');
    expect(plain.ok && plain.snapshot.validUntil).to.equal('2036-11-01');
  });

  it('{validUntil: true} prints the last day of validity on the surface (有效期至), 长期 without validYears', () => {
    const printing = { ...declaration, surface: { ...declaration.surface, YXQZ: { validUntil: true as const } } };
    const dated = buildIssuanceSnapshot({ ...printing, validYears: 5 }, form, results, '2026-11-02');
    expect(dated.ok && dated.snapshot.surface['YXQZ']).to.equal('2031-11-01');
    expect(dated.ok && dated.snapshot.validUntil).to.equal('2031-11-01');
    const lasting = buildIssuanceSnapshot(printing, form, results, '2026-11-02');
    expect(lasting.ok && lasting.snapshot.surface['YXQZ']).to.equal('长期');
  });

  it('names every member it found no value for: holder code, number, a file without a sealed document', () => {
    const outcome = buildIssuanceSnapshot(declaration, form, [{ name: '居民户口簿', value: '见附件' }], '2026-11-02');
    expect(outcome.ok).to.equal(false);
    const missing = outcome.ok ? [] : outcome.missing;
    expect(missing.map((item) => item.split(' ')[0])).to.deep.equal(['/issues/holder/code', '/issues/number', '/issues/file']);
    expect(missing[0]).to.contain('result 公民身份号码');
  });
});
