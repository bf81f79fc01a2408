/**
 * One scenario per mapped theme (mappings/themes/*.yaml): what the guide must
 * answer under the default answers and under one answer that changes the
 * matters, and the applicants of a prefill — real holders from the licence
 * library's population — with values that must come back prefilled from a
 * named licence.
 */
import type { Enterprise, LicenceRecord, Person, PopulationIndex } from '../../adapters/common/population/index.js';
import type { LicenceTypeKey } from '../../src/domain/licence-library.js';
import type { SharedResourceKey } from '../../src/domain/shared-data.js';

type Answers = Record<string, boolean | string | number>;
/** A matter in guide order and its 前置事项 among the applicable matters. */
export type OrderedMatter = readonly [code: string, after: readonly string[]];

export interface Holder { readonly code: string; readonly type: 'citizen' | 'organization' }

/** A canonical field that must be prefilled with `value` from `from` (or from one of several licences carrying the same value). */
export interface ExpectedValue {
  readonly canonical: string;
  readonly value: unknown;
  readonly from: LicenceRecord | readonly LicenceRecord[];
}

/** The two fields every licence of a person gives: `<subject>.name` and `<subject>.idNumber`, from the same licences. */
function nameAndIdNumber(subject: string, person: { name: string; idNumber?: string | null | undefined }, from: ExpectedValue['from']): ExpectedValue[] {
  return [
    { canonical: `${subject}.name`, value: person.name, from },
    { canonical: `${subject}.idNumber`, value: person.idNumber, from },
  ];
}

/** A canonical field that must be prefilled with `value` from the holder's record of a shared-data resource (docs/shared-data.md). */
export interface ExpectedSharedValue {
  readonly canonical: string;
  readonly value: unknown;
  readonly resource: SharedResourceKey;
  /** Whose record. */
  readonly subject: string;
}

export interface Applicants {
  /** Subject (role) → holder. */
  readonly holders: Readonly<Record<string, Holder>>;
  readonly expected: readonly ExpectedValue[];
  /** Every value filled from shared data (none when absent). */
  readonly sharedExpected?: readonly ExpectedSharedValue[];
  /** Subjects whose licences cannot exist yet (not given): reported in missingSources. */
  readonly notGiven?: readonly string[];
}

export interface ThemeScenario {
  readonly theme: string;
  readonly name: string;
  readonly kind: 'personal' | 'enterprise';
  /** Guide under the default answers. */
  readonly defaults: { readonly matters: readonly OrderedMatter[]; readonly formFields: number };
  /** One set of answers that changes the matters. */
  readonly toggled: { readonly answers: Answers; readonly matters: readonly OrderedMatter[] };
  /** Answers of the prefill: the applicants' situation ({} = the defaults). */
  readonly answers: Answers;
  /** Licence uses (`type/subject`) the prefill scenario declares, in guide order. */
  readonly licences: readonly string[];
  /** Shared-data resources (`resource/subject/use`) the scenario's guide lists, in guide order (none when absent). */
  readonly sharedData?: readonly string[];
  /** What the scenario is, for the report. */
  readonly situation: string;
  pick(index: PopulationIndex): Applicants;
}

const citizen = (code: string | null): Holder => ({ code: code!, type: 'citizen' });
const organization = (enterprise: Enterprise): Holder => ({ code: enterprise.creditCode, type: 'organization' });
const from = (index: PopulationIndex, holder: string, ...types: LicenceTypeKey[]) => types.map((type) => index.licence(holder, type));
const DRIVING_CLASSES = new Set(['A1', 'A2', 'A3', 'B1', 'B2', 'C1', 'C2']); // the dictionary's applicant.drivingLicenceClass

/** 文化程度 as the 居民户口簿 page prints it → the dictionary's level (code table education-household-register). */
const EDUCATION_ON_PAGE: Readonly<Record<string, string>> = {
  研究生: '研究生', 大学本科: '大学本科', 大学专科: '大学专科', 中等专科: '中专', 技工学校: '中专', 高中: '高中', 初中: '初中及以下', 小学: '初中及以下', 文盲或半文盲: '初中及以下',
};

const adult = (index: PopulationIndex, person: Person) => person.birthDate <= `${Number(index.today.slice(0, 4)) - 18}${index.today.slice(4)}`;

/**
 * MX-T16, MX-T17, MX-T18, MX-T24: an endorsement (签注) that waits for the pass (往来港澳通行证 / 往来台湾通行证)
 * unless the applicant already holds one; the applicant's data comes from the 居民身份证 and 居民户口簿. The merged
 * form is the pass's 7 fields plus the endorsement's own but its number (the pass's result, not asked).
 */
function passEndorsement(theme: string, name: string, options: {
  readonly pass: string; readonly endorsement: string; readonly formFields: number; readonly toggled: ThemeScenario['toggled']; readonly situation: string; readonly skip: number;
}): ThemeScenario {
  return {
    theme, name, kind: 'personal',
    defaults: { matters: [[options.pass, []], [options.endorsement, [options.pass]]], formFields: options.formFields },
    toggled: options.toggled,
    answers: {},
    licences: ['residentIdCard/applicant', 'householdRegister/applicant'],
    situation: options.situation,
    pick(index) {
      const person = index.findPerson('adult with a 居民户口簿', (candidate) => adult(index, candidate) && index.holdsSole(candidate.idNumber, ['residentIdCard', 'householdRegister']), options.skip);
      const [card, household] = from(index, person.idNumber!, 'residentIdCard', 'householdRegister');
      return {
        holders: { applicant: citizen(person.idNumber) },
        expected: [
          { canonical: 'applicant.idNumber', value: person.idNumber, from: [card!, household!] },
          { canonical: 'applicant.name', value: person.name, from: [card!, household!] },
          { canonical: 'applicant.sex', value: person.sex === 'male' ? '男' : '女', from: [card!, household!] },
          { canonical: 'applicant.birthDate', value: person.birthDate, from: [card!, household!] },
          { canonical: 'applicant.address', value: person.address, from: [card!, household!] },
        ],
      };
    },
  };
}
const HONG_KONG_MACAO_PASS = '002030068000'; // 办理往来港澳通行证
const TAIWAN_PASS = '002018519000'; // 办理往来台湾通行证

/**
 * MX-T01, MX-T13 (issue #16): an active company (its 营业执照), its legal representative holding a 居民身份证, and the
 * 经办人 the company authorises to file — another adult, identified by their own 居民身份证 (the 授权委托书 is uploaded).
 */
function companyAndAgent(index: PopulationIndex) {
  const enterprise = index.findActiveEnterprise('company whose legal representative holds a 居民身份证', (candidate) => candidate.kind.startsWith('有限责任公司')
    && index.holdsSole(index.person(candidate.legalRepresentativeKey)?.idNumber, ['residentIdCard']));
  const representative = index.person(enterprise.legalRepresentativeKey)!;
  const agent = index.findPerson('经办人 holding a 居民身份证', (person) => adult(index, person) && person.key !== representative.key
    && index.holdsSole(person.idNumber, ['residentIdCard']));
  const [licence] = from(index, enterprise.creditCode, 'businessLicence');
  const [agentCard] = from(index, agent.idNumber!, 'residentIdCard');
  return { enterprise, representative, agent, licence: licence!, agentCard: agentCard! };
}

