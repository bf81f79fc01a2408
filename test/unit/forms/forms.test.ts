import { expect } from 'chai';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TongbanError } from '../../../src/errors/index.js';
import { checkFieldValue, getField, validateForm } from '../../../src/forms/form-schema.js';
import { buildGuide } from '../../../src/forms/guide.js';
import { loadMappings, type Mappings } from '../../../src/forms/mappings/index.js';
import { prefill, type FetchLicences } from '../../../src/forms/prefill.js';
import { valueDigest } from '../../../src/forms/prefill-evidence.js';
import { normalizeFormText } from '../../../src/forms/text-rules.js';
import { splitForm, SplitError } from '../../../src/forms/split.js';
import type { ThemeContext } from '../../../src/forms/theme-context.js';
import type { Licence } from '../../../src/domain/licence-library.js';
import { LICENCE_TYPES } from '../../../src/domain/licence-library.js';
import type { Matter, Theme } from '../../../src/domain/matter-catalog.js';
import { UpstreamError } from '../../../src/domain/upstream-error.js';

const REGISTRATION = '000107000010';
const CARD = '000120000020';
const INSURANCE = '000107000030';

function writeMappings(): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'tongban-forms-')), 'mappings');
  const files: Record<string, string> = {
    'dictionary.yaml': `fields:
  mother.name: { type: string, label: 母亲姓名, maxLength: 50 }
  mother.idNumber: { type: string, label: 母亲公民身份号码, format: idNumber }
  child.name: { type: string, label: 新生儿姓名, maxLength: 50 }
  child.sex: { type: string, label: 新生儿性别, enum: [男, 女] }
  child.birthDate: { type: date, label: 出生日期 }
  applicant.phone: { type: string, label: 联系电话, format: phone }
`,
    'code-tables/sex-gb2261.yaml': 'values: { 男: "1", 女: "2" }\n',
    'licences/birthCertificate.yaml': `licenceType: birthCertificate
name: 出生医学证明
holderType: citizen
fields:
  XSEXM: { canonical: child.name }
  XB: { canonical: child.sex }
  CSRQ: { canonical: child.birthDate, transform: date.iso }
  MQXM: { canonical: mother.name }
`,
    'licences/residentIdCard.yaml': `licenceType: residentIdCard
name: 居民身份证
holderType: citizen
fields:
  XM: { canonical: $subject.name }
  GMSFHM: { canonical: $subject.idNumber, transform: upper }
`,
    [`matters/${REGISTRATION}.yaml`]: `matter: "${REGISTRATION}"
name: 国（境）内出生登记
department: gaj
licences:
  - { licenceType: birthCertificate, subject: mother }
  - { licenceType: residentIdCard, subject: mother }
fields:
  xsexm: { canonical: child.name }
  xb: { canonical: child.sex, transform: code:sex-gb2261 }
  csrq: { canonical: child.birthDate, transform: date.compact }
  mqsfzhm: { canonical: mother.idNumber }
  lxdh: { canonical: applicant.phone }
materials:
  CL003: { licenceType: birthCertificate, subject: mother }
`,
    [`matters/${CARD}.yaml`]: `matter: "${CARD}"
name: 社会保障卡申领
department: mzrsj
licences:
  - { licenceType: residentIdCard, subject: mother }
fields:
  xm: { canonical: child.name }
  jhrxm: { canonical: mother.name }
`,
    [`matters/${INSURANCE}.yaml`]: `matter: "${INSURANCE}"
name: 城乡居民参保登记
department: ybj
fields:
  xm: { canonical: child.name }
`,
    'materials.yaml': `materials:
  CL001: { name: 居民身份证, names: [居民身份证, 身份证], licenceType: residentIdCard }
  CL002: { name: 居民户口簿, names: [居民户口簿, 户口簿] }
  CL003: { name: 出生医学证明, names: [出生医学证明], licenceType: birthCertificate }
  CL008: { name: 近期免冠证件照片, names: [近期免冠证件照片], mediaTypes: [image/jpeg, image/png] }
`,
    'themes/MX-T99.yaml': `theme: MX-T99
name: 测试出生一件事
subjects: [mother, child]
questions:
  - { id: card, label: 是否申领社保卡？, type: boolean, default: true }
  - { id: insurance, label: 参保类型, type: enum, options: [{ value: urban-rural, label: 城乡居民 }, { value: none, label: 暂不参保 }], default: none }
matters:
  - { code: "${CARD}", when: { "==": [{ var: card }, true] }, after: ["${REGISTRATION}"] }
  - { code: "${INSURANCE}", when: { "==": [{ var: insurance }, "urban-rural"] }, after: ["${REGISTRATION}"] }
  - code: "${REGISTRATION}"
`,
  };
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
  return dir;
}

