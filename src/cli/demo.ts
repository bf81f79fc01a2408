/**
 * `tongban demo`: drives whole stories through the public, signed API of a
 * running sandbox and prints progress as it goes — guide, authorisation,
 * prefill from verified licences, the one material list and the files
 * handed in once (uploads, a 告知承诺), one submission, the departments' work
 * followed to the end, sealed results, the licence-use ledger:
 * - `birth`: a family's 婴儿“出生一件事” (MX-T05), three departments over
 *   REST, SOAP (made flaky by the sandbox) and an inbox; the mother is the
 *   newborn's guardian, so her ID card fills the 监护人 too; it ends with her
 *   evaluation (好差评) of a matter and of the whole, and the follow-up of the 差评;
 * - `enterprise`: 我要开办食品经营 (MX-T15) for a person who runs no business
 *   yet: registers a 个体工商户 food shop in premises of their own, and the food
 *   licence waits for that registration (its 营业执照) at 市场监督管理局; both
 *   results are issued into the licence library as licences;
 * - `counter`: 异地就医备案 (MX-T03) at a service-hall window (一窗受理): the
 *   applicant makes a QR code on the platform, the officer logged in at the
 *   counter terminal scans it, reads the applicant's licences, prefills and
 *   submits for them;
 * - `fees`: 去港澳探亲一件事 (MX-T16) for a holder of a pass: the endorsement's
 *   签注费 is due before acceptance; the sandbox's payment platform pays the
 *   notice and notifies Tongban, which then delivers the matter (网上缴费);
 * - `housing`: 我要申请公租房 (MX-T30) prefilled from licences, then also from
 *   the data-sharing exchange (the ratio rises), and the applicant's
 *   social-insurance enrolment verified (在线核验; demo-shared-data.ts).
 * Every person logs in at the identity platform (统一身份认证) the gateway
 * trusts, and every request acting for them carries their ID token.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { createPopulation, PopulationIndex } from '../../adapters/licence-library/index.js';
import type { Guide } from '../forms/guide.js';
import type { PrefillResult, SharedDataProvenance } from '../forms/prefill.js';
import type { ConsentMethod } from '../licences/authorization-request.js';
import { LICENCE_TYPES, type LicenceHolderType, type LicenceTypeKey } from '../domain/licence-library.js';
import type { PrivateJwk } from '../trust/algorithms.js';
import { maskName } from '../log/personal-data-keys.js';
import { redactText } from '../log/redact.js';
import { createSigningClient, jwks, type SigningClient } from '../trust/signing-client.js';
import { rateTheService } from './demo-evaluation.js';
import { loadCliConfig, runningSandboxUrl } from './cli-config.js';
import { logIn, trustedIdentityPlatform, type Session } from './demo-identity.js';
import { handInMaterials, showMaterials, type SubmittedMaterials } from './demo-materials.js';
import { followResultPosting, postalChoice } from './demo-result-delivery.js';
import { sharedDataStory } from './demo-shared-data.js';
import { SANDBOX_STATE_FILE } from './sandbox-state.js';

/** Where the demo looks for a gateway when no sandbox is recorded and no --url is given. */
const DEFAULT_URL = 'http://127.0.0.1:8080';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
type Prefill = Omit<PrefillResult, 'evidence'> & { evidenceToken: string };

/** A holder of licences playing a subject (role) of the theme, and how they consent to their use. */
interface Holder { code: string; type: LicenceHolderType; who: string; consent: ConsentMethod }
type AuthorisedHolders = Record<string, Holder & { authorizationId: string }>;

interface DemoContext {
  platform: SigningClient;
  /** The counter terminal of the service hall's window (一窗受理). */
  counter: SigningClient;
  ops: SigningClient;
  /** The identity platform (统一身份认证) the gateway trusts: its issuer URL. */
  identityPlatform: string;
  index: PopulationIndex;
  /** How often the application is read while departments work (ms). */
  pollMs: number;
  /** How long departments may take (ms). */
  timeoutMs: number;
}

interface Story {
  /** What the completion line calls it. */
  title: string;
  themeCode: string;
  run(context: DemoContext): Promise<void>;
}

const STORIES = {
  birth: { title: '婴儿“出生一件事”', themeCode: 'MX-T05', run: birthStory },
  enterprise: { title: '我要开办食品经营(副食店、士多店)', themeCode: 'MX-T15', run: enterpriseStory },
  counter: { title: '异地就医备案 at the window (一窗受理)', themeCode: 'MX-T03', run: counterStory },
  housing: { title: '我要申请公租房 prefilled with shared data', themeCode: 'MX-T30', run: (context: DemoContext) => sharedDataStory({ step, say, check }, context) },
  fees: { title: '去港澳探亲一件事 with its fee paid online (网上缴费)', themeCode: 'MX-T16', run: feesStory },
} satisfies Record<string, Story>;
type StoryName = keyof typeof STORIES;