export const SCENARIOS: readonly ThemeScenario[] = [
  // MX-T01, MX-T13 (issue #16): filed for a company by its 经办人.
  {
    theme: 'MX-T01', name: '住房公积金缴存一件事', kind: 'enterprise',
    defaults: { matters: [['000774527000', []], ['002002960000', ['000774527000']]], formFields: 13 },
    toggled: { answers: { unitRegistered: true }, matters: [['002002960000', []]] },
    answers: {},
    licences: ['businessLicence/enterprise', 'residentIdCard/agent', 'residentIdCard/employee'],
    situation: 'a company registers its 住房公积金 through its 经办人 and opens an employee\'s personal account on the new unit account',
    pick(index) {
      const { enterprise, representative, agent, licence, agentCard } = companyAndAgent(index);
      const employee = index.findPerson('employee holding a 居民身份证', (person) => adult(index, person) && ![representative.key, agent.key].includes(person.key)
        && index.holdsSole(person.idNumber, ['residentIdCard']));
      const [employeeCard] = from(index, employee.idNumber!, 'residentIdCard');
      return {
        holders: { enterprise: organization(enterprise), agent: citizen(agent.idNumber), employee: citizen(employee.idNumber) },
        expected: [
          { canonical: 'enterprise.creditCode', value: enterprise.creditCode, from: licence },
          { canonical: 'enterprise.name', value: enterprise.name, from: licence },
          { canonical: 'enterprise.address', value: enterprise.address, from: licence },
          { canonical: 'legalRepresentative.name', value: representative.name, from: licence },
          ...nameAndIdNumber('agent', agent, agentCard),
          ...nameAndIdNumber('employee', employee, employeeCard!),
        ],
      };
    },
  },
  {
    theme: 'MX-T13', name: '新办纳税人套餐式服务一件事', kind: 'enterprise',
    defaults: {
      matters: [['000709139000', []], ['000753490000', ['000709139000']], ['002001252000', ['000709139000']], ['000787965000', ['000709139000']],
        ['002046794000', ['000709139000']], ['002057644000', ['002046794000']], ['000750657000', ['000709139000']]],
      formFields: 20,
    },
    toggled: {
      answers: { businessForm: 'individualBusiness' },
      matters: [['000703547000', []], ['000753490000', ['000703547000']], ['002001252000', ['000703547000']], ['002046794000', ['000703547000']],
        ['002057644000', ['002046794000']], ['000750657000', ['000703547000']], ['002090365000', ['000753490000']]],
    },
    answers: {},
    licences: ['businessLicence/enterprise', 'residentIdCard/legalRepresentative', 'residentIdCard/agent'],
    situation: 'a new company (小规模纳税人) confirms its registration, reports its account, has invoices approved and takes them, and registers for social insurance, through its 经办人',
    pick(index) {
      const { enterprise, representative, agent, licence, agentCard } = companyAndAgent(index);
      const [representativeCard] = from(index, representative.idNumber!, 'residentIdCard');
      return {
        holders: { enterprise: organization(enterprise), legalRepresentative: citizen(representative.idNumber), agent: citizen(agent.idNumber) },
        expected: [
          { canonical: 'enterprise.creditCode', value: enterprise.creditCode, from: licence },
          { canonical: 'enterprise.name', value: enterprise.name, from: licence },
          { canonical: 'enterprise.establishedDate', value: enterprise.establishedOn, from: licence },
          { canonical: 'enterprise.address', value: enterprise.address, from: licence },
          { canonical: 'enterprise.businessScope', value: enterprise.businessScope, from: licence },
          { canonical: 'legalRepresentative.name', value: representative.name, from: [representativeCard!, licence] },
          { canonical: 'legalRepresentative.idNumber', value: representative.idNumber, from: representativeCard! },
          ...nameAndIdNumber('agent', agent, agentCard),
        ],
      };
    },
  },
  {
    theme: 'MX-T02', name: '医保就医（生育医疗费、生育津贴）一件事', kind: 'personal',
    defaults: { matters: [['000578667000', []], ['000562453000', []]], formFields: 8 },
    toggled: { answers: { claim: 'medicalExpenses' }, matters: [['000562453000', []]] },
    answers: {},
    licences: ['residentIdCard/applicant', 'socialSecurityCard/applicant', 'birthCertificate/applicant'],
    // 生育津贴支付 verifies at intake that she is insured as an employee (参保缴费): her authorisation names the resource.
    sharedData: ['socialInsuranceEnrolment/applicant/verification'],
    situation: 'an insured mother holding her child\'s 出生医学证明 claims the 生育津贴 and the 生育医疗费',
    pick(index) {
      const mother = index.findPerson('insured mother', (person) => person.sex === 'female' && person.socialSecurity?.status === '参保缴费'
        && index.holdsSole(person.idNumber, ['residentIdCard', 'socialSecurityCard', 'birthCertificate']));
      const [card, socialSecurity, birth] = from(index, mother.idNumber!, 'residentIdCard', 'socialSecurityCard', 'birthCertificate');
      return {
        holders: { applicant: citizen(mother.idNumber) },
        expected: [
          ...nameAndIdNumber('applicant', mother, [card!, socialSecurity!]),
          { canonical: 'applicant.socialSecurityCardNumber', value: mother.socialSecurity!.cardNumber, from: socialSecurity! },
          { canonical: 'child.birthDate', value: birth!.surface['CSRQ'], from: birth! },
          { canonical: 'child.birthInstitution', value: birth!.surface['JSJGMC'], from: birth! },
        ],
      };
    },
  },
  {
    theme: 'MX-T03', name: '异地就医备案（异地退休、居住、工作、就医）一件事', kind: 'personal',
    defaults: { matters: [['000785319000', []]], formFields: 6 },
    toggled: { answers: { filingType: 'retiree' }, matters: [['000755547000', []]] },
    answers: {},
    licences: ['residentIdCard/applicant', 'socialSecurityCard/applicant'],
    situation: 'an insured worker who works away from Meizhou files as 常驻异地工作人员',
    pick(index) {
      const worker = index.findPerson('insured worker', (person) => adult(index, person) && person.socialSecurity?.status === '参保缴费'
        && index.holdsSole(person.idNumber, ['residentIdCard', 'socialSecurityCard']), 1);
      const [card, socialSecurity] = from(index, worker.idNumber!, 'residentIdCard', 'socialSecurityCard');
      return {
        holders: { applicant: citizen(worker.idNumber) },
        expected: [
          ...nameAndIdNumber('applicant', worker, [card!, socialSecurity!]),
          { canonical: 'applicant.socialSecurityCardNumber', value: socialSecurity!.surface['KH'], from: socialSecurity! },
        ],
      };
    },
  },
  {
    theme: 'MX-T04', name: '企业招用员工一件事', kind: 'enterprise',
    defaults: { matters: [['000767140000', []], ['000791543000', []]], formFields: 11 },
    toggled: { answers: { applyEmploymentCertificate: true }, matters: [['000767140000', []], ['000791543000', []], ['002016143000', []]] },
    answers: {},
    licences: ['residentIdCard/employee', 'employmentCertificate/employee', 'businessLicence/enterprise'],
    situation: 'an active company hires a registered job seeker who holds a 就业创业证',
    pick: companyAndJobSeeker,
  },
  {
    theme: 'MX-T05', name: '婴儿“出生一件事”', kind: 'personal',
    defaults: { matters: [['000744622000', []], ['000795887000', ['000744622000']], ['002096705000', ['000744622000']]], formFields: 14 },
    toggled: { answers: { enrolInsurance: false }, matters: [['000744622000', []]] },
    answers: {},
    licences: ['birthCertificate/mother', 'residentIdCard/mother', 'residentIdCard/father', 'householdRegister/mother', 'marriageCertificate/mother', 'householdRegister/child'],
    situation: 'a mother whose 2026 newborn is not registered yet (no ID number, no 户口簿 page); she is the guardian (her 居民身份证 or 户口簿 page fills the 监护人)',
    pick: (index) => newbornFamily(index, 0),
  },
  {
    theme: 'MX-T06', name: '我要开办进出口贸易企业', kind: 'enterprise',
    defaults: { matters: [['000753343000', []], ['000768317000', ['000753343000']]], formFields: 8 },
    toggled: { answers: { filingType: 'change' }, matters: [['000729167000', []]] },
    answers: { registerCompany: false },
    licences: ['businessLicence/enterprise'],
    situation: 'an existing import/export company files its first 对外贸易经营者备案 (no new company to register)',
    pick(index) {
      const enterprise = index.findActiveEnterprise('import/export company', (candidate) => candidate.industry === 'importExport');
      const [licence] = from(index, enterprise.creditCode, 'businessLicence');
      return {
        holders: { enterprise: organization(enterprise) },
        expected: [
          { canonical: 'enterprise.creditCode', value: enterprise.creditCode, from: licence! },
          { canonical: 'enterprise.name', value: enterprise.name, from: licence! },
          { canonical: 'enterprise.businessScope', value: enterprise.businessScope, from: licence! },
          { canonical: 'legalRepresentative.name', value: index.person(enterprise.legalRepresentativeKey)!.name, from: licence! },
          { canonical: 'enterprise.type', value: enterprise.kind, from: licence! },
          { canonical: 'enterprise.registeredCapital', value: Number.parseFloat(enterprise.registeredCapital), from: licence! },
        ],
      };
    },
  },
  {
    theme: 'MX-T07', name: '我要开办兽药经营', kind: 'enterprise',
    defaults: { matters: [['000753343000', []], ['000135394000', ['000753343000']]], formFields: 11 },
    toggled: { answers: { registerCompany: false }, matters: [['000135394000', []]] },
    answers: { registerCompany: false },
    licences: ['businessLicence/enterprise'],
    situation: 'an existing agricultural company applies for the 兽药经营许可 (no new company to register)',
    pick(index) {
      const enterprise = index.findActiveEnterprise('agricultural company', (candidate) => candidate.industry === 'agriculture' && candidate.kind.startsWith('有限责任公司'));
      const [licence] = from(index, enterprise.creditCode, 'businessLicence');
      return {
        holders: { enterprise: organization(enterprise) },
        expected: [
          { canonical: 'enterprise.creditCode', value: enterprise.creditCode, from: licence! },
          { canonical: 'enterprise.name', value: enterprise.name, from: licence! },
          { canonical: 'legalRepresentative.name', value: index.person(enterprise.legalRepresentativeKey)!.name, from: licence! },
        ],
      };
    },
  },
  {
    theme: 'MX-T09', name: '我要做客车司机', kind: 'personal',
    defaults: { matters: [['000115083000', []]], formFields: 6 },
    toggled: { answers: { hasDrivingLicence: false }, matters: [['000139881000', []], ['000115083000', ['000139881000']]] },
    answers: {},
    licences: ['residentIdCard/applicant', 'drivingLicence/applicant'],
    situation: 'a driver who holds a 机动车驾驶证 applies for the passenger-transport qualification',
    pick(index) {
      const driver = index.findPerson('driver', (person) => index.holdsSole(person.idNumber, ['residentIdCard', 'drivingLicence'])
        && DRIVING_CLASSES.has(index.licence(person.idNumber!, 'drivingLicence').surface['ZJCX']!));
      const [card, licence] = from(index, driver.idNumber!, 'residentIdCard', 'drivingLicence');
      return {
        holders: { applicant: citizen(driver.idNumber) },
        expected: [
          { canonical: 'applicant.drivingLicenceNumber', value: licence!.surface['ZH'], from: licence! },
          { canonical: 'applicant.drivingLicenceClass', value: licence!.surface['ZJCX'], from: licence! },
          { canonical: 'applicant.drivingLicenceFirstIssueDate', value: driver.driver!.firstIssuedOn, from: licence! },
          { canonical: 'applicant.idNumber', value: driver.idNumber, from: card! },
          { canonical: 'applicant.name', value: driver.name, from: [card!, licence!] },
        ],
      };
    },
  },
  {
    theme: 'MX-T10', name: '不动产转移登记一件事', kind: 'personal',
    defaults: { matters: [['000713610000', []], ['002098497000', ['000713610000']], ['002061842000', ['002098497000']], ['000783314000', ['002098497000']]], formFields: 10 },
    toggled: { answers: { contractFiled: true, issueInvoice: false }, matters: [['002098497000', []], ['000783314000', ['002098497000']]] },
    answers: {},
    licences: ['residentIdCard/applicant', 'realEstateCertificate/applicant', 'residentIdCard/buyer'],
    situation: 'an owner holding a 不动产权证书 sells the home to a buyer from another household',
    pick(index) {
      const seller = index.findPerson('home owner', (person) => index.holdsSole(person.idNumber, ['residentIdCard', 'realEstateCertificate']));
      const buyer = index.findPerson('buyer', (person) => adult(index, person) && person.householdNumber !== seller.householdNumber && index.holdsSole(person.idNumber, ['residentIdCard']));
      const [card, deed] = from(index, seller.idNumber!, 'residentIdCard', 'realEstateCertificate');
      const [buyerCard] = from(index, buyer.idNumber!, 'residentIdCard');
      return {
        holders: { applicant: citizen(seller.idNumber), buyer: citizen(buyer.idNumber) },
        expected: [
          { canonical: 'applicant.idNumber', value: seller.idNumber, from: card! },
          { canonical: 'property.certificateNumber', value: deed!.surface['BDCQZH'], from: deed! },
          { canonical: 'property.location', value: seller.home!.location, from: deed! },
          ...nameAndIdNumber('buyer', buyer, buyerCard!),
        ],
      };
    },
  },
  {
    theme: 'MX-T11', name: '退休养老一件事', kind: 'personal',
    defaults: { matters: [['000560062000', []]], formFields: 7 },
    toggled: { answers: { retirementType: 'disability' }, matters: [['002000300000', []], ['000560062000', ['002000300000']]] },
    answers: {},
    licences: ['residentIdCard/applicant', 'socialSecurityCard/applicant'],
    situation: 'an insured worker of retirement age (not retired yet) claims the pension',
    pick(index) {
      const worker = index.findPerson('worker of retirement age', (person) => person.birthDate <= `${Number(index.today.slice(0, 4)) - (person.sex === 'male' ? 60 : 50)}-12-31`
        && person.socialSecurity?.status === '参保缴费' && index.holdsSole(person.idNumber, ['residentIdCard', 'socialSecurityCard']));
      const [card, socialSecurity] = from(index, worker.idNumber!, 'residentIdCard', 'socialSecurityCard');
      return {
        holders: { applicant: citizen(worker.idNumber) },
        expected: [
          ...nameAndIdNumber('applicant', worker, [card!, socialSecurity!]),
          { canonical: 'applicant.bankName', value: socialSecurity!.surface['KHYH'], from: socialSecurity! },
          { canonical: 'applicant.bankAccount', value: socialSecurity!.surface['YHZH'], from: socialSecurity! },
        ],
      };
    },
  },
  {
    theme: 'MX-T12', name: '扶残助残一件事', kind: 'personal',
    defaults: { matters: [['002018395000', []], ['000725499000', ['002018395000']]], formFields: 10 },
    toggled: { answers: { applyLivingAllowance: false }, matters: [['002018395000', []]] },
    answers: { hasDisabilityCertificate: true },
    licences: ['residentIdCard/applicant', 'disabilityCertificate/applicant', 'householdRegister/applicant'],
    situation: 'a person holding a 残疾人证 applies for the living allowance',
    pick(index) {
      const person = index.findPerson('holder of a 残疾人证', (candidate) => adult(index, candidate) && index.holdsSole(candidate.idNumber, ['residentIdCard', 'disabilityCertificate', 'householdRegister']));
      const [card, certificate, household] = from(index, person.idNumber!, 'residentIdCard', 'disabilityCertificate', 'householdRegister');
      return {
        holders: { applicant: citizen(person.idNumber) },
        expected: [
          { canonical: 'applicant.disabilityCertificateNumber', value: certificate!.surface['CJRZH'], from: certificate! },
          { canonical: 'applicant.disabilityCategory', value: person.disability!.category, from: certificate! },
          { canonical: 'applicant.disabilityLevel', value: person.disability!.level, from: certificate! },
          { canonical: 'applicant.idNumber', value: person.idNumber, from: [card!, certificate!, household!] },
        ],
      };
    },
  },
  {
    theme: 'MX-T15', name: '我要开办食品经营(副食店、士多店)', kind: 'enterprise',
    defaults: { matters: [['002051083000', []], ['000174471000', ['002051083000']]], formFields: 10 },
    toggled: {
      answers: { businessForm: 'soleProprietorship', sellTobacco: true },
      matters: [['000773804000', []], ['000174471000', ['000773804000']], ['000176257000', ['000773804000']]],
    },
    answers: {},
    licences: ['residentIdCard/legalRepresentative', 'realEstateCertificate/legalRepresentative', 'businessLicence/enterprise'],
    situation: 'a person who runs no business yet registers a 个体工商户 food shop in premises he owns (his 不动产权证书), then applies for the food licence on its 营业执照 (the registration\'s result), as his own 食品安全管理人员',
    pick(index) {
      const owner = index.findPerson('adult owning premises and running no business', (person) => adult(index, person) && index.enterprisesOf(person.key).length === 0
        && index.holdsSole(person.idNumber, ['residentIdCard', 'realEstateCertificate']));
      const [card, deed] = from(index, owner.idNumber!, 'residentIdCard', 'realEstateCertificate');
      return {
        // The shop does not exist yet: no 营业执照 to read; the food licence receives the registration's.
        holders: { legalRepresentative: citizen(owner.idNumber) },
        notGiven: ['enterprise'],
        expected: [
          ...nameAndIdNumber('legalRepresentative', owner, card!),
          // The 食品安全管理人员 is the 经营者 himself (managerIsOperator, default true; sameAs): his ID card names him.
          { canonical: 'foodSafetyManager.name', value: owner.name, from: card! },
          { canonical: 'property.location', value: owner.home!.location, from: deed! },
        ],
      };
    },
  },
  passEndorsement('MX-T16', '去港澳探亲一件事', {
    pass: HONG_KONG_MACAO_PASS, endorsement: '002039777000', formFields: 9, skip: 2,
    toggled: { answers: { hasHongKongMacaoPass: true }, matters: [['002039777000', []]] },
    situation: 'an adult without a 往来港澳通行证 applies for one and for the 探亲 endorsement',
  }),
  passEndorsement('MX-T17', '去港澳旅游一件事', {
    pass: HONG_KONG_MACAO_PASS, endorsement: '002066899000', formFields: 9, skip: 3,
    toggled: { answers: { endorsement: 'other' }, matters: [[HONG_KONG_MACAO_PASS, []], ['002053718000', [HONG_KONG_MACAO_PASS]]] },
    situation: 'an adult without a 往来港澳通行证 applies for one and for the 个人游 endorsement',
  }),
  passEndorsement('MX-T18', '台湾留学一件事', {
    pass: TAIWAN_PASS, endorsement: '002081157000', formFields: 8, skip: 1,
    toggled: { answers: { hasTaiwanPass: true }, matters: [['002081157000', []]] },
    situation: 'an adult without a 往来台湾通行证 applies for one and for the 学习 endorsement',
  }),
  {
    theme: 'MX-T20', name: '水电气过户一件事', kind: 'personal',
    defaults: { matters: [['002016043000', []], ['002081042000', []], ['002047678000', []]], formFields: 9 },
    toggled: { answers: { transferGas: false }, matters: [['002081042000', []], ['002047678000', []]] },
    answers: {},
    licences: ['residentIdCard/applicant', 'realEstateCertificate/applicant'],
    situation: 'the owner of a home (its 不动产权证书) moves its gas, water and electricity accounts into their name',
    pick(index) {
      const owner = index.findPerson('home owner', (person) => adult(index, person) && index.holdsSole(person.idNumber, ['residentIdCard', 'realEstateCertificate']), 1);
      const [card, deed] = from(index, owner.idNumber!, 'residentIdCard', 'realEstateCertificate');
      return {
        holders: { applicant: citizen(owner.idNumber) },
        expected: [
          ...nameAndIdNumber('applicant', owner, card!),
          { canonical: 'property.location', value: owner.home!.location, from: deed! },
          { canonical: 'property.certificateNumber', value: deed!.surface['BDCQZH'], from: deed! },
        ],
      };
    },
  },
  {
    theme: 'MX-T21', name: '我要办理员工制家政企业社保补贴', kind: 'enterprise',
    defaults: { matters: [['000767140000', []], ['000525810000', ['000767140000']]], formFields: 13 },
    toggled: {
      answers: { employmentRegistered: true, applyEmploymentCertificate: true },
      matters: [['002016143000', []], ['000525810000', []]],
    },
    answers: {},
    licences: ['residentIdCard/employee', 'employmentCertificate/employee', 'businessLicence/enterprise'],
    situation: 'a company (the population has no 家政 enterprise: any active company stands in) registers a job seeker holding a 就业创业证 and claims the subsidy',
    pick: companyAndJobSeeker,
  },
  // MX-T14, MX-T23, MX-T26, MX-T27 (issue #16)
  {
    theme: 'MX-T26', name: '我要创业（创业培训）', kind: 'personal',
    defaults: { matters: [['000791543000', []], ['002016143000', []], ['000767140000', []], ['000593189000', ['002016143000']]], formFields: 19 },
    toggled: { answers: { hasEmploymentCertificate: true }, matters: [['000791543000', []], ['000767140000', []], ['000593189000', []]] },
    answers: {},
    licences: ['businessLicence/enterprise', 'residentIdCard/employee', 'householdRegister/employee', 'employmentCertificate/employee', 'socialSecurityCard/employee'],
    situation: 'the founder and legal representative of an active company, holding no 就业创业证, applies for it, registers as employed (自主创业) with the company, which files the 劳动用工备案, and claims the 创业培训补贴',
    pick(index) {
      const enterprise = index.findActiveEnterprise('company whose founder holds no 就业创业证', (candidate) => {
        const founder = index.person(candidate.legalRepresentativeKey)!;
        return candidate.kind.startsWith('有限责任公司') && adult(index, founder) && index.holdsSole(founder.idNumber, ['residentIdCard', 'householdRegister', 'socialSecurityCard'])
          && index.licences(founder.idNumber!, 'employmentCertificate').length === 0;
      });
      const founder = index.person(enterprise.legalRepresentativeKey)!;
      const [licence] = from(index, enterprise.creditCode, 'businessLicence');
      const cards = from(index, founder.idNumber!, 'residentIdCard', 'householdRegister');
      const [page, socialSecurity] = from(index, founder.idNumber!, 'householdRegister', 'socialSecurityCard');
      return {
        holders: { enterprise: organization(enterprise), employee: citizen(founder.idNumber) },
        expected: [
          { canonical: 'enterprise.creditCode', value: enterprise.creditCode, from: licence! },
          { canonical: 'enterprise.name', value: enterprise.name, from: licence! },
          { canonical: 'legalRepresentative.name', value: founder.name, from: licence! },
          ...nameAndIdNumber('employee', founder, cards),
          { canonical: 'employee.sex', value: founder.sex === 'male' ? '男' : '女', from: cards },
          { canonical: 'employee.address', value: founder.address, from: cards },
          { canonical: 'employee.education', value: EDUCATION_ON_PAGE[page!.surface['WHCD']!], from: page! },
          { canonical: 'employee.bankName', value: socialSecurity!.surface['KHYH'], from: socialSecurity! },
          { canonical: 'employee.bankAccount', value: socialSecurity!.surface['YHZH'], from: socialSecurity! },
        ],
      };
    },
  },
  {
    theme: 'MX-T23', name: '退休人员过世一件事', kind: 'personal',
    defaults: { matters: [['000513410000', []], ['000568395000', []]], formFields: 9 },
    toggled: { answers: { withdrawPersonalAccount: false }, matters: [['000513410000', []]] },
    answers: {},
    licences: ['deathCertificate/deceased', 'residentIdCard/applicant'],
    situation: 'the widow(er) of an insured retiree who died this autumn claims the death benefits and the balance of the pension account',
    pick(index) {
      const deceased = index.findPerson('retiree who died, with a relative to claim', (person) => person.death !== undefined
        && index.holdsSole(person.idNumber, ['deathCertificate']) && index.holdsSole(index.person(person.death.claimantKey)?.idNumber, ['residentIdCard']));
      const relative = index.person(deceased.death!.claimantKey)!;
      const [certificate] = from(index, deceased.idNumber!, 'deathCertificate');
      const [card] = from(index, relative.idNumber!, 'residentIdCard');
      return {
        holders: { applicant: citizen(relative.idNumber), deceased: citizen(deceased.idNumber) },
        expected: [
          ...nameAndIdNumber('deceased', deceased, certificate!),
          { canonical: 'deceased.deathDate', value: deceased.death!.date, from: certificate! },
          ...nameAndIdNumber('applicant', relative, card!),
        ],
      };
    },
  },
  {
    theme: 'MX-T27', name: '我要办理就业见习补贴', kind: 'enterprise',
    defaults: { matters: [['000774744000', []], ['000733654000', []], ['000501497000', ['000733654000']]], formFields: 18 },
    toggled: { answers: { unitRecognised: true, registerUnemployment: false, retainTrainee: true }, matters: [['000767140000', []], ['000501497000', []]] },
    answers: {},
    licences: ['residentIdCard/employee', 'employmentCertificate/employee', 'businessLicence/enterprise', 'residentIdCard/agent'],
    situation: 'an active company, filing by an authorised 经办人, is recognised as a 见习单位 and claims the subsidy for a trainee who holds a 就业创业证 and registers as unemployed',
    pick(index) {
      const enterprise = index.findActiveEnterprise('company', (candidate) => candidate.kind.startsWith('有限责任公司'));
      const trainee = index.findPerson('trainee with 就业创业证', (person) => adult(index, person) && person.key !== enterprise.legalRepresentativeKey
        && index.holdsSole(person.idNumber, ['residentIdCard', 'employmentCertificate']));
      const agent = index.findPerson('经办人 with a 居民身份证', (person) => adult(index, person) && ![enterprise.legalRepresentativeKey, trainee.key].includes(person.key)
        && index.holdsSole(person.idNumber, ['residentIdCard']));
      const [licence] = from(index, enterprise.creditCode, 'businessLicence');
      const cards = from(index, trainee.idNumber!, 'residentIdCard', 'employmentCertificate');
      const [agentCard] = from(index, agent.idNumber!, 'residentIdCard');
      return {
        holders: { enterprise: organization(enterprise), employee: citizen(trainee.idNumber), agent: citizen(agent.idNumber) },
        expected: [
          { canonical: 'enterprise.creditCode', value: enterprise.creditCode, from: licence! },
          { canonical: 'enterprise.name', value: enterprise.name, from: licence! },
          { canonical: 'legalRepresentative.name', value: index.person(enterprise.legalRepresentativeKey)!.name, from: licence! },
          ...nameAndIdNumber('employee', trainee, cards),
          { canonical: 'employee.sex', value: trainee.sex === 'male' ? '男' : '女', from: cards },
          { canonical: 'employee.address', value: trainee.address, from: cards },
          ...nameAndIdNumber('agent', agent, agentCard!),
        ],
      };
    },
  },
  {
    theme: 'MX-T14', name: '我要注销劳务派遣公司（内资有限责任类型）', kind: 'enterprise',
    defaults: { matters: [['000155443000', []], ['000764088000', ['000155443000']]], formFields: 10 },
    toggled: { answers: { licenceCancelled: true }, matters: [['000764088000', []]] },
    answers: {},
    licences: ['businessLicence/enterprise', 'labourDispatchLicence/enterprise', 'residentIdCard/agent'],
    situation: 'a 劳务派遣 company holding a valid 劳务派遣经营许可证 hands it back, then deregisters, filing by the representative its 清算组 appointed',
    pick(index) {
      const enterprise = index.findActiveEnterprise('劳务派遣 company', (candidate) => index.holdsSole(candidate.creditCode, ['labourDispatchLicence']));
      const agent = index.findPerson('经办人 with a 居民身份证', (person) => adult(index, person) && person.key !== enterprise.legalRepresentativeKey
        && index.holdsSole(person.idNumber, ['residentIdCard']));
      const licences = from(index, enterprise.creditCode, 'businessLicence', 'labourDispatchLicence');
      const [card] = from(index, agent.idNumber!, 'residentIdCard');
      return {
        holders: { enterprise: organization(enterprise), agent: citizen(agent.idNumber) },
        expected: [
          { canonical: 'enterprise.creditCode', value: enterprise.creditCode, from: licences },
          { canonical: 'enterprise.name', value: enterprise.name, from: licences },
          { canonical: 'legalRepresentative.name', value: index.person(enterprise.legalRepresentativeKey)!.name, from: licences },
          { canonical: 'labourDispatch.licenceNumber', value: enterprise.labourDispatch!.licenceNumber, from: licences[1]! },
          ...nameAndIdNumber('agent', agent, card!),
        ],
      };
    },
  },
  {
    theme: 'MX-T22', name: '新车上牌照一件事', kind: 'personal',
    defaults: { matters: [['000747286000', []]], formFields: 7 },
    toggled: { answers: { mortgaged: true }, matters: [['000747286000', []], ['000776567000', ['000747286000']]] },
    answers: {},
    licences: ['residentIdCard/applicant', 'vehiclePurchaseTaxCertificate/applicant'],
    situation: 'a buyer of a new car (paid in full, its 车辆购置税 paid: the 完税证明) registers it',
    pick(index) {
      const owner = index.findPerson('car buyer who paid the purchase tax', (person) => adult(index, person) && person.phone !== null && person.newCar !== undefined
        && index.holdsSole(person.idNumber, ['residentIdCard', 'vehiclePurchaseTaxCertificate']));
      const [card, tax] = from(index, owner.idNumber!, 'residentIdCard', 'vehiclePurchaseTaxCertificate');
      return {
        holders: { applicant: citizen(owner.idNumber) },
        expected: [
          ...nameAndIdNumber('applicant', owner, [card!, tax!]),
          { canonical: 'vehicle.vin', value: owner.newCar!.vin, from: tax! },
          { canonical: 'vehicle.engineNumber', value: owner.newCar!.engineNumber, from: tax! },
        ],
      };
    },
  },
  passEndorsement('MX-T24', '台湾探亲一件事', {
    pass: TAIWAN_PASS, endorsement: '002058174000', formFields: 8, skip: 0,
    toggled: { answers: { hasTaiwanPass: true }, matters: [['002058174000', []]] },
    situation: 'an adult without a 往来台湾通行证 applies for one and for the 探亲 endorsement',
  }),
  {
    theme: 'MX-T25', name: '车辆（机动车补换证）一件事', kind: 'personal',
    defaults: { matters: [['002014433000', []], ['002050226000', ['002014433000']]], formFields: 6 },
    toggled: { answers: { documents: 'inspectionMark' }, matters: [['002050226000', []]] },
    answers: {},
    licences: ['residentIdCard/applicant', 'vehicleLicence/applicant'],
    situation: 'a car owner replaces the 行驶证 and then the 检验合格标志',
    pick(index) {
      const owner = index.findPerson('car owner', (person) => adult(index, person) && index.holdsSole(person.idNumber, ['residentIdCard', 'vehicleLicence']));
      const [card, licence] = from(index, owner.idNumber!, 'residentIdCard', 'vehicleLicence');
      return {
        holders: { applicant: citizen(owner.idNumber) },
        expected: [
          { canonical: 'vehicle.plateNumber', value: owner.vehicle!.plate, from: licence! },
          { canonical: 'applicant.idNumber', value: owner.idNumber, from: card! },
          { canonical: 'applicant.name', value: owner.name, from: [card!, licence!] },
        ],
      };
    },
  },
  {
    theme: 'MX-T30', name: '我要申请公租房', kind: 'personal',
    defaults: { matters: [['002031211000', []], ['000706930000', ['002031211000']]], formFields: 8 },
    toggled: { answers: { hasHousingCertificate: true }, matters: [['000706930000', []]] },
    answers: {},
    licences: ['residentIdCard/applicant', 'householdRegister/applicant'],
    // 公租房申请审核登记 fills 家庭人口数 (and 婚姻状况, which the 居民户口簿 fills first) from shared data.
    sharedData: ['householdRegistration/applicant/prefill', 'marriageRegistration/applicant/prefill'],
    situation: 'an adult without a home of their own has the property register queried, then applies for 公租房',
    pick(index) {
      const person = index.findPerson('adult without a home', (candidate) => adult(index, candidate) && candidate.home === undefined
        && index.holdsSole(candidate.idNumber, ['residentIdCard', 'householdRegister']), 4);
      const [card, household] = from(index, person.idNumber!, 'residentIdCard', 'householdRegister');
      return {
        holders: { applicant: citizen(person.idNumber) },
        expected: [
          ...nameAndIdNumber('applicant', person, [card!, household!]),
          { canonical: 'applicant.address', value: person.address, from: [card!, household!] },
          { canonical: 'applicant.maritalStatus', value: household!.surface['HYZK'], from: household! },
        ],
        // 家庭人口数: the members of the applicant's registered household (户籍信息's 户内人数).
        sharedExpected: [{ canonical: 'household.size', value: index.population.households.find((entry) => entry.number === person.householdNumber)!.memberKeys.length, resource: 'householdRegistration', subject: 'applicant' }],
      };
    },
  },
  {
    theme: 'MX-T32', name: '我要开网约车(网约车驾驶员从业资格证、无犯罪记录证明)', kind: 'personal',
    defaults: { matters: [['002072585000', []], ['000147757000', ['002072585000']]], formFields: 9 },
    toggled: { answers: { hasCriminalRecordCertificate: true }, matters: [['000147757000', []]] },
    answers: {},
    licences: ['residentIdCard/applicant', 'householdRegister/applicant', 'drivingLicence/applicant'],
    situation: 'a driver who holds a 机动车驾驶证 (no transport qualification yet) obtains the 无犯罪记录证明 and applies for the 网约车 qualification',
    pick(index) {
      const driver = index.findPerson('driver without a transport qualification', (person) => adult(index, person) && person.transportWorker === undefined
        && index.holdsSole(person.idNumber, ['residentIdCard', 'householdRegister', 'drivingLicence'])
        && DRIVING_CLASSES.has(index.licence(person.idNumber!, 'drivingLicence').surface['ZJCX']!));
      const [card, household, licence] = from(index, driver.idNumber!, 'residentIdCard', 'householdRegister', 'drivingLicence');
      return {
        holders: { applicant: citizen(driver.idNumber) },
        expected: [
          { canonical: 'applicant.drivingLicenceNumber', value: licence!.surface['ZH'], from: licence! },
          { canonical: 'applicant.drivingLicenceClass', value: driver.driver!.vehicleClass, from: licence! },
          { canonical: 'applicant.drivingLicenceFirstIssueDate', value: driver.driver!.firstIssuedOn, from: licence! },
          { canonical: 'applicant.idNumber', value: driver.idNumber, from: [card!, household!] },
          { canonical: 'applicant.sex', value: driver.sex === 'male' ? '男' : '女', from: [card!, household!, licence!] },
          { canonical: 'applicant.address', value: driver.address, from: [card!, household!, licence!] },
        ],
      };
    },
  },
  {
    theme: 'MX-T33', name: '结婚生育一件事', kind: 'personal',
    defaults: { matters: [['000713200000', []], ['000755165000', ['000713200000']]], formFields: 6 },
    toggled: { answers: { joinSpouseHousehold: true }, matters: [['000713200000', []], ['000755165000', ['000713200000']], ['002012951000', ['000713200000']]] },
    answers: { alreadyMarried: true },
    licences: ['residentIdCard/applicant', 'residentIdCard/husband', 'residentIdCard/wife', 'householdRegister/applicant', 'marriageCertificate/applicant'],
    situation: 'a married couple (the wife applies) registers a planned birth (生育登记)',
    pick(index) {
      const wife = index.findPerson('married couple', (person) => person.sex === 'female' && index.holdsSole(person.idNumber, ['residentIdCard', 'householdRegister', 'marriageCertificate'])
        && index.holdsSole(index.person(person.spouseKey)?.idNumber, ['residentIdCard']));
      const husband = index.person(wife.spouseKey)!;
      const [wifeCard, , marriage] = from(index, wife.idNumber!, 'residentIdCard', 'householdRegister', 'marriageCertificate');
      const [husbandCard] = from(index, husband.idNumber!, 'residentIdCard');
      return {
        holders: { applicant: citizen(wife.idNumber), husband: citizen(husband.idNumber), wife: citizen(wife.idNumber) },
        expected: [
          { canonical: 'marriage.certificateNumber', value: wife.marriage!.certificateNumber, from: marriage! },
          { canonical: 'husband.idNumber', value: husband.idNumber, from: [marriage!, husbandCard!] },
          { canonical: 'wife.idNumber', value: wife.idNumber, from: [marriage!, wifeCard!] },
          { canonical: 'husband.name', value: husband.name, from: [marriage!, husbandCard!] },
        ],
      };
    },
  },
  // MX-T19, MX-T29, MX-T31, MX-T37, MX-T38 (issue #16) ------------------------------------------------------------
  {
    theme: 'MX-T19', name: '我要办医生、护士执业证书', kind: 'personal',
    defaults: { matters: [['000196101000', []]], formFields: 7 },
    toggled: { answers: { maternalCare: true }, matters: [['000196101000', []], ['000199301000', ['000196101000']]] },
    answers: {},
    licences: ['residentIdCard/applicant', 'physicianQualification/applicant'],
    situation: 'a doctor who passed the examination (医师资格证书), not yet registered, registers to practise (医师执业证书)',
    pick(index) {
      const doctor = index.findPerson('qualified doctor not yet registered', (person) => person.physicianQualification !== undefined && person.physician === undefined
        && index.holdsSole(person.idNumber, ['residentIdCard', 'physicianQualification']));
      const [card, qualification] = from(index, doctor.idNumber!, 'residentIdCard', 'physicianQualification');
      return {
        holders: { applicant: citizen(doctor.idNumber) },
        expected: [
          { canonical: 'applicant.name', value: doctor.name, from: [card!, qualification!] },
          { canonical: 'applicant.idNumber', value: doctor.idNumber, from: [card!, qualification!] },
          { canonical: 'applicant.physicianQualificationNumber', value: doctor.physicianQualification!.number, from: qualification! },
          { canonical: 'applicant.practiceCategory', value: doctor.physicianQualification!.category, from: qualification! },
        ],
      };
    },
  },
  {
    theme: 'MX-T38', name: '民族社会团体变更登记一件事', kind: 'enterprise',
    defaults: { matters: [['000144929000', []], ['000744834000', ['000144929000']]], formFields: 8 },
    toggled: { answers: {}, matters: [['000144929000', []], ['000744834000', ['000144929000']]] },
    answers: {},
    licences: ['socialOrganisationCertificate/organisation', 'residentIdCard/legalRepresentative'],
    situation: 'a 民族 association (its 社会团体法人登记证书) and its legal representative change its registration: the 民族宗教事务局 consents, then 民政 registers',
    pick(index) {
      const association = index.findOrganisation('民族 association', (candidate) => candidate.association?.ethnic === true
        && index.holdsSole(candidate.creditCode, ['socialOrganisationCertificate']) && index.holdsSole(index.person(candidate.legalRepresentativeKey)?.idNumber, ['residentIdCard']));
      const representative = index.person(association.legalRepresentativeKey)!;
      const [certificate] = from(index, association.creditCode, 'socialOrganisationCertificate');
      const [card] = from(index, representative.idNumber!, 'residentIdCard');
      return {
        holders: { organisation: { code: association.creditCode, type: 'organization' }, legalRepresentative: citizen(representative.idNumber) },
        expected: [
          { canonical: 'organisation.creditCode', value: association.creditCode, from: certificate! },
          { canonical: 'organisation.name', value: association.name, from: certificate! },
          { canonical: 'legalRepresentative.name', value: representative.name, from: [certificate!, card!] },
          { canonical: 'legalRepresentative.idNumber', value: representative.idNumber, from: card! },
        ],
      };
    },
  },
  {
    theme: 'MX-T29', name: '退役军人接收报到一件事', kind: 'personal',
    defaults: { matters: [['002086787000', []], ['000587394000', ['002086787000']], ['002035164000', []]], formFields: 11 },
    toggled: {
      answers: { training: 'vocational', hasMilitaryDrivingLicence: true },
      matters: [['002086787000', []], ['002003449000', ['002086787000']], ['000587394000', ['002086787000']], ['000192178000', []], ['002035164000', []]],
    },
    answers: {},
    licences: ['residentIdCard/applicant', 'householdRegister/applicant', 'dischargeCertificate/applicant'],
    situation: 'a 自主就业 veteran discharged this autumn (his 退出现役证) reports where he is placed, claims the 一次性经济补助金 and has his 军人退役养老保险 transferred',
    pick(index) {
      const veteran = index.findPerson('自主就业 veteran', (person) => person.veteran !== undefined
        && index.holdsSole(person.idNumber, ['residentIdCard', 'householdRegister', 'dischargeCertificate']));
      const [card, household, discharge] = from(index, veteran.idNumber!, 'residentIdCard', 'householdRegister', 'dischargeCertificate');
      return {
        holders: { applicant: citizen(veteran.idNumber) },
        expected: [
          ...nameAndIdNumber('applicant', veteran, [card!, household!, discharge!]),
          { canonical: 'applicant.address', value: veteran.address, from: [card!, household!] },
          { canonical: 'applicant.enlistmentDate', value: veteran.veteran!.enlistedOn, from: discharge! },
          { canonical: 'applicant.dischargeDate', value: veteran.veteran!.dischargedOn, from: discharge! },
          { canonical: 'applicant.militaryUnit', value: veteran.veteran!.unit, from: discharge! },
          { canonical: 'applicant.placementArea', value: veteran.veteran!.placement, from: discharge! },
        ],
      };
    },
  },
  {
    theme: 'MX-T31', name: '校车审批一件事', kind: 'enterprise',
    defaults: { matters: [['000747286000', []], ['000125638000', ['000747286000']], ['000167087000', ['000747286000', '000125638000']]], formFields: 16 },
    toggled: { answers: {}, matters: [['000747286000', []], ['000125638000', ['000747286000']], ['000167087000', ['000747286000', '000125638000']]] },
    answers: {},
    licences: ['residentIdCard/applicant', 'vehiclePurchaseTaxCertificate/applicant', 'privateSchoolLicence/organisation', 'residentIdCard/legalRepresentative', 'residentIdCard/driver', 'drivingLicence/driver'],
    situation: 'a 民办学校 (its 民办学校办学许可证) registers a new school bus, has its use permitted with a driver holding an A1 licence and obtains the 校车标牌, all through its 经办人',
    pick(index) {
      const school = index.findOrganisation('民办学历教育学校', (candidate) => candidate.school?.type === '民办学历教育学校'
        && index.holdsSole(candidate.creditCode, ['privateSchoolLicence']) && index.holdsSole(index.person(candidate.legalRepresentativeKey)?.idNumber, ['residentIdCard']));
      const representative = index.person(school.legalRepresentativeKey)!;
      const driver = index.findPerson('bus driver (A1, A3 or B1)', (person) => ['A1', 'A3', 'B1'].includes(person.driver?.vehicleClass ?? '')
        && person.key !== school.legalRepresentativeKey && index.holdsSole(person.idNumber, ['residentIdCard', 'drivingLicence']));
      const agent = index.findPerson('adult agent', (person) => adult(index, person) && ![school.legalRepresentativeKey, driver.key].includes(person.key)
        && index.holdsSole(person.idNumber, ['residentIdCard']), 18);
      const [licence] = from(index, school.creditCode, 'privateSchoolLicence');
      const [representativeCard] = from(index, representative.idNumber!, 'residentIdCard');
      const [driverCard, drivingLicence] = from(index, driver.idNumber!, 'residentIdCard', 'drivingLicence');
      const [agentCard] = from(index, agent.idNumber!, 'residentIdCard');
      return {
        holders: {
          applicant: citizen(agent.idNumber), organisation: { code: school.creditCode, type: 'organization' },
          legalRepresentative: citizen(representative.idNumber), driver: citizen(driver.idNumber),
        },
        expected: [
          ...nameAndIdNumber('applicant', agent, agentCard!),
          { canonical: 'organisation.creditCode', value: school.creditCode, from: licence! },
          { canonical: 'organisation.name', value: school.name, from: licence! },
          { canonical: 'organisation.address', value: school.address, from: licence! },
          { canonical: 'legalRepresentative.name', value: representative.name, from: [licence!, representativeCard!] },
          { canonical: 'driver.name', value: driver.name, from: [driverCard!, drivingLicence!] },
          { canonical: 'driver.idNumber', value: driver.idNumber, from: driverCard! },
        ],
      };
    },
  },
  {
    theme: 'MX-T37', name: '我要设立非营利性非学历教育培训机构', kind: 'enterprise',
    defaults: { matters: [['002004442000', []], ['000777614000', ['002004442000']]], formFields: 8 },
    toggled: { answers: { premisesFittedOut: true }, matters: [['002004442000', []], ['000777614000', ['002004442000']], ['000798242000', ['000777614000']]] },
    answers: {},
    licences: ['residentIdCard/legalRepresentative', 'realEstateCertificate/legalRepresentative'],
    situation: 'a founder (his 居民身份证) sets up a training institution in premises he owns (his 不动产权证书), which need no fit-out: the 办学许可证, then the 民办非企业单位 registration on it',
    pick(index) {
      const founder = index.findPerson('founder owning premises', (person) => adult(index, person) && person.veteran === undefined
        && index.holdsSole(person.idNumber, ['residentIdCard', 'realEstateCertificate']), 6);
      const [card, certificate] = from(index, founder.idNumber!, 'residentIdCard', 'realEstateCertificate');
      return {
        holders: { legalRepresentative: citizen(founder.idNumber) },
        expected: [
          ...nameAndIdNumber('legalRepresentative', founder, card!),
          { canonical: 'property.location', value: certificate!.surface['ZL'], from: certificate! },
        ],
      };
    },
  },
  ...worksAndSitesScenarios(),   // MX-T08, MX-T28, MX-T34, MX-T35, MX-T36, MX-T39, MX-T40 (issue #16), below
];