const field = (code: string, type: Matter['formFields'][number]['type'] = 'string') => ({ code, label: code, type, required: true, options: [] });
const matter = (code: string, name: string, department: string, formFields: Matter['formFields'], materials: Matter['materials']): Matter => ({
  code, implementationCode: `${'1'.repeat(18)}4${code}`, name, department: { code: department, name: department }, type: '07', level: 4,
  statutoryDays: 20, promisedDays: 5, materials, formFields, notes: '', updatedAt: '2026-11-01T00:00:00.000Z', version: 1,
});
const NEITHER = { deferral: { allowed: false, days: 0 }, commitment: { allowed: false, text: '' } };
const idCardMaterial = { code: `${REGISTRATION}-01`, name: '居民身份证', form: 'original' as const, required: true, licenceType: '居民身份证', ...NEITHER };
const photo = (code: string, days: number) => ({ code, name: '近期免冠证件照片', form: 'original' as const, required: true, licenceType: undefined, deferral: { allowed: true, days }, commitment: NEITHER.commitment });
// Each matter lists its materials under its own codes and, here and there, its own name (身份证).
const MATTERS = [
  matter(REGISTRATION, '国（境）内出生登记', 'gaj', [field('xsexm'), field('xb', 'enum'), field('csrq', 'date'), field('mqsfzhm', 'idNumber'), field('lxdh', 'phone')],
    [idCardMaterial, { code: `${REGISTRATION}-02`, name: '出生医学证明', form: 'original', required: true, licenceType: '出生医学证明', ...NEITHER }]),
  matter(CARD, '社会保障卡申领', 'mzrsj', [field('xm'), field('jhrxm')], [{ ...idCardMaterial, code: `${CARD}-01`, name: '身份证', form: 'copy' }, photo(`${CARD}-02`, 10)]),
  matter(INSURANCE, '城乡居民参保登记', 'ybj', [field('xm')], [{ code: `${INSURANCE}-01`, name: '户口簿', form: 'copy', required: false, licenceType: '居民户口簿', ...NEITHER }, photo(`${INSURANCE}-02`, 5)]),
];
const THEME: Theme = { code: 'MX-T99', sequence: 99, name: '测试出生一件事', subjectType: 'personal', serviceHall: '', notes: '', matterCodes: [REGISTRATION, CARD, INSURANCE], status: 'active', updatedAt: '2026-11-01T00:00:00.000Z', version: 1 };

