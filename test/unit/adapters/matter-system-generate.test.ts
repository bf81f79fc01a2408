import { expect } from 'chai';
import { buildCatalogue, departmentCreditCode, type CatalogueMatter } from '../../../adapters/matter-system/catalogue/build-catalogue.js';
import { DEFAULT_RULE, MATTER_RULES, matterTypeOf, ruleForMatter } from '../../../adapters/matter-system/catalogue/matter-rules.js';
import { FIELDS, MATERIALS, NAME_VARIANTS } from '../../../adapters/matter-system/catalogue/vocabulary.js';
import { validateBasicCode, validateCreditCode, validateImplementationCode } from '../../../src/domain/identifiers/index.js';

describe('matter system catalogue: generated matter attributes', () => {
  const catalogue = buildCatalogue();
  const byName = (name: string): CatalogueMatter => {
    const found = catalogue.matters.find((matter) => matter.name === name);
    if (!found) throw new Error(`no matter ${name}`);
    return found;
  };
  const fieldCodes = (name: string) => byName(name).formFields.map((field) => field.code);

  it('is deterministic, and the codes mapping files rely on stay put', () => {
    expect(buildCatalogue()).to.deep.equal(catalogue);
    // Pinned: a change here invalidates mappings/matters/<code> files; change only on purpose.
    expect(byName('国（境）内出生登记').code).to.equal('000744622000');
    expect(byName('内资有限责任公司设立登记').code).to.equal('000753343000');
    expect(departmentCreditCode('gaj')).to.equal('11441403272125683Y');
  });

  it('gives every matter valid, distinct GB/T 39554.1 codes in the national catalogue', () => {
    const codes = new Set<string>();
    for (const matter of catalogue.matters) {
      const basic = validateBasicCode(matter.code);
      expect(basic.ok, `${matter.name}: ${matter.code}`).to.equal(true);
      expect(basic).to.include({ areaCode: '00', matterType: matter.type, subItem: '000' });
      const implementation = validateImplementationCode(matter.implementationCode);
      expect(implementation.ok, matter.implementationCode).to.equal(true);
      const department = catalogue.departments.find((entry) => entry.code === matter.department.code)!;
      expect(implementation).to.include({ creditCode: department.creditCode, exerciseLevel: matter.level, basicCode: matter.code });
      codes.add(matter.code);
    }
    expect(codes.size).to.equal(catalogue.matters.length);
  });

  it('gives each department one valid credit code of a county body (authority 1, category 1, area 441403)', () => {
    expect(catalogue.departments).to.have.length(21);
    const codes = catalogue.departments.map((department) => department.creditCode);
    expect(new Set(codes).size).to.equal(codes.length);
    for (const code of codes) {
      const result = validateCreditCode(code);
      expect(result.ok, code).to.equal(true);
      expect(result).to.include({ registrationAuthority: '1', category: '1', areaCode: '441403', organizationCodeValid: true });
    }
  });

  it('uses exercise level 3 exactly for the 市级审批 rows', () => {
    const cityLevel = catalogue.matters.filter((matter) => matter.level === 3).map((matter) => matter.name);
    expect(cityLevel).to.have.members(catalogue.matters.filter((matter) => matter.notes === '市级审批').map((matter) => matter.name));
    expect(cityLevel).to.have.length(4);
    expect(catalogue.matters.filter((matter) => matter.level !== 3).every((matter) => matter.level === 4)).to.equal(true);
  });

  it('types matters by keyword with an explicit default', () => {
    const cases: [string, string][] = [
      ['国（境）内出生登记', '07'], ['劳动用工备案', '07'], ['一照一码户信息确认', '07'], ['困难残疾人生活补贴资格认定', '07'],
      ['劳务派遣经营许可', '01'], ['占用、挖掘城市道路审批', '01'], ['护士执业证书核发（首次注册）', '01'], ['城市建筑垃圾处置(排放)核准', '01'],
      ['生育津贴支付', '05'], ['企业职工基本养老金申领', '05'], ['参保人员个人账户一次性支取', '05'], ['退役士兵自主就业一次性经济补助金的给付', '05'],
      ['社会保障卡申领', '20'], ['《就业创业证》申领', '20'], ['不动产登记资料查询', '20'], ['燃气报装/变更', '20'],
    ];
    for (const [name, type] of cases) {
      expect(matterTypeOf(name), name).to.equal(type);
      expect(byName(name).type, name).to.equal(type);
    }
  });

  it('has a specific rule for every matter of the seed, and every rule is used', () => {
    const unmatched = catalogue.matters.filter((matter) => ruleForMatter(matter.name) === DEFAULT_RULE).map((matter) => matter.name);
    expect(unmatched).to.deep.equal([]);
    const used = new Set(catalogue.matters.map((matter) => ruleForMatter(matter.name)));
    expect(MATTER_RULES.filter((rule) => !used.has(rule)).map((rule) => rule.keywords.join('/'))).to.deep.equal([]);
  });

  it('keeps time limits in working days with promised ≤ statutory', () => {
    for (const matter of catalogue.matters) {
      expect(matter.promisedDays, matter.name).to.be.within(1, Math.min(10, matter.statutoryDays));
      expect(matter.statutoryDays, matter.name).to.be.within(5, 20);
      if (matter.type === '01') expect(matter.statutoryDays, matter.name).to.equal(20);
    }
  });

  // Up to 6 and 13: an enterprise filing by its 经办人 carries the agent's ID card, the 授权委托书, the agent's name and ID number and its 住所 besides the matter's own.
  it('gives 2–6 materials and 3–13 form fields per matter, each well formed', () => {
    for (const matter of catalogue.matters) {
      expect(matter.materials.length, matter.name).to.be.within(2, 6);
      expect(matter.formFields.length, matter.name).to.be.within(3, 13);
      // Each matter lists its materials under its own codes, as real catalogues do.
      expect(matter.materials.map((material) => material.code), matter.name).to.deep.equal(matter.materials.map((_, index) => `${matter.code}-${String(index + 1).padStart(2, '0')}`));
      expect(new Set(matter.formFields.map((field) => field.code)).size, matter.name).to.equal(matter.formFields.length);
      for (const field of matter.formFields) {
        expect(field.code).to.match(/^[a-z]+$/);
        expect(field.options.length > 0, `${matter.name}/${field.code}`).to.equal(field.type === 'enum');
      }
    }
    const codes = Object.values(MATERIALS).map((material) => material.code);
    expect(new Set(codes).size).to.equal(codes.length);
    expect(Object.keys(FIELDS)).to.include.members(['xm', 'sfzhm', 'csrq', 'lxdh', 'tyshxydm', 'qymc', 'fddbr']);
  });

  it('names some materials by the variants real catalogues use, the same on every build', () => {
    const names = new Map<string, Set<string>>();
    for (const matter of catalogue.matters) {
      for (const material of matter.materials) {
        const kind = Object.entries(NAME_VARIANTS).find(([, variants]) => variants.includes(material.name))?.[0] ?? material.name;
        expect(Object.hasOwn(MATERIALS, kind), `${matter.name}: ${material.name}`).to.equal(true);
        names.set(kind, (names.get(kind) ?? new Set()).add(material.name));
      }
    }
    expect([...names.get('居民身份证')!].sort()).to.deep.equal(['居民身份证', '申请人居民身份证', '身份证'].sort());
    expect(names.get('营业执照')).to.include('营业执照副本');
  });

  it('sets 容缺 for secondary documents and 告知承诺 for provable facts, never for identity documents or licences', () => {
    const flagged = catalogue.matters.flatMap((matter) => matter.materials.map((material) => ({ matter, material })));
    for (const { matter, material } of flagged) {
      const where = `${matter.name}: ${material.name}`;
      if (material.deferral.allowed) {
        expect(material.deferral.days, where).to.be.within(5, 10);
        expect(material.licenceType, where).to.equal(undefined);
      } else expect(material.deferral.days, where).to.equal(0);
      if (material.commitment.allowed) expect(material.commitment.text, where).to.match(/^本(人|单位)[^]*承诺：.{20,}/u);
      else expect(material.commitment.text, where).to.equal('');
      if (/身份证|营业执照|驾驶证|行驶证|通行证/u.test(material.name)) expect(material.deferral.allowed || material.commitment.allowed, where).to.equal(false);
    }
    const of = (matterName: string, kind: string) => byName(matterName).materials.find((material) => (NAME_VARIANTS[kind as keyof typeof NAME_VARIANTS] ?? [kind]).includes(material.name))!;
    expect(of('个人独资企业设立登记', '住所使用证明').commitment).to.include({ allowed: true });
    expect(of('企业职工基本养老金申领', '银行开户证明').deferral).to.deep.equal({ allowed: true, days: 5 });
    // A photo printed on the pass cannot follow; one filed with an endorsement can.
    expect(of('办理往来港澳通行证', '近期免冠证件照片').deferral.allowed).to.equal(false);
    expect(of('办理往来港澳通行证个人游签注', '近期免冠证件照片').deferral.allowed).to.equal(true);
  });

  it('asks a newborn\'s matters about the newborn and its parents', () => {
    const birth = byName('国（境）内出生登记');
    expect(fieldCodes('国（境）内出生登记')).to.include.members(['xsexm', 'xsexb', 'csrq', 'mqxm', 'mqsfzhm', 'cyzmbh']);
    expect(birth.formFields.find((field) => field.code === 'mqsfzhm')).to.include({ label: '母亲公民身份号码', type: 'idNumber', required: true });
    expect(birth.formFields.find((field) => field.code === 'csrq')).to.include({ label: '出生日期', type: 'date' });
    expect(birth.materials.find((material) => material.licenceType === '出生医学证明')).to.include({ form: 'original' });
    expect(fieldCodes('社会保障卡申领')).to.include.members(['xm', 'sfzhm', 'csrq', 'jhrxm', 'jhrsfzhm']);
  });

  it('asks enterprise matters for the credit code, name and legal representative', () => {
    for (const name of ['劳务派遣经营许可', '发票领用', '兽药经营许可（中、化药类）（新申请）', '内资有限责任公司注销登记']) {
      expect(fieldCodes(name), name).to.include.members(['tyshxydm', 'qymc', 'fddbr']);
      expect(byName(name).formFields[0]).to.include({ code: 'tyshxydm', type: 'creditCode' });
      expect(byName(name).materials.map((material) => material.licenceType), name).to.include('营业执照');
    }
    // A company not yet registered has no credit code to give.
    expect(fieldCodes('内资有限责任公司设立登记')).to.include.members(['qymc', 'fddbr', 'fddbrsfzhm']).and.not.include('tyshxydm');
    expect(fieldCodes('机动车驾驶证初次申领')).to.include.members(['xm', 'sfzhm', 'lxdh']);
    expect(byName('机动车驾驶证初次申领').formFields.find((field) => field.code === 'lxdh')).to.include({ type: 'phone' });
  });

  it('links theme matter codes to existing matters in table order', () => {
    const birth = catalogue.themes.find((theme) => theme.code === 'MX-T05')!;
    expect(birth.matterCodes.map((code) => catalogue.matters.find((matter) => matter.code === code)!.name)).to.deep.equal(['国（境）内出生登记', '社会保障卡申领', '城乡居民参保登记']);
    for (const theme of catalogue.themes) {
      for (const code of theme.matterCodes) expect(catalogue.matters.some((matter) => matter.code === code), `${theme.code} ${code}`).to.equal(true);
    }
  });
});