/** An active company (its 营业执照) and an adult job seeker holding a 居民身份证 and a 就业创业证. */
function companyAndJobSeeker(index: PopulationIndex): Applicants {
  const enterprise = index.findActiveEnterprise('company', (candidate) => candidate.kind.startsWith('有限责任公司'));
  const employee = index.findPerson('employee with 就业创业证', (person) => adult(index, person) && index.holdsSole(person.idNumber, ['residentIdCard', 'employmentCertificate']));
  const [licence] = from(index, enterprise.creditCode, 'businessLicence');
  const cards = from(index, employee.idNumber!, 'residentIdCard', 'employmentCertificate');
  return {
    holders: { enterprise: organization(enterprise), employee: citizen(employee.idNumber) },
    expected: [
      { canonical: 'enterprise.creditCode', value: enterprise.creditCode, from: licence! },
      { canonical: 'enterprise.name', value: enterprise.name, from: licence! },
      { canonical: 'legalRepresentative.name', value: index.person(enterprise.legalRepresentativeKey)!.name, from: licence! },
      ...nameAndIdNumber('employee', employee, cards),
    ],
  };
}

/**
 * A mother with a 2026 出生医学证明 whose newborn is not registered yet, and
 * the father (the guardian) — both with one valid licence of each type.
 * `skip` picks another family (the revocation test uses its own).
 */