const CONSENT: Record<ConsentMethod, string> = {
  'face-recognition': 'face recognition', sms: 'SMS code', signature: 'electronic signature', counter: 'at the counter',
};

function step(text: string): void {
  process.stdout.write(`\n▶ ${text}\n`);
}

function say(text: string): void {
  process.stdout.write(`  ${text}\n`);
}

function check(answer: { status: number; body: unknown }, expected: number, what: string): Json {
  if (answer.status !== expected) throw new Error(`${what}: expected HTTP ${expected}, got ${answer.status}: ${JSON.stringify(answer.body).slice(0, 400)}`);
  return answer.body as Json;
}

/** A person's name as the demo prints it: the family name only. */
const masked = (name: string) => `${name[0]}**`;
/** A matter's name without its trailing qualification, e.g. 食品经营许可证核发（除…之外的食品经营者）. */
const short = (name: string) => name.replace(/（[^（）]*）$/, '');
const percent = (ratio: number) => `${Math.round(ratio * 100)} %`;
const inOneHour = () => new Date(Date.now() + 3600_000).toISOString();

/** A mother holding a 出生医学证明 registers her newborn: three departments, one of them flaky. */
async function birthStory(context: DemoContext): Promise<void> {
  const { index, platform } = context;
  const mother = index.findPerson('mother with a 出生医学证明', (person) => index.holdsSole(person.idNumber, ['birthCertificate', 'residentIdCard', 'householdRegister', 'marriageCertificate']));
  const themeCode = STORIES.birth.themeCode;
  step(`婴儿“出生一件事” for the family of ${masked(mother.name)} (mother), theme ${themeCode}`);
  const guide = await showGuide(platform, themeCode, {});
  say(`the guardian (监护人) is the ${guide.answers['guardian']}: her licences fill the guardian's fields and stand for the guardian's materials`);

  step('The mother logs in on the platform through the identity platform (统一身份认证), by face recognition');
  const session = await logIn(say, platform, context.identityPlatform, { idNumber: mother.idNumber!, name: mother.name, method: 'face' }, 'the mother');

  step('The mother authorises the use of her licences (face recognition), with her ID token');
  const holders = await authorise(platform, session, guide, '办理婴儿出生一件事', { mother: { code: mother.idNumber!, type: 'citizen', who: 'the mother', consent: 'face-recognition' } });

  step('Prefill the merged form from her verified licences');
  const prefill = await prefillForm(platform, session, guide, holders, '办理婴儿出生一件事', ['guardian.name', 'guardian.idNumber']);

  step('The family completes the rest: a phone number, the newborn\'s address and insurance');
  say('in the sandbox 民政和人社局\'s SOAP system is flaky (about half its answers are 503): Tongban retries with backoff and jitter');
  const form = {
    ...prefill.form,
    applicant: { phone: mother.phone ?? '13800138000' },
    child: { ...prefill.form['child'], address: mother.address, insuranceType: '城乡居民基本医疗保险' },
  };
  const materials = await materialsStep(platform, prefill);
  say('领证方式: by post (邮政寄递) to the family\'s address');
  const applicationId = await submitAndFollow(context, platform, session, {
    themeCode, answers: guide.answers, form, evidenceToken: prefill.evidenceToken, materials, resultDelivery: postalChoice(mother.name, mother.phone ?? undefined),
  });
  await followResultPosting({ step, say, check }, platform, applicationId, context);
  await showLicenceUses(platform, session, holders);
  await rateTheService({ step, say, check }, context, session.idToken, applicationId);
  await birthResultAsLicence(context, session, applicationId);
}

/**
 * Results issued as licences (docs/licence-issuance.md): the 户口簿 page 公安 returned for 出生登记 is issued into the
 * licence library; the mother, the newborn's guardian, authorises its use, and a later application of another theme for
 * the child (去港澳探亲: the child's own 往来港澳通行证) is prefilled from it, with provenance naming the application, and
 * submitted. Called at the end of the birth story.
 */
