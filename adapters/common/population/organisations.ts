/**
 * What the themes of issue #16 need and the rest of the population does not
 * have: 医师资格证书 (every physician's, and those of doctors qualified but not
 * yet registered), 自主就业退役士兵 with their 退出现役证, and organisations that
 * are no enterprise — 社会团体 (some of them 民族 associations) with their
 * 社会团体法人登记证书, and 民办学校 with their 民办学校办学许可证.
 *
 * Runs after everything else on a random stream of its own (seeded from the
 * population's seed), so the people, enterprises and licences made before it
 * come out exactly as they did before it existed.
 */
import { makeCreditCode } from '../../../src/domain/identifiers/index.js';
import { createContext, unique, type Context, type Tools } from './context.js';
import { COUNTIES } from './areas.js';
import { addDays, addYears, ageOn, dateBetween, maxDate, minDate } from './dates.js';
import { ISSUERS } from './issuers.js';
import { addLicence, untilText } from './licence-builder.js';
import type { Organisation, Person } from './model.js';

/** Salt of this stream's seed: any constant other than 0 keeps it apart from the main stream. */
const STREAM = 0x5eed_0016;

const QUALIFIED_SCHOOLS = ['广东医科大学', '嘉应学院', '南方医科大学', '广州中医药大学', '中山大学'] as const;
const CATEGORY_DIGITS: Record<string, string> = { 临床: '1', 中医: '2', 口腔: '3', 公共卫生: '4' };
const MAJORS: Record<string, string> = { 临床: '临床医学', 中医: '中医学', 口腔: '口腔医学', 公共卫生: '预防医学' };

interface AssociationPlan { readonly name: string; readonly scope: string; readonly supervisor: string; readonly funds: string; readonly ethnic: boolean }
const ETHNIC_AFFAIRS = '梅州市梅县区民族宗教事务局';
const ASSOCIATIONS: readonly AssociationPlan[] = [
  { name: '梅州市梅县区少数民族联谊会', scope: '民族政策宣传；少数民族同胞联谊交流；民族团结进步创建服务', supervisor: ETHNIC_AFFAIRS, funds: '3万元', ethnic: true },
  { name: '梅州市梅县区畲族文化研究会', scope: '畲族历史文化研究；畲族民俗及非物质文化遗产保护传承；学术交流', supervisor: ETHNIC_AFFAIRS, funds: '3万元', ethnic: true },
  { name: '梅州市梅县区民族团结进步促进会', scope: '民族团结进步宣传教育；少数民族流动人口服务；民族文化交流', supervisor: ETHNIC_AFFAIRS, funds: '5万元', ethnic: true },
  { name: '梅州市梅县区客家山歌协会', scope: '客家山歌创作、演出、培训与交流', supervisor: '梅州市梅县区文化广电旅游体育局', funds: '3万元', ethnic: false },
  { name: '梅州市梅县区金柚产业协会', scope: '金柚种植技术推广；行业信息交流；品牌建设服务', supervisor: '梅州市梅县区农业农村局', funds: '10万元', ethnic: false },
];

interface SchoolPlan { readonly name: string; readonly type: string; readonly content: string }
const SCHOOLS: readonly SchoolPlan[] = [
  // A full-time private school: its pupils ride the school buses of 校车审批一件事.
  { name: '梅州市梅县区育才实验学校', type: '民办学历教育学校', content: '小学、初中学历教育' },
  { name: '梅州市梅县区启航培训学校', type: '非学历教育培训机构', content: '文化教育类培训（语文、数学、英语）' },
  { name: '梅州市梅县区雅韵艺术培训中心', type: '非学历教育培训机构', content: '艺术体育类培训（音乐、舞蹈、美术）' },
];

/** Adds the qualifications, veterans and organisations, with their licences; answers the organisations. */
export function createQualificationsAndOrganisations(context: Context, seed: number): Organisation[] {
  const tools = createContext((seed ^ STREAM) >>> 0, context.asOf).tools;
  const registered = context.persons.filter((person) => person.idNumber !== null);
  const age = (person: Person) => ageOn(person.birthDate, context.asOf);
  const pickSome = (candidates: Person[], probability: number, minimum: number): Person[] => {
    const chosen = candidates.filter(() => tools.chance(probability));
    for (const person of candidates) {
      if (chosen.length >= minimum) break;
      if (!chosen.includes(person)) chosen.push(person);
    }
    return chosen;
  };

  for (const person of registered.filter((p) => p.physician)) qualifyRegisteredPhysician(context, tools, person);
  // Passed the examination, not yet registered: who applies for the 医师执业证书 (注册).
  for (const person of pickSome(registered.filter((p) => !p.physician && !p.jobSeeker && age(p) >= 24 && age(p) <= 33), 0.05, 4)) qualifyNewDoctor(context, tools, person);
  const meixian = (person: Person) => context.households.some((household) => household.number === person.householdNumber && household.county.code === COUNTIES.meixianDistrict.code);
  for (const person of pickSome(registered.filter((p) => p.sex === 'male' && !p.physician && !p.physicianQualification && age(p) >= 19 && age(p) <= 30 && meixian(p)), 0.2, 5)) makeVeteran(context, tools, person);

  // Each organisation has its own legal representative.
  const taken = new Set<string>();
  const adults = () => registered.filter((person) => age(person) >= 30 && age(person) <= 65 && !person.veteran && !taken.has(person.key));
  const organisations: Organisation[] = [];
  const add = (organisation: Organisation) => {
    organisations.push(organisation);
    taken.add(organisation.legalRepresentativeKey);
    if (organisation.school) taken.add(organisation.school.headKey);
  };
  for (const plan of ASSOCIATIONS) add(association(context, tools, plan, adults(), organisations.length));
  for (const plan of SCHOOLS) add(school(context, tools, plan, adults(), organisations.length));
  for (const person of context.persons) issueCitizenLicences(context, person);
  for (const organisation of organisations) issueOrganisationLicence(context, tools, organisation);
  return organisations;
}