/**
 * MX-T05: the mother holding the 出生医学证明 and the father (his 居民身份证); the 监护人 is one of them (the theme's
 * `guardian` answer, `sameAs`), filled from that parent's 居民身份证, no holder of its own.
 */
export function newbornFamily(index: PopulationIndex, skip: number, guardian: 'mother' | 'father' = 'mother'): Applicants & { father: Person; mother: Person } {
  const mother = index.findPerson('mother of an unregistered 2026 newborn', (person) => {
    if (!index.holdsSole(person.idNumber, ['birthCertificate', 'residentIdCard', 'householdRegister', 'marriageCertificate'])) return false;
    const birth = index.licence(person.idNumber!, 'birthCertificate');
    const newborn = index.population.persons.find((candidate) => candidate.motherKey === person.key && candidate.birthDate === birth.surface['CSRQ']);
    return birth.surface['CSRQ']!.startsWith('2026') && newborn?.idNumber === null && index.holdsSole(birth.surface['FQSFZJHM'], ['residentIdCard']);
  }, skip);
  const [birth] = from(index, mother.idNumber!, 'birthCertificate');
  const father = index.personByCode(birth!.surface['FQSFZJHM']!);
  const [motherCard, motherHousehold] = from(index, mother.idNumber!, 'residentIdCard', 'householdRegister');
  const [fatherCard] = from(index, father.idNumber!, 'residentIdCard');
  const s = birth!.surface;
  return {
    mother, father,
    holders: { mother: citizen(mother.idNumber), father: citizen(father.idNumber) },
    notGiven: ['child'],
    expected: [
      { canonical: 'child.name', value: s['XSEXM'], from: birth! },
      { canonical: 'child.birthDate', value: s['CSRQ'], from: birth! },
      { canonical: 'child.sex', value: s['XB'], from: birth! },
      { canonical: 'child.birthCertificateNumber', value: s['CSYXZMBH'], from: birth! },
      { canonical: 'mother.idNumber', value: mother.idNumber, from: birth! },
      { canonical: 'father.name', value: father.name, from: birth! },
      ...(guardian === 'mother' ? nameAndIdNumber('guardian', mother, [motherCard!, motherHousehold!]) : nameAndIdNumber('guardian', father, fatherCard!)),
    ],
  };
}

