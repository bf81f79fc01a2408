/**
 * Authorisations, licence queries and licence files through Tongban, over
 * real sockets against the licence-library and matter-system simulators, on
 * SQLite and PostgreSQL: every refusal, the reason for use, and one ledger
 * entry per licence handed out.
 */
import { expect } from 'chai';
import { verifyPdfSignatures } from '../../../adapters/common/pdf/index.js';
import type { Authorization, LedgerEntry } from '../../../src/licences/index.js';
import type { LicenceVerification } from '../../../src/domain/licence-library.js';
import { makeIdNumber } from '../../../src/domain/identifiers/index.js';
import type { SqliteStore } from '../../../src/store/index.js';
import type { SigningClient, SigningClientResponse } from '../../../src/trust/signing-client.js';
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

  async function authorize(overrides: Record<string, unknown> = {}, client: SigningClient = env.platform): Promise<Authorization> {
    const answer = await client.request('POST', '/v1/authorizations', { body: authorizationBody(overrides) });
    expect(answer.status, JSON.stringify(answer.body)).to.equal(201);
    return answer.body as Authorization;
  }

  function licencesPath(params: Record<string, string | undefined>): string {
    const query = new URLSearchParams(Object.entries(params).filter((entry): entry is [string, string] => entry[1] !== undefined));
    return `/v1/licences?${query.toString()}`;
  }

  /** `reason` null: no reason for use at all. */
  async function getLicences(params: Record<string, string | undefined>, reason: string | null = REASON, client = env.platform) {
    return client.request('GET', licencesPath({ ...params, useCause: reason ?? undefined }));
  }

  async function uses(holderCode: string, client = env.ops): Promise<UseView[]> {
    const answer = await client.request('GET', `/v1/holders/${holderCode}/licence-uses`);
    expect(answer.status, JSON.stringify(answer.body)).to.equal(200);
    return (answer.body as { uses: UseView[] }).uses;
  }

  describe('authorisations', () => {
    it('records an authorisation (201, signed answer) that the platform can read and list', async () => {
      const answer = await env.platform.request('POST', '/v1/authorizations', { body: authorizationBody({ purpose: { themeCode: BIRTH_THEME, matterCodes: [BIRTH_REGISTRATION] } }) });
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
      for (const [body, status, code, pointer] of cases) {
        const answer = await env.platform.request('POST', '/v1/authorizations', { body });
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
      const repeated = expectProblem(await env.platform.request('GET', `${licencesPath(params)}${cause(REASON)}${cause(REASON)}`), 400, 'VALIDATION_FAILED');
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
      const alone = expectProblem(await env.platform.request('GET', licencesPath(params), { headers: { 'tongban-use-cause': encodeURIComponent(REASON) } }), 400, 'USE_CAUSE_REQUIRED');
      expect(alone['detail']).to.match(/not covered by the request signature/);
      expectProblem(await env.platform.request('GET', licencesPath({ ...params, useCause: REASON }), { headers: { 'tongban-use-cause': encodeURIComponent('别的事由') } }), 400, 'USE_CAUSE_REQUIRED');
      expect(await uses(mother.idNumber)).to.have.length(before);
      // Both, saying the same: the parameter is what counts, and what the ledger records.
      const agreed = await env.platform.request('GET', licencesPath({ ...params, useCause: REASON }), { headers: { 'tongban-use-cause': encodeURIComponent(REASON) } });
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
      const answer = await getLicences({ holderCode: record.holder.code, licenceType: 'marriageCertificate', themeCode: BIRTH_THEME, authorizationId: authorization.id }, '核验婚姻状况');
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
        const problem = expectProblem(await env.platform.request('POST', '/v1/prefill', { body: prefillBody(authorization.id, { useCause }) }), 400, 'USE_CAUSE_REQUIRED');
        expect(problem['errors'], String(useCause)).to.have.length(1);
        expect((problem['errors'] as { pointer: string }[])[0]!.pointer).to.equal('/useCause');
        expect(problem['detail']).to.match(/^\/useCause: /);
      }
      // Whatever else is wrong, the missing reason is what is answered.
      expectProblem(await env.platform.request('POST', '/v1/prefill', { body: { holders: {} } }), 400, 'USE_CAUSE_REQUIRED');
      expect(queries() - before, 'nothing was asked of the library').to.equal(0);
      expect((await env.platform.request('POST', '/v1/prefill', { body: prefillBody(authorization.id) })).status).to.equal(200);
    });

    it('refuses a revoked authorisation with AUTHORIZATION_REVOKED and an expired one with AUTHORIZATION_EXPIRED', async () => {
      const revoking = await authorize();
      expect((await env.platform.request('POST', '/v1/prefill', { body: prefillBody(revoking.id) })).status).to.equal(200);
      expect((await env.platform.request('POST', `/v1/authorizations/${revoking.id}/revoke`)).status).to.equal(200);
      const revoked = expectProblem(await env.platform.request('POST', '/v1/prefill', { body: prefillBody(revoking.id) }), 403, 'AUTHORIZATION_REVOKED');
      expect(revoked['detail']).to.match(/revoked at/);
      const expiring = await authorize();
      await env.gateway.store.query('UPDATE authorizations SET expires_at = $1 WHERE id = $2', [Date.now() - 1000, expiring.id]);
      expectProblem(await env.platform.request('POST', '/v1/prefill', { body: prefillBody(expiring.id) }), 403, 'AUTHORIZATION_EXPIRED');
    });
  });

  describe('licence files', () => {
    it('serves the sealed PDF, verified, as signed bytes, and ledgers the use', async () => {
      const authorization = await authorize();
      const idCard = mother.licences.find((licence) => licence.type === 'residentIdCard')!;
      const answer = await env.platform.request('GET', `/v1/licences/${idCard.identifier}/file?authorizationId=${authorization.id}&themeCode=${BIRTH_THEME}&matterCodes=${BIRTH_REGISTRATION}${cause('出生登记：核验母亲身份证')}`);
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
      const answer = await env.platform.request('GET', `/v1/licences/${certificate.identifier}/file?authorizationId=${authorization.id}&themeCode=${BIRTH_THEME}${cause(REASON)}`);
      const problem = expectProblem(answer, 422, 'LICENCE_NOT_VALID');
      expect(problem['detail']).to.match(/file: /);
      expect((problem['verification'] as LicenceVerification).fileSignature).to.equal(false);
      const [entry] = await uses(mother.idNumber);
      expect(entry).to.include({ licenceIdentifier: certificate.identifier, action: 'file', outcome: 'refused-invalid' });
    });

    it('refuses a revoked licence\'s file, and a licence of anyone but the authorising holder', async () => {
      const record = env.library.population.licences.find((licence) => licence.type === 'marriageCertificate' && licence.status === '03')!;
      const revokedHolder = await authorize({ holder: { code: record.holder.code, type: 'citizen' }, licenceTypes: ['marriageCertificate'] });
      expectProblem(await env.platform.request('GET', `/v1/licences/${record.identifier}/file?authorizationId=${revokedHolder.id}&themeCode=${BIRTH_THEME}${cause(REASON)}`), 422, 'LICENCE_NOT_VALID');
      expect((await uses(record.holder.code))[0]).to.include({ action: 'file', outcome: 'refused-invalid' });

      const authorization = await authorize();
      const before = env.library.requests.filter((request) => request.operation === 'getFileUrl').length;
      expectProblem(await env.platform.request('GET', `/v1/licences/${record.identifier}/file?authorizationId=${authorization.id}&themeCode=${BIRTH_THEME}${cause(REASON)}`), 404, 'LICENCE_NOT_FOUND');
      expect(env.library.requests.filter((request) => request.operation === 'getFileUrl').length, 'no file was asked for').to.equal(before);
      expectProblem(await env.platform.request('GET', `/v1/licences/1.2.156.3005.2.X/file?authorizationId=${authorization.id}&themeCode=${BIRTH_THEME}${cause(REASON)}`), 400, 'VALIDATION_FAILED');
      expectProblem(await env.platform.request('GET', `/v1/licences/${record.identifier}/file?themeCode=${BIRTH_THEME}${cause(REASON)}`), 403, 'AUTHORIZATION_REQUIRED');
      expectProblem(await env.platform.request('GET', `/v1/licences/${record.identifier}/file?authorizationId=${authorization.id}&themeCode=${BIRTH_THEME}`), 400, 'USE_CAUSE_REQUIRED');
    });
  });

  describe('one look-up, one commit (#17)', () => {
    const signedGet = async (path: string) => fetch(env.gateway.url + path, { headers: { ...await signRequest({ method: 'GET', pathAndQuery: path, clientId: 'platform', key: await devKey('platform') }) } });

    it('records the jti with the ledger entries: a replayed look-up is 401 REPLAY_DETECTED and ledgers nothing; a refused one consumes its jti too', async () => {
      const authorization = await authorize();
      const path = licencesPath({ holderCode: mother.idNumber, licenceType: 'residentIdCard', themeCode: BIRTH_THEME, authorizationId: authorization.id, useCause: REASON });
      const headers = await signRequest({ method: 'GET', pathAndQuery: path, clientId: 'platform', key: await devKey('platform') });
      expect((await fetch(env.gateway.url + path, { headers: { ...headers } })).status).to.equal(200);
      const head = await env.gateway.ledger.head();
      const replayed = await fetch(env.gateway.url + path, { headers: { ...headers } });
      expect(replayed.status).to.equal(401);
      expect(await replayed.json()).to.include({ code: 'REPLAY_DETECTED' });
      expect(await env.gateway.ledger.head()).to.deep.equal(head);

      const refusedPath = licencesPath({ holderCode: mother.idNumber, licenceType: 'drivingLicence', themeCode: BIRTH_THEME, authorizationId: authorization.id, useCause: REASON });
      const refusedHeaders = await signRequest({ method: 'GET', pathAndQuery: refusedPath, clientId: 'platform', key: await devKey('platform') });
      expect((await fetch(env.gateway.url + refusedPath, { headers: { ...refusedHeaders } })).status).to.equal(403);
      expect((await fetch(env.gateway.url + refusedPath, { headers: { ...refusedHeaders } })).status).to.equal(401);
      // A holder without licences (born in 1901, not in the population): nothing ledgered, the jti still recorded.
      const nobody = makeIdNumber({ areaCode: '441403', birthDate: '1901-01-01', sequence: 17 });
      const nonePath = licencesPath({ holderCode: nobody, licenceType: 'birthCertificate', themeCode: BIRTH_THEME, authorizationId: (await authorize({ holder: { code: nobody, type: 'citizen' } })).id, useCause: REASON });
      const noneHeaders = await signRequest({ method: 'GET', pathAndQuery: nonePath, clientId: 'platform', key: await devKey('platform') });
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

  describe('the holder\'s ledger', () => {
    it('lists who used the holder\'s licences, newest first, paged, for platform and ops only', async () => {
      const all = await uses(mother.idNumber);
      expect(all.length).to.be.greaterThan(5);
      expect(all.map((use) => use.seq)).to.deep.equal([...all.map((use) => use.seq)].sort((a, b) => b - a));
      expect(new Set(all.map((use) => use.action))).to.deep.equal(new Set(['query', 'file']));
      expect(all.every((use) => use.holderCode === mother.idNumber && use.clientId === 'platform')).to.equal(true);
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
