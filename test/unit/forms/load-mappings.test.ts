import { expect } from 'chai';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findCycle, loadMappings, MappingError, resolveMaterial, type CatalogueView, type MappingProblem } from '../../../src/forms/mappings/index.js';
import type { Matter } from '../../../src/domain/matter-catalog.js';

const IDENTITIES = `materials:
  CL001: { name: 居民身份证, names: [居民身份证, 身份证], licenceType: residentIdCard }
  CL009: { name: 申请表, names: [申请表, 申请书], generated: application-form }
  CL025: { name: 经办人居民身份证, names: [经办人居民身份证], licenceType: residentIdCard }
  CL031: { name: 登记申请书, names: [登记申请书, 申请书], generated: application-form }
`;

const BIRTH_MATTER = `matter: "000107000010"
name: 出生登记
department: gaj
licences:
  - { licenceType: residentIdCard, subject: applicant }
fields:
  xm: { canonical: applicant.name }
  csrq: { canonical: applicant.birthDate, transform: date.compact }
materials:
  CL001: { licenceType: residentIdCard, subject: applicant }
`;
/** A tiny, valid mapping set; each test breaks one thing. */
function writeMappings(overrides: Record<string, string> = {}): string {
  const root = mkdtempSync(join(tmpdir(), 'tongban-mappings-'));
  const dir = join(root, 'mappings');
  const files: Record<string, string> = {
    'dictionary.yaml': `fields:
  applicant.name: { type: string, label: 姓名, maxLength: 50 }
  applicant.idNumber: { type: string, label: 公民身份号码, format: idNumber }
  applicant.birthDate: { type: date, label: 出生日期 }
  child.name: { type: string, label: 新生儿姓名, maxLength: 50 }
`,
    'code-tables/sex-gb2261.yaml': 'values: { 男: "1", 女: "2" }\n',
    'licences/residentIdCard.yaml': `licenceType: residentIdCard
name: 居民身份证
holderType: citizen
fields:
  XM: { canonical: $subject.name }
  GMSFHM: { canonical: $subject.idNumber, transform: upper }
  CSRQ: { canonical: $subject.birthDate, transform: date.iso }
`,
    'matters/000107000010.yaml': BIRTH_MATTER,
    'matters/000120000020.yaml': `matter: "000120000020"
name: 社会保障卡申领
department: mzrsj
fields:
  xsexm: { canonical: child.name }
`,
    'materials.yaml': IDENTITIES,
    'themes/MX-T99.yaml': `theme: MX-T99
name: 测试一件事
questions:
  - { id: card, label: 是否申领社保卡？, type: boolean, default: true }
matters:
  - code: "000107000010"
  - code: "000120000020"
    when: { "==": [{ var: card }, true] }
    after: ["000107000010"]
`,
    ...overrides,
  };
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
  return dir;
}

const departments = [{ code: 'gaj' }, { code: 'mzrsj' }];
const matter = (code: string, name: string, department: string, fields: Matter['formFields'], materials: Matter['materials'] = []) =>
  ({ code, name, department: { code: department, name: department }, formFields: fields, materials });
const catalogue: CatalogueView = {
  themes: [{ code: 'MX-T99', name: '测试一件事', matterCodes: ['000107000010', '000120000020'] }],
  matters: [
    matter('000107000010', '出生登记', 'gaj', [
      { code: 'xm', label: '姓名', type: 'string', required: true, options: [] },
      { code: 'csrq', label: '出生日期', type: 'date', required: true, options: [] },
    ], [{ code: '000107000010-01', name: '身份证', form: 'original', required: true, licenceType: '居民身份证', deferral: { allowed: false, days: 0 }, commitment: { allowed: false, text: '' } }]),
    matter('000120000020', '社会保障卡申领', 'mzrsj', [{ code: 'xsexm', label: '新生儿姓名', type: 'string', required: true, options: [] }]),
  ],
};

const application = { code: '000107000010-02', name: '申请书' };
/** The catalogue with one more material for the birth registration. */
function withMaterial(material: { code: string; name: string }): CatalogueView {
  const extra = { ...material, form: 'original' as const, required: true, licenceType: undefined, deferral: { allowed: false, days: 0 }, commitment: { allowed: false, text: '' } };
  return { ...catalogue, matters: catalogue.matters.map((entry) => entry.code === '000107000010' ? { ...entry, materials: [...entry.materials, extra] } : entry) };
}