// MX-T08, MX-T28, MX-T34, MX-T35, MX-T36, MX-T39, MX-T40 (issue #16): works, sites, advertising, property management,
// special equipment and wildlife. An enterprise files each through its 经办人: the enterprise authorises its 营业执照 (and
// the licences it holds for the theme), the agent his or her own 居民身份证; the 授权委托书 is uploaded.

/** The `skip`-th active 有限责任公司 of an industry that fits, holding one valid 营业执照. */
function company(index: PopulationIndex, industry: Enterprise['industry'], what: string, fits: (enterprise: Enterprise) => boolean = () => true, skip = 0): Enterprise {
  const found = index.population.enterprises.filter((enterprise) => enterprise.registrationStatus === 'active' && enterprise.industry === industry
    && enterprise.kind.startsWith('有限责任公司') && fits(enterprise) && index.holdsSole(enterprise.creditCode, ['businessLicence']))[skip];
  if (!found) throw new Error(`no ${what} in the population`);
  return found;
}

/** The enterprise and its 经办人 (an adult other than its legal representative, holding one 居民身份证): holders and what their licences fill. */
function enterpriseAndAgent(index: PopulationIndex, enterprise: Enterprise, agentSkip: number, also: readonly LicenceRecord[] = []): Applicants {
  const agent = index.findPerson('adult agent', (person) => adult(index, person) && person.key !== enterprise.legalRepresentativeKey
    && index.holdsSole(person.idNumber, ['residentIdCard']), agentSkip);
  const [licence] = from(index, enterprise.creditCode, 'businessLicence');
  const [card] = from(index, agent.idNumber!, 'residentIdCard');
  return {
    holders: { enterprise: organization(enterprise), agent: citizen(agent.idNumber) },
    expected: [
      { canonical: 'enterprise.creditCode', value: enterprise.creditCode, from: [licence!, ...also] },
      { canonical: 'enterprise.name', value: enterprise.name, from: [licence!, ...also] },
      { canonical: 'enterprise.address', value: enterprise.address, from: licence! },
      { canonical: 'legalRepresentative.name', value: index.person(enterprise.legalRepresentativeKey)!.name, from: [licence!, ...also] },
      ...nameAndIdNumber('agent', agent, card!),
    ],
  };
}

