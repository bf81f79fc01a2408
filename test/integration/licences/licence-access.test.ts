/**
 * Authorisations, licence queries and licence files through Tongban, over
 * real sockets against the licence-library and matter-system simulators, on
 * SQLite and PostgreSQL: every refusal, the reason for use, one ledger
 * entry per licence handed out, and the person acting — logged in at the
 * identity platform simulator — recorded with each authorisation and use,
 * which only that person can make.
 */
import { expect } from 'chai';
import { verifyPdfSignatures } from '../../../adapters/common/pdf/index.js';
import type { ActorRecord } from '../../../src/identity/index.js';
import type { Authorization, LedgerEntry } from '../../../src/licences/index.js';
import type { LicenceVerification } from '../../../src/domain/licence-library.js';
import { makeIdNumber } from '../../../src/domain/identifiers/index.js';
import type { SqliteStore } from '../../../src/store/index.js';
import { generateKeyPair } from '../../../src/trust/algorithms.js';
import { createSigningClient, jwks, type SigningClient, type SigningClientResponse } from '../../../src/trust/signing-client.js';
import { signRequest } from '../../../src/trust/sign-request.js';
import { devKey } from '../../helpers/dev-keys.js';
import { allPassed, storeFixtures } from '../../helpers/stores.js';
import { BIRTH_REGISTRATION, BIRTH_THEME, INSURANCE, motherWith, SOCIAL_SECURITY_CARD, startLicenceEnvironment, type LicenceEnvironment } from './environment.js';

interface LicenceView {
  identifier: string; licenceType: string; typeName: string; typeCode: string; number: string; status: string;
  holder: { code: string; type: string; name: string }; issuer: { name: string; code: string };
  surface: Record<string, string>; verification: LicenceVerification; ledgerSeq: number;
}
type UseView = LedgerEntry & { licenceTypeName: string };

const REASON = '婴儿出生一件事：预填出生登记表';
/** `&useCause=…`: the reason for use, in the signed query. */
const cause = (text: string) => `&useCause=${encodeURIComponent(text)}`;
const inOneYear = () => new Date(Date.now() + 300 * 86_400_000).toISOString();

function expectProblem(answer: SigningClientResponse, status: number, code: string): Record<string, unknown> {
  expect(answer.status, JSON.stringify(answer.body)).to.equal(status);
  expect(answer.headers['content-type']).to.match(/application\/problem\+json/);
  expect(answer.body).to.include({ code });
  return answer.body as Record<string, unknown>;
}

