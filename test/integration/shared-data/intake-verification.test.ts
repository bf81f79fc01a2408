/**
 * Verification at intake (在线核验, docs/shared-data.md): 公租房申请审核登记
 * declared (in a copy of the project's mappings) to require the applicant's
 * social-insurance enrolment in 梅州; a submission is verified through the
 * data-sharing exchange under its authorisation once the form is valid and
 * before anything is stored — refused with 422 naming the field when the
 * statement does not hold, 403 with nothing asked when the authorisation does
 * not name the resource, nothing asked for a form refused on its own, and
 * received when it holds; each verification in the ledger. SQLite and
 * PostgreSQL.
 */
import { randomUUID } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { DEFAULT_DATA_SHARING_CREDENTIALS, type DataSharingSimulator } from '../../../adapters/data-sharing/simulator/index.js';
import { PopulationIndex, type Person } from '../../../adapters/common/population/index.js';
import { MAPPINGS_DIR } from '../../../src/forms/mappings/load-mappings.js';
import type { Authorization, LedgerEntry } from '../../../src/licences/index.js';
import { satisfyMaterials } from '../../helpers/materials.js';
import { allPassed, storeFixtures } from '../../helpers/stores.js';
import type { LicenceEnvironment } from '../licences/environment.js';
import { startSharedDataEnvironment } from './environment.js';

const THEME = 'MX-T30';
const HOUSING = '000706930000';

/** The project's mappings with 公租房申请审核登记 requiring 参保缴费 in 梅州市. */
function mappingsRequiringEnrolment(): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'tongban-mappings-')), 'mappings');
  cpSync(MAPPINGS_DIR, dir, { recursive: true });
  const file = join(dir, 'matters', `${HOUSING}.yaml`);
  writeFileSync(file, `${readFileSync(file, 'utf8')}verifications:\n  - { resource: socialInsuranceEnrolment, subject: applicant, claims: { CBZT: 参保缴费, CBDQ: 梅州市 } }\n`);
  return dir;
}

