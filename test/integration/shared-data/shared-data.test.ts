/**
 * Shared data through Tongban, over real sockets against the data-sharing
 * exchange, licence-library and matter-system simulators, with the project's
 * mappings, on SQLite and PostgreSQL: a prefill of 我要申请公租房 (MX-T30)
 * whose auto-fill ratio rises when the authorisation names the shared
 * resources (per-field provenance `shared-data`), refusals before anything
 * is asked of the exchange, verification (在线核验), and the ledger entries.
 */
import { expect } from 'chai';
import type { DataSharingSimulator } from '../../../adapters/data-sharing/simulator/index.js';
import { PopulationIndex, type Person } from '../../../adapters/common/population/index.js';
import { SHARED_RESOURCES } from '../../../src/domain/shared-data.js';
import type { Authorization, LedgerEntry } from '../../../src/licences/index.js';
import type { SigningClientResponse } from '../../../src/trust/signing-client.js';
import { MAPPINGS_DIR } from '../../../src/forms/mappings/load-mappings.js';
import { allPassed, storeFixtures } from '../../helpers/stores.js';
import type { LicenceEnvironment } from '../licences/environment.js';
import { startSharedDataEnvironment } from './environment.js';

const THEME = 'MX-T30';
const REASON = '我要申请公租房：预填申请表';
const LICENCES = ['residentIdCard', 'householdRegister'];
const inOneYear = () => new Date(Date.now() + 300 * 86_400_000).toISOString();

interface PrefillAnswer {
  autoFill: { filled: number; total: number; ratio: number };
  form: Record<string, Record<string, unknown>>;
  provenance: Record<string, Record<string, unknown>>;
  missingSources: { subject: string; licenceTypes: string[]; kind: string }[];
  sharedDataSkipped: { subject: string; resources: string[]; kind: string }[];
  conflicts: unknown[];
}

function expectProblem(answer: SigningClientResponse, status: number, code: string): Record<string, unknown> {
  expect(answer.status, JSON.stringify(answer.body)).to.equal(status);
  expect(answer.headers['content-type']).to.match(/application\/problem\+json/);
  expect(answer.body).to.include({ code });
  return answer.body as Record<string, unknown>;
}