function worksAndSitesScenarios(): ThemeScenario[] {
  // The licence uses every one of these themes declares first.
  const ENTERPRISE_AND_AGENT = ['businessLicence/enterprise', 'residentIdCard/agent'];
  return [
    {
      theme: 'MX-T08', name: '道路挖掘工程一件事', kind: 'enterprise',
      defaults: { matters: [['000106080000', []], ['000113729000', []]], formFields: 15 },
      toggled: { answers: { layPipelines: false }, matters: [['000106080000', []]] },
      answers: {},
      licences: ENTERPRISE_AND_AGENT,
      situation: 'a construction company digs a city road to lay pipes, through its 经办人',
      pick: (index) => enterpriseAndAgent(index, company(index, 'construction', 'construction company', () => true, 2), 11),
    },
    {
      theme: 'MX-T28', name: '我要申请播放户外视频广告', kind: 'enterprise',
      defaults: { matters: [['000105183000', []], ['000119837000', []]], formFields: 13 },
      toggled: { answers: { holdsProductionLicence: true }, matters: [['000119837000', []]] },
      answers: {},
      licences: ENTERPRISE_AND_AGENT,
      situation: 'a 文化传播 company without the 节目制作经营许可证 applies for it and hangs an LED screen on a building, through its 经办人',
      pick(index) {
        const advertiser = company(index, 'tourism', '文化传播 company', (candidate) => candidate.name.includes('文化传播'), 1);
        const applicants = enterpriseAndAgent(index, advertiser, 12);
        const [licence] = from(index, advertiser.creditCode, 'businessLicence');
        return {
          ...applicants,
          expected: [...applicants.expected, { canonical: 'enterprise.registeredCapital', value: Number.parseFloat(advertiser.registeredCapital), from: licence! }],
        };
      },
    },
    {
      theme: 'MX-T34', name: '物业管理一件事', kind: 'enterprise',
      defaults: { matters: [['000725272000', []], ['000726182000', ['000725272000']]], formFields: 15 },
      toggled: { answers: {}, matters: [['000725272000', []], ['000726182000', ['000725272000']]] },
      answers: {},
      licences: ENTERPRISE_AND_AGENT,
      situation: 'a developer (the population has no 房地产开发 company: a construction company stands in) files its 物业管理区域 and its 前期物业服务合同, through its 经办人',
      pick: (index) => enterpriseAndAgent(index, company(index, 'construction', 'construction company', () => true, 4), 13),
    },
    {
      theme: 'MX-T35', name: '我要堆放临时建筑材料', kind: 'enterprise',
      defaults: { matters: [['000139362000', []], ['000137456000', []]], formFields: 15 },
      toggled: { answers: { dischargeWaste: false }, matters: [['000137456000', []]] },
      answers: {},
      licences: ENTERPRISE_AND_AGENT,
      situation: 'a construction company stacks materials beside its works and carts the waste away, through its 经办人',
      pick: (index) => enterpriseAndAgent(index, company(index, 'construction', 'construction company', () => true, 0), 14),
    },
    {
      theme: 'MX-T36', name: '水生野生动物人工繁育经营利用(国家二级)一件事', kind: 'enterprise',
      defaults: { matters: [['000134020000', []], ['000183363000', ['000134020000']]], formFields: 11 },
      toggled: { answers: { holdsBreedingLicence: true }, matters: [['000183363000', []]] },
      answers: { holdsBreedingLicence: true },
      licences: [...ENTERPRISE_AND_AGENT, 'aquaticWildlifeBreedingLicence/enterprise'],
      situation: 'an agricultural company holding a 水生野生动物人工繁育许可证 sells bred animals (`holdsBreedingLicence: true`), through its 经办人',
      pick(index) {
        const breeder = company(index, 'agriculture', 'breeder', (candidate) => index.holdsSole(candidate.creditCode, ['aquaticWildlifeBreedingLicence']));
        const [breeding] = from(index, breeder.creditCode, 'aquaticWildlifeBreedingLicence');
        const applicants = enterpriseAndAgent(index, breeder, 15, [breeding!]);
        return {
          ...applicants,
          expected: [
            ...applicants.expected,
            { canonical: 'wildlife.breedingLicenceNumber', value: breeding!.surface['XKZBH'], from: breeding! },
            { canonical: 'wildlife.species', value: breeding!.surface['WZMC'], from: breeding! },
          ],
        };
      },
    },
    {
      theme: 'MX-T39', name: '我要安装特种设备(市政府投资项目、社会投资项目)', kind: 'enterprise',
      defaults: { matters: [['002020997000', []], ['000731174000', ['002020997000']]], formFields: 14 },
      toggled: { answers: {}, matters: [['002020997000', []], ['000731174000', ['002020997000']]] },
      answers: {},
      licences: [...ENTERPRISE_AND_AGENT, 'specialEquipmentProductionLicence/installer'],
      situation: 'a trading company has a lift installed in its store by a licensed installer, then registers it, through its 经办人',
      pick(index) {
        const user = company(index, 'trade', 'trading company');
        const installer = company(index, 'construction', 'lift installer', (candidate) => index.sole(candidate.creditCode, 'specialEquipmentProductionLicence')?.surface['XKXM']?.startsWith('电梯') === true);
        const [licence] = from(index, installer.creditCode, 'specialEquipmentProductionLicence');
        const applicants = enterpriseAndAgent(index, user, 16);
        return {
          holders: { ...applicants.holders, installer: organization(installer) },
          expected: [
            ...applicants.expected,
            { canonical: 'installer.name', value: installer.name, from: licence! },
            { canonical: 'installer.creditCode', value: installer.creditCode, from: licence! },
            { canonical: 'installer.licenceNumber', value: licence!.surface['ZSBH'], from: licence! },
          ],
        };
      },
    },
    {
      theme: 'MX-T40', name: '我要设置大型户外落地广告(独立占地)', kind: 'enterprise',
      defaults: { matters: [['000103179000', []], ['000175700000', ['000103179000']]], formFields: 14 },
      toggled: { answers: {}, matters: [['000103179000', []], ['000175700000', ['000103179000']]] },
      answers: {},
      licences: [...ENTERPRISE_AND_AGENT, 'realEstateCertificate/legalRepresentative'],
      situation: 'a 文化传播 company puts up a billboard on premises its legal representative owns (his 不动产权证书), through its 经办人',
      pick(index) {
        const advertiser = company(index, 'tourism', '文化传播 company whose legal representative owns premises', (candidate) => candidate.name.includes('文化传播')
          && index.holdsSole(index.person(candidate.legalRepresentativeKey)?.idNumber, ['realEstateCertificate']));
        const owner = index.person(advertiser.legalRepresentativeKey)!;
        const [certificate] = from(index, owner.idNumber!, 'realEstateCertificate');
        const applicants = enterpriseAndAgent(index, advertiser, 17);
        return {
          holders: { ...applicants.holders, legalRepresentative: citizen(owner.idNumber) },
          expected: [...applicants.expected, { canonical: 'property.location', value: certificate!.surface['ZL'], from: certificate! }],
        };
      },
    },
  ];
}