for (const fixture of storeFixtures()) describe(`licence access through Tongban (${fixture.name})`, function () {
  this.timeout(120_000);
  let env: LicenceEnvironment;
  let mother: ReturnType<typeof motherWith>;
  let father: ReturnType<typeof motherWith>;

  before(async function () {
    this.timeout(120_000);
    env = await startLicenceEnvironment(fixture);
    mother = motherWith(env.library, ['residentIdCard', 'birthCertificate', 'marriageCertificate']);
    father = motherWith(env.library, ['residentIdCard'], 1); // simply another person with an ID card
  });
  after(async function () {
    await env?.close();
    await fixture.cleanup(allPassed(this.test!.parent!));
  });
  afterEach(() => env.library.faults.reset());

  const authorizationBody = (overrides: Record<string, unknown> = {}) => ({
    holder: { code: mother.idNumber, type: 'citizen' },
    licenceTypes: ['residentIdCard', 'birthCertificate', 'marriageCertificate'],
    purpose: { themeCode: BIRTH_THEME, description: '办理婴儿出生一件事' },
    expiresAt: inOneYear(),
    consent: { method: 'face-recognition', at: new Date().toISOString() },
    ...overrides,
  });

  /** An authorisation given by its holder (the mother unless `overrides.holder` says otherwise), logged in at `client`. */
  async function authorize(overrides: Record<string, unknown> = {}, client: SigningClient = env.platform): Promise<Authorization> {
    const holderCode = (overrides['holder'] as { code: string } | undefined)?.code ?? mother.idNumber;
    const answer = await client.request('POST', '/v1/authorizations', { body: authorizationBody(overrides), idToken: await env.loginAs(holderCode, client) });
    expect(answer.status, JSON.stringify(answer.body)).to.equal(201);
    return answer.body as Authorization;
  }

  /** The mother's ID token at the platform. */
  const motherToken = () => env.loginAs(mother.idNumber);

  function licencesPath(params: Record<string, string | undefined>): string {
    const query = new URLSearchParams(Object.entries(params).filter((entry): entry is [string, string] => entry[1] !== undefined));
    return `/v1/licences?${query.toString()}`;
  }

  /** `reason` null: no reason for use at all; `as`: who is logged in (default the mother; `null`: nobody). */
  async function getLicences(params: Record<string, string | undefined>, reason: string | null = REASON, client = env.platform, as: string | null = mother.idNumber) {
    return client.request('GET', licencesPath({ ...params, useCause: reason ?? undefined }), as === null ? {} : { idToken: await env.loginAs(as, client) });
  }

  async function uses(holderCode: string, client = env.ops): Promise<UseView[]> {
    const answer = await client.request('GET', `/v1/holders/${holderCode}/licence-uses`);
    expect(answer.status, JSON.stringify(answer.body)).to.equal(200);
    return (answer.body as { uses: UseView[] }).uses;
  }

  describe('authorisations', () => {
    it('records an authorisation (201, signed answer) that the platform can read and list', async () => {
      const answer = await env.platform.request('POST', '/v1/authorizations', { body: authorizationBody({ purpose: { themeCode: BIRTH_THEME, matterCodes: [BIRTH_REGISTRATION] } }), idToken: await motherToken() });
      expect(answer.status).to.equal(201);
      expect(answer.verified).to.equal(true);
      const created = answer.body as Authorization;
      expect(created.id).to.match(/^[0-9a-f-]{36}$/);
      expect(answer.headers['location']).to.equal(`/v1/authorizations/${created.id}`);
      expect(created).to.deep.include({
        clientId: 'platform', holder: { code: mother.idNumber, type: 'citizen' }, licenceTypes: ['residentIdCard', 'birthCertificate', 'marriageCertificate'],
        purpose: { themeCode: BIRTH_THEME, matterCodes: [BIRTH_REGISTRATION], description: null }, status: 'active', revokedAt: null,
      });
      expect(created.consent.method).to.equal('face-recognition');
      // Who gave it: the mother as the identity platform authenticated her, for herself.
      expect(created.actor).to.deep.include({ subjectType: 'natural', idNumber: mother.idNumber, level: 'L3', capacity: 'self' });
      expect(created.actor!.methods).to.deep.equal(['face']);
      expect(created.actor!.name).to.equal(env.library.population.persons.find((person) => person.idNumber === mother.idNumber)!.name);
      const read = await env.platform.request('GET', `/v1/authorizations/${created.id}`);
      expect(read.body).to.deep.equal(created);
      const listed = await env.platform.request('GET', `/v1/authorizations?holderCode=${mother.idNumber}`);
      expect((listed.body as { authorizations: Authorization[] }).authorizations.map((item) => item.id)).to.include(created.id);
      const foreign = await env.otherPlatform.request('GET', `/v1/authorizations/${created.id}`);
      expectProblem(foreign, 404, 'NOT_FOUND');
      expect(((await env.otherPlatform.request('GET', '/v1/authorizations')).body as { authorizations: unknown[] }).authorizations).to.deep.equal([]);
    });

    it('validates the request: holder code, licence types, theme and its matters, expiry, consent', async () => {
      const badHolder = authorizationBody({ holder: { code: `${mother.idNumber.slice(0, 17)}${mother.idNumber.endsWith('1') ? '2' : '1'}`, type: 'citizen' } });
      const cases: [Record<string, unknown>, number, string, string][] = [
        [badHolder, 400, 'VALIDATION_FAILED', '/holder/code'],
        [authorizationBody({ licenceTypes: ['passport'] }), 400, 'VALIDATION_FAILED', '/licenceTypes/0'],
        [authorizationBody({ licenceTypes: ['residentIdCard', 'businessLicence'] }), 400, 'VALIDATION_FAILED', '/licenceTypes/1'],
        [authorizationBody({ purpose: { themeCode: 'MX-T99' } }), 404, 'NOT_FOUND', '/purpose/themeCode'],
        [authorizationBody({ purpose: { themeCode: BIRTH_THEME, matterCodes: [BIRTH_REGISTRATION, '000783314000'] } }), 400, 'VALIDATION_FAILED', '/purpose/matterCodes/1'],
        [authorizationBody({ expiresAt: new Date(Date.now() - 1000).toISOString() }), 400, 'VALIDATION_FAILED', '/expiresAt'],
        [authorizationBody({ expiresAt: new Date(Date.now() + 370 * 86_400_000).toISOString() }), 400, 'VALIDATION_FAILED', '/expiresAt'],
        [authorizationBody({ expiresAt: '2027-01-01' }), 400, 'VALIDATION_FAILED', '/expiresAt'],
        [authorizationBody({ consent: { method: 'telepathy', at: new Date().toISOString() } }), 400, 'VALIDATION_FAILED', '/consent/method'],
        [authorizationBody({ consent: { method: 'sms', at: new Date(Date.now() + 3_600_000).toISOString() } }), 400, 'VALIDATION_FAILED', '/consent/at'],
        [{ ...authorizationBody(), extra: 1 }, 400, 'VALIDATION_FAILED', '/extra'],
        [authorizationBody({ purpose: { themeCode: BIRTH_THEME, description: '办理\u202e生出' } }), 400, 'VALIDATION_FAILED', '/purpose/description'],
        [authorizationBody({ purpose: { themeCode: BIRTH_THEME, description: ' \u3000 ' } }), 400, 'VALIDATION_FAILED', '/purpose/description'],
        [authorizationBody({ purpose: { themeCode: BIRTH_THEME, description: '办理\r\n出生' } }), 400, 'VALIDATION_FAILED', '/purpose/description'],
      ];
      const idToken = await motherToken();
      for (const [body, status, code, pointer] of cases) {
        const answer = await env.platform.request('POST', '/v1/authorizations', { body, idToken });
        const problem = expectProblem(answer, status, code);
        expect((problem['errors'] as { pointer: string }[]).map((error) => error.pointer), JSON.stringify(problem)).to.include(pointer);
      }
      expectProblem(await env.ops.request('POST', '/v1/authorizations', { body: authorizationBody() }), 403, 'ROLE_NOT_ALLOWED');
    });
  });

  describe('licence queries', () => {
    it('fetches a seeded mother\'s licences of the authorised types, verified, and ledgers each use with the reason', async () => {
      const authorization = await authorize();
      const before = env.library.requests.length;
      const answer = await getLicences({ holderCode: mother.idNumber, holderType: 'citizen', licenceType: 'residentIdCard,birthCertificate,marriageCertificate', themeCode: BIRTH_THEME, authorizationId: authorization.id });
      expect(answer.status, JSON.stringify(answer.body)).to.equal(200);
      expect(answer.verified).to.equal(true);
      expect(answer.headers['cache-control']).to.equal('no-store');
      const licences = (answer.body as { licences: LicenceView[] }).licences;
      expect(licences.map((licence) => licence.identifier).sort()).to.deep.equal(mother.licences.map((licence) => licence.identifier).sort());
      for (const licence of licences) {
        const record = env.library.licence(licence.identifier)!;
        expect(licence).to.include({ licenceType: record.type, number: record.number, status: 'valid' });
        expect(licence.holder.code).to.equal(mother.idNumber);
        expect(licence.surface).to.deep.equal(record.surface);
        expect(licence.verification).to.include({ passed: true, dataSignature: true, status: true, validity: true });
      }
      // The library saw one query, for exactly these types, with the reason as sent.
      const calls = env.library.requests.slice(before).filter((request) => request.operation !== 'token');
      expect(calls.map((request) => [request.operation, request.useCause])).to.deep.equal([['queryByHolder', REASON]]);

      const ledgered = await uses(mother.idNumber);
      for (const licence of licences) {
        const entry = ledgered.find((use) => use.seq === licence.ledgerSeq)!;
        expect(entry, licence.typeName).to.deep.include({
          clientId: 'platform', holderCode: mother.idNumber, holderType: 'citizen', licenceIdentifier: licence.identifier, licenceType: licence.licenceType,
          licenceTypeName: licence.typeName, themeCode: BIRTH_THEME, matterCodes: [], useCause: REASON, authorizationId: authorization.id, action: 'query', outcome: 'used',
        });
        expect(entry.hash).to.match(/^[0-9a-f]{64}$/);
      }
    });

    it('infers the holder type from the code and asks only for the types named', async () => {
      const authorization = await authorize();
      const answer = await getLicences({ holderCode: mother.idNumber, licenceType: 'birthCertificate', themeCode: BIRTH_THEME, authorizationId: authorization.id });
      expect(answer.status).to.equal(200);
      expect((answer.body as { licences: LicenceView[] }).licences.map((licence) => licence.typeName)).to.deep.equal(['出生医学证明']);
    });

    it('refuses without an authorisation, or with an unknown or another client\'s one (AUTHORIZATION_REQUIRED)', async () => {
      const foreign = await authorize({}, env.otherPlatform);
      const base = { holderCode: mother.idNumber, licenceType: 'residentIdCard', themeCode: BIRTH_THEME };
      const before = env.library.requests.length;
      expectProblem(await getLicences(base), 403, 'AUTHORIZATION_REQUIRED');
      expectProblem(await getLicences({ ...base, authorizationId: '00000000-0000-4000-8000-000000000000' }), 403, 'AUTHORIZATION_REQUIRED');
      expectProblem(await getLicences({ ...base, authorizationId: 'not-a-uuid' }), 403, 'AUTHORIZATION_REQUIRED');
      const problem = expectProblem(await getLicences({ ...base, authorizationId: foreign.id }), 403, 'AUTHORIZATION_REQUIRED');
      expect(problem['detail']).to.match(/recorded by client "platform"/);
      expect(env.library.requests.length, 'nothing was asked of the library').to.equal(before);
    });

    it('refuses an expired authorisation (AUTHORIZATION_EXPIRED) and a revoked one (AUTHORIZATION_REVOKED)', async () => {
      const base = { holderCode: mother.idNumber, licenceType: 'residentIdCard', themeCode: BIRTH_THEME };
      const expiring = await authorize();
      await env.gateway.store.query('UPDATE authorizations SET expires_at = $1 WHERE id = $2', [Date.now() - 1000, expiring.id]);
      expect(expectProblem(await getLicences({ ...base, authorizationId: expiring.id }), 403, 'AUTHORIZATION_EXPIRED')['detail']).to.match(/expired at/);
      expect(((await env.platform.request('GET', `/v1/authorizations/${expiring.id}`)).body as Authorization).status).to.equal('expired');

      const revoking = await authorize();
      expect((await getLicences({ ...base, authorizationId: revoking.id })).status).to.equal(200);
      const revoked = await env.platform.request('POST', `/v1/authorizations/${revoking.id}/revoke`);
      expect(revoked.status).to.equal(200);
      expect(revoked.body).to.include({ status: 'revoked' });
      expect(expectProblem(await getLicences({ ...base, authorizationId: revoking.id }), 403, 'AUTHORIZATION_REVOKED')['detail']).to.match(/revoked at/);
      expectProblem(await env.otherPlatform.request('POST', `/v1/authorizations/${revoking.id}/revoke`), 404, 'NOT_FOUND');
    });

    it('refuses what the authorisation does not cover: another holder, a type, another theme, other matters (AUTHORIZATION_NOT_COVERING)', async () => {
      const authorization = await authorize({ licenceTypes: ['residentIdCard'], purpose: { themeCode: BIRTH_THEME, matterCodes: [BIRTH_REGISTRATION, SOCIAL_SECURITY_CARD] } });
      const base = { holderCode: mother.idNumber, licenceType: 'residentIdCard', themeCode: BIRTH_THEME, authorizationId: authorization.id };
      const queries = () => env.library.requests.filter((request) => request.operation === 'queryByHolder').length;
      const before = queries();
      expect(expectProblem(await getLicences({ ...base, holderCode: father.idNumber }), 403, 'AUTHORIZATION_NOT_COVERING')['detail']).to.match(/another holder/);
      const missingType = expectProblem(await getLicences({ ...base, licenceType: 'residentIdCard,birthCertificate,marriageCertificate' }), 403, 'AUTHORIZATION_NOT_COVERING');
      expect(missingType['detail']).to.match(/does not cover licence types 出生医学证明 \(birthCertificate\), 结婚证 \(marriageCertificate\)/);
      expect(missingType['missingLicenceTypes']).to.deep.equal(['birthCertificate', 'marriageCertificate']);
      expect(expectProblem(await getLicences({ ...base, themeCode: 'MX-T33' }), 403, 'AUTHORIZATION_NOT_COVERING')['detail']).to.match(/is for theme MX-T05, not MX-T33/);
      expect(expectProblem(await getLicences({ ...base, matterCodes: INSURANCE }), 403, 'AUTHORIZATION_NOT_COVERING')['missingMatterCodes']).to.deep.equal([INSURANCE]);
      expect((await getLicences({ ...base, matterCodes: SOCIAL_SECURITY_CARD })).status).to.equal(200);
      expect(queries() - before, 'only the covered request reached the library').to.equal(1);
      // A whole-theme authorisation still does not cover a matter of another theme.
      const whole = await authorize({ licenceTypes: ['residentIdCard'] });
      expectProblem(await getLicences({ ...base, authorizationId: whole.id, matterCodes: '000783314000' }), 403, 'AUTHORIZATION_NOT_COVERING');
    });

    it('fetches only what the theme\'s matters declare, whatever the authorisation allows (LICENCE_TYPE_NOT_DECLARED)', async () => {
      const authorization = await authorize({ licenceTypes: ['residentIdCard', 'drivingLicence', 'birthCertificate'], purpose: { themeCode: BIRTH_THEME, matterCodes: [SOCIAL_SECURITY_CARD] } });
      const base = { holderCode: mother.idNumber, themeCode: BIRTH_THEME, authorizationId: authorization.id };
      const problem = expectProblem(await getLicences({ ...base, licenceType: 'drivingLicence' }), 403, 'LICENCE_TYPE_NOT_DECLARED');
      expect(problem['detail']).to.match(/机动车驾驶证 \(drivingLicence\)/);
      // 社会保障卡申领 uses only the ID card: the birth certificate is declared by another matter of the theme.
      expectProblem(await getLicences({ ...base, licenceType: 'birthCertificate' }), 403, 'LICENCE_TYPE_NOT_DECLARED');
      expect((await getLicences({ ...base, licenceType: 'residentIdCard' })).status).to.equal(200);
    });

    it('requires a reason for use of 1–200 characters in the signed useCause parameter (USE_CAUSE_REQUIRED)', async () => {
      const authorization = await authorize();
      const params = { holderCode: mother.idNumber, licenceType: 'residentIdCard', themeCode: BIRTH_THEME, authorizationId: authorization.id };
      expectProblem(await getLicences(params, null), 400, 'USE_CAUSE_REQUIRED');
      expectProblem(await getLicences(params, '   '), 400, 'USE_CAUSE_REQUIRED');
      expect(expectProblem(await getLicences(params, '事'.repeat(201)), 400, 'USE_CAUSE_REQUIRED')['detail']).to.match(/201 characters/);
      const repeated = expectProblem(await env.platform.request('GET', `${licencesPath(params)}${cause(REASON)}${cause(REASON)}`, { idToken: await motherToken() }), 400, 'VALIDATION_FAILED');
      expect(repeated['errors']).to.deep.equal([{ pointer: '/useCause', message: 'must be given once' }]);
      expect((await getLicences(params, '事'.repeat(200))).status).to.equal(200);
    });

    it('refuses a reason for use with invisible or control characters (USE_CAUSE_REQUIRED), ledgers it normalised (NFC, trimmed)', async () => {
      const authorization = await authorize();
      const params = { holderCode: mother.idNumber, licenceType: 'residentIdCard', themeCode: BIRTH_THEME, authorizationId: authorization.id };
      const before = (await uses(mother.idNumber)).length;
      for (const junk of [`${REASON}\u202e`, `${REASON}\u0085`, `${REASON}\u2066`, `${REASON}\ufdd0`, '\u3000']) {
        expectProblem(await getLicences(params, junk), 400, 'USE_CAUSE_REQUIRED');
      }
      expect(await uses(mother.idNumber)).to.have.length(before);
      expect((await getLicences(params, ` ${REASON}\u3000`)).status).to.equal(200);
      expect((await uses(mother.idNumber))[0]).to.include({ useCause: REASON });
    });

    it('refuses the unsigned Tongban-Use-Cause header, alone or disagreeing with the parameter, and ledgers nothing', async () => {
      const authorization = await authorize();
      const params = { holderCode: mother.idNumber, licenceType: 'residentIdCard', themeCode: BIRTH_THEME, authorizationId: authorization.id };
      const before = (await uses(mother.idNumber)).length;
      const idToken = await motherToken();
      const alone = expectProblem(await env.platform.request('GET', licencesPath(params), { headers: { 'tongban-use-cause': encodeURIComponent(REASON) }, idToken }), 400, 'USE_CAUSE_REQUIRED');
      expect(alone['detail']).to.match(/not covered by the request signature/);
      expectProblem(await env.platform.request('GET', licencesPath({ ...params, useCause: REASON }), { headers: { 'tongban-use-cause': encodeURIComponent('别的事由') }, idToken }), 400, 'USE_CAUSE_REQUIRED');
      expect(await uses(mother.idNumber)).to.have.length(before);
      // Both, saying the same: the parameter is what counts, and what the ledger records.
      const agreed = await env.platform.request('GET', licencesPath({ ...params, useCause: REASON }), { headers: { 'tongban-use-cause': encodeURIComponent(REASON) }, idToken });
      expect(agreed.status, JSON.stringify(agreed.body)).to.equal(200);
      expect((await uses(mother.idNumber))[0]).to.include({ useCause: REASON });
    });

    it('records the reason the platform signed: a reason changed on the way fails the signature', async () => {
      const authorization = await authorize();
      const path = licencesPath({ holderCode: mother.idNumber, licenceType: 'residentIdCard', themeCode: BIRTH_THEME, authorizationId: authorization.id, useCause: REASON });
      const signed = await signRequest({ method: 'GET', pathAndQuery: path, clientId: 'platform', key: await devKey('platform') });
      const tampered = path.replace(new URLSearchParams({ useCause: REASON }).toString(), new URLSearchParams({ useCause: '随便看看' }).toString());
      expect(tampered).to.not.equal(path);
      const answer = await fetch(`${env.gateway.url}${tampered}`, { headers: { ...signed } });
      expect(answer.status).to.equal(401);
      expect(((await answer.json()) as { code: string }).code).to.equal('PATH_MISMATCH');
    });

    it('refuses a bad holder code or licence type with 400 naming the parameter', async () => {
      const authorization = await authorize();
      const bad = `${mother.idNumber.slice(0, 17)}${mother.idNumber.endsWith('1') ? '2' : '1'}`;
      const problem = expectProblem(await getLicences({ holderCode: bad, licenceType: 'residentIdCard', themeCode: BIRTH_THEME, authorizationId: authorization.id }), 400, 'VALIDATION_FAILED');
      expect(problem['errors']).to.deep.include({ pointer: '/holderCode', message: (problem['errors'] as { message: string }[])[0]!.message });
      expect((problem['errors'] as { message: string }[])[0]!.message).to.match(/check character/);
      const unknown = expectProblem(await getLicences({ holderCode: mother.idNumber, licenceType: 'passport', themeCode: BIRTH_THEME, authorizationId: authorization.id }), 400, 'VALIDATION_FAILED');
      expect(unknown['errors']).to.deep.equal([{ pointer: '/licenceType', message: 'unknown licence type "passport"' }]);
      expectProblem(await getLicences({ holderCode: mother.idNumber, holderType: 'organization', licenceType: 'residentIdCard', themeCode: BIRTH_THEME, authorizationId: authorization.id }), 400, 'VALIDATION_FAILED');
      expectProblem(await env.ops.request('GET', licencesPath({ holderCode: mother.idNumber, useCause: REASON })), 403, 'ROLE_NOT_ALLOWED');
    });

    it('returns a revoked licence flagged, ledgered as refused-invalid', async () => {
      const record = env.library.population.licences.find((licence) => licence.type === 'marriageCertificate' && licence.status === '03')!;
      const authorization = await authorize({ holder: { code: record.holder.code, type: 'citizen' }, licenceTypes: ['marriageCertificate'] });
      const answer = await getLicences({ holderCode: record.holder.code, licenceType: 'marriageCertificate', themeCode: BIRTH_THEME, authorizationId: authorization.id }, '核验婚姻状况', env.platform, record.holder.code);
      expect(answer.status).to.equal(200);
      const [licence] = (answer.body as { licences: LicenceView[] }).licences;
      expect(licence).to.include({ identifier: record.identifier, status: 'revoked' });
      expect(licence!.verification).to.include({ status: false, passed: false });
      const [entry] = await uses(record.holder.code);
      expect(entry).to.include({ seq: licence!.ledgerSeq, licenceIdentifier: record.identifier, outcome: 'refused-invalid', useCause: '核验婚姻状况', action: 'query' });
    });

    it('passes library failures through as 502 and ledgers nothing', async () => {
      const authorization = await authorize();
      const before = (await uses(mother.idNumber)).length;
      env.library.enqueueStatus(99, { operation: 'queryByHolder' });
      const problem = expectProblem(await getLicences({ holderCode: mother.idNumber, licenceType: 'residentIdCard', themeCode: BIRTH_THEME, authorizationId: authorization.id }), 502, 'UPSTREAM_ERROR');
      expect(problem['retryable']).to.equal(true);
      expect((await uses(mother.idNumber)).length).to.equal(before);
    });
  });

  describe('prefill', () => {
    const prefillBody = (authorizationId: string, overrides: Record<string, unknown> = {}) => ({
      themeCode: BIRTH_THEME, answers: {}, useCause: REASON,
      holders: { mother: { code: mother.idNumber, type: 'citizen', authorizationId } }, ...overrides,
    });

    it('refuses a missing, blank or too long reason for use with USE_CAUSE_REQUIRED naming /useCause, and reads nothing', async () => {
      const authorization = await authorize();
      const queries = () => env.library.requests.filter((request) => request.operation === 'queryByHolder').length;
      const before = queries();
      for (const useCause of [undefined, '  ', '事'.repeat(201), 42, `${REASON}\u202e`, `${REASON}\ud800`, `${REASON}\n`.repeat(2)]) {
        const problem = expectProblem(await env.platform.request('POST', '/v1/prefill', { idToken: await motherToken(), body: prefillBody(authorization.id, { useCause }) }), 400, 'USE_CAUSE_REQUIRED');
        expect(problem['errors'], String(useCause)).to.have.length(1);
        expect((problem['errors'] as { pointer: string }[])[0]!.pointer).to.equal('/useCause');
        expect(problem['detail']).to.match(/^\/useCause: /);
      }
      // Whatever else is wrong, the missing reason is what is answered.
      expectProblem(await env.platform.request('POST', '/v1/prefill', { idToken: await motherToken(), body: { holders: {} } }), 400, 'USE_CAUSE_REQUIRED');
      expect(queries() - before, 'nothing was asked of the library').to.equal(0);
      expect((await env.platform.request('POST', '/v1/prefill', { idToken: await motherToken(), body: prefillBody(authorization.id) })).status).to.equal(200);
    });

    it('refuses a revoked authorisation with AUTHORIZATION_REVOKED and an expired one with AUTHORIZATION_EXPIRED', async () => {
      const revoking = await authorize();
      expect((await env.platform.request('POST', '/v1/prefill', { idToken: await motherToken(), body: prefillBody(revoking.id) })).status).to.equal(200);
      expect((await env.platform.request('POST', `/v1/authorizations/${revoking.id}/revoke`)).status).to.equal(200);
      const revoked = expectProblem(await env.platform.request('POST', '/v1/prefill', { idToken: await motherToken(), body: prefillBody(revoking.id) }), 403, 'AUTHORIZATION_REVOKED');
      expect(revoked['detail']).to.match(/revoked at/);
      const expiring = await authorize();
      await env.gateway.store.query('UPDATE authorizations SET expires_at = $1 WHERE id = $2', [Date.now() - 1000, expiring.id]);
      expectProblem(await env.platform.request('POST', '/v1/prefill', { idToken: await motherToken(), body: prefillBody(expiring.id) }), 403, 'AUTHORIZATION_EXPIRED');
    });
  });

  describe('licence files', () => {
    it('serves the sealed PDF, verified, as signed bytes, and ledgers the use', async () => {
      const authorization = await authorize();
      const idCard = mother.licences.find((licence) => licence.type === 'residentIdCard')!;
      const answer = await env.platform.request('GET', `/v1/licences/${idCard.identifier}/file?authorizationId=${authorization.id}&themeCode=${BIRTH_THEME}&matterCodes=${BIRTH_REGISTRATION}${cause('出生登记：核验母亲身份证')}`, { idToken: await motherToken() });
      expect(answer.status, answer.raw.toString('utf8').slice(0, 300)).to.equal(200);
      expect(answer.headers['content-type']).to.match(/^application\/pdf/);
      expect(answer.verified, 'Tongban signed the binary answer and the client verified it').to.equal(true);
      expect(answer.raw.subarray(0, 5).toString('latin1')).to.equal('%PDF-');
      expect(Number(answer.headers['content-length'])).to.equal(answer.raw.length);
      expect(verifyPdfSignatures(answer.raw, env.library.trustAnchorsPem).valid).to.equal(true);
      const seq = Number(answer.headers['tongban-ledger-seq']);
      const [entry] = await uses(mother.idNumber);
      expect(entry).to.include({ seq, licenceIdentifier: idCard.identifier, licenceType: 'residentIdCard', action: 'file', outcome: 'used', useCause: '出生登记：核验母亲身份证', themeCode: BIRTH_THEME });
      expect(entry!.matterCodes).to.deep.equal([BIRTH_REGISTRATION]);
    });

    it('refuses a file whose seal does not verify (LICENCE_NOT_VALID), ledgered as refused-invalid', async () => {
      const authorization = await authorize();
      const certificate = mother.licences.find((licence) => licence.type === 'birthCertificate')!;
      env.library.faults.enqueue({ kind: 'bad-signature', pathPrefix: '/license/file' });
      const answer = await env.platform.request('GET', `/v1/licences/${certificate.identifier}/file?authorizationId=${authorization.id}&themeCode=${BIRTH_THEME}${cause(REASON)}`, { idToken: await motherToken() });
      const problem = expectProblem(answer, 422, 'LICENCE_NOT_VALID');
      expect(problem['detail']).to.match(/file: /);
      expect((problem['verification'] as LicenceVerification).fileSignature).to.equal(false);
      const [entry] = await uses(mother.idNumber);
      expect(entry).to.include({ licenceIdentifier: certificate.identifier, action: 'file', outcome: 'refused-invalid' });
    });

    it('refuses a revoked licence\'s file, and a licence of anyone but the authorising holder', async () => {
      const record = env.library.population.licences.find((licence) => licence.type === 'marriageCertificate' && licence.status === '03')!;
      const revokedHolder = await authorize({ holder: { code: record.holder.code, type: 'citizen' }, licenceTypes: ['marriageCertificate'] });
      const holderToken = await env.loginAs(record.holder.code);
      expectProblem(await env.platform.request('GET', `/v1/licences/${record.identifier}/file?authorizationId=${revokedHolder.id}&themeCode=${BIRTH_THEME}${cause(REASON)}`, { idToken: holderToken }), 422, 'LICENCE_NOT_VALID');
      expect((await uses(record.holder.code))[0]).to.include({ action: 'file', outcome: 'refused-invalid' });

      const authorization = await authorize();
      const idToken = await motherToken();
      const before = env.library.requests.filter((request) => request.operation === 'getFileUrl').length;
      expectProblem(await env.platform.request('GET', `/v1/licences/${record.identifier}/file?authorizationId=${authorization.id}&themeCode=${BIRTH_THEME}${cause(REASON)}`, { idToken }), 404, 'LICENCE_NOT_FOUND');
      expect(env.library.requests.filter((request) => request.operation === 'getFileUrl').length, 'no file was asked for').to.equal(before);
      expectProblem(await env.platform.request('GET', `/v1/licences/1.2.156.3005.2.X/file?authorizationId=${authorization.id}&themeCode=${BIRTH_THEME}${cause(REASON)}`, { idToken }), 400, 'VALIDATION_FAILED');
      expectProblem(await env.platform.request('GET', `/v1/licences/${record.identifier}/file?themeCode=${BIRTH_THEME}${cause(REASON)}`, { idToken }), 403, 'AUTHORIZATION_REQUIRED');
      expectProblem(await env.platform.request('GET', `/v1/licences/${record.identifier}/file?authorizationId=${authorization.id}&themeCode=${BIRTH_THEME}`, { idToken }), 400, 'USE_CAUSE_REQUIRED');
    });
  });

  describe('one look-up, one commit (#17)', () => {
    /** The headers of a GET signed by the platform, with the ID token of `as` (default the mother) bound to the signature. */
    const signedHeaders = async (path: string, as = mother.idNumber) => {
      const idToken = await env.loginAs(as);
      return { ...await signRequest({ method: 'GET', pathAndQuery: path, clientId: 'platform', key: await devKey('platform'), idToken }), 'tongban-id-token': idToken };
    };
    const signedGet = async (path: string) => fetch(env.gateway.url + path, { headers: await signedHeaders(path) });

    it('records the jti with the ledger entries: a replayed look-up is 401 REPLAY_DETECTED and ledgers nothing; a refused one consumes its jti too', async () => {
      const authorization = await authorize();
      const path = licencesPath({ holderCode: mother.idNumber, licenceType: 'residentIdCard', themeCode: BIRTH_THEME, authorizationId: authorization.id, useCause: REASON });
      const headers = await signedHeaders(path);
      expect((await fetch(env.gateway.url + path, { headers: { ...headers } })).status).to.equal(200);
      const head = await env.gateway.ledger.head();
      const replayed = await fetch(env.gateway.url + path, { headers: { ...headers } });
      expect(replayed.status).to.equal(401);
      expect(await replayed.json()).to.include({ code: 'REPLAY_DETECTED' });
      expect(await env.gateway.ledger.head()).to.deep.equal(head);

      const refusedPath = licencesPath({ holderCode: mother.idNumber, licenceType: 'drivingLicence', themeCode: BIRTH_THEME, authorizationId: authorization.id, useCause: REASON });
      const refusedHeaders = await signedHeaders(refusedPath);
      expect((await fetch(env.gateway.url + refusedPath, { headers: { ...refusedHeaders } })).status).to.equal(403);
      expect((await fetch(env.gateway.url + refusedPath, { headers: { ...refusedHeaders } })).status).to.equal(401);
      // A holder without licences (born in 1901, not in the population): nothing ledgered, the jti still recorded.
      const nobody = makeIdNumber({ areaCode: '441403', birthDate: '1901-01-01', sequence: 17 });
      const nonePath = licencesPath({ holderCode: nobody, licenceType: 'birthCertificate', themeCode: BIRTH_THEME, authorizationId: (await authorize({ holder: { code: nobody, type: 'citizen' } })).id, useCause: REASON });
      const noneHeaders = await signedHeaders(nonePath, nobody);
      const none = await fetch(env.gateway.url + nonePath, { headers: { ...noneHeaders } });
      expect(none.status).to.equal(200);
      expect(await none.json()).to.deep.equal({ licences: [] });
      expect((await fetch(env.gateway.url + nonePath, { headers: { ...noneHeaders } })).status).to.equal(401);
    });

    if (fixture.name === 'sqlite') {
      it('costs one store operation (jti and ledger entries in one transaction) once the authorisation and theme were read', async () => {
        const sqlite = env.gateway.store as SqliteStore;
        const authorization = await authorize();
        const path = () => licencesPath({ holderCode: mother.idNumber, licenceType: 'residentIdCard,birthCertificate', themeCode: BIRTH_THEME, authorizationId: authorization.id, useCause: REASON });
        // The authorisation and the theme are remembered for a second: a look-up right after another reads neither.
        const costs: number[] = [];
        for (let attempt = 0; attempt < 5 && !costs.includes(1); attempt += 1) {
          expect((await signedGet(path())).status).to.equal(200);
          const before = sqlite.commitStats().operations;
          expect((await signedGet(path())).status).to.equal(200);
          costs.push(sqlite.commitStats().operations - before);
        }
        expect(costs).to.include(1);
      });
    }
  });

  describe('who is acting (#18)', () => {
    const queries = () => env.library.requests.filter((request) => request.operation === 'queryByHolder' || request.operation === 'getFileUrl').length;
    const idCardOf = () => mother.licences.find((licence) => licence.type === 'residentIdCard')!;
    /** The claims of an ID token (verified by the gateway; read here only to know the subject). */
    const claimsOf = (idToken: string) => JSON.parse(Buffer.from(idToken.split('.')[1]!, 'base64url').toString('utf8')) as { sub: string; name: string; acr: string; auth_time: number };

    it('an authorisation without an ID token → 401 ID_TOKEN_MISSING, before the body is looked at', async () => {
      expectProblem(await env.platform.request('POST', '/v1/authorizations', { body: authorizationBody() }), 401, 'ID_TOKEN_MISSING');
      expectProblem(await env.platform.request('POST', '/v1/authorizations', { body: { ...authorizationBody(), extra: 1 } }), 401, 'ID_TOKEN_MISSING');
      const listed = (await env.platform.request('GET', `/v1/authorizations?holderCode=${mother.idNumber}`)).body as { authorizations: Authorization[] };
      expect(listed.authorizations.every((authorization) => authorization.actor !== null), 'nothing recorded without a verified person').to.equal(true);
    });

    it('an authorisation given by another person\'s login → 403 HOLDER_MISMATCH, nothing recorded', async () => {
      const before = ((await env.platform.request('GET', `/v1/authorizations?holderCode=${mother.idNumber}`)).body as { authorizations: unknown[] }).authorizations.length;
      const answer = await env.platform.request('POST', '/v1/authorizations', { body: authorizationBody(), idToken: await env.loginAs(father.idNumber) });
      const problem = expectProblem(answer, 403, 'HOLDER_MISMATCH');
      expect(problem['detail']).to.not.include(father.idNumber); // the person's ID number is masked in the answer too
      expect(((await env.platform.request('GET', `/v1/authorizations?holderCode=${mother.idNumber}`)).body as { authorizations: unknown[] }).authorizations).to.have.length(before);
    });

    it('a use with another person\'s login → 403 HOLDER_MISMATCH (query, file, prefill): nothing asked of the library, nothing ledgered', async () => {
      const authorization = await authorize();
      const fathers = await env.loginAs(father.idNumber);
      const before = queries();
      const head = await env.gateway.ledger.head();
      expectProblem(await getLicences({ holderCode: mother.idNumber, licenceType: 'residentIdCard', themeCode: BIRTH_THEME, authorizationId: authorization.id }, REASON, env.platform, father.idNumber),
        403, 'HOLDER_MISMATCH');
      expectProblem(await env.platform.request('GET', `/v1/licences/${idCardOf().identifier}/file?authorizationId=${authorization.id}&themeCode=${BIRTH_THEME}${cause(REASON)}`, { idToken: fathers }),
        403, 'HOLDER_MISMATCH');
      const prefill = { themeCode: BIRTH_THEME, answers: {}, useCause: REASON, holders: { mother: { code: mother.idNumber, type: 'citizen', authorizationId: authorization.id } } };
      expectProblem(await env.platform.request('POST', '/v1/prefill', { body: prefill, idToken: fathers }), 403, 'HOLDER_MISMATCH');
      expect(queries()).to.equal(before);
      expect(await env.gateway.ledger.head()).to.deep.equal(head);
      // Her own login, through the same platform: hers to use.
      expect((await env.platform.request('POST', '/v1/prefill', { body: prefill, idToken: await motherToken() })).status).to.equal(200);
    });

    it('a held-back platform client with an authorisation id but no ID token cannot read one licence (401 ID_TOKEN_MISSING)', async () => {
      const authorization = await authorize();
      const before = queries();
      const head = await env.gateway.ledger.head();
      const params = { holderCode: mother.idNumber, licenceType: 'residentIdCard,birthCertificate,marriageCertificate', themeCode: BIRTH_THEME, authorizationId: authorization.id };
      expectProblem(await getLicences(params, REASON, env.platform, null), 401, 'ID_TOKEN_MISSING');
      expectProblem(await env.platform.request('GET', `/v1/licences/${idCardOf().identifier}/file?authorizationId=${authorization.id}&themeCode=${BIRTH_THEME}${cause(REASON)}`), 401, 'ID_TOKEN_MISSING');
      const prefill = { themeCode: BIRTH_THEME, answers: {}, useCause: REASON, holders: { mother: { code: mother.idNumber, type: 'citizen', authorizationId: authorization.id } } };
      expectProblem(await env.platform.request('POST', '/v1/prefill', { body: prefill }), 401, 'ID_TOKEN_MISSING');
      // A token sent but not bound to the signature is no better.
      const unbound = await env.platform.request('GET', licencesPath({ ...params, useCause: REASON }), { headers: { 'tongban-id-token': await motherToken() } });
      expectProblem(unbound, 401, 'ID_TOKEN_INVALID');
      expect(queries(), 'nothing was asked of the library').to.equal(before);
      expect(await env.gateway.ledger.head(), 'nothing was ledgered').to.deep.equal(head);
    });

    it('an authorisation recorded before identities (actor NULL) can be read and revoked, never used', async () => {
      const authorization = await authorize();
      await env.gateway.store.query('UPDATE authorizations SET actor = NULL WHERE id = $1', [authorization.id]);
      const read = await env.platform.request('GET', `/v1/authorizations/${authorization.id}`);
      expect(read.status).to.equal(200);
      expect(read.body).to.include({ actor: null, status: 'active' });
      const problem = expectProblem(await getLicences({ holderCode: mother.idNumber, licenceType: 'residentIdCard', themeCode: BIRTH_THEME, authorizationId: authorization.id }), 403, 'HOLDER_MISMATCH');
      expect(problem['detail']).to.match(/without a verified identity/);
      expect((await env.platform.request('POST', `/v1/authorizations/${authorization.id}/revoke`)).body).to.include({ status: 'revoked' });
    });

    it('ledger entries carry who acted (masked in the holder\'s listing), the hash covers it, and the chain verifies', async () => {
      const authorization = await authorize();
      const idToken = await motherToken();
      const claims = claimsOf(idToken);
      const answer = await getLicences({ holderCode: mother.idNumber, licenceType: 'residentIdCard', themeCode: BIRTH_THEME, authorizationId: authorization.id });
      const [licence] = (answer.body as { licences: LicenceView[] }).licences;
      const stored = (await env.gateway.store.query<{ actor: string }>('SELECT actor FROM licence_uses WHERE seq = $1', [licence!.ledgerSeq])).rows[0]!;
      const actor = JSON.parse(stored.actor) as ActorRecord;
      expect(actor).to.deep.equal({
        subject: claims.sub, subjectType: 'natural', idNumber: mother.idNumber, name: claims.name, level: claims.acr, methods: ['face'], authTime: claims.auth_time * 1000, capacity: 'self',
      });
      const listed = (await uses(mother.idNumber)).find((use) => use.seq === licence!.ledgerSeq)!;
      expect(listed.actor).to.deep.equal({ ...actor, idNumber: `${mother.idNumber.slice(0, 4)}**********${mother.idNumber.slice(-4)}`, name: `${claims.name.charAt(0)}${'*'.repeat(claims.name.length - 1)}` });
      const platformView = (await env.platform.request('GET', `/v1/holders/${mother.idNumber}/licence-uses?limit=1`)).body as { uses: UseView[] };
      expect(platformView.uses[0]!.actor!.idNumber).to.not.equal(mother.idNumber);
      const result = await env.gateway.ledger.verify();
      expect(result.problems).to.deep.equal([]);
      // The logs never hold the person's ID number in clear.
      expect(env.logs.lines.some((line) => JSON.stringify(line).includes(mother.idNumber))).to.equal(false);
    });

    it('a counter officer uses an authorisation recorded for them (role counter), and only they can', async () => {
      const keys = await generateKeyPair('EdDSA');
      await env.gateway.clients.upsert([{ id: 'window-meizhou', role: 'counter', hall: 'meizhou-hall', name: '梅州市政务服务大厅窗口 (test)', algorithms: ['EdDSA'], keys: [keys.publicJwk] }]);
      const counter = createSigningClient({ baseUrl: env.gateway.url, clientId: 'window-meizhou', key: keys.privateJwk, tongbanKeys: () => jwks(env.gateway.url) });
      const officerToken = await env.loginAs(father.idNumber, counter);
      const officer = claimsOf(officerToken);
      const record: ActorRecord = {
        subject: officer.sub, subjectType: 'natural', idNumber: father.idNumber, name: officer.name, level: 'L3', methods: ['face'], authTime: officer.auth_time * 1000,
        capacity: 'counter', hall: 'meizhou-hall',
      };
      const now = new Date();
      const authorization = await env.gateway.authorizations.recordFor('window-meizhou', {
        holder: { code: mother.idNumber, type: 'citizen' }, licenceTypes: ['residentIdCard'], purpose: { themeCode: BIRTH_THEME, matterCodes: [], description: null },
        expiresAt: new Date(now.getTime() + 30 * 60_000), consent: { method: 'counter', at: now },
      }, record);
      const params = { holderCode: mother.idNumber, licenceType: 'residentIdCard', themeCode: BIRTH_THEME, authorizationId: authorization.id };
      const answer = await getLicences(params, '窗口受理：核验身份证', counter, father.idNumber);
      expect(answer.status, JSON.stringify(answer.body)).to.equal(200);
      const [licence] = (answer.body as { licences: LicenceView[] }).licences;
      const entry = (await uses(mother.idNumber)).find((use) => use.seq === licence!.ledgerSeq)!;
      expect(entry).to.deep.include({ clientId: 'window-meizhou', authorizationId: authorization.id });
      expect(entry.actor).to.deep.include({ capacity: 'counter', hall: 'meizhou-hall', subject: officer.sub });
      // The applicant's own login at the counter client is not the officer's.
      expectProblem(await getLicences(params, REASON, counter, mother.idNumber), 403, 'HOLDER_MISMATCH');
      // Counters never record authorisations themselves.
      expectProblem(await counter.request('POST', '/v1/authorizations', { body: authorizationBody(), idToken: officerToken }), 403, 'ROLE_NOT_ALLOWED');
    });
  });

  describe('the holder\'s ledger', () => {
    it('lists who used the holder\'s licences, newest first, paged, for platform and ops only', async () => {
      const all = await uses(mother.idNumber);
      expect(all.length).to.be.greaterThan(5);
      expect(all.map((use) => use.seq)).to.deep.equal([...all.map((use) => use.seq)].sort((a, b) => b - a));
      expect(new Set(all.map((use) => use.action))).to.deep.equal(new Set(['query', 'file']));
      // The platform's uses, and the counter terminal's under the authorisation recorded for its officer (above).
      expect(all.every((use) => use.holderCode === mother.idNumber && ['platform', 'window-meizhou'].includes(use.clientId))).to.equal(true);
      const first = await env.platform.request('GET', `/v1/holders/${mother.idNumber}/licence-uses?limit=2`);
      const page = first.body as { uses: UseView[]; next: number };
      expect(page.uses.map((use) => use.seq)).to.deep.equal(all.slice(0, 2).map((use) => use.seq));
      const second = (await env.platform.request('GET', `/v1/holders/${mother.idNumber}/licence-uses?limit=2&before=${page.next}`)).body as { uses: UseView[] };
      expect(second.uses.map((use) => use.seq)).to.deep.equal(all.slice(2, 4).map((use) => use.seq));
      expect(await uses(father.idNumber)).to.deep.equal([]);
      expectProblem(await env.department.request('GET', `/v1/holders/${mother.idNumber}/licence-uses`), 403, 'ROLE_NOT_ALLOWED');
      const bad = expectProblem(await env.ops.request('GET', '/v1/holders/123456/licence-uses'), 400, 'VALIDATION_FAILED');
      expect((bad['errors'] as { pointer: string }[])[0]!.pointer).to.equal('/holderCode');
    });

    it('the chain of every use above verifies', async () => {
      const result = await env.gateway.ledger.verify();
      expect(result.problems).to.deep.equal([]);
      expect(result.ok).to.equal(true);
      expect(result.entries).to.equal(result.head.seq);
    });
  });
});
