/**
 * Delegations (帮代办) through a real gateway, with ID tokens from the
 * identity platform simulator and licences from the licence library
 * simulator, on SQLite and PostgreSQL: a holder delegates, the agent
 * authorises and reads the holder's licences, and after the holder revokes
 * the delegation (or it expires) the next use is refused; a 帮代办 service
 * and an enterprise's 经办人 act the same way.
 */
import { expect } from 'chai';
import { idTokenDigestOf } from '../../../src/identity/index.js';
import type { Delegation } from '../../../src/identity/delegations.js';
import type { LedgerEntry } from '../../../src/licences/index.js';
import { generateKeyPair } from '../../../src/trust/algorithms.js';
import { createSigningClient, jwks, type SigningClient } from '../../../src/trust/signing-client.js';
import { allPassed, storeFixtures } from '../../helpers/stores.js';
import { BIRTH_THEME, motherWith } from '../licences/environment.js';
import { DAY_MS, expectProblem, pointersOf, startActingEnvironment, type ActingEnvironment, type AuthorizationView } from './acting-environment.js';

const TYPES = ['residentIdCard', 'birthCertificate'] as const;

for (const fixture of storeFixtures()) describe(`delegations to agents, 帮代办 (${fixture.name})`, function () {
  this.timeout(120_000);
  let env: ActingEnvironment;
  let bangban: SigningClient;
  let holder: ReturnType<ActingEnvironment['person']>;
  let agent: ReturnType<ActingEnvironment['person']>;
  let holderToken: string;
  let agentToken: string;

  before(async function () {
    this.timeout(120_000);
    env = await startActingEnvironment(fixture);
    // A 帮代办 service: a platform client of its own (the identity platform knows it as `bangban`).
    const key = await generateKeyPair('EdDSA');
    await env.gateway.clients.upsert([{ id: 'bangban', role: 'platform', name: '帮代办服务 (test)', algorithms: ['EdDSA'], keys: [key.publicJwk] }]);
    bangban = createSigningClient({ baseUrl: env.gateway.url, clientId: 'bangban', key: key.privateJwk, tongbanKeys: () => jwks(env.gateway.url) });
    holder = env.person(motherWith(env.library, [...TYPES]).idNumber);
    agent = env.person(motherWith(env.library, ['residentIdCard'], 1).idNumber);
    holderToken = await env.login(env.platform, holder);
    agentToken = await env.login(env.platform, agent);
  });
  after(async function () {
    await env?.close();
    await fixture.cleanup(allPassed(this.test!.parent!));
  });
  afterEach(() => env.setClockAhead(0));

  const inDays = (days: number) => new Date(Date.now() + days * DAY_MS).toISOString();
  const delegationBody = (overrides: Record<string, unknown> = {}) => ({
    agent: { type: 'person', idNumber: agent.idNumber, name: agent.name }, themeCodes: [BIRTH_THEME], licenceTypes: [...TYPES], expiresAt: inDays(30), ...overrides,
  });
  async function delegate(body: Record<string, unknown> = delegationBody(), idToken = holderToken, client = env.platform): Promise<Delegation> {
    const answer = await client.request('POST', '/v1/delegations', { body, idToken });
    expect(answer.status, JSON.stringify(answer.body)).to.equal(201);
    expect(answer.headers['location']).to.equal(`/v1/delegations/${(answer.body as Delegation).id}`);
    return answer.body as Delegation;
  }
  async function authorizeAs(client: SigningClient, idToken: string, holderCode = holder.idNumber, types: readonly string[] = TYPES): Promise<AuthorizationView> {
    const answer = await env.authorize(client, idToken, { code: holderCode, type: 'citizen' }, types);
    expect(answer.status, JSON.stringify(answer.body)).to.equal(201);
    return answer.body as AuthorizationView;
  }

  it('the agent authorises and reads the holder\'s licences under the delegation, every use recorded with it; after the holder revokes it the next use is 403 DELEGATION_REVOKED', async () => {
    const delegation = await delegate();
    expect(delegation).to.deep.include({
      holder: { code: holder.idNumber, type: 'citizen' }, agent: { type: 'person', idNumber: agent.idNumber, name: agent.name },
      themeCodes: [BIRTH_THEME], licenceTypes: [...TYPES], revokedAt: null, status: 'active',
    });
    // Signed by the holder's authenticated session.
    expect(delegation.grantedBy).to.deep.include({
      idNumber: holder.idNumber, name: holder.name, subjectType: 'natural', level: 'L3', methods: ['face'], capacity: 'self', clientId: 'platform', tokenDigest: idTokenDigestOf(holderToken),
    });
    expect(delegation.grantedBy.authTime).to.be.a('number');

    const authorization = await authorizeAs(env.platform, agentToken);
    expect(authorization.actor).to.deep.include({ idNumber: agent.idNumber, capacity: 'agent', delegationId: delegation.id });
    const read = await env.readLicences(env.platform, agentToken, holder.idNumber, TYPES, authorization.id);
    expect(read.status, JSON.stringify(read.body)).to.equal(200);
    const licences = (read.body as { licences: { identifier: string; holder: { code: string }; ledgerSeq: number }[] }).licences;
    expect(licences.length).to.be.greaterThan(0);
    expect(licences.every((licence) => licence.holder.code === holder.idNumber)).to.equal(true);
    const uses = await env.gateway.ledger.listByHolder(holder.idNumber, { limit: 100 });
    for (const licence of licences) {
      const use = uses.find((entry) => entry.seq === licence.ledgerSeq) as LedgerEntry;
      expect(use.actor).to.deep.include({ idNumber: agent.idNumber, capacity: 'agent', delegationId: delegation.id });
    }

    // A licence type the delegation does not name: not an agent for that.
    expectProblem(await env.authorize(env.platform, agentToken, { code: holder.idNumber, type: 'citizen' }, ['marriageCertificate']), 403, 'HOLDER_MISMATCH');

    const revoked = await env.platform.request('POST', `/v1/delegations/${delegation.id}/revoke`, { idToken: holderToken });
    expect(revoked.status, JSON.stringify(revoked.body)).to.equal(200);
    expect(revoked.body).to.include({ status: 'revoked' });
    const again = await env.platform.request('POST', `/v1/delegations/${delegation.id}/revoke`, { idToken: holderToken });
    expect(again.body).to.deep.equal(revoked.body);

    expectProblem(await env.readLicences(env.platform, agentToken, holder.idNumber, TYPES, authorization.id), 403, 'DELEGATION_REVOKED');
    expectProblem(await env.authorize(env.platform, agentToken, { code: holder.idNumber, type: 'citizen' }, TYPES), 403, 'DELEGATION_REVOKED');
  });

  it('after the delegation expires the next use is 403 DELEGATION_EXPIRED (the gateway\'s clock moved past it)', async () => {
    const delegation = await delegate(delegationBody({ expiresAt: inDays(10) }));
    const authorization = await authorizeAs(env.platform, agentToken);
    expect((await env.readLicences(env.platform, agentToken, holder.idNumber, TYPES, authorization.id)).status).to.equal(200);

    env.setClockAhead(11 * DAY_MS); // the authorisation (300 days) is still in force; the delegation is not
    expectProblem(await env.readLicences(env.platform, agentToken, holder.idNumber, TYPES, authorization.id), 403, 'DELEGATION_EXPIRED');
    const shown = await env.platform.request('GET', `/v1/delegations/${delegation.id}`, { idToken: holderToken });
    expect(shown.body).to.include({ id: delegation.id, status: 'expired' });
  });

  it('a delegation to a 帮代办 service lets whoever logs in through that service act, and nobody through another platform', async () => {
    const delegation = await delegate(delegationBody({ agent: { type: 'service', clientId: 'bangban' } }));
    expect(delegation.agent).to.deep.equal({ type: 'service', clientId: 'bangban' });
    const staff = env.person(motherWith(env.library, ['residentIdCard'], 2).idNumber); // nobody the holder named
    const staffToken = await env.login(bangban, staff);
    const authorization = await authorizeAs(bangban, staffToken);
    expect(authorization.actor).to.deep.include({ idNumber: staff.idNumber, capacity: 'agent', delegationId: delegation.id });
    expect((await env.readLicences(bangban, staffToken, holder.idNumber, TYPES, authorization.id)).status).to.equal(200);

    // The same person through another platform is not the service.
    const elsewhere = await env.login(env.platform, staff);
    expectProblem(await env.authorize(env.platform, elsewhere, { code: holder.idNumber, type: 'citizen' }, TYPES), 403, 'HOLDER_MISMATCH');

    await env.platform.request('POST', `/v1/delegations/${delegation.id}/revoke`, { idToken: holderToken });
    expectProblem(await env.readLicences(bangban, staffToken, holder.idNumber, TYPES, authorization.id), 403, 'DELEGATION_REVOKED');
  });

  it('an enterprise\'s 经办人 acts under the enterprise\'s delegation, granted by its legal representative; the 经办人 cannot grant one', async () => {
    const enterprise = env.library.population.enterprises.find((item) => item.registrationStatus === 'active' && item.legalRepresentativeKey !== agent.record.key
      && env.library.population.licences.some((licence) => licence.holder.code === item.creditCode && licence.type === 'businessLicence'))!;
    const representative = env.library.population.persons.find((person) => person.key === enterprise.legalRepresentativeKey)!;
    const legalToken = await env.login(env.platform, { idNumber: representative.idNumber!, name: representative.name, creditCode: enterprise.creditCode });
    const clerkToken = await env.login(env.platform, { idNumber: agent.idNumber, name: agent.name, creditCode: enterprise.creditCode });
    const holderOrg = { code: enterprise.creditCode, type: 'organization' as const };

    // Without a delegation the 经办人 is nobody for the enterprise.
    expectProblem(await env.authorize(env.platform, clerkToken, holderOrg, ['businessLicence']), 403, 'HOLDER_MISMATCH');
    expectProblem(await env.platform.request('POST', '/v1/delegations', { body: delegationBody({ licenceTypes: ['businessLicence'] }), idToken: clerkToken }), 403, 'HOLDER_MISMATCH');

    const delegation = await delegate(delegationBody({ licenceTypes: ['businessLicence'] }), legalToken);
    expect(delegation.holder).to.deep.equal(holderOrg);
    expect(delegation.grantedBy).to.deep.include({ idNumber: representative.idNumber, subjectType: 'legal', orgRole: 'legalRepresentative', creditCode: enterprise.creditCode });
    const answer = await env.authorize(env.platform, clerkToken, holderOrg, ['businessLicence']);
    expect(answer.status, JSON.stringify(answer.body)).to.equal(201);
    expect((answer.body as AuthorizationView).actor).to.deep.include({ idNumber: agent.idNumber, subjectType: 'legal', orgRole: 'agent', capacity: 'agent', delegationId: delegation.id });

    // The enterprise's delegations are listed to its legal representative, not to the person the citizen is.
    const listed = await env.platform.request('GET', '/v1/delegations', { idToken: legalToken });
    expect((listed.body as { delegations: Delegation[] }).delegations.map((item) => item.id)).to.deep.equal([delegation.id]);
  });

  it('lists the holder\'s delegations newest first, page by page; another person\'s is 404', async () => {
    const first = await delegate();
    const second = await delegate(delegationBody({ themeCodes: [BIRTH_THEME], licenceTypes: ['residentIdCard'] }));
    const page = await env.platform.request('GET', '/v1/delegations?limit=1', { idToken: holderToken });
    expect(page.status, JSON.stringify(page.body)).to.equal(200);
    const { delegations, nextCursor } = page.body as { delegations: Delegation[]; nextCursor: string | null };
    expect(delegations.map((item) => item.id)).to.deep.equal([second.id]);
    expect(nextCursor).to.be.a('string');
    const next = await env.platform.request('GET', `/v1/delegations?limit=1&cursor=${nextCursor}`, { idToken: holderToken });
    expect((next.body as { delegations: Delegation[] }).delegations.map((item) => item.id)).to.deep.equal([first.id]);

    const own = await env.platform.request('GET', `/v1/delegations/${first.id}`, { idToken: holderToken });
    expect(own.body).to.deep.equal(first);
    expectProblem(await env.platform.request('GET', `/v1/delegations/${first.id}`, { idToken: agentToken }), 404, 'NOT_FOUND');
    expectProblem(await env.platform.request('POST', `/v1/delegations/${first.id}/revoke`, { idToken: agentToken }), 404, 'NOT_FOUND');
    expectProblem(await env.platform.request('GET', '/v1/delegations?cursor=bm90LWEtY3Vyc29y', { idToken: holderToken }), 400, 'VALIDATION_FAILED');
  });

  it('bad input → 400 naming the field; no ID token → 401', async () => {
    const badCheck = `${agent.idNumber.slice(0, 17)}${agent.idNumber.endsWith('1') ? '2' : '1'}`;
    const cases: [Record<string, unknown>, string][] = [
      [delegationBody({ agent: { type: 'person', idNumber: badCheck, name: agent.name } }), '/agent/idNumber'],
      [delegationBody({ agent: { type: 'person', idNumber: holder.idNumber, name: holder.name } }), '/agent/idNumber'],
      [delegationBody({ agent: { type: 'person', idNumber: agent.idNumber } }), '/agent/name'],
      [delegationBody({ agent: { type: 'service', clientId: 'no-such-service' } }), '/agent/clientId'],
      [delegationBody({ agent: { type: 'service', clientId: 'ops' } }), '/agent/clientId'],
      [delegationBody({ themeCodes: ['MX-T99999'] }), '/themeCodes/0'],
      [delegationBody({ themeCodes: [] }), '/themeCodes'],
      [delegationBody({ licenceTypes: ['businessLicence'] }), '/licenceTypes/0'],
      [delegationBody({ licenceTypes: ['noSuchType'] }), '/licenceTypes/0'],
      [delegationBody({ expiresAt: inDays(-1) }), '/expiresAt'],
      [delegationBody({ expiresAt: inDays(400) }), '/expiresAt'],
      [delegationBody({ expiresAt: '2027-01-01T00:00:00' }), '/expiresAt'],
      [delegationBody({ holder: { code: agent.idNumber, type: 'citizen' } }), '/holder'],
    ];
    for (const [body, pointer] of cases) {
      const problem = expectProblem(await env.platform.request('POST', '/v1/delegations', { body, idToken: holderToken }), 400, 'VALIDATION_FAILED');
      expect(pointersOf(problem), JSON.stringify(problem)).to.include(pointer);
    }
    expectProblem(await env.platform.request('POST', '/v1/delegations', { body: delegationBody() }), 401, 'ID_TOKEN_MISSING');
    expectProblem(await env.platform.request('GET', '/v1/delegations'), 401, 'ID_TOKEN_MISSING');
    expectProblem(await env.ops.request('GET', '/v1/delegations'), 403, 'ROLE_NOT_ALLOWED');
  });
});
