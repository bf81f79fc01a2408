/**
 * Results issued as licences, end to end on SQLite and PostgreSQL: a
 * 出生一件事 whose 出生登记 公安 completes with the child's 公民身份号码, the
 * household facts and the 户口簿 page as a document — sealed, issued into the
 * licence library simulator (real HTTP, real signatures) with the identifier
 * the library assigns, shown in the application view and notified
 * (`licence.issued`); then the mother, logged in with an ID token, is the
 * newborn's guardian, authorises, and a later prefill for the child fills
 * the child's fields from that licence through the normal access path
 * (ledger), with provenance naming the application. 民政和人社局 completes
 * 社会保障卡申领 with the card (its simulator's results): the child's
 * 社会保障卡 is issued too, to the 公民身份号码 出生登记 assigned. A refusal by
 * the library is a visible dead letter with the library's code; a
 * department's revocation event revokes the licence in the library.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { ISSUERS, type Person } from '../../../adapters/common/population/index.js';
import { resultPdf } from '../../../adapters/common/department/simulator/result-documents.js';
import { licenceResultOutcomes } from '../../../adapters/common/department/simulator/licence-results.js';
import { sharedIssuerPki } from '../../../adapters/licence-library/index.js';
import { makeIdNumber, validateLicenceIdentifier } from '../../../src/domain/identifiers/index.js';
import type { DepartmentResult } from '../../../src/domain/department-channel.js';
import {
  BIRTH_REGISTRATION, BIRTH_THEME, birthForm, birthSubmission, SOCIAL_SECURITY_CARD, startDeliveryEnvironment, type ApplicationView, type DeliveryEnvironment,
} from '../../helpers/delivery-environment.js';
import { satisfyListed } from '../../helpers/materials.js';
import { allPassed, storeFixtures } from '../../helpers/stores.js';
import { waitFor } from '../../helpers/wait.js';
import { authoriseAndPrefill, expectFilledFromResult } from './later-prefill.js';

const ISSUER = ISSUERS.meixianPolice;
/** The 社会保障卡's issuer (发卡机构), as of every card in the population. */
const CARD_ISSUER = ISSUERS.cityHumanResources;
/** A later theme for the child: 去港澳探亲一件事, the child's own 往来港澳通行证 first (its matter reads the applicant's 户口簿). */
const LATER_THEME = 'MX-T16';

interface IssuedLicenceView { subApplicationId: string; licenceType: string; identifier: string | null; status: string; failure: { code: string; message: string } | null }
type View = ApplicationView & { issuedLicences: IssuedLicenceView[] };

