/**
 * Shared data for someone else, over real sockets against the data-sharing
 * exchange, licence-library and matter-system simulators, on SQLite and
 * PostgreSQL: an agent (帮代办) under a delegation naming a resource reads
 * the holder's record, ledgered with the agent as actor; without the
 * resource in the delegation, or after the holder revokes it, nothing is
 * asked of the exchange; a counter code naming a resource lets the officer
 * who scans it verify (在线核验) under the scan's authorisation; a delegation
 * or a counter code naming an unknown key is refused at its pointer.
 */
import { expect } from 'chai';
import type { DataSharingSimulator } from '../../../adapters/data-sharing/simulator/index.js';
import type { Person } from '../../../adapters/common/population/index.js';
import { SHARED_RESOURCES } from '../../../src/domain/shared-data.js';
import type { Delegation } from '../../../src/identity/delegations.js';
import type { Authorization, LedgerEntry } from '../../../src/licences/index.js';
import { MAPPINGS_DIR } from '../../../src/forms/mappings/load-mappings.js';
import { createSigningClient, jwks, type SigningClient, type SigningClientResponse } from '../../../src/trust/signing-client.js';
import { devKey } from '../../helpers/dev-keys.js';
import { allPassed, storeFixtures } from '../../helpers/stores.js';
import type { LicenceEnvironment } from '../licences/environment.js';
import { expectProblem, pointersOf } from '../identity/acting-environment.js';
import { startSharedDataEnvironment } from './environment.js';

const THEME = 'MX-T30';
const HALL = 'meizhou-hall';
const REASON = '代办我要申请公租房：核对户籍';
const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();