function problemsOf(dir: string, withCatalogue: CatalogueView | undefined = catalogue): MappingProblem[] {
  try {
    loadMappings({ dir, departments, ...(withCatalogue ? { catalogue: withCatalogue } : {}) });
  } catch (error) {
    expect(error).to.be.instanceOf(MappingError);
    return [...(error as MappingError).problems];
  }
  return [];
}

describe('mapping loader and validator', () => {
  it('loads a valid set', () => {
    const mappings = loadMappings({ dir: writeMappings(), departments, catalogue });
    expect([...mappings.themes.keys()]).to.deep.equal(['MX-T99']);
    expect(mappings.matters.get('000107000010')!.materials.get('CL001')).to.deep.equal({ licenceType: 'residentIdCard', subject: 'applicant' });
    expect([...mappings.groups].sort()).to.deep.equal(['applicant', 'child']);
  });

  it('loads a matter\'s constants: the field the catalogue\'s form has, covered instead of mapped', () => {
    const mappings = loadMappings({ dir: writeMappings({ 'matters/000107000010.yaml': 'matter: "000107000010"\nname: 出生登记\ndepartment: gaj\nfields:\n  xm: { canonical: applicant.name }\nconstants:\n  csrq: { value: "2026-01-02", transform: date.compact }\n' }), departments, catalogue });
    expect(mappings.matters.get('000107000010')!.constants).to.deep.equal([{ field: 'csrq', value: '2026-01-02', transform: 'date.compact', departmentValue: '20260102' }]);
  });

  it('loads the material identities, and resolves a catalogue material by its name or the matter\'s override', () => {
    const mappings = loadMappings({ dir: writeMappings(), departments, catalogue });
    expect(mappings.materials.get('CL001')).to.deep.include({ code: 'CL001', name: '居民身份证', names: ['居民身份证', '身份证'], licenceType: 'residentIdCard', mediaTypes: ['application/pdf', 'application/ofd', 'image/jpeg', 'image/png'] });
    expect(mappings.materialNames.get('申请书')).to.deep.equal(['CL009', 'CL031']);
    expect(resolveMaterial(mappings, '000107000010', { code: '000107000010-01', name: '身份证' }).identity?.code).to.equal('CL001');
    expect(resolveMaterial(mappings, '000107000010', { code: '000107000010-02', name: '申请书' })).to.deep.equal({ candidates: ['CL009', 'CL031'] });
    expect(resolveMaterial(mappings, '000107000010', { code: '000107000010-03', name: '结婚证' })).to.deep.equal({ candidates: [] });
    const settled = loadMappings({ dir: writeMappings({ 'matters/000107000010.yaml': `${BIRTH_MATTER}materialIdentities:\n  000107000010-02: CL031\n` }), departments, catalogue: withMaterial(application) });
    expect(resolveMaterial(settled, '000107000010', application).identity?.code).to.equal('CL031');
  });

  const cases: { name: string; overrides: Record<string, string>; file: string; pointer: string; message: RegExp; catalogue?: CatalogueView }[] = [
    { name: 'a missing materials.yaml', overrides: { 'materials.yaml': '' }, file: 'mappings/materials.yaml', pointer: '/', message: /must be object/ },
    { name: 'an identity\'s unknown licence type', overrides: { 'materials.yaml': IDENTITIES.replace('licenceType: residentIdCard }\n  CL009', 'licenceType: idCard }\n  CL009') },
      file: 'mappings/materials.yaml', pointer: '/materials/CL001/licenceType', message: /unknown licence type "idCard"/ },
    { name: 'an identity\'s prerequisite matter without a mapping', overrides: { 'materials.yaml': `${IDENTITIES}  CL005: { name: 营业执照, names: [营业执照], prerequisiteResult: { resultName: 营业执照, matters: ["000199999990"] } }\n` },
      file: 'mappings/materials.yaml', pointer: '/materials/CL005/prerequisiteResult/matters/0', message: /matter 000199999990 has no mapping/ },
    { name: 'a media type files cannot have', overrides: { 'materials.yaml': `${IDENTITIES}  CL008: { name: 近期免冠证件照片, names: [近期免冠证件照片], mediaTypes: [image/gif] }\n` },
      file: 'mappings/materials.yaml', pointer: '/materials/CL008/mediaTypes/0', message: /allowed values/ },
    { name: 'a matter\'s material key that is no identity', overrides: { 'matters/000107000010.yaml': BIRTH_MATTER.replace('CL001:', 'CL099:') },
      file: 'mappings/matters/000107000010.yaml', pointer: '/materials/CL099', message: /no material identity CL099 in mappings\/materials.yaml/ },
    { name: 'a matter\'s material key that is an identity of another matter', overrides: { 'matters/000107000010.yaml': BIRTH_MATTER.replace('CL001:', 'CL025:') },
      file: 'mappings/matters/000107000010.yaml', pointer: '/materials/CL025', message: /CL025 is no material identity of matter 000107000010 \(出生登记\): its materials resolve to CL001/ },
    { name: 'a catalogue material no identity takes', overrides: {}, catalogue: withMaterial({ code: '000107000010-02', name: '结婚证' }),
      file: 'mappings/materials.yaml', pointer: '/materials', message: /matter 000107000010 \(出生登记\) material 000107000010-02 "结婚证" resolves to no material identity/ },
    { name: 'a catalogue material two identities take', overrides: {}, catalogue: withMaterial(application),
      file: 'mappings/matters/000107000010.yaml', pointer: '/materialIdentities', message: /material 000107000010-02 "申请书" resolves to 2 material identities \(CL009, CL031\): say which/ },
    { name: 'an override for a material the matter does not list', overrides: { 'matters/000107000010.yaml': `${BIRTH_MATTER}materialIdentities:\n  000107000010-09: CL031\n` },
      file: 'mappings/matters/000107000010.yaml', pointer: '/materialIdentities/000107000010-09', message: /lists no material 000107000010-09/ },
    { name: 'unknown canonical field', overrides: { 'matters/000120000020.yaml': 'matter: "000120000020"\nname: 社会保障卡申领\ndepartment: mzrsj\nfields:\n  xsexm: { canonical: child.nickName }\n' },
      file: 'mappings/matters/000120000020.yaml', pointer: '/fields/xsexm/canonical', message: /unknown canonical field "child.nickName"/ },
    { name: 'unknown transform', overrides: { 'licences/residentIdCard.yaml': 'licenceType: residentIdCard\nname: 居民身份证\nholderType: citizen\nfields:\n  XM: { canonical: $subject.name, transform: shout }\n' },
      file: 'mappings/licences/residentIdCard.yaml', pointer: '/fields/XM/transform', message: /unknown transform "shout"/ },
    { name: 'type mismatch with the department form', overrides: { 'matters/000120000020.yaml': 'matter: "000120000020"\nname: 社会保障卡申领\ndepartment: mzrsj\nfields:\n  xsexm: { canonical: applicant.birthDate }\n' },
      file: 'mappings/matters/000120000020.yaml', pointer: '/fields/xsexm/canonical', message: /type mismatch: the form field is string, the canonical field is date/ },
    { name: 'matter not in the catalogue', overrides: { 'matters/000199999990.yaml': 'matter: "000199999990"\nname: 不存在\ndepartment: gaj\nfields:\n  xm: { canonical: applicant.name }\n' },
      file: 'mappings/matters/000199999990.yaml', pointer: '/matter', message: /not in the catalogue/ },
    { name: 'cycle in prerequisites', overrides: { 'themes/MX-T99.yaml': 'theme: MX-T99\nname: 测试一件事\nmatters:\n  - { code: "000107000010", after: ["000120000020"] }\n  - { code: "000120000020", after: ["000107000010"] }\n' },
      file: 'mappings/themes/MX-T99.yaml', pointer: '/matters', message: /cycle in prerequisites: 000107000010 → 000120000020 → 000107000010/ },
    { name: 'a rule naming something that is not a question', overrides: { 'themes/MX-T99.yaml': 'theme: MX-T99\nname: 测试一件事\nmatters:\n  - code: "000107000010"\n  - { code: "000120000020", when: { "==": [{ var: nosuch }, true] } }\n' },
      file: 'mappings/themes/MX-T99.yaml', pointer: '/matters/1/when/==/0/var', message: /"nosuch" is not a question/ },
    { name: 'a sameAs subject that is not among the theme\'s subjects', overrides: { 'themes/MX-T99.yaml': 'theme: MX-T99\nname: 测试一件事\nsubjects: [applicant, child]\nmatters:\n  - code: "000107000010"\n  - code: "000120000020"\nsameAs:\n  child: [{ subject: uncle }]\n' },
      file: 'mappings/themes/MX-T99.yaml', pointer: '/sameAs/child/0/subject', message: /must be another of the theme's subjects, not "uncle"/ },
    { name: 'a sameAs rule naming something that is not a question', overrides: { 'themes/MX-T99.yaml': 'theme: MX-T99\nname: 测试一件事\nsubjects: [applicant, child]\nmatters:\n  - code: "000107000010"\n  - code: "000120000020"\nsameAs:\n  child: [{ subject: applicant, when: { var: nosuch } }]\n' },
      file: 'mappings/themes/MX-T99.yaml', pointer: '/sameAs/child/0/when/var', message: /"nosuch" is not a question/ },
    { name: 'a department form field left unmapped', overrides: { 'matters/000107000010.yaml': 'matter: "000107000010"\nname: 出生登记\ndepartment: gaj\nfields:\n  xm: { canonical: applicant.name }\n' },
      file: 'mappings/matters/000107000010.yaml', pointer: '/fields', message: /department form field "csrq" \(出生日期\) is not mapped/ },
    { name: 'a theme missing one of its catalogue matters', overrides: { 'themes/MX-T99.yaml': 'theme: MX-T99\nname: 测试一件事\nmatters:\n  - code: "000107000010"\n' },
      file: 'mappings/themes/MX-T99.yaml', pointer: '/matters', message: /matter 000120000020 \(社会保障卡申领\) of this theme is missing/ },
    { name: 'a subject with no dictionary group', overrides: { 'matters/000107000010.yaml': 'matter: "000107000010"\nname: 出生登记\ndepartment: gaj\nlicences:\n  - { licenceType: residentIdCard, subject: uncle }\nfields:\n  xm: { canonical: applicant.name }\n  csrq: { canonical: applicant.birthDate }\n' },
      file: 'mappings/matters/000107000010.yaml', pointer: '/licences/0/subject', message: /unknown subject "uncle"/ },
    { name: 'a constant its transform cannot convert', overrides: { 'matters/000107000010.yaml': 'matter: "000107000010"\nname: 出生登记\ndepartment: gaj\nfields:\n  xm: { canonical: applicant.name }\nconstants:\n  csrq: { value: 男女, transform: "code:sex-gb2261" }\n' },
      file: 'mappings/matters/000107000010.yaml', pointer: '/constants/csrq/value', message: /transform "code:sex-gb2261" cannot convert "男女"/ },
    { name: 'a field both mapped and constant', overrides: { 'matters/000107000010.yaml': 'matter: "000107000010"\nname: 出生登记\ndepartment: gaj\nfields:\n  xm: { canonical: applicant.name }\n  csrq: { canonical: applicant.birthDate }\nconstants:\n  xm: { value: 张三 }\n' },
      file: 'mappings/matters/000107000010.yaml', pointer: '/constants/xm', message: /also mapped from a canonical field/ },
    { name: 'a constant for a field the catalogue\'s form lacks', overrides: { 'matters/000107000010.yaml': 'matter: "000107000010"\nname: 出生登记\ndepartment: gaj\nfields:\n  xm: { canonical: applicant.name }\n  csrq: { canonical: applicant.birthDate }\nconstants:\n  qzzl: { value: T }\n' },
      file: 'mappings/matters/000107000010.yaml', pointer: '/constants/qzzl', message: /has no field "qzzl"/ },
    { name: 'a schema violation', overrides: { 'dictionary.yaml': 'fields:\n  applicant.name: { type: text, label: 姓名 }\n' },
      file: 'mappings/dictionary.yaml', pointer: '/fields/applicant.name/type', message: /must be equal to one of the allowed values/ },
    { name: 'a free-text field without a maxLength', overrides: { 'dictionary.yaml': 'fields:\n  applicant.name: { type: string, label: 姓名 }\n  applicant.idNumber: { type: string, label: 公民身份号码, format: idNumber }\n  applicant.birthDate: { type: date, label: 出生日期 }\n  child.name: { type: string, label: 新生儿姓名, maxLength: 50 }\n' },
      file: 'mappings/dictionary.yaml', pointer: '/fields/applicant.name/maxLength', message: /a free-text field needs a maxLength/ },
    { name: 'broken YAML', overrides: { 'code-tables/sex-gb2261.yaml': 'values: { 男: "1", \n' },
      file: 'mappings/code-tables/sex-gb2261.yaml', pointer: '', message: /^YAML: / },
  ];
  for (const testCase of cases) {
    it(`reports ${testCase.name} with file and JSON Pointer`, () => {
      const problems = problemsOf(writeMappings(testCase.overrides), testCase.catalogue);
      const match = problems.find((problem) => problem.file === testCase.file && problem.pointer === testCase.pointer && testCase.message.test(problem.message));
      expect(match, JSON.stringify(problems, null, 2)).to.not.equal(undefined);
    });
  }

  it('finds cycles and accepts DAGs', () => {
    expect(findCycle([['a', ['b']], ['b', ['c']], ['c', []]])).to.equal(undefined);
    expect(findCycle([['a', ['b']], ['b', ['a']]])).to.deep.equal(['a', 'b', 'a']);
  });
});