async function birthResultAsLicence(context: DemoContext, session: Session, applicationId: string): Promise<void> {
  const { platform, pollMs, timeoutMs } = context;
  step('The 户口簿 page, 出生登记\'s result, is issued into the e-licence library (电子证照签发)');
  const deadline = Date.now() + timeoutMs;
  let issued: Json | undefined;
  for (;;) {
    const application = check(await platform.request('GET', `/v1/applications/${applicationId}`), 200, 'application');
    issued = (application.issuedLicences as Json[] | undefined)?.find((licence) => licence.licenceType === 'householdRegister');
    if (issued && issued.status !== 'issuing') break;
    if (Date.now() > deadline) throw new Error(`the 户口簿 of application ${applicationId} not issued within ${timeoutMs} ms`);
    await new Promise((resolveWait) => setTimeout(resolveWait, pollMs));
  }
  if (issued.status !== 'issued') throw new Error(`the 户口簿 was not issued: ${issued.status} ${JSON.stringify(issued.failure)}`);
  say(`居民户口簿 issued: identifier ${issued.identifier} (GB/T 36904, assigned by the library)`);
  const registration = check(await platform.request('GET', `/v1/applications/${applicationId}`), 200, 'application').subApplications
    .find((sub: Json) => sub.id === issued!.subApplicationId);
  const childId = (registration?.results as Json[] | undefined)?.find((result) => result.name === '公民身份号码')?.value as string | undefined;
  if (!childId) throw new Error('出生登记 returned no 公民身份号码');

  step('Later, another theme for the child: the mother, the newborn\'s guardian (监护人, shown by her 出生医学证明), applies for the child\'s own 往来港澳通行证 (去港澳探亲一件事)');
  const later = await showGuide(platform, 'MX-T16', { hasHongKongMacaoPass: false });
  const holders = await authorise(platform, session, later, '为孩子办理往来港澳通行证及探亲签注', { applicant: { code: childId, type: 'citizen', who: 'the mother for the child', consent: 'face-recognition' } });
  const prefill = await prefillForm(platform, session, later, holders, '为孩子办理往来港澳通行证', ['applicant.address']);
  const form = {
    ...prefill.form,
    applicant: { ...prefill.form['applicant'], phone: '13800138000' },
    hongKongMacaoPass: { applicationType: '首次申请', destination: '香港', endorsementEntries: '一次有效' },
  };
  const materials = await materialsStep(platform, prefill);
  const submission = { themeCode: later.theme.code, answers: later.answers, form, evidenceToken: prefill.evidenceToken, materials, authorizationId: holders['applicant']!.authorizationId };
  const submitted = check(await platform.request('POST', '/v1/applications', { body: submission, headers: { 'Idempotency-Key': `demo-child-pass-${Date.now()}` }, idToken: session.idToken }), 202, 'the child\'s application');
  say(`application ${submitted.applicationId} for the child, submitted by the mother: ${(submitted.subApplications as Json[]).map((sub) => short(String(sub.matterName))).join(', ')}`);
}

/**
 * A person who runs no business yet opens a grocery in premises of their own: the 个体工商户 registration, then the food
 * licence that waits for it and receives its 营业执照 (the registration's result: no licence the 经营者 could hold before).
 * Both results are issued into the licence library (docs/licence-issuance.md): the story ends with their identifiers.
 */
async function enterpriseStory(context: DemoContext): Promise<void> {
  const { index, platform } = context;
  // The 经营者: an adult who is no enterprise's legal representative, holding a valid ID card and a 不动产权证书 for the premises.
  const adultBorn = `${Number(index.today.slice(0, 4)) - 18}${index.today.slice(4)}`;
  const owner = index.findPerson('adult owning premises and running no business', (person) => person.birthDate <= adultBorn
    && index.enterprisesOf(person.key).length === 0 && index.holdsSole(person.idNumber, ['residentIdCard', 'realEstateCertificate']));
  const themeCode = STORIES.enterprise.themeCode;
  step(`我要开办食品经营(副食店、士多店) for ${masked(owner.name)}, who runs no business yet: a new 个体工商户 in premises of their own, theme ${themeCode}`);
  const guide = await showGuide(platform, themeCode, {});
  say(`the 食品安全管理人员 is the 经营者 (managerIsOperator: ${guide.answers['managerIsOperator']}): the 经营者's ID card fills 食品安全管理人员 too`);

  step('The 经营者 logs in on the platform through the identity platform (统一身份认证), with the electronic social security card');
  const session = await logIn(say, platform, context.identityPlatform, { idNumber: owner.idNumber!, name: owner.name, method: 'esscard' }, 'the 经营者');

  step('The 经营者 authorises the use of the ID card and the 不动产权证书 (electronic signature); the shop has no 营业执照 yet');
  const holders = await authorise(platform, session, guide, '开办食品经营（副食店、士多店）', {
    legalRepresentative: { code: owner.idNumber!, type: 'citizen', who: 'the 经营者', consent: 'signature' },
  });

  step('Prefill the merged form from the 经营者\'s verified ID card and 不动产权证书');
  const prefill = await prefillForm(platform, session, guide, holders, '开办食品经营（副食店、士多店）：预填一表', ['foodSafetyManager.name']);

  step('The 经营者 completes what no licence holds: the shop\'s name and business, and the food business');
  const tradeName = '东升';
  const form = {
    ...prefill.form,
    enterprise: {
      ...prefill.form['enterprise'],
      tradeName, name: `梅县区${tradeName}副食店`, businessScope: '食品销售；日用百货销售', phone: owner.phone ?? '13800138000',
      foodBusinessFormat: '食品销售经营者', foodBusinessItems: '预包装食品（含冷藏冷冻食品）销售；散装食品（不含冷藏冷冻食品）销售',
    },
  };
  const materials = await materialsStep(platform, prefill);
  const applicationId = await submitAndFollow(context, platform, session, { themeCode, answers: guide.answers, form, evidenceToken: prefill.evidenceToken, materials });
  await showLicenceUses(platform, session, holders);
  step('The results are licences: 市场监管 issues them into the e-licence library (电子证照签发)');
  for (const [licenceType, name] of [['businessLicence', '营业执照'], ['foodBusinessLicence', '食品经营许可证']] as const) {
    const issued = await issuedLicence(context, applicationId, licenceType);
    say(`${name} issued: identifier ${issued.identifier} (GB/T 36904, assigned by the library)`);
  }
}