function qualificationNumber(context: Context, tools: Tools, year: string, category: string): string {
  return unique(context, 'physicianQualification', () => `${year}1${CATEGORY_DIGITS[category] ?? '1'}441403${tools.digits(6)}`);
}

function qualifyRegisteredPhysician(context: Context, tools: Tools, person: Person): void {
  const physician = person.physician!;
  // The examination came first: the qualification is issued up to a year before the registration.
  const issuedOn = maxDate(addYears(person.birthDate, 23), addDays(physician.issuedOn, -tools.int(30, 365)));
  person.physicianQualification = {
    number: qualificationNumber(context, tools, issuedOn.slice(0, 4), physician.category), category: physician.category, level: '执业医师',
    school: tools.pick(QUALIFIED_SCHOOLS), education: '大学本科', major: MAJORS[physician.category] ?? '临床医学', issuedOn: minDate(issuedOn, physician.issuedOn),
  };
}

function qualifyNewDoctor(context: Context, tools: Tools, person: Person): void {
  const category = tools.weighted([['临床', 6], ['中医', 2], ['口腔', 2]] as const);
  const issuedOn = dateBetween(tools.random, maxDate(addYears(person.birthDate, 24), addYears(context.asOf, -1)), addDays(context.asOf, -20));
  person.physicianQualification = {
    number: qualificationNumber(context, tools, issuedOn.slice(0, 4), category), category, level: '执业医师',
    school: tools.pick(QUALIFIED_SCHOOLS), education: '大学本科', major: MAJORS[category]!, issuedOn,
  };
}

function makeVeteran(context: Context, tools: Tools, person: Person): void {
  const year = Number(context.asOf.slice(0, 4));
  // Soldiers leave service in September; one still to report is from this autumn's discharge, or last year's.
  const dischargeYear = context.asOf >= `${year}-09-15` ? year : year - 1;
  const dischargedOn = `${dischargeYear}-09-${String(tools.int(1, 10)).padStart(2, '0')}`;
  const years = tools.int(2, 5);
  const enlistedOn = maxDate(`${dischargeYear - years}-09-${String(tools.int(10, 20)).padStart(2, '0')}`, addYears(person.birthDate, 18));
  const household = context.households.find((item) => item.number === person.householdNumber)!;
  person.veteran = {
    certificateNumber: unique(context, 'dischargeCertificate', () => `${dischargeYear}${tools.digits(8)}`),
    enlistedOn, dischargedOn, unit: `中国人民解放军${tools.int(31001, 96999)}部队`,
    rank: years <= 2 ? '上等兵' : tools.pick(['下士', '中士']), placement: household.county.fullName,
  };
}

function organisationCreditCode(context: Context, tools: Tools, category: '1' | '2'): string {
  // 5 民政, category 1 社会团体 / 2 民办非企业单位.
  return unique(context, 'creditCode', () => makeCreditCode({ registrationAuthority: '5', category, areaCode: COUNTIES.meixianDistrict.code, random: tools.random }));
}

function address(tools: Tools): string {
  const county = COUNTIES.meixianDistrict;
  return `${county.fullName}${tools.pick(county.places)}${tools.int(1, 300)}号`;
}

function association(context: Context, tools: Tools, plan: AssociationPlan, adults: Person[], index: number): Organisation {
  // A 民族 association is led by a member of an ethnic minority where the population has one.
  const minority = adults.filter((person) => person.ethnicity !== '汉族');
  const representative = tools.pick(plan.ethnic && minority.length > 0 ? minority : adults);
  return {
    key: `O${String(index + 1).padStart(3, '0')}`, creditCode: organisationCreditCode(context, tools, '1'), name: plan.name, kind: 'socialOrganisation',
    legalRepresentativeKey: representative.key, address: address(tools), establishedOn: dateBetween(tools.random, '2005-01-01', '2020-12-31'),
    association: { scope: plan.scope, supervisor: plan.supervisor, funds: plan.funds, ethnic: plan.ethnic },
  };
}