for (const fixture of storeFixtures()) describe(`shared data by an agent (帮代办) and at the window (${fixture.name})`, function () {
  this.timeout(120_000);
  let exchange: DataSharingSimulator;
  let env: LicenceEnvironment;
  let counter: SigningClient;
  /** Holders contributing to social insurance (参保缴费): each has a 户籍 and a 社保 record at the exchange. */
  let holders: Person[];
  let agent: Person;
  let staff: Person;

  before(async function () {
    this.timeout(120_000);
    ({ exchange, env } = await startSharedDataEnvironment(fixture, MAPPINGS_DIR));
    counter = createSigningClient({ baseUrl: env.gateway.url, clientId: 'window-meizhou', key: await devKey('window-meizhou'), tongbanKeys: () => jwks(env.gateway.url) });
    const insured = env.library.population.persons.filter((person) => person.idNumber !== null && person.socialSecurity?.status === '参保缴费'
      && exchange.records.record('householdRegistration', person.idNumber) !== undefined);
    holders = insured.slice(0, 3);
    [agent, staff] = insured.slice(3, 5) as [Person, Person];
    expect(holders).to.have.length(3);
    expect(staff).to.not.equal(undefined);
  });
  after(async function () {
    await env?.close();
    await exchange?.close();
    await fixture.cleanup(allPassed(this.test!.parent!));
  });

  const idOf = (person: Person) => person.idNumber!;
  const holderOf = (person: Person) => ({ code: idOf(person), type: 'citizen' });

  async function delegate(holder: Person, licenceTypes: string[]): Promise<Delegation> {
    const answer = await env.platform.request('POST', '/v1/delegations', {
      idToken: await env.loginAs(idOf(holder)),
      body: { agent: { type: 'person', idNumber: idOf(agent), name: agent.name }, themeCodes: [THEME], licenceTypes, expiresAt: inDays(30) },
    });
    expect(answer.status, JSON.stringify(answer.body)).to.equal(201);
    return answer.body as Delegation;
  }

  /** `POST /v1/authorizations` for `holder` by the agent (their own ID token). */
  async function authorizeAsAgent(holder: Person, licenceTypes: string[]): Promise<SigningClientResponse> {
    return env.platform.request('POST', '/v1/authorizations', {
      idToken: await env.loginAs(idOf(agent)),
      body: { holder: holderOf(holder), licenceTypes, purpose: { themeCode: THEME }, expiresAt: inDays(20), consent: { method: 'face-recognition', at: new Date().toISOString() } },
    });
  }

  async function queryAsAgent(holder: Person, authorizationId: string, resources: string[]): Promise<SigningClientResponse> {
    return env.platform.request('POST', '/v1/shared-data/query', {
      idToken: await env.loginAs(idOf(agent)), body: { holder: holderOf(holder), authorizationId, themeCode: THEME, useCause: REASON, resources },
    });
  }

  /** The holder's ledger entries, ID numbers unmasked (the ops route masks them). */
  const ledger = (holder: Person): Promise<LedgerEntry[]> => env.gateway.ledger.listByHolder(idOf(holder), { limit: 100 });

  it('an agent under a delegation naming householdRegistration reads the holder\'s 户籍, ledgered with the agent as actor; after the holder revokes it, 403 DELEGATION_REVOKED and nothing asked', async () => {
    const [holder] = holders as [Person];
    const delegation = await delegate(holder, ['residentIdCard', 'householdRegistration']);
    expect(delegation.licenceTypes).to.deep.equal(['residentIdCard', 'householdRegistration']);
    const recorded = await authorizeAsAgent(holder, ['householdRegistration']);
    expect(recorded.status, JSON.stringify(recorded.body)).to.equal(201);
    const authorization = recorded.body as Authorization;
    expect(authorization.actor).to.deep.include({ idNumber: idOf(agent), capacity: 'agent', delegationId: delegation.id });

    const before = exchange.calls().length;
    const answer = await queryAsAgent(holder, authorization.id, ['householdRegistration']);
    expect(answer.status, JSON.stringify(answer.body)).to.equal(200);
    const [record] = (answer.body as { records: { resource: string; data: Record<string, string>; ledgerSeq: number }[] }).records;
    expect(record).to.deep.include({ resource: 'householdRegistration' });
    expect(record!.data['GMSFHM']).to.equal(idOf(holder));
    const calls = exchange.calls().slice(before);
    expect(calls).to.have.length(1);
    expect(calls[0]).to.include({ operation: 'query', resourceCode: SHARED_RESOURCES.householdRegistration.code, holderCode: idOf(holder), purpose: REASON, authorizationRef: authorization.id });
    const entry = (await ledger(holder)).find((use) => use.seq === record!.ledgerSeq)!;
    expect(entry).to.include({ action: 'shared-data', licenceType: 'householdRegistration', authorizationId: authorization.id, outcome: 'used' });
    expect(entry.actor).to.deep.include({ idNumber: idOf(agent), capacity: 'agent', delegationId: delegation.id });

    const revoked = await env.platform.request('POST', `/v1/delegations/${delegation.id}/revoke`, { idToken: await env.loginAs(idOf(holder)) });
    expect(revoked.body).to.include({ status: 'revoked' });
    const afterRevoke = exchange.calls().length;
    expectProblem(await queryAsAgent(holder, authorization.id, ['householdRegistration']), 403, 'DELEGATION_REVOKED');
    expectProblem(await env.platform.request('POST', '/v1/shared-data/verify', {
      idToken: await env.loginAs(idOf(agent)),
      body: { holder: holderOf(holder), authorizationId: authorization.id, themeCode: THEME, useCause: REASON, resource: 'householdRegistration', claims: { GMSFHM: idOf(holder) } },
    }), 403, 'DELEGATION_REVOKED');
    expectProblem(await authorizeAsAgent(holder, ['householdRegistration']), 403, 'DELEGATION_REVOKED');
    expect(exchange.calls().length, 'nothing asked of the exchange').to.equal(afterRevoke);
  });

  it('an agent whose delegation does not name the resource may not record an authorisation naming it (403 HOLDER_MISMATCH), nor read it under one naming licences only (403): the exchange is asked nothing', async () => {
    const holder = holders[1]!;
    await delegate(holder, ['residentIdCard']);
    const before = exchange.calls().length;
    expectProblem(await authorizeAsAgent(holder, ['residentIdCard', 'householdRegistration']), 403, 'HOLDER_MISMATCH');
    const licencesOnly = await authorizeAsAgent(holder, ['residentIdCard']);
    expect(licencesOnly.status, JSON.stringify(licencesOnly.body)).to.equal(201);
    const notCovering = expectProblem(await queryAsAgent(holder, (licencesOnly.body as Authorization).id, ['householdRegistration']), 403, 'AUTHORIZATION_NOT_COVERING');
    expect(notCovering['missingLicenceTypes']).to.deep.equal(['householdRegistration']);
    expect(exchange.calls().length, 'nothing asked of the exchange').to.equal(before);
    expect((await ledger(holder)).filter((entry) => entry.licenceType === 'householdRegistration')).to.deep.equal([]);
  });

  it('a counter code naming socialInsuranceEnrolment: the officer who scans it verifies the holder\'s enrolment under the scan\'s authorisation', async () => {
    const holder = holders[2]!;
    const made = await env.platform.request('POST', '/v1/counter-codes', {
      idToken: await env.loginAs(idOf(holder)), body: { hallCode: HALL, themeCode: THEME, licenceTypes: ['residentIdCard', 'socialInsuranceEnrolment'] },
    });
    expect(made.status, JSON.stringify(made.body)).to.equal(201);
    expect(made.body).to.deep.include({ holder: holderOf(holder), licenceTypes: ['residentIdCard', 'socialInsuranceEnrolment'] });
    const staffToken = await env.loginAs(idOf(staff), counter);
    const scanned = await counter.request('POST', '/v1/counter/scans', { idToken: staffToken, body: { code: (made.body as { qr: { text: string } }).qr.text } });
    expect(scanned.status, JSON.stringify(scanned.body)).to.equal(201);
    const scan = scanned.body as { authorizationId: string; licenceTypes: string[] };
    expect(scan.licenceTypes).to.deep.equal(['residentIdCard', 'socialInsuranceEnrolment']);

    const verified = await counter.request('POST', '/v1/shared-data/verify', {
      idToken: staffToken,
      body: { holder: holderOf(holder), authorizationId: scan.authorizationId, themeCode: THEME, useCause: '窗口受理：核验参保', resource: 'socialInsuranceEnrolment', claims: { CBZT: '参保缴费' } },
    });
    expect(verified.status, JSON.stringify(verified.body)).to.equal(200);
    expect(verified.body).to.include({ holds: true, resource: 'socialInsuranceEnrolment', resourceCode: SHARED_RESOURCES.socialInsuranceEnrolment.code });
    const entry = (await ledger(holder)).find((use) => use.seq === (verified.body as { ledgerSeq: number }).ledgerSeq)!;
    expect(entry).to.include({ action: 'shared-data-verify', clientId: 'window-meizhou', authorizationId: scan.authorizationId, outcome: 'used' });
    expect(entry.actor).to.deep.include({ idNumber: idOf(staff), capacity: 'counter', hall: HALL });
  });

  it('a delegation or a counter code naming an unknown key is 400 naming /licenceTypes/<i>', async () => {
    const holder = holders[0]!;
    const idToken = await env.loginAs(idOf(holder));
    const delegation = expectProblem(await env.platform.request('POST', '/v1/delegations', {
      idToken, body: { agent: { type: 'person', idNumber: idOf(agent), name: agent.name }, themeCodes: [THEME], licenceTypes: ['householdRegistration', 'householdRecords'], expiresAt: inDays(30) },
    }), 400, 'VALIDATION_FAILED');
    expect(pointersOf(delegation)).to.deep.equal(['/licenceTypes/1']);
    const code = expectProblem(await env.platform.request('POST', '/v1/counter-codes', {
      idToken, body: { hallCode: HALL, themeCode: THEME, licenceTypes: ['socialInsurance', 'socialInsuranceEnrolment'] },
    }), 400, 'VALIDATION_FAILED');
    expect(pointersOf(code)).to.deep.equal(['/licenceTypes/0']);
    expect((code['errors'] as { message: string }[])[0]!.message).to.match(/^unknown licence type or shared-data resource "socialInsurance"/);
  });
});