/** The application's licence of `licenceType` once its issuance is over; throws unless it was issued. */
async function issuedLicence(context: DemoContext, applicationId: string, licenceType: string): Promise<Json> {
  const deadline = Date.now() + context.timeoutMs;
  for (;;) {
    const application = check(await context.platform.request('GET', `/v1/applications/${applicationId}`), 200, 'application');
    const issued = (application.issuedLicences as Json[] | undefined)?.find((licence) => licence.licenceType === licenceType);
    if (issued?.status === 'issued') return issued;
    if (issued && issued.status !== 'issuing') throw new Error(`the ${licenceType} of application ${applicationId} was not issued: ${issued.status} ${JSON.stringify(issued.failure)}`);
    if (Date.now() > deadline) throw new Error(`the ${licenceType} of application ${applicationId} not issued within ${context.timeoutMs} ms`);
    await new Promise((resolveWait) => setTimeout(resolveWait, context.pollMs));
  }
}

/** The development counter terminal (src/trust/dev-material.ts) and its service hall. */
const COUNTER = { clientId: 'window-meizhou', hall: 'meizhou-hall' } as const;

/**
 * At the window of a service hall (一窗受理): the applicant, logged in on the platform, makes a QR code for the hall
 * and the theme; the officer, logged in at the counter terminal, scans it (once: a second scan is refused), reads
 * the applicant's licences, prefills and submits for them under the scan's authorisation.
 */
async function counterStory(context: DemoContext): Promise<void> {
  const { index, platform, counter } = context;
  const adultBorn = `${Number(index.today.slice(0, 4)) - 18}${index.today.slice(4)}`;
  const applicant = index.findPerson('adult with an ID card and a social security card', (person) => person.birthDate <= adultBorn
    && index.holdsSole(person.idNumber, ['residentIdCard', 'socialSecurityCard']), 1);
  const officer = index.findPerson('adult officer of the hall', (person) => person.birthDate <= adultBorn && person.idNumber !== null && person.key !== applicant.key, 7);
  const themeCode = STORIES.counter.themeCode;
  step(`异地就医备案 for ${masked(applicant.name)}, who goes to work elsewhere, at the window of service hall ${COUNTER.hall}, theme ${themeCode}`);
  const guide = await showGuide(platform, themeCode, {});
  const licenceTypes = [...new Set(guide.licences.filter((use) => use.subject === 'applicant').map((use) => use.licenceType))];

  step('The applicant logs in on the platform (SMS code) and makes a QR code for the window');
  const session = await logIn(say, platform, context.identityPlatform, { idNumber: applicant.idNumber!, name: applicant.name, method: 'sms' }, 'the applicant');
  const code = check(await platform.request('POST', '/v1/counter-codes', { body: { hallCode: COUNTER.hall, themeCode, licenceTypes }, idToken: session.idToken }), 201, 'counter QR code');
  say(`QR code for hall ${code.hallCode}, theme ${code.themeCode}, ${typeNames(code.licenceTypes)}: ${Array.from(code.qr.text as string).slice(0, 26).join('')}… (an SVG of ${code.qr.svg.length} bytes), scan before ${code.expiresAt}`);

  step(`At the window: the officer logs in at the counter terminal ${counter.clientId} (face recognition) and scans the code`);
  const staff = await logIn(say, counter, context.identityPlatform, { idNumber: officer.idNumber!, name: officer.name, method: 'face' }, 'the officer');
  const scan = check(await counter.request('POST', '/v1/counter/scans', { body: { code: code.qr.text }, idToken: staff.idToken }), 201, 'scan');
  say(`scanned: the applicant is ${masked(scan.applicant.name)} (${scan.applicant.idNumber}); the officer's authorisation ${scan.authorizationId} for ${typeNames(scan.licenceTypes)} at ${scan.hallCode}, until ${scan.expiresAt}`);
  const again = await counter.request('POST', '/v1/counter/scans', { body: { code: code.qr.text }, idToken: staff.idToken });
  say(`the same code scanned again: HTTP ${again.status} ${(again.body as Json)['code']}`);

  step('The officer reads the applicant\'s licences under the scan\'s authorisation');
  const query = new URLSearchParams({
    holderCode: applicant.idNumber!, holderType: 'citizen', licenceType: licenceTypes.join(','), themeCode, authorizationId: scan.authorizationId, useCause: '异地就医备案：窗口核验证照',
  });
  const read = check(await counter.request('GET', `/v1/licences?${query}`, { idToken: staff.idToken }), 200, 'licences');
  for (const licence of read.licences as Json[]) say(`${licence.typeName} ${redactText(String(licence.number))}: ${licence.verification.passed ? 'verified' : 'NOT verified'} (ledger #${licence.ledgerSeq})`);

  step('The officer prefills the form from them');
  const holders: AuthorisedHolders = { applicant: { code: applicant.idNumber!, type: 'citizen', who: 'the applicant', consent: 'counter', authorizationId: scan.authorizationId } };
  const prefill = await prefillForm(counter, staff, guide, holders, '异地就医备案：窗口预填');

  step('The officer completes the rest with the applicant: a phone number, where and from when');
  const form = {
    ...prefill.form,
    applicant: { ...prefill.form['applicant'], phone: applicant.phone ?? '13800138000' },
    remoteMedical: { destination: '广东省深圳市福田区', startDate: index.today },
  };
  const materials = await materialsStep(counter, prefill);
  await submitAndFollow(context, counter, staff, { themeCode, answers: guide.answers, form, evidenceToken: prefill.evidenceToken, materials, authorizationId: scan.authorizationId }, context.ops);
  await showLicenceUses(platform, session, holders);
}