for (const fixture of storeFixtures()) describe(`shared data through Tongban (${fixture.name})`, function () {
  this.timeout(120_000);
  let exchange: DataSharingSimulator;
  let env: LicenceEnvironment;
  let applicant: Person;
  let spouse: Person;

  before(async function () {
    this.timeout(120_000);
    ({ exchange, env } = await startSharedDataEnvironment(fixture, MAPPINGS_DIR));
    const index = new PopulationIndex(env.library.population);
    applicant = index.findPerson('a married applicant with a 居民身份证 and a 户口簿', (person) => person.marriage !== undefined && person.spouseKey !== undefined
      && index.holdsSole(person.idNumber, ['residentIdCard', 'householdRegister']) && exchange.records.record('householdRegistration', person.idNumber!) !== undefined);
    spouse = index.person(applicant.spouseKey)!;
  });
  after(async function () {
    await env?.close();
    await exchange?.close();
    await fixture.cleanup(allPassed(this.test!.parent!));
  });

  async function authorize(licenceTypes: string[], holder: Person = applicant): Promise<Authorization> {
    const answer = await env.platform.request('POST', '/v1/authorizations', {
      idToken: await env.loginAs(holder.idNumber!),
      body: { holder: { code: holder.idNumber, type: 'citizen' }, licenceTypes, purpose: { themeCode: THEME }, expiresAt: inOneYear(), consent: { method: 'face-recognition', at: new Date().toISOString() } },
    });
    expect(answer.status, JSON.stringify(answer.body)).to.equal(201);
    return answer.body as Authorization;
  }

  async function prefill(authorization: Authorization): Promise<PrefillAnswer> {
    const answer = await env.platform.request('POST', '/v1/prefill', {
      idToken: await env.loginAs(applicant.idNumber!),
      body: { themeCode: THEME, answers: {}, useCause: REASON, holders: { applicant: { code: applicant.idNumber, type: 'citizen', authorizationId: authorization.id } } },
    });
    expect(answer.status, JSON.stringify(answer.body)).to.equal(200);
    return answer.body as PrefillAnswer;
  }

  async function ledger(holderCode: string): Promise<(LedgerEntry & { licenceTypeName: string | null })[]> {
    const answer = await env.ops.request('GET', `/v1/holders/${holderCode}/licence-uses`);
    expect(answer.status, JSON.stringify(answer.body)).to.equal(200);
    return (answer.body as { uses: (LedgerEntry & { licenceTypeName: string | null })[] }).uses;
  }

  it('prefill: the ratio rises with shared data, each field saying where it came from; without the resources authorised nothing is asked', async () => {
    const before = exchange.calls().length;
    const licencesOnly = await prefill(await authorize(LICENCES));
    expect(exchange.calls().length, 'nothing asked of the exchange').to.equal(before);
    expect(licencesOnly.missingSources).to.deep.equal([]);
    expect(licencesOnly.sharedDataSkipped.map(({ subject, resources, kind }) => ({ subject, resources, kind }))).to.deep.equal([{ subject: 'applicant', resources: ['householdRegistration', 'marriageRegistration'], kind: 'not-authorised' }]);
    expect(licencesOnly.form['household']?.['size']).to.equal(undefined);

    const authorization = await authorize([...LICENCES, 'householdRegistration', 'marriageRegistration']);
    const withShared = await prefill(authorization);
    expect(withShared.autoFill.total).to.equal(licencesOnly.autoFill.total);
    expect(withShared.autoFill.filled).to.be.greaterThan(licencesOnly.autoFill.filled);
    expect(withShared.autoFill.ratio).to.be.greaterThan(licencesOnly.autoFill.ratio);
    expect(withShared.sharedDataSkipped).to.deep.equal([]);

    const household = exchange.records.record('householdRegistration', applicant.idNumber!)!;
    expect(withShared.form['household']!['size']).to.equal(Number(household.fields['HNRS']));
    expect(withShared.provenance['household.size']).to.deep.include({
      source: 'shared-data', resource: 'householdRegistration', resourceCode: SHARED_RESOURCES.householdRegistration.code, resourceName: '户籍信息',
      sourceDepartment: '广东省公安厅', dataTime: `${household.updatedOn}T00:00:00+08:00`, subject: 'applicant',
    });
    // Licences are read first: what they fill keeps its licence provenance.
    expect(withShared.provenance['applicant.name']).to.include({ source: 'licence' });
    expect(withShared.provenance['applicant.maritalStatus']).to.include({ source: 'licence', licenceType: 'householdRegister' });
    const bySource = Object.values(withShared.provenance).map((entry) => entry['source']);
    expect(bySource.filter((source) => source === 'licence')).to.have.length(licencesOnly.autoFill.filled);
    expect(bySource.filter((source) => source === 'shared-data')).to.have.length(withShared.autoFill.filled - licencesOnly.autoFill.filled);

    const calls = exchange.calls().slice(before);
    expect(calls.map((call) => call.resourceCode).sort()).to.deep.equal([SHARED_RESOURCES.householdRegistration.code, SHARED_RESOURCES.marriageRegistration.code]);
    for (const call of calls) expect(call).to.include({ operation: 'query', holderCode: applicant.idNumber, purpose: REASON, authorizationRef: authorization.id });

    const entries = (await ledger(applicant.idNumber!)).filter((entry) => entry.action === 'shared-data');
    expect(entries.map((entry) => entry.licenceType).sort()).to.deep.equal(['householdRegistration', 'marriageRegistration']);
    for (const entry of entries) {
      expect(entry).to.include({ holderCode: applicant.idNumber, authorizationId: authorization.id, useCause: REASON, themeCode: THEME, outcome: 'used' });
      expect(entry.actor).to.include({ capacity: 'self' });
    }
  });

  it('a conflict between a licence and shared data is reported; the licence value is kept', async () => {
    // The 户口簿 page prints 婚姻状况; the marriage registry says 已婚: someone whose page says otherwise conflicts.
    const index = new PopulationIndex(env.library.population);
    const page = index.sole(applicant.idNumber!, 'householdRegister')!.surface['HYZK'];
    const answer = await prefill(await authorize([...LICENCES, 'householdRegistration', 'marriageRegistration']));
    const conflicts = answer.conflicts as { canonical: string; kept: { value: unknown }; other: { value: unknown; resourceCode?: string } }[];
    const marital = conflicts.filter((conflict) => conflict.canonical === 'applicant.maritalStatus');
    if (page === '已婚') expect(marital).to.deep.equal([]);
    else expect(marital).to.deep.equal([{ canonical: 'applicant.maritalStatus', kept: marital[0]!.kept, other: { value: '已婚', resourceCode: SHARED_RESOURCES.marriageRegistration.code, sourceDepartment: '广东省民政厅' } }]);
    expect(answer.form['applicant']!['maritalStatus']).to.equal(page);
  });

  describe('direct reads and verification', () => {
    const body = (authorizationId: string | undefined, overrides: Record<string, unknown> = {}) => ({
      holder: { code: applicant.idNumber, type: 'citizen' }, ...(authorizationId ? { authorizationId } : {}), themeCode: THEME, useCause: '公租房资格审核', ...overrides,
    });

    it('a holder without an authorisation naming the resource → 403 and the exchange is asked nothing', async () => {
      const before = exchange.calls().length;
      const idToken = await env.loginAs(applicant.idNumber!);
      expectProblem(await env.platform.request('POST', '/v1/shared-data/query', { idToken, body: body(undefined, { resources: ['socialInsuranceEnrolment'] }) }), 403, 'AUTHORIZATION_REQUIRED');
      const licencesOnly = await authorize(LICENCES);
      const notCovering = expectProblem(await env.platform.request('POST', '/v1/shared-data/query', { idToken, body: body(licencesOnly.id, { resources: ['socialInsuranceEnrolment'] }) }), 403, 'AUTHORIZATION_NOT_COVERING');
      expect(notCovering['missingLicenceTypes']).to.deep.equal(['socialInsuranceEnrolment']);
      expectProblem(await env.platform.request('POST', '/v1/shared-data/verify', { idToken, body: body(licencesOnly.id, { resource: 'marriageRegistration', claims: { POGMSFHM: spouse.idNumber } }) }), 403, 'AUTHORIZATION_NOT_COVERING');
      // The spouse logged in with the applicant's authorisation: not the person it was given by.
      const covering = await authorize(['socialInsuranceEnrolment']);
      expectProblem(await env.platform.request('POST', '/v1/shared-data/query', { idToken: await env.loginAs(spouse.idNumber!), body: body(covering.id, { resources: ['socialInsuranceEnrolment'] }) }), 403, 'HOLDER_MISMATCH');
      expectProblem(await env.platform.request('POST', '/v1/shared-data/query', { idToken, body: body(covering.id, { resources: ['socialInsuranceEnrolment'], useCause: ' ' }) }), 400, 'USE_CAUSE_REQUIRED');
      expect(exchange.calls().length, 'nothing asked of the exchange').to.equal(before);
      expect((await ledger(applicant.idNumber!)).filter((entry) => entry.licenceType === 'socialInsuranceEnrolment')).to.deep.equal([]);
    });

    it('reads a record under a covering authorisation, with its source department, ledgered', async () => {
      const authorization = await authorize(['socialInsuranceEnrolment']);
      const answer = await env.platform.request('POST', '/v1/shared-data/query', { idToken: await env.loginAs(applicant.idNumber!), body: body(authorization.id, { resources: ['socialInsuranceEnrolment'] }) });
      expect(answer.status, JSON.stringify(answer.body)).to.equal(200);
      const [record] = (answer.body as { records: Record<string, unknown>[] }).records;
      expect(record).to.deep.include({ resource: 'socialInsuranceEnrolment', resourceCode: SHARED_RESOURCES.socialInsuranceEnrolment.code, sourceDepartment: '广东省人力资源和社会保障厅' });
      expect((record!['data'] as Record<string, string>)['CBRQ']).to.equal(applicant.socialSecurity!.insuredSince);
      const [entry] = (await ledger(applicant.idNumber!)).filter((use) => use.seq === record!['ledgerSeq']);
      expect(entry).to.include({ action: 'shared-data', licenceType: 'socialInsuranceEnrolment', licenceIdentifier: SHARED_RESOURCES.socialInsuranceEnrolment.code, outcome: 'used', licenceTypeName: '社会保险参保信息' });
    });

    it('verifies "married to each other" without returning the data; a false statement is ledgered refused-invalid', async () => {
      const authorization = await authorize(['marriageRegistration']);
      const idToken = await env.loginAs(applicant.idNumber!);
      const yes = await env.platform.request('POST', '/v1/shared-data/verify', { idToken, body: body(authorization.id, { resource: 'marriageRegistration', claims: { POGMSFHM: spouse.idNumber } }) });
      expect(yes.status, JSON.stringify(yes.body)).to.equal(200);
      expect(yes.body).to.include({ holds: true, resource: 'marriageRegistration', resourceCode: SHARED_RESOURCES.marriageRegistration.code, sourceDepartment: '广东省民政厅' });
      expect(Object.keys(yes.body as object).sort()).to.deep.equal(['holds', 'ledgerSeq', 'resource', 'resourceCode', 'sourceDepartment', 'verificationId']);
      const no = await env.platform.request('POST', '/v1/shared-data/verify', { idToken, body: body(authorization.id, { resource: 'marriageRegistration', claims: { POGMSFHM: applicant.idNumber } }) });
      expect(no.body).to.include({ holds: false });
      const entries = await ledger(applicant.idNumber!);
      const verdicts = [yes, no].map((answer) => entries.find((entry) => entry.seq === (answer.body as { ledgerSeq: number }).ledgerSeq)!);
      expect(verdicts.map((entry) => [entry.action, entry.outcome])).to.deep.equal([['shared-data-verify', 'used'], ['shared-data-verify', 'refused-invalid']]);
      expect(verdicts[0]!.licenceIdentifier).to.equal(`${SHARED_RESOURCES.marriageRegistration.code}#${(yes.body as { verificationId: string }).verificationId}`);
      const bad = expectProblem(await env.platform.request('POST', '/v1/shared-data/verify', { idToken, body: body(authorization.id, { resource: 'marriageRegistration', claims: { SALARY: '1' } }) }), 400, 'VALIDATION_FAILED');
      expect(bad['errors']).to.deep.equal([{ pointer: '/claims/SALARY', message: `name fields of 婚姻登记信息: ${Object.keys(SHARED_RESOURCES.marriageRegistration.fields).join(', ')}` }]);
    });

    it('the ledger chain still verifies with shared-data entries in it', async () => {
      const verification = await env.gateway.ledger.verify();
      expect(verification.problems).to.deep.equal([]);
      expect(verification.ok).to.equal(true);
    });
  });
});