describe('merged forms: guide, prefill, split', () => {
  let mappings: Mappings;
  let context: ThemeContext;

  before(() => {
    mappings = loadMappings({ dir: writeMappings(), departments: [{ code: 'gaj' }, { code: 'mzrsj' }, { code: 'ybj' }], catalogue: { themes: [THEME], matters: MATTERS } });
    context = { theme: THEME, mapping: mappings.themes.get('MX-T99')!, matters: new Map(MATTERS.map((m) => [m.code, m])), matterMappings: mappings.matters };
  });

  describe('guide', () => {
    it('puts prerequisites first and applies the rules to the answers (defaults filled)', () => {
      const guide = buildGuide(context, {}, mappings);
      expect(guide.answers).to.deep.equal({ card: true, insurance: 'none' });
      expect(guide.matters.map((m) => m.code)).to.deep.equal([REGISTRATION, CARD]);
      expect(guide.matters[1]!.after).to.deep.equal([REGISTRATION]);
      const all = buildGuide(context, { card: false, insurance: 'urban-rural' }, mappings);
      expect(all.matters.map((m) => m.code)).to.deep.equal([REGISTRATION, INSURANCE]);
    });

    it('lists each material identity once, each matter under its own code and name, original wins over copy, licences marked', () => {
      const guide = buildGuide(context, { card: true }, mappings);
      expect(guide.materials.map((m) => m.code)).to.deep.equal(['CL001', 'CL003', 'CL008']);
      const idCard = guide.materials.find((m) => m.code === 'CL001')!;
      expect(idCard).to.deep.include({ name: '居民身份证', form: 'original', required: true, ways: ['upload'] });
      expect(idCard.matters).to.deep.equal([
        { matterCode: REGISTRATION, code: `${REGISTRATION}-01`, name: '居民身份证', required: true, form: 'original' },
        { matterCode: CARD, code: `${CARD}-01`, name: '身份证', required: true, form: 'copy' },
      ]);
      expect(guide.materials.find((m) => m.code === 'CL003')).to.deep.include({ ways: ['licence', 'upload'], licence: { licenceType: 'birthCertificate', subject: 'mother' } });
      expect(guide.materials.find((m) => m.code === 'CL008')).to.deep.include({ ways: ['upload', 'deferred'], deferral: { days: 10 }, mediaTypes: ['image/jpeg', 'image/png'] });
    });

    it('offers 容缺 only as long as the strictest asking matter allows', () => {
      // Both the card (10 days) and the insurance (5 days) ask for the photo: 5 days.
      const both = buildGuide(context, { card: true, insurance: 'urban-rural' }, mappings).materials.find((m) => m.code === 'CL008')!;
      expect(both.deferral).to.deep.equal({ days: 5 });
      expect(both.matters.map((m) => m.deferral)).to.deep.equal([{ days: 10 }, { days: 5 }]);
      expect(buildGuide(context, { card: false, insurance: 'urban-rural' }, mappings).materials.find((m) => m.code === 'CL002')).to.deep.include({ required: false, form: 'copy', ways: ['upload'] });
    });

    it('derives the merged form: each canonical field once, nested by role', () => {
      const schema = buildGuide(context, { card: true }, mappings).form as { properties: Record<string, { properties: Record<string, unknown> }> };
      expect(Object.keys(schema.properties).sort()).to.deep.equal(['applicant', 'child', 'mother']);
      expect(Object.keys(schema.properties['child']!.properties).sort()).to.deep.equal(['birthDate', 'name', 'sex']);
      expect(schema.properties['mother']!.properties['idNumber']).to.deep.include({ type: 'string', format: 'id-number' });
    });

    it('refuses answers that do not fit, naming each', () => {
      let caught: TongbanError | undefined;
      try {
        buildGuide(context, { card: 'yes', insurance: 'gold', extra: 1 }, mappings);
      } catch (error) {
        caught = error as TongbanError;
      }
      expect(caught?.code).to.equal('VALIDATION_FAILED');
      expect(caught?.errors?.map((e) => e.pointer).sort()).to.deep.equal(['/answers/card', '/answers/extra', '/answers/insurance']);
    });

    it('validates a form against the merged schema with identifier checks', () => {
      const schema = buildGuide(context, {}, mappings).form;
      const errors = validateForm(schema, { mother: { name: '李梅', idNumber: '441403199201011227' }, child: { name: '王小宝', sex: '男', birthDate: '2026-02-30' }, applicant: { phone: '138' }, extra: {} }, '/form');
      const pointers = errors.map((e) => e.pointer);
      expect(pointers).to.include.members(['/form/mother/idNumber', '/form/child/birthDate', '/form/applicant/phone', '/form/extra']);
      expect(errors.find((e) => e.pointer === '/form/mother/idNumber')!.message).to.match(/check character/);
    });

    it('accepts a Taiwan residence permit (830000…) where an ID number is asked for', () => {
      const schema = buildGuide(context, {}, mappings).form;
      const errors = validateForm(schema, { mother: { name: '林美', idNumber: '830000199001011234' } }, '/form');
      expect(errors.filter((e) => e.pointer === '/form/mother/idNumber')).to.deep.equal([]);
    });

    it('refuses a credit code whose positions 1–2 GB 32100 does not issue, though its check character holds', () => {
      expect(checkFieldValue('enterprise.creditCode', { type: 'string', label: '统一社会信用代码', format: 'creditCode' }, '94350100M000100Y4R'))
        .to.match(/characters 1–2 "94": category "4" is not one of 工商/);
    });
  });

  describe('prefill', () => {
    const motherId = '44140319920101122X';
    const licence = (type: keyof typeof LICENCE_TYPES, identifier: string, surface: Record<string, string>, passed = true, issuedOn = '2026-03-01'): Licence => ({
      identifier, typeCode: LICENCE_TYPES[type].code, typeName: LICENCE_TYPES[type].name, number: 'N1', holder: { code: motherId, type: 'citizen', name: '李梅' },
      issuer: { name: '梅县区人民医院', code: '12441403MB2C12345X' }, issuedOn, validFrom: issuedOn, validUntil: null, areaCode: '441403',
      status: passed ? 'valid' : 'revoked', surface,
      verification: { identifierCheck: true, status: passed, validity: true, dataSignature: true, passed, problems: passed ? [] : ['status is revoked'], checkedAt: '2026-11-24T00:00:00Z' },
    });
    const holders = { mother: { code: motherId, type: 'citizen' as const, authorizationId: 'auth-1' } };

    it('fills from verified licences with provenance, marks materials, reports the ratio', async () => {
      const asked: { subject: string; licenceTypes: string[] }[] = [];
      const fetch: FetchLicences = async ({ subject, licenceTypes }) => {
        asked.push({ subject, licenceTypes });
        return [
          licence('birthCertificate', 'BC-1', { XSEXM: '王小宝', XB: '男', CSRQ: '20260301', MQXM: '李梅' }),
          licence('residentIdCard', 'ID-1', { XM: '李梅', GMSFHM: motherId.toLowerCase() }),
        ];
      };
      const result = await prefill(context, { themeCode: 'MX-T99', answers: {}, holders, useCause: '办理出生一件事' }, mappings, fetch);
      expect(asked).to.deep.equal([{ subject: 'mother', licenceTypes: ['birthCertificate', 'residentIdCard'] }]);
      expect(result.form).to.deep.equal({ child: { name: '王小宝', sex: '男', birthDate: '2026-03-01' }, mother: { name: '李梅', idNumber: motherId } });
      expect(result.provenance['child.birthDate']).to.deep.include({ source: 'licence', licenceIdentifier: 'BC-1', licenceType: 'birthCertificate', verified: true });
      expect(result.provenance['mother.idNumber']!.licenceIdentifier).to.equal('ID-1');
      expect(result.autoFill).to.deep.equal({ filled: 5, total: 6, ratio: 0.833 });
      expect(result.materials.find((m) => m.code === 'CL003')!.satisfiedBy).to.equal('BC-1');
      expect(result.partial).to.equal(false);
    });

    it('reports conflicts between licences, keeping the first', async () => {
      const fetch: FetchLicences = async () => [
        licence('birthCertificate', 'BC-1', { XSEXM: '王小宝', MQXM: '李梅' }),
        licence('residentIdCard', 'ID-1', { XM: '李 梅', GMSFHM: motherId }, true, '2020-01-01'),
      ];
      const result = await prefill(context, { themeCode: 'MX-T99', answers: {}, holders, useCause: '办理' }, mappings, fetch);
      expect(result.conflicts).to.deep.equal([{ canonical: 'mother.name', kept: { value: '李梅', licenceIdentifier: 'BC-1' }, other: { value: '李 梅', licenceIdentifier: 'ID-1' } }]);
    });

    it('never fills a value the dictionary refuses: it is reported and left for the applicant', async () => {
      const fetch: FetchLicences = async () => [licence('birthCertificate', 'BC-1', { XSEXM: '王小宝', XB: '未知' })];
      const result = await prefill(context, { themeCode: 'MX-T99', answers: {}, holders, useCause: '办理' }, mappings, fetch);
      expect(result.form).to.deep.equal({ child: { name: '王小宝' } });
      expect(result.refusedValues).to.deep.equal([{ canonical: 'child.sex', licenceIdentifier: 'BC-1', reason: 'must be equal to one of the allowed values' }]);
    });

    it('normalises licence text as a submission is (NFC, trimmed), so an unchanged value still matches its evidence at intake', async () => {
      const fetch: FetchLicences = async () => [
        licence('birthCertificate', 'BC-1', { XSEXM: ' 王小宝\u3000', XB: ' 男 ', CSRQ: ' 2026-03-01 ', MQXM: '李\u202e梅' }),
        licence('residentIdCard', 'ID-1', { XM: ' \u3000 ', GMSFHM: motherId }),
      ];
      const result = await prefill(context, { themeCode: 'MX-T99', answers: {}, holders, useCause: '办理' }, mappings, fetch);
      expect(result.form).to.deep.equal({ child: { name: '王小宝', sex: '男', birthDate: '2026-03-01' }, mother: { idNumber: motherId } });
      // Blank is absent, never reported; a bidi override is a value the applicant must give.
      expect(result.refusedValues).to.have.length(1);
      expect(result.refusedValues[0]).to.deep.include({ canonical: 'mother.name', licenceIdentifier: 'BC-1' });
      expect(result.refusedValues[0]!.reason).to.match(/bidirectional/);
      // What intake compares: the submitted form, normalised, against the evidence digests.
      const submitted = normalizeFormText(result.form, '/form').form;
      for (const [canonical, evidence] of Object.entries(result.evidence)) {
        expect(valueDigest(getField(submitted, canonical)), canonical).to.equal(evidence.digest);
      }
    });

    it('never uses a licence that failed verification', async () => {
      const fetch: FetchLicences = async () => [licence('birthCertificate', 'BC-R', { XSEXM: '王小宝' }, false)];
      const result = await prefill(context, { themeCode: 'MX-T99', answers: {}, holders, useCause: '办理' }, mappings, fetch);
      expect(result.form).to.deep.equal({});
      expect(result.licences).to.deep.equal([{ identifier: 'BC-R', licenceType: 'birthCertificate', name: '出生医学证明', subject: 'mother', status: 'revoked', used: false, problems: ['status is revoked'] }]);
    });

    it('returns what it could and names the missing sources when the library is down', async () => {
      const fetch: FetchLicences = async () => { throw new UpstreamError('down', { system: 'licence-library', operation: 'queryByHolder', kind: 'connection' }); };
      const result = await prefill(context, { themeCode: 'MX-T99', answers: {}, holders, useCause: '办理' }, mappings, fetch);
      expect(result.partial).to.equal(true);
      expect(result.form).to.deep.equal({});
      expect(result.missingSources).to.deep.equal([{ subject: 'mother', licenceTypes: ['birthCertificate', 'residentIdCard'], kind: 'library-unavailable', reason: 'licence library unavailable (connection); fill these fields by hand or prefill again later' }]);
    });

    it('refuses a holder for a subject the scenario does not use', async () => {
      let caught: TongbanError | undefined;
      try {
        await prefill(context, { themeCode: 'MX-T99', answers: {}, holders: { ...holders, uncle: holders.mother }, useCause: '办理' }, mappings, async () => []);
      } catch (error) {
        caught = error as TongbanError;
      }
      expect(caught?.errors?.[0]?.pointer).to.equal('/holders/uncle');
    });
  });

  describe('split', () => {
    const form = { child: { name: '王小宝', sex: '女', birthDate: '2026-03-01' }, mother: { name: '李梅', idNumber: '44140319920101122X' }, applicant: { phone: '13812345678' } };

    it('gives each department only its fields, in its codes and formats, with provenance', () => {
      const forms = splitForm(context, [REGISTRATION, CARD], form, { 'child.name': { source: 'licence', licenceIdentifier: 'BC-1', verified: true } }, mappings);
      expect(forms[0]).to.deep.equal({
        matterCode: REGISTRATION, departmentCode: 'gaj',
        fields: { xsexm: '王小宝', xb: '2', csrq: '20260301', mqsfzhm: '44140319920101122X', lxdh: '13812345678' },
        provenance: { xsexm: { source: 'licence', licenceIdentifier: 'BC-1', verified: true }, xb: { source: 'user' }, csrq: { source: 'user' }, mqsfzhm: { source: 'user' }, lxdh: { source: 'user' } },
      });
      expect(forms[1]!.fields).to.deep.equal({ xm: '王小宝', jhrxm: '李梅' });
    });

    it('refuses a value a code table cannot convert, naming the form field', () => {
      expect(() => splitForm(context, [REGISTRATION], { ...form, child: { ...form.child, sex: '未知' } }, {}, mappings)).to.throw(SplitError).with.property('pointer', '/form/child/sex');
    });
  });
});