/**
 * An adult who holds a 往来港澳通行证 asks for a 探亲 endorsement: its 签注费 (15 元) is due before acceptance, so
 * the sub-application waits for the payment; the sandbox's payment platform "pays" the notice a few seconds after
 * it is made and notifies Tongban, which then delivers it to 公安局 (docs/payments.md).
 */
async function feesStory(context: DemoContext): Promise<void> {
  const { index, platform } = context;
  const adultBorn = `${Number(index.today.slice(0, 4)) - 18}${index.today.slice(4)}`;
  const applicant = index.findPerson('adult with an ID card and a 居民户口簿', (person) => person.birthDate <= adultBorn
    && index.holdsSole(person.idNumber, ['residentIdCard', 'householdRegister']), 5);
  const themeCode = STORIES.fees.themeCode;
  step(`去港澳探亲一件事 for ${masked(applicant.name)}, who holds a 往来港澳通行证 already: only the endorsement, theme ${themeCode}`);
  const guide = await showGuide(platform, themeCode, { hasHongKongMacaoPass: true });

  step('The applicant logs in (face recognition) and authorises the use of the ID card');
  const session = await logIn(say, platform, context.identityPlatform, { idNumber: applicant.idNumber!, name: applicant.name, method: 'face' }, 'the applicant');
  const holders = await authorise(platform, session, guide, '办理往来港澳通行证探亲签注', { applicant: { code: applicant.idNumber!, type: 'citizen', who: 'the applicant', consent: 'face-recognition' } });
  const prefill = await prefillForm(platform, session, guide, holders, '办理往来港澳通行证探亲签注');

  step('The applicant completes the rest: a phone number and the pass: its number, destination and entries');
  const form = {
    ...prefill.form,
    applicant: { ...prefill.form['applicant'], phone: applicant.phone ?? '13800138000' },
    hongKongMacaoPass: { number: 'C60312345', destination: '香港', endorsementEntries: '一次有效' },
  };
  const materials = await materialsStep(platform, prefill);
  say('the endorsement charges a fee before acceptance: Tongban opens a payment notice (缴款通知书) and holds the matter until it is paid; the sandbox pays it for the applicant');
  const applicationId = await submitAndFollow(context, platform, session, { themeCode, answers: guide.answers, form, evidenceToken: prefill.evidenceToken, materials });
  const application = check(await platform.request('GET', `/v1/applications/${applicationId}`), 200, 'application');
  for (const payment of application.payments as Json[]) {
    say(`fee of ${payment.matterCode}: 缴款码 ${payment.noticeNo}, ${(payment.items as Json[]).map((item) => `${item.name} ${fen(item.amountFen)}`).join(' + ')} = ${fen(payment.totalFen)}, ${payment.status} (${payment.channel}, ${payment.paidAt})`);
  }
  await showLicenceUses(platform, session, holders);
}

/** An amount in 分 as 元, e.g. 1500 → 15.00 元. */
const fen = (amount: number) => `${Math.floor(amount / 100)}.${String(amount % 100).padStart(2, '0')} 元`;

/** Licence type keys as their names, e.g. 居民身份证、社会保障卡. */
const typeNames = (types: readonly string[]) => types.map((type) => LICENCE_TYPES[type as LicenceTypeKey].name).join('、');