for (const fixture of storeFixtures()) describe(`verification at intake (${fixture.name})`, function () {
  this.timeout(120_000);
  let exchange: DataSharingSimulator;
  let env: LicenceEnvironment;
  let enrolled: Person;
  let elsewhere: Person;

  before(async function () {
    this.timeout(120_000);
    ({ exchange, env } = await startSharedDataEnvironment(fixture, mappingsRequiringEnrolment()));
    const index = new PopulationIndex(env.library.population);
    const insured = (person: Person) => exchange.records.record('socialInsuranceEnrolment', person.idNumber ?? '')?.fields;
    enrolled = index.findPerson('an adult enrolled in 梅州', (person) => insured(person)?.['CBZT'] === '参保缴费' && insured(person)?.['CBDQ'] === '梅州市' && index.holdsSole(person.idNumber, ['residentIdCard']));
    // Every household of the population is in 梅州: the statement fails on 参保状态 (retired, or contributions suspended).
    elsewhere = index.findPerson('an adult not contributing in 梅州', (person) => insured(person) !== undefined && insured(person)!['CBZT'] !== '参保缴费'
      && insured(person)!['CBZT'] !== '城乡居民参保' && index.holdsSole(person.idNumber, ['residentIdCard']));
  });
  after(async function () {
    await env?.close();
    await exchange?.close();
    await fixture.cleanup(allPassed(this.test!.parent!));
  });

  async function authorize(person: Person, licenceTypes: string[]): Promise<Authorization> {
    const answer = await env.platform.request('POST', '/v1/authorizations', {
      idToken: await env.loginAs(person.idNumber!),
      body: { holder: { code: person.idNumber, type: 'citizen' }, licenceTypes, purpose: { themeCode: THEME }, expiresAt: new Date(Date.now() + 86_400_000).toISOString(), consent: { method: 'sms', at: new Date().toISOString() } },
    });
    expect(answer.status, JSON.stringify(answer.body)).to.equal(201);
    return answer.body as Authorization;
  }

  /** A complete 公租房 submission (every material uploaded); `household` replaces the household's part of the form. */
  async function submit(person: Person, authorizationId: string, household: Record<string, unknown> = { size: 1, annualIncome: 36000 }) {
    const answers = { hasHousingCertificate: true };
    return env.platform.request('POST', '/v1/applications', {
      idToken: await env.loginAs(person.idNumber!), headers: { 'idempotency-key': `housing-${randomUUID()}` },
      body: {
        themeCode: THEME, answers, authorizationId, materials: await satisfyMaterials(env.platform, THEME, answers),
        form: { applicant: { name: person.name, idNumber: person.idNumber, phone: '13800138000', address: person.address, maritalStatus: '未婚' }, household },
      },
    });
  }

  const verifications = async (person: Person): Promise<LedgerEntry[]> => {
    const answer = await env.ops.request('GET', `/v1/holders/${person.idNumber}/licence-uses`);
    return (answer.body as { uses: LedgerEntry[] }).uses.filter((entry) => entry.action === 'shared-data-verify');
  };

  it('refuses with 422 naming the field when the applicant is not contributing in 梅州 (参保缴费); the verification is ledgered, nothing stored', async () => {
    const authorization = await authorize(elsewhere, ['socialInsuranceEnrolment']);
    const answer = await submit(elsewhere, authorization.id);
    expect(answer.status, JSON.stringify(answer.body)).to.equal(422);
    expect(answer.headers['content-type']).to.match(/application\/problem\+json/);
    const problem = answer.body as { code: string; errors: { pointer: string; message: string }[]; resource: string };
    expect(problem.code).to.equal('SHARED_DATA_NOT_VERIFIED');
    expect(problem.errors.map((error) => error.pointer)).to.deep.equal(['/form/applicant/idNumber']);
    expect(problem.errors[0]!.message).to.include('社会保险参保信息');
    expect(problem.resource).to.equal('socialInsuranceEnrolment');
    const [entry] = await verifications(elsewhere);
    expect(entry).to.include({ licenceType: 'socialInsuranceEnrolment', outcome: 'refused-invalid', authorizationId: authorization.id, themeCode: THEME });
    expect(entry!.matterCodes).to.deep.equal([HOUSING]);
    const { rows } = await env.gateway.store.query<{ n: number | string }>('SELECT COUNT(*) AS n FROM applications');
    expect(Number(rows[0]!.n)).to.equal(0);
  });

  it('an authorisation that does not name the resource: 403, the exchange asked nothing', async () => {
    const before = exchange.calls().length;
    const authorization = await authorize(enrolled, ['residentIdCard']);
    const answer = await submit(enrolled, authorization.id);
    expect(answer.status, JSON.stringify(answer.body)).to.equal(403);
    expect(answer.body).to.include({ code: 'AUTHORIZATION_NOT_COVERING' });
    expect(exchange.calls().length).to.equal(before);
  });

  it('a form refused on its own (400) asks the exchange nothing and ledgers nothing', async () => {
    const authorization = await authorize(enrolled, ['residentIdCard', 'socialInsuranceEnrolment']);
    const before = exchange.calls().length;
    const answer = await submit(enrolled, authorization.id, { annualIncome: 36000 });
    expect(answer.status, JSON.stringify(answer.body)).to.equal(400);
    expect((answer.body as { errors: { pointer: string }[] }).errors.map((error) => error.pointer)).to.include('/form/household/size');
    expect(exchange.calls().length).to.equal(before);
    expect(await verifications(enrolled)).to.deep.equal([]);
  });

  it('receives the submission when the applicant is enrolled in 梅州; the verification is ledgered', async () => {
    const authorization = await authorize(enrolled, ['residentIdCard', 'socialInsuranceEnrolment']);
    const before = exchange.calls().length;
    const answer = await submit(enrolled, authorization.id);
    expect(answer.status, JSON.stringify(answer.body)).to.equal(202);
    expect(exchange.calls().slice(before)).to.deep.equal([{
      appKey: DEFAULT_DATA_SHARING_CREDENTIALS.appKey, operation: 'verify', resourceCode: '441400-RS-0003', holderCode: enrolled.idNumber,
      purpose: '公租房申请审核登记：在线核验社会保险参保信息', authorizationRef: authorization.id,
    }]);
    const [entry] = await verifications(enrolled);
    expect(entry).to.include({ licenceType: 'socialInsuranceEnrolment', outcome: 'used', authorizationId: authorization.id });
  });
});