for (const fixture of storeFixtures()) describe(`results issued as licences: 出生一件事 → 户口簿 → a later prefill (${fixture.name})`, function () {
  this.timeout(120_000);
  let env: DeliveryEnvironment;
  let newborn: Person;
  let mother: Person;
  let childId: string;
  let applicationId: string;
  let identifier: string;
  /** 公安's results for 出生登记, by child name (the 公民身份号码 given decides a refusal). */
  const registrations = new Map<string, DepartmentResult[]>();

  const pagePdf = (name: string) => resultPdf(['Household register page', `Name: ${name}`]).toString('base64');
  const resultsFor = (child: Person, idNumber: string): DepartmentResult[] => [
    { name: '公民身份号码', value: idNumber },
    { name: '户号', value: child.householdNumber },
    { name: '户主姓名', value: mother.name },
    { name: '与户主关系', value: child.sex === 'male' ? '子' : '女' },
    { name: '民族', value: '汉族' },
    { name: '籍贯', value: '广东省梅州市' },
    { name: '居民户口簿', documentBase64: pagePdf(child.name) },
  ];
  const submitBirth = async (child: Person): Promise<string> => {
    const form = birthForm({
      child: { name: child.name, sex: child.sex === 'male' ? '男' : '女', birthDate: child.birthDate, address: '广东省梅州市梅县区新城街道华侨路8号' },
      mother: { name: mother.name, idNumber: mother.idNumber! },
      guardian: { name: mother.name, idNumber: mother.idNumber! },
    });
    const answer = await env.submit(birthSubmission(form));
    expect(answer.status, JSON.stringify(answer.body)).to.equal(202);
    return (answer.body as { applicationId: string }).applicationId;
  };
  const view = async (id: string) => await env.application(id) as View;
  /** The application's issued licence of a type (the 户口簿 page by default). */
  const issuedOf = (current: ApplicationView, licenceType = 'householdRegister') => (current as View).issuedLicences?.find((licence) => licence.licenceType === licenceType);
  const waitForIssuance = (id: string, check: (issued: IssuedLicenceView | undefined) => boolean, what: string, licenceType?: string) =>
    env.waitForApplication(id, (current) => check(issuedOf(current, licenceType)), what, 30_000) as Promise<View>;

  before(async function () {
    this.timeout(120_000);
    // The issuing department's signing credentials, as ops would install them.
    const keys = mkdtempSync(join(tmpdir(), 'tongban-issuers-'));
    sharedIssuerPki().warm([ISSUER, CARD_ISSUER]);
    for (const issuer of [ISSUER, CARD_ISSUER]) {
      const credentials = sharedIssuerPki().credentials(issuer);
      writeFileSync(join(keys, `${issuer.creditCode}.key.pem`), credentials.privateKeyPem);
      writeFileSync(join(keys, `${issuer.creditCode}.cert.pem`), credentials.certificatePem);
    }
    env = await startDeliveryEnvironment(fixture, { licenceLibrary: true, env: { TONGBAN_LICENCE_ISSUER_KEYS_DIR: keys } });
    const population = env.library!.population;
    // A newborn whose birth registration is pending (no ID number yet), whose mother holds the 出生医学证明.
    const byKey = new Map(population.persons.map((person) => [person.key, person]));
    const candidates = population.persons.filter((person) => person.idNumber === null && person.motherKey && byKey.get(person.motherKey)?.idNumber
      && population.licences.some((licence) => licence.type === 'birthCertificate' && licence.holder.code === byKey.get(person.motherKey!)!.idNumber && licence.surface['CSRQ'] === person.birthDate));
    newborn = candidates[0]!;
    mother = byKey.get(newborn.motherKey!)!;
    childId = makeIdNumber({ areaCode: '441403', birthDate: newborn.birthDate, sequence: newborn.sex === 'male' ? 511 : 512 });
    registrations.set(newborn.name, resultsFor(newborn, childId));
    env.outcomes.gaj = (delivery) => {
      if (delivery.matterCode !== BIRTH_REGISTRATION) return 'complete';
      const results = registrations.get(String(delivery.form['xsexm']));
      return results ? { kind: 'complete', results } : 'complete';
    };
    env.outcomes.ybj = () => 'complete';
    // 民政和人社局 completes 社会保障卡申领 as the sandbox's does: with the card (卡号, bank account) and its document.
    const cards = licenceResultOutcomes(population);
    env.outcomes.mzrsj = (delivery) => cards(delivery) ?? 'complete';
  });
  after(async function () {
    await env?.close();
    await fixture.cleanup(allPassed(this.test!.parent!));
  });

  it('出生登记 completed: the 户口簿 page is issued into the library with the identifier it assigns, shown in the view and notified', async () => {
    applicationId = await submitBirth(newborn);
    await env.waitForApplication(applicationId, (current) => current.subApplications[0]!.status === 'delivered', '出生登记 delivered');
    await env.gaj.flushEvents();
    const issued = await waitForIssuance(applicationId, (licence) => licence?.status === 'issued', 'the 户口簿 issued');
    const registration = issued.subApplications.find((sub) => sub.matterCode === BIRTH_REGISTRATION)!;
    const licence = issuedOf(issued)!;
    expect(licence).to.deep.include({ subApplicationId: registration.id, licenceType: 'householdRegister', status: 'issued', failure: null });
    identifier = licence.identifier!;
    expect(validateLicenceIdentifier(identifier).ok).to.equal(true);

    // The library keeps it with its surface, and the sealed document as its file.
    const record = env.library!.licence(identifier)!;
    expect(record.holder).to.deep.equal({ code: childId, type: '111', name: newborn.name });
    expect(record.surface).to.include({ XM: newborn.name, GMSFHM: childId, CSRQ: newborn.birthDate, HH: newborn.householdNumber, MZ: '汉族', HYZK: '未婚', CBJG: ISSUER.name });
    expect(env.library!.requests.filter((request) => request.operation === 'issue').map((request) => request.status)).to.include(0);

    const { rows } = await env.gateway.store.query<{ payload: string }>("SELECT payload FROM webhook_messages WHERE application_id = $1 AND type = 'licence.issued'", [applicationId]);
    expect(rows.map((row) => (JSON.parse(row.payload) as { data: unknown }).data)).to.deep.equal([{ licenceType: 'householdRegister', identifier, status: 'issued' }]);
  });

  it('社会保障卡申领 completed: the child\'s 社会保障卡 is issued to the 公民身份号码 出生登记 assigned, by the city\'s 人社局, its surface as declared', async () => {
    await env.waitForApplication(applicationId, (current) => current.subApplications.find((sub) => sub.matterCode === SOCIAL_SECURITY_CARD)!.status === 'delivered', '社会保障卡申领 delivered');
    await env.mzrsj.flushEvents();
    const issued = await waitForIssuance(applicationId, (licence) => licence?.status === 'issued', 'the 社会保障卡 issued', 'socialSecurityCard');
    const application = issued.subApplications.find((sub) => sub.matterCode === SOCIAL_SECURITY_CARD)!;
    const card = issuedOf(issued, 'socialSecurityCard')!;
    expect(card).to.deep.include({ subApplicationId: application.id, status: 'issued', failure: null });
    expect(validateLicenceIdentifier(card.identifier).ok).to.equal(true);
    expect(card.identifier).to.not.equal(identifier);
    const result = (name: string) => application.results!.find((item) => item.name === name)?.value;
    expect(result('卡号')).to.match(/^[MNQ]\d{8}$/);
    expect(result('银行账号')).to.match(/^\d{19}$/);

    const record = env.library!.licence(card.identifier!)!;
    expect(record.holder).to.deep.equal({ code: childId, type: '111', name: newborn.name });
    expect(record).to.deep.include({ type: 'socialSecurityCard', issuer: 'cityHumanResources', number: result('卡号') });
    // Ten years, to the day before the anniversary: the card's 有效期至 is the licence's last day of validity.
    const end = new Date(`${record.issuedOn}T00:00:00Z`);
    end.setUTCFullYear(end.getUTCFullYear() + 10);
    end.setUTCDate(end.getUTCDate() - 1);
    expect(record.validUntil).to.equal(end.toISOString().slice(0, 10));
    expect(record.surface).to.deep.equal({
      XM: newborn.name, XB: newborn.sex === 'male' ? '男' : '女', SHBZHM: childId, KH: result('卡号'), FKRQ: record.issuedOn, YXQZ: record.validUntil,
      CBZT: '城乡居民参保', FKJG: CARD_ISSUER.name, KHYH: result('开户银行'), YHZH: result('银行账号'),
    });
    const { rows } = await env.gateway.store.query<{ payload: string }>("SELECT payload FROM webhook_messages WHERE application_id = $1 AND type = 'licence.issued'", [applicationId]);
    expect(rows.map((row) => (JSON.parse(row.payload) as { data: unknown }).data)).to.deep.include({ licenceType: 'socialSecurityCard', identifier: card.identifier, status: 'issued' });
  });

  it('a later, different theme for the child (去港澳探亲, the child\'s own 往来港澳通行证): the mother (guardian, ID token) prefills it from that licence with provenance naming the application, and submits it; the read is in the ledger', async () => {
    const idToken = await env.sessions.idToken(env.platform, { idNumber: mother.idNumber!, name: mother.name });
    const answers = { hasHongKongMacaoPass: false };
    const body = await authoriseAndPrefill(env, {
      idToken, holder: { code: childId, type: 'citizen' }, subject: 'applicant', licenceTypes: ['residentIdCard', 'householdRegister'], themeCode: LATER_THEME, answers,
      purpose: '为孩子办理往来港澳通行证及探亲签注', useCause: '为孩子办理往来港澳通行证', consent: 'face-recognition',
    });
    const { authorizationId } = body;
    // The child has no ID card: everything about them comes from the 户口簿 page 出生登记 issued.
    expect(body.form['applicant']).to.include({ name: newborn.name, idNumber: childId, sex: newborn.sex === 'male' ? '男' : '女', birthDate: newborn.birthDate });
    await expectFilledFromResult(env, body, {
      fields: ['applicant.name', 'applicant.idNumber', 'applicant.sex', 'applicant.birthDate', 'applicant.address'], identifier, applicationId, holderCode: childId, themeCode: LATER_THEME,
    });

    // The later application itself: the mother submits for the child under the authorisation, the 户口簿 (CL002) satisfied by the issued licence.
    const form = {
      ...body.form,
      applicant: { ...body.form['applicant'], phone: '13800138000' },
      hongKongMacaoPass: { applicationType: '首次申请', destination: '香港', endorsementEntries: '一次有效' },
    };
    const materials = await satisfyListed(env.platform, body.materials, LATER_THEME);
    const later = await env.submit({ themeCode: LATER_THEME, answers, form, evidenceToken: body.evidenceToken, authorizationId, materials }, undefined, env.platform, idToken);
    expect(later.status, JSON.stringify(later.body)).to.equal(202);
    const laterView = await view((later.body as { applicationId: string }).applicationId);
    expect(laterView.subApplications.map((sub) => sub.matterCode)).to.deep.equal(['002030068000', '002039777000']);
    const { rows } = await env.gateway.store.query<{ form: string }>('SELECT form FROM sub_applications WHERE application_id = $1 AND matter_code = $2',
      [laterView.id, '002030068000']);
    expect(JSON.parse(rows[0]!.form)).to.include({ xm: newborn.name, sfzhm: childId });
  });

  it('a revocation event from the department revokes it in the library; the view and the notification say so', async () => {
    const department = await env.department('gaj');
    const registration = (await view(applicationId)).subApplications.find((sub) => sub.matterCode === BIRTH_REGISTRATION)!;
    const answer = await department.request('POST', '/v1/departments/gaj/events', {
      body: { eventId: `revoke-${registration.id}`, subApplicationId: registration.id, type: 'licence_revoked', occurredAt: new Date().toISOString(), revocationKind: 'revoke', reason: '登记信息有误，予以吊销', licenceIdentifier: identifier },
    });
    expect(answer.status, JSON.stringify(answer.body)).to.equal(201);
    const revoked = await waitForIssuance(applicationId, (licence) => licence?.status === 'revoked', 'the 户口簿 revoked');
    expect(issuedOf(revoked)).to.deep.include({ identifier, status: 'revoked' });
    expect(env.library!.licence(identifier)!.status).to.equal('03');
    const missing = await department.request('POST', '/v1/departments/gaj/events', {
      body: { eventId: `revoke-bad-${registration.id}`, subApplicationId: registration.id, type: 'licence_revoked', occurredAt: new Date().toISOString(), reason: '缺少类型' },
    });
    expect(missing.status).to.equal(400);
    expect(JSON.stringify(missing.body)).to.contain('/revocationKind');
  });

  it('an issuance the library refuses (201 holder mismatch) is a visible dead letter with the library\'s code, listed for ops', async () => {
    const sibling = env.library!.population.persons.find((person) => person.idNumber === null && person.key !== newborn.key && person.name !== newborn.name)!;
    // 公安 answers with an ID number the library knows under another name.
    registrations.set(sibling.name, resultsFor(sibling, mother.idNumber!));
    const id = await submitBirth({ ...sibling, birthDate: newborn.birthDate, sex: newborn.sex } as Person);
    await env.waitForApplication(id, (current) => current.subApplications[0]!.status === 'delivered', '出生登记 delivered');
    await env.gaj.flushEvents();
    const refused = await waitForIssuance(id, (licence) => licence?.status === 'failed', 'the issuance refused');
    expect(issuedOf(refused)).to.deep.include({ identifier: null, status: 'failed' });
    expect(issuedOf(refused)!.failure).to.deep.include({ code: '201' });
    expect(issuedOf(refused)!.failure!.message).to.match(/holder mismatch/);
    const dead = await env.ops.request('GET', '/v1/ops/licence-issuances?state=dead');
    expect(dead.status).to.equal(200);
    const job = (dead.body as { issuances: { id: string; applicationId: string; errorCode: string }[] }).issuances.find((item) => item.applicationId === id)!;
    expect(job).to.deep.include({ errorCode: '201' });
    // Replayed, the library refuses the same way: dead again, never issued.
    const replay = await env.ops.request('POST', `/v1/ops/licence-issuances/${job.id}/replay`);
    expect(replay.status, JSON.stringify(replay.body)).to.equal(200);
    await waitFor(async () => issuedOf(await view(id))?.failure?.code === '201', { what: 'the replay refused again', timeoutMs: 20_000 });
    expect((await env.gateway.store.query("SELECT action FROM ops_audit WHERE action = 'licence_issuance.replay' AND target = $1", [job.id])).rows).to.have.length(1);
  });

  it('a library that fails (503) is retried with the same business number and the licence is issued once', async () => {
    const child = env.library!.population.persons.filter((person) => person.idNumber === null && ![...registrations.keys()].includes(person.name))[0]!;
    registrations.set(child.name, resultsFor(child, makeIdNumber({ areaCode: '441403', birthDate: child.birthDate, sequence: child.sex === 'male' ? 513 : 514 })));
    env.library!.faults.enqueue({ kind: 'status', status: 503, pathPrefix: '/license/api/cert/issue' });
    const issuedBefore = env.library!.licencesIssued;
    const id = await submitBirth(child);
    await env.waitForApplication(id, (current) => current.subApplications[0]!.status === 'delivered', '出生登记 delivered');
    await env.gaj.flushEvents();
    await waitForIssuance(id, (licence) => licence?.status === 'issued', 'issued after a retry');
    expect(env.library!.licencesIssued).to.equal(issuedBefore + 1);
    const done = await env.ops.request('GET', '/v1/ops/licence-issuances?state=done&limit=200');
    expect((done.body as { issuances: { applicationId: string; attempts: number }[] }).issuances.find((item) => item.applicationId === id)).to.deep.include({ attempts: 2 });
  });

  it('a declaration that finds no value (no 公民身份号码 in the results) is a dead letter MAPPING at once, not replayable', async () => {
    const child = env.library!.population.persons.filter((person) => person.idNumber === null && ![...registrations.keys()].includes(person.name))[0]!;
    registrations.set(child.name, resultsFor(child, 'unused').filter((result) => result.name !== '公民身份号码'));
    const id = await submitBirth(child);
    await env.waitForApplication(id, (current) => current.subApplications[0]!.status === 'delivered', '出生登记 delivered');
    await env.gaj.flushEvents();
    const failed = await waitForIssuance(id, (licence) => licence?.status === 'failed', 'the issuance failed');
    expect(issuedOf(failed)!.failure).to.deep.include({ code: 'MAPPING' });
    expect(issuedOf(failed)!.failure!.message).to.contain('/issues/holder/code');
    const dead = await env.ops.request('GET', '/v1/ops/licence-issuances?state=dead&limit=200');
    const job = (dead.body as { issuances: { id: string; applicationId: string }[] }).issuances.find((item) => item.applicationId === id)!;
    expect((await env.ops.request('POST', `/v1/ops/licence-issuances/${job.id}/replay`)).status).to.equal(409);
  });
});