/** The files the applicant hands in, each once, whichever matters ask for them (the prefill's verified licences need none). */
async function materialsStep(platform: SigningClient, prefill: Prefill): Promise<SubmittedMaterials> {
  step('Hand in the materials: each document once, whichever matters ask for it');
  return handInMaterials(say, platform, prefill);
}

/** The theme's guide: its matters (with their departments and 前置事项) and its one material list. */
async function showGuide(platform: SigningClient, themeCode: string, answers: Record<string, unknown>): Promise<Guide> {
  const guide = check(await platform.request('POST', `/v1/themes/${themeCode}/guide`, { body: { answers } }), 200, 'guide') as Guide;
  const names = new Map(guide.matters.map((matter) => [matter.code, short(matter.name)]));
  const matters = guide.matters.map((matter) => `${short(matter.name)} → ${matter.department.name}${matter.after.length ? ` (waits for ${matter.after.map((code) => names.get(code)).join(', ')})` : ''}`);
  say(`matters: ${matters.join('; ')}`);
  showMaterials(say, guide);
  return guide;
}

/** One authorisation per holder, covering the licence types the guide declares for the subjects that holder plays, given by the person logged in. */
async function authorise(platform: SigningClient, session: Session, guide: Guide, description: string, holders: Record<string, Holder>): Promise<AuthorisedHolders> {
  const ids = new Map<string, string>();
  for (const [subject, holder] of Object.entries(holders)) {
    if (ids.has(holder.code)) continue;
    const subjects = Object.keys(holders).filter((other) => holders[other]!.code === holder.code);
    const licenceTypes = [...new Set(guide.licences.filter((use) => subjects.includes(use.subject)).map((use) => use.licenceType))];
    const authorization = check(await platform.request('POST', '/v1/authorizations', { body: {
      holder: { code: holder.code, type: holder.type }, licenceTypes,
      purpose: { themeCode: guide.theme.code, description }, expiresAt: inOneHour(),
      consent: { method: holder.consent, at: new Date().toISOString() },
    }, idToken: session.idToken }), 201, `authorisation of ${subject}`);
    ids.set(holder.code, authorization.id);
    say(`${holder.who} (${CONSENT[holder.consent]}): authorisation ${authorization.id} for ${typeNames(licenceTypes)}`);
  }
  return Object.fromEntries(Object.entries(holders).map(([subject, holder]) => [subject, { ...holder, authorizationId: ids.get(holder.code)! }]));
}

/** Prefills the merged form: the auto-fill ratio, where values came from (the first four, and the fields `also` names), what is left for the applicant. */
async function prefillForm(client: SigningClient, session: Session, guide: Guide, holders: AuthorisedHolders, useCause: string, also: readonly string[] = []): Promise<Prefill> {
  const subjects = Object.fromEntries(Object.entries(holders).map(([subject, { code, type, authorizationId }]) => [subject, { code, type, authorizationId }]));
  const body = { themeCode: guide.theme.code, answers: guide.answers, useCause, holders: subjects };
  const prefill = check(await client.request('POST', '/v1/prefill', { body, idToken: session.idToken }), 200, 'prefill') as Prefill;
  say(`auto-filled ${prefill.autoFill.filled} of ${prefill.autoFill.total} fields (${percent(prefill.autoFill.ratio)}) from ${prefill.licences.filter((licence) => licence.used).length} verified licences`);
  const shown = Object.entries(prefill.provenance).filter(([field], index) => index < 4 || also.includes(field));
  for (const [field, provenance] of shown) {
    const shared = provenance as unknown as Partial<SharedDataProvenance>;
    if (shared.source === 'shared-data') say(`  ${field} ← shared data ${shared.resourceName} (${shared.resourceCode}, ${shared.sourceDepartment})`);
    else {
      const owner = provenance.subject === field.split('.')[0] ? '' : `the ${provenance.subject}'s, `;
      // A licence Tongban issued from an earlier application's result says which.
      say(`  ${field} ← ${provenance.licenceName} ${provenance.licenceIdentifier} (${owner}verified${provenance.resultOf ? `, ${provenance.resultOf.detail}` : ''})`);
    }
  }
  say(`left to the applicant: ${prefill.fields.filter((field) => !field.filled).map((field) => field.label).join('、')}`);
  return prefill;
}

/**
 * Submits once through `client` with an Idempotency-Key and the ID token of
 * the person submitting (and again, to show the same answer), follows the
 * application (read by `follower`) until every department has finished, and
 * prints the sealed results.
 * @throws Error when a department refused (不予受理) or time ran out.
 */