function school(context: Context, tools: Tools, plan: SchoolPlan, adults: Person[], index: number): Organisation {
  const representative = tools.pick(adults);
  const fullTime = plan.type === '民办学历教育学校';
  const head = fullTime ? tools.pick(adults.filter((person) => person !== representative)) : representative;
  return {
    key: `O${String(index + 1).padStart(3, '0')}`, creditCode: organisationCreditCode(context, tools, '2'), name: plan.name, kind: 'privateSchool',
    legalRepresentativeKey: representative.key, address: address(tools), establishedOn: dateBetween(tools.random, '2008-01-01', '2021-12-31'),
    school: {
      licenceNumber: unique(context, 'schoolLicence', () => `教民1441403${tools.int(70000000, 79999999)}号`),
      founder: fullTime ? `梅州市梅县区${tools.pick(['育才', '启明', '嘉应'])}教育投资有限公司` : representative.name,
      type: plan.type, content: plan.content, headKey: head.key,
    },
  };
}

function citizen(person: Person) {
  return { name: person.name, code: person.idNumber!, type: '111' as const };
}

const sexText = (person: Person) => (person.sex === 'male' ? '男' : '女');

function issueCitizenLicences(context: Context, person: Person): void {
  const qualification = person.physicianQualification;
  if (qualification) {
    addLicence(context, {
      type: 'physicianQualification', issuer: 'provincialHealth', number: qualification.number, issuedOn: qualification.issuedOn,
      holder: citizen(person), holderKey: person.key,
      surface: {
        ZSBM: qualification.number, XM: person.name, XB: sexText(person), CSRQ: person.birthDate, GMSFHM: person.idNumber!,
        ZGJB: qualification.level, LB: qualification.category, BYXX: qualification.school, XL: qualification.education, ZY: qualification.major,
        QFJG: ISSUERS.provincialHealth.name, QFRQ: qualification.issuedOn,
      },
    });
  }
  const veteran = person.veteran;
  if (veteran) {
    addLicence(context, {
      type: 'dischargeCertificate', issuer: 'meixianVeterans', number: veteran.certificateNumber, issuedOn: veteran.dischargedOn,
      holder: citizen(person), holderKey: person.key,
      surface: {
        ZH: veteran.certificateNumber, XM: person.name, XB: sexText(person), CSRQ: person.birthDate, GMSFHM: person.idNumber!,
        JG: person.birthCounty.fullName, RWSJ: veteran.enlistedOn, BB: veteran.unit, ZWJX: veteran.rank, TCXYSJ: veteran.dischargedOn,
        TYFS: '自主就业', AZD: veteran.placement, FZJG: ISSUERS.meixianVeterans.name, FZRQ: veteran.dischargedOn,
      },
    });
  }
}

function issueOrganisationLicence(context: Context, tools: Tools, organisation: Organisation): void {
  const representative = context.personsByKey.get(organisation.legalRepresentativeKey)!;
  const holder = { name: organisation.name, code: organisation.creditCode, type: '001' as const };
  // The certificate in force was issued at the last change or renewal, within the last four years: five years' validity.
  const issuedOn = maxDate(organisation.establishedOn, dateBetween(tools.random, addYears(context.asOf, -4), addDays(context.asOf, -60)));
  const validUntil = addYears(issuedOn, 5);
  if (organisation.association) {
    const association = organisation.association;
    addLicence(context, {
      type: 'socialOrganisationCertificate', issuer: 'meixianCivilAffairs', number: organisation.creditCode, issuedOn, validUntil,
      holder, holderKey: organisation.key,
      surface: {
        TYSHXYDM: organisation.creditCode, MC: organisation.name, ZS: organisation.address, FDDBR: representative.name, YWFW: association.scope,
        HDDY: COUNTIES.meixianDistrict.fullName.replace(/^广东省/, ''), ZCZJ: association.funds, YWZGDW: association.supervisor,
        YXQ: `${issuedOn}至${untilText(validUntil)}`, DJGLJG: ISSUERS.meixianCivilAffairs.name, FZRQ: issuedOn,
      },
    });
  }
  if (organisation.school) {
    const school = organisation.school;
    addLicence(context, {
      type: 'privateSchoolLicence', issuer: 'meixianEducation', number: school.licenceNumber, issuedOn, validUntil,
      holder, holderKey: organisation.key,
      surface: {
        XKZBH: school.licenceNumber, XXMC: organisation.name, TYSHXYDM: organisation.creditCode, DZ: organisation.address, JBZ: school.founder,
        FDDBR: representative.name, XZ: context.personsByKey.get(school.headKey)!.name, BXLX: school.type, BXNR: school.content,
        YXQZ: validUntil, FZJG: ISSUERS.meixianEducation.name, FZRQ: issuedOn,
      },
    });
  }
}
