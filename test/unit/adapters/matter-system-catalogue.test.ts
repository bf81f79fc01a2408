import { expect } from 'chai';
import { existsSync, readFileSync } from 'node:fs';
import {
  THEMES_FILE, parseThemeTable, readDepartmentNames, renderThemesFile, themeCode, type SeedCatalogue,
} from '../../../adapters/matter-system/catalogue/parse-seed.js';
import { subjectTypeOfTheme } from '../../../adapters/matter-system/catalogue/map-subject-type.js';
import { loadDepartments } from '../../../src/delivery/department-registry.js';

// The seed document is not part of the repository: name it in MATTER_SEED_FILE to check themes.json against it.
const SEED_FILE = process.env['MATTER_SEED_FILE'];
const committed = JSON.parse(readFileSync(THEMES_FILE, 'utf8')) as SeedCatalogue & { $comment: string };

function theme(sequence: number) {
  const found = committed.themes.find((entry) => entry.sequence === sequence);
  if (!found) throw new Error(`no theme ${sequence}`);
  return { ...found, matters: found.matters.map((id) => committed.matters.find((matter) => matter.id === id)!) };
}

describe('matter system catalogue: seed table → themes.json', () => {
  describe('the committed themes.json', () => {
    it('is what parse-seed.ts makes of the seed today', function () {
      if (SEED_FILE === undefined || !existsSync(SEED_FILE)) {
        console.log('      (skipped: set MATTER_SEED_FILE to the seed table to run it)');
        this.skip();
      }
      const text = readFileSync(SEED_FILE, 'utf8');
      const parsed = parseThemeTable(text, readDepartmentNames());
      expect(parsed).to.deep.equal({ source: committed.source, themes: committed.themes, matters: committed.matters });
      expect(readFileSync(THEMES_FILE, 'utf8')).to.equal(renderThemesFile(parsed));
    });

    it('has the 40 themes in order, with codes MX-T01 … MX-T40', () => {
      expect(committed.themes).to.have.length(40);
      expect(committed.themes.map((entry) => entry.sequence)).to.deep.equal(Array.from({ length: 40 }, (_, index) => index + 1));
      expect(committed.themes.map((entry) => entry.code)).to.deep.equal(Array.from({ length: 40 }, (_, index) => themeCode(index + 1)));
      expect(themeCode(7)).to.equal('MX-T07');
    });

    it('keeps names, matters and departments exactly as the table lists them', () => {
      const birth = theme(5);
      expect(birth.name).to.equal('婴儿“出生一件事”');
      expect(birth.matters.map((matter) => [matter.name, matter.departmentName, matter.departmentCode])).to.deep.equal([
        ['国（境）内出生登记', '公安局', 'gaj'],
        ['社会保障卡申领', '民政和人社局', 'mzrsj'],
        ['城乡居民参保登记', '医疗保障局', 'ybj'],
      ]);
      expect(theme(10).matters.map((matter) => matter.name)).to.deep.equal([
        '国有建设用地使用权及房屋所有权登记(转移登记)', '房产交易申报', '代开增值税普通发票', '房屋买卖合同网签备案',
      ]);
      expect(theme(13).matters).to.have.length(10);
      expect(theme(1).matters.map((matter) => matter.name)).to.deep.equal(['单位缴存登记业务（住房公积金）', '个人账户设立业务（住房公积金）']);
      expect(theme(3).matters).to.have.length(4);
      expect(theme(32).matters[0]!.name).to.equal('<无犯罪记录证明>');
      const last = theme(40);
      expect(last.name).to.equal('我要设置大型户外落地广告(独立占地)');
      expect(last.matters.map((matter) => [matter.name, matter.departmentName, matter.departmentCode])).to.deep.equal([
        ['建设工程规划类许可证核发(建筑类)', '自然资源局', 'zrzyj'],
        ['设置大型户外广告审批', '住房和城乡建设(城管)局', 'zjj'],
      ]);
      expect(theme(39).matters.map((matter) => matter.departmentName)).to.deep.equal(['市场监管局', '市场监管局']);
      expect(theme(19).matters[2]).to.include({ name: '医师执业证书（注册）', departmentName: '卫健', departmentCode: 'wjj' });
    });

    it('takes the service hall from a theme\'s first line and leaves it empty where the table has none', () => {
      expect(theme(1).serviceHall).to.equal('');
      expect(theme(5).serviceHall).to.equal('');
      expect(theme(4).serviceHall).to.equal('梅县区政务服务中心就业和人才分厅');
      expect(theme(9).serviceHall).to.equal('梅县区政务服务中心交警大队分厅');
      expect(theme(28).serviceHall).to.equal('梅县区政务服务中心');
    });

    it('attaches 市级审批 to its matter row and other remarks to the theme', () => {
      const cityLevel = committed.matters.filter((matter) => matter.notes === '市级审批').map((matter) => matter.name);
      expect(cityLevel).to.have.members([
        '经营性道路旅客运输驾驶员从业资格证申领(核发)',
        '人工繁育国家二级保护水生野生动物的审核、审批',
        '出售、购买、利用国家二级及省重点保护水生野生动物及其制品的审核、审批',
        '网络预约出租汽车驾驶员从业资格证核发',
      ]);
      expect(theme(9).matters[0]!.notes).to.equal('');
      expect(theme(9).notes).to.equal('');
      expect(committed.themes.filter((entry) => entry.notes !== '').map((entry) => [entry.sequence, entry.notes])).to.deep.equal([
        [29, '其他涉及事项待条件成熟时再纳入实施'],
        [30, '其他涉及事项待条件成熟时再纳入实施'],
      ]);
    });

    it('makes a matter listed by several themes one matter', () => {
      const usage = new Map<string, number>();
      for (const entry of committed.themes) for (const id of entry.matters) usage.set(id, (usage.get(id) ?? 0) + 1);
      const shared = committed.matters.filter((matter) => (usage.get(matter.id) ?? 0) > 1).map((matter) => `${matter.name}×${usage.get(matter.id)}`);
      expect(shared).to.have.members([
        '就业登记×4', '《就业创业证》申领×4', '劳动用工备案×2', '内资有限责任公司设立登记×2', '办理往来港澳通行证×2', '办理往来台湾通行证×2', '机动车注册登记×2',
      ]);
      const keys = committed.matters.map((matter) => `${matter.name}|${matter.departmentCode}`);
      expect(new Set(keys).size).to.equal(keys.length);
      expect(committed.matters).to.have.length(104);
    });

    it('resolves every department through the registry', () => {
      const registry = new Map(loadDepartments().flatMap((department) => department.names.map((name) => [name, department.code] as const)));
      for (const matter of committed.matters) expect(registry.get(matter.departmentName), matter.departmentName).to.equal(matter.departmentCode);
    });
  });

  describe('subject type table', () => {
    it('makes organisation themes enterprise and the rest personal', () => {
      const enterprise = committed.themes.filter((entry) => entry.subjectType === 'enterprise').map((entry) => entry.sequence);
      expect(enterprise).to.deep.equal([1, 4, 6, 7, 8, 13, 14, 15, 21, 27, 28, 31, 34, 35, 36, 37, 38, 39, 40]);
      expect(subjectTypeOfTheme('婴儿“出生一件事”')).to.equal('personal');
      expect(subjectTypeOfTheme('我要开办进出口贸易企业')).to.equal('enterprise');
      expect(subjectTypeOfTheme('某个没有关键词的主题')).to.equal('personal');
    });
  });

  describe('parser', () => {
    const departments = [{ code: 'gaj', names: ['公安局'] }, { code: 'ybj', names: ['医疗保障局'] }];
    const header = '序号\t一件主题\t涉及事项名称\t涉及部门\t办理地点\t备注';
    const parse = (lines: string[], expectedThemes = 2) => parseThemeTable(['前言', '', header, ...lines].join('\n'), departments, { expectedThemes });

    it('reads space-separated cells, continuation lines, blank lines, page breaks and repeated headers', () => {
      const result = parse([
        '1\t甲一件事\t事项A 事项B\t公安局 医疗保障局\t大厅\t',
        '',
        '\f',
        header,
        '2\t乙一件事\t事项C\t公安局\t\t主题备注',
        '\t\t事项A\t公安局\t\t市级审批',
      ]);
      expect(result.themes.map((entry) => [entry.code, entry.serviceHall, entry.notes, entry.matters])).to.deep.equal([
        ['MX-T01', '大厅', '', ['M001', 'M002']],
        ['MX-T02', '', '主题备注', ['M003', 'M001']],
      ]);
      expect(result.matters.map((matter) => [matter.id, matter.name, matter.departmentCode, matter.notes])).to.deep.equal([
        ['M001', '事项A', 'gaj', '市级审批'], ['M002', '事项B', 'ybj', ''], ['M003', '事项C', 'gaj', ''],
      ]);
    });

    const failures: [string, string[], RegExp][] = [
      ['matters and departments differ in number', ['1\t甲\t事项A 事项B\t公安局\t\t', '2\t乙\t事项C\t公安局\t\t'], /seed line 4: theme 1 lists 2 matters but 1 departments/],
      ['an unknown department', ['1\t甲\t事项A\t民政局\t\t', '2\t乙\t事项C\t公安局\t\t'], /seed line 4: department "民政局" is not in the department registry/],
      ['a number out of sequence', ['1\t甲\t事项A\t公安局\t\t', '3\t乙\t事项C\t公安局\t\t'], /seed line 5: theme number 3, expected 2/],
      ['a stray line inside the table', ['1\t甲\t事项A\t公安局\t\t', '- 5 -', '2\t乙\t事项C\t公安局\t\t'], /seed line 5: neither a theme row nor a continuation row/],
      ['a continuation that contradicts the hall', ['1\t甲\t事项A\t公安局\t大厅\t', '\t\t事项B\t公安局\t分厅\t', '2\t乙\t事项C\t公安局\t\t'], /seed line 5: service hall "分厅" differs/],
      ['too few themes', ['1\t甲\t事项A\t公安局\t\t'], /seed: 1 themes, expected 2/],
      ['a matter-level remark on a multi-matter row', ['1\t甲\t事项A 事项B\t公安局 公安局\t\t市级审批', '2\t乙\t事项C\t公安局\t\t'], /cannot be attached to one of 2 matters/],
    ];
    for (const [what, lines, message] of failures) {
      it(`fails on ${what}`, () => {
        expect(() => parse(lines)).to.throw(message);
      });
    }

    it('fails when the header is missing', () => {
      expect(() => parseThemeTable('no table here', departments)).to.throw(/no table header/);
    });
  });
});