async function submitAndFollow(context: DemoContext, client: SigningClient, session: Session, submission: Submission, follower = client): Promise<string> {
  const { pollMs, timeoutMs } = context;
  step(`Submit once through ${client.clientId} (Idempotency-Key, the ID token of ${maskName(session.claims.name)}); Tongban splits it per department`);
  const key = `demo-${submission.themeCode}-${Date.now()}`;
  const send = () => client.request('POST', '/v1/applications', { body: submission, headers: { 'Idempotency-Key': key }, idToken: session.idToken });
  const submitted = check(await send(), 202, 'submission');
  const again = check(await send(), 202, 'the same submission again');
  say(`application ${submitted.applicationId}; the same submission again answers the same id: ${again.applicationId === submitted.applicationId}`);

  step('Follow it until every department has finished');
  const started = Date.now();
  const deadline = started + timeoutMs;
  const retries = new RetryWatch(context.ops);
  let last = '';
  let lastSaid = started;
  let application: Json;
  for (;;) {
    application = check(await follower.request('GET', `/v1/applications/${submitted.applicationId}`), 200, 'status');
    const line = application.subApplications.map((sub: Json) => `${short(sub.matterName)}: ${sub.status}${sub.acceptanceNumber ? ` (${sub.acceptanceNumber})` : ''}`).join(' | ')
      // Fees (网上缴费): each notice and where it stands; a fee due before acceptance holds the matter's delivery.
      + ((application.payments as Json[] | undefined) ?? []).map((payment) => ` | 缴费 ${payment.noticeNo ?? '(notice being made)'} ${fen(payment.totalFen)}: ${payment.status}`).join('');
    if (line !== last) { say(`[${application.status}] ${line}`); lastSaid = Date.now(); }
    last = line;
    if (await retries.report(application.subApplications as Json[])) lastSaid = Date.now();
    if (['completed', 'rejected', 'partially_rejected'].includes(application.status)) break;
    if (Date.now() > deadline) throw new Error(`application ${submitted.applicationId} not finished within ${timeoutMs} ms`);
    if (Date.now() - lastSaid >= HEARTBEAT_MS) {
      const open = (application.subApplications as Json[]).filter((sub) => sub.status !== 'completed' && sub.status !== 'rejected');
      say(`… ${Math.round((Date.now() - started) / 1000)} s: still waiting for ${open.map((sub) => `${short(sub.matterName)} (${sub.status}, delivery ${sub.delivery?.state ?? '?'})`).join(', ')}`);
      lastSaid = Date.now();
    }
    await new Promise((resolveWait) => setTimeout(resolveWait, pollMs));
  }
  for (const sub of application.subApplications) {
    if (sub.reason) say(`  ${short(sub.matterName)} refused: ${sub.reason}`);
    for (const result of sub.results ?? []) say(`  result of ${short(sub.matterName)}: ${result.name}${result.documentId ? ` (sealed by ${result.sealName})` : ''}${result.value ? ` = ${result.value}` : ''}`);
  }
  if (application.status !== 'completed') throw new Error(`application ${submitted.applicationId} ended ${application.status}`);
  return submitted.applicationId as string;
}

/** A submission's body (POST /v1/applications). */
interface Submission {
  themeCode: string;
  answers: Record<string, unknown>;
  form: Record<string, unknown>;
  evidenceToken: string;
  /** 领证方式 (online when absent). */
  resultDelivery?: Record<string, unknown>;
  materials: SubmittedMaterials;
  /** When the submitter is not a holder: the authorisation they act under (a counter scan's). */
  authorizationId?: string;
}

/** How long the follow loop may stay silent before it says what it still waits for (ms). */
const HEARTBEAT_MS = 10_000;

/**
 * Prints each failed delivery attempt as the application view shows it
 * (attempts, last error), with when Tongban tries again — read from the ops
 * deliveries, as the view does not carry the next attempt's time.
 */
class RetryWatch {
  private readonly seen = new Map<string, string>();

  constructor(private readonly ops: SigningClient) {}

  /** Says what changed since the last call; true when it said anything. */
  async report(subApplications: readonly Json[]): Promise<boolean> {
    let said = false;
    for (const sub of subApplications) {
      const delivery = sub.delivery as { id: string; state: string; attempts: number; lastError: string | null } | undefined;
      if (!delivery?.lastError) continue;
      const key = `${delivery.attempts}|${delivery.state}|${delivery.lastError}`;
      if (this.seen.get(delivery.id) === key) continue;
      this.seen.set(delivery.id, key);
      const error = Array.from(delivery.lastError).slice(0, 120).join('');
      const who = `${short(sub.matterName)} → ${sub.departmentCode}`;
      if (delivery.state === 'dead') say(`✗ ${who}: gave up after ${delivery.attempts} attempts (a dead letter): ${error}`);
      else if (delivery.state === 'pending') say(`↻ retry: ${who}: attempt ${delivery.attempts} failed (${error}); ${await this.nextAttempt(sub.departmentCode, delivery.id)}`);
      else continue;
      said = true;
    }
    return said;
  }

  private async nextAttempt(department: string, deliveryId: string): Promise<string> {
    const answer = await this.ops.request('GET', `/v1/ops/deliveries?state=pending&department=${encodeURIComponent(department)}&limit=1000`);
    const at = answer.status === 200 ? (answer.body as Json).deliveries.find((row: Json) => row.id === deliveryId)?.nextAttemptAt as string | undefined : undefined;
    if (!at) return 'Tongban tries again with backoff';
    const seconds = Math.max(0, (Date.parse(at) - Date.now()) / 1000);
    return `next attempt in ${seconds.toFixed(1)} s (${at})`;
  }
}

/** The licence-use ledger entries this story's authorisations made, per holder, and the dead letters. */
async function showLicenceUses(platform: SigningClient, session: Session, holders: AuthorisedHolders): Promise<void> {
  const shown = new Set<string>();
  for (const holder of Object.values(holders)) {
    if (shown.has(holder.code)) continue;
    shown.add(holder.code);
    const ledger = check(await platform.request('GET', `/v1/holders/${holder.code}/licence-uses`, { idToken: session.idToken }), 200, 'ledger');
    const uses = (ledger.uses as Json[]).filter((use) => use.authorizationId === holder.authorizationId).reverse();
    say(`licence-use ledger of ${holder.who}: ${uses.length} ${uses.length === 1 ? 'entry' : 'entries'} under this authorisation`);
    for (const use of uses) say(`  #${use.seq} ${use.at} ${use.licenceTypeName} ${use.action}/${use.outcome} by ${use.clientId}${actedBy(use.actor)}: ${use.useCause}`);
  }
}

/** Who acted at a ledger entry, as the ledger shows them (masked), e.g. ` (丘** as self, face, L3)`. */
function actedBy(actor: Json | null | undefined): string {
  if (!actor) return '';
  return ` (${actor.name} as ${actor.capacity}${actor.hall ? ` at ${actor.hall}` : ''}, ${(actor.methods as string[]).join('+')}, ${actor.level})`;
}

/** Deliveries Tongban gave up on (any application): 0 when every department took its sub-application. */
async function showDeadLetters(ops: SigningClient): Promise<void> {
  const dead = check(await ops.request('GET', '/v1/ops/deliveries?state=dead'), 200, 'ops');
  say(`dead letters now: ${dead.deliveries.length}`);
}

/** Waits until the gateway serves the themes (its first catalogue sync may still run right after start). */
async function waitForThemes(platform: SigningClient, url: string, themeCodes: readonly string[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (const themeCode of themeCodes) {
    for (;;) {
      let status: number;
      try {
        status = (await platform.request('GET', `/v1/themes/${themeCode}`)).status;
      } catch (error) {
        throw new Error(`no sandbox answers at ${url} (start it with \`npm start\`): ${(error as Error).cause ?? (error as Error).message}`);
      }
      if (status === 200) break;
      if (Date.now() > deadline) throw new Error(`the gateway at ${url} does not serve theme ${themeCode} (HTTP ${status}) after ${timeoutMs} ms`);
      await new Promise((resolveWait) => setTimeout(resolveWait, 250));
    }
  }
}

export function registerDemoCommand(program: Command): void {
  program.command('demo')
    .description('Drive whole stories (出生一件事, 开办食品经营, 异地就医备案 at a service-hall window, 去港澳探亲 with its fee paid online, 公租房 prefilled with shared data) through the public API of a running sandbox (start it with `npm start` first)')
    .option('--url <url>', `gateway URL (default: the running sandbox's, from ${SANDBOX_STATE_FILE}, else ${DEFAULT_URL})`)
    .addOption(new Option('--story <story>', 'which story to run').choices([...Object.keys(STORIES), 'all']).default('all'))
    .option('--timeout <ms>', 'how long to wait for the departments, per story', '120000')
    .action(async (options: { url?: string; story: StoryName | 'all'; timeout: string }) => {
      const url = options.url ?? runningSandboxUrl() ?? DEFAULT_URL;
      const certsDir = resolve(loadCliConfig().config.certsDir);
      const key = (client: string) => JSON.parse(readFileSync(join(certsDir, `${client}.jwk.json`), 'utf8')) as PrivateJwk;
      const client = (id: string) => createSigningClient({ baseUrl: url, clientId: id, key: key(id), tongbanKeys: () => jwks(url) });
      const stories = options.story === 'all' ? Object.values(STORIES) : [STORIES[options.story]];
      const platform = client('platform');
      await waitForThemes(platform, url, stories.map((story) => story.themeCode), Number(options.timeout));
      const context: DemoContext = {
        platform, counter: client(COUNTER.clientId), ops: client('ops'), identityPlatform: await trustedIdentityPlatform(platform),
        index: new PopulationIndex(createPopulation()), pollMs: 500, timeoutMs: Number(options.timeout),
      };
      for (const story of stories) {
        await story.run(context);
        await showDeadLetters(context.ops);
        process.stdout.write(`\n✔ ${story.title} completed: one form, one set of materials, once.\n`);
      }
    });
}
