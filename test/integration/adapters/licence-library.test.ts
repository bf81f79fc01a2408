/**
 * Contract suite of the e-licence library adapter against its simulator,
 * over real sockets: verified licences, status/validity/signature failures,
 * reasons for use, credentials, token refresh, and upstream faults.
 */
import { createHmac } from 'node:crypto';
import { expect } from 'chai';
import {
  createIssuerPki,
  createLicenceLibraryAdapter,
  DEFAULT_LICENCE_LIBRARY_ACCOUNT,
  isLicenceNotFound,
  LICENCE_LIBRARY_PATHS as PATHS,
  sharedIssuerPki,
  startLicenceLibrarySimulator,
  type LicenceLibraryAdapter,
  type LicenceLibraryAdapterSettings,
  type LicenceLibrarySimulator,
} from '../../../adapters/licence-library/index.js';
import { ALL_ISSUERS, LICENCE_FIELDS, type LicenceRecord } from '../../../adapters/common/population/index.js';
import { chinaDate } from '../../../adapters/licence-library/verify-licence.js';
import { makeLicenceIdentifier } from '../../../src/domain/identifiers/index.js';
import { LICENCE_TYPES, type LicenceTypeKey } from '../../../src/domain/licence-library.js';
import { UpstreamError } from '../../../src/domain/upstream-error.js';
import { TongbanError } from '../../../src/errors/index.js';
import { rejection } from '../../helpers/rejection.js';

const ALL_TYPES = Object.values(LICENCE_TYPES).map((type) => type.code);
const LIMITED = { accessId: 'limited-app', accessSecret: 'limited-secret', licenceTypes: [LICENCE_TYPES.residentIdCard.code] };

describe('licence library adapter ↔ simulator', function () {
  this.timeout(30_000);
  let offsetMs = 0;
  const clock = () => Date.now() + offsetMs;
  let sim: LicenceLibrarySimulator;
  let adapter: LicenceLibraryAdapter;
  let today: string;
  const make = (overrides: Partial<LicenceLibraryAdapterSettings> = {}) => createLicenceLibraryAdapter({
    baseUrl: sim.url, ...DEFAULT_LICENCE_LIBRARY_ACCOUNT, timeoutMs: 2000, trustAnchorsPem: sim.trustAnchorsPem, now: () => new Date(clock()), ...overrides,
  });
  const licences = (predicate: (licence: LicenceRecord) => boolean) => sim.population.licences.filter(predicate);
  const lastingValid = (licence: LicenceRecord) => licence.status === '01' && (licence.validUntil === null || licence.validUntil > '2035-01-01');
  const raw = async (path: string, body: unknown) => {
    const response = await fetch(sim.url + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return await response.json() as { head: { status: number; message: string }; data?: Record<string, unknown> };
  };
  const rawToken = async (accessId: string, secret: string) => {
    const timestamp = String(clock());
    const answer = await raw(PATHS.token, { accessId, data: { timestamp, sign: createHmac('sha256', secret).update(accessId + timestamp).digest('hex') } });
    return answer.data!['accessToken'] as string;
  };

  before(async function () {
    this.timeout(60_000);
    sharedIssuerPki().warm(ALL_ISSUERS); // ~0.3 s per issuer, once per process
    sim = await startLicenceLibrarySimulator({ clock, accounts: [DEFAULT_LICENCE_LIBRARY_ACCOUNT, LIMITED] });
    today = chinaDate(new Date(clock()));
  });
  after(async () => { await sim.close(); });
  beforeEach(() => { adapter = make(); });
  afterEach(() => {
    offsetMs = 0;
    sim.faults.reset();
  });

  describe('queries', () => {
    it('returns a holder\'s licences of the asked types, each verified, and records the reason for use', async () => {
      const holder = sim.population.persons.find((person) => person.idNumber !== null
        && licences((licence) => licence.holder.code === person.idNumber).length >= 4
        && licences((licence) => licence.holder.code === person.idNumber).every(lastingValid))!;
      const own = licences((licence) => licence.holder.code === holder.idNumber);
      const before = sim.requests.length;
      const found = await adapter.queryByHolder({ holderCode: holder.idNumber!, holderType: 'citizen', licenceTypes: ALL_TYPES, useCause: '新生儿出生一件事：预填出生登记表' });
      expect(found.map((licence) => licence.identifier).sort()).to.deep.equal(own.map((licence) => licence.identifier).sort());
      for (const licence of found) {
        expect(licence.verification, licence.typeName).to.include({ identifierCheck: true, status: true, validity: true, dataSignature: true, fileSignature: undefined, passed: true });
        expect(licence.verification.problems).to.deep.equal([]);
        expect(licence.holder).to.deep.equal({ code: holder.idNumber, type: 'citizen', name: holder.name });
        const record = sim.licence(licence.identifier)!;
        expect(licence.surface).to.deep.equal(record.surface);
        expect(licence).to.include({ typeCode: LICENCE_TYPES[record.type].code, number: record.number, issuedOn: record.issuedOn, validFrom: record.validFrom, validUntil: record.validUntil, status: 'valid' });
      }
      const query = sim.requests.slice(before).find((request) => request.operation === 'queryByHolder')!;
      expect(query).to.include({ accessId: DEFAULT_LICENCE_LIBRARY_ACCOUNT.accessId, useCause: '新生儿出生一件事：预填出生登记表', status: 0 });
    });

    it('asks only for the types requested', async () => {
      const holder = sim.population.persons.find((person) => person.driver && person.idNumber && person.marriage)!;
      const found = await adapter.queryByHolder({ holderCode: holder.idNumber!, holderType: 'citizen', licenceTypes: [LICENCE_TYPES.drivingLicence.code], useCause: '车辆一件事' });
      expect(found.map((licence) => licence.typeName)).to.deep.equal(['机动车驾驶证']);
    });

    it('returns an empty list when the holder has none of the types (status 10)', async () => {
      const child = sim.population.persons.find((person) => person.idNumber !== null && person.birthDate > '2020-01-01')!;
      const found = await adapter.queryByHolder({ holderCode: child.idNumber!, holderType: 'citizen', licenceTypes: [LICENCE_TYPES.drivingLicence.code], useCause: '测试' });
      expect(found).to.deep.equal([]);
      expect(sim.requests.at(-1)).to.include({ operation: 'queryByHolder', status: 10 });
    });

    it('queries an enterprise by credit code', async () => {
      const shop = sim.population.enterprises.find((enterprise) => enterprise.foodBusiness && enterprise.registrationStatus === 'active')!;
      const found = await adapter.queryByHolder({ holderCode: shop.creditCode, holderType: 'organization', licenceTypes: [LICENCE_TYPES.businessLicence.code, LICENCE_TYPES.foodBusinessLicence.code], useCause: '企业开办' });
      expect(found.map((licence) => licence.typeName).sort()).to.deep.equal(['营业执照', '食品经营许可证']);
      expect(found[0]!.holder).to.deep.equal({ code: shop.creditCode, type: 'organization', name: shop.name });
    });

    it('gets one licence by identifier; an unknown one is "not found"', async () => {
      const record = licences(lastingValid)[0]!;
      const licence = await adapter.getByIdentifier(record.identifier, '核验');
      expect(licence.verification.passed).to.equal(true);
      const unknown = makeLicenceIdentifier({ typeCode: LICENCE_TYPES.residentIdCard.code, issuerCreditCode: ALL_ISSUERS[0]!.creditCode, serial: '20269999999', version: 1 });
      const error = await rejection(adapter.getByIdentifier(unknown, '核验'));
      expect(error).to.be.instanceOf(UpstreamError).and.include({ kind: 'rejected', upstreamCode: '10', retryable: false });
      expect(isLicenceNotFound(error)).to.equal(true);
    });

    it('verifies submitted surface data field by field', async () => {
      const record = licences((licence) => licence.type === 'residentIdCard' && lastingValid(licence))[0]!;
      const good = await adapter.verifySurface(record.identifier, { XM: record.surface['XM']!, GMSFHM: record.surface['GMSFHM']! }, '核验照面');
      expect(good).to.deep.equal({ identifier: record.identifier, matched: true, fields: [{ key: 'XM', matched: true }, { key: 'GMSFHM', matched: true }] });
      const bad = await adapter.verifySurface(record.identifier, { XM: `${record.surface['XM']}某`, GMSFHM: record.surface['GMSFHM']! }, '核验照面');
      expect(bad.matched).to.equal(false);
      expect(bad.fields).to.deep.equal([{ key: 'XM', matched: false }, { key: 'GMSFHM', matched: true }]);
    });

    it('serves the field definitions of every licence type', async () => {
      for (const [key, type] of Object.entries(LICENCE_TYPES) as [LicenceTypeKey, (typeof LICENCE_TYPES)[LicenceTypeKey]][]) {
        const definitions = await adapter.fieldDefinitions(type.code);
        expect(definitions.typeName).to.equal(type.name);
        expect(definitions.fields.map((field) => field.key)).to.deep.equal(LICENCE_FIELDS[key].map((field) => field.key));
      }
    });
  });

  describe('verification failures', () => {
    it('flags a revoked licence on its status check only', async () => {
      const record = licences((licence) => licence.status === '03')[0]!;
      const licence = await adapter.getByIdentifier(record.identifier, '核验');
      expect(licence.status).to.equal('revoked');
      expect(licence.verification).to.include({ identifierCheck: true, status: false, dataSignature: true, passed: false });
      expect(licence.verification.problems.join('; ')).to.match(/status is "revoked"/);
    });

    it('flags an expired licence: status 05, or still 01 with its validity ended', async () => {
      const marked = licences((licence) => licence.status === '05')[0]!;
      const markedLicence = await adapter.getByIdentifier(marked.identifier, '核验');
      expect(markedLicence.status).to.equal('expired');
      expect(markedLicence.verification).to.include({ status: false, validity: false, passed: false });
      const unmarked = licences((licence) => licence.status === '01' && licence.validUntil !== null && licence.validUntil < today)[0]!;
      const unmarkedLicence = await adapter.getByIdentifier(unmarked.identifier, '核验');
      expect(unmarkedLicence.verification).to.include({ status: true, validity: false, dataSignature: true, passed: false });
      expect(unmarkedLicence.verification.problems).to.deep.equal([`validity ended on ${unmarked.validUntil} (today is ${today})`]);
    });

    it('sees a revocation made while running, with the data re-signed by the issuer', async () => {
      const record = licences((licence) => licence.type === 'drivingLicence' && lastingValid(licence))[0]!;
      expect((await adapter.getByIdentifier(record.identifier, '核验')).verification.passed).to.equal(true);
      sim.setLicenceStatus(record.identifier, '03');
      try {
        const licence = await adapter.getByIdentifier(record.identifier, '核验');
        expect(licence.verification).to.include({ status: false, dataSignature: true, passed: false });
      } finally {
        sim.setLicenceStatus(record.identifier, '01');
      }
    });

    it('returns a licence with a tampered data signature as not passed, not trusted', async () => {
      const record = licences(lastingValid)[1]!;
      sim.faults.enqueue({ kind: 'bad-signature', pathPrefix: PATHS.queryByIdentifier });
      const licence = await adapter.getByIdentifier(record.identifier, '核验');
      expect(licence.verification).to.include({ identifierCheck: true, status: true, validity: true, dataSignature: false, passed: false });
      expect(licence.verification.problems).to.deep.equal(['data signature does not verify over the licence data']);
      expect(sim.faults.injected['bad-signature']).to.be.at.least(1);
    });

    it('distrusts every licence when the trust anchors are another CA\'s', async () => {
      const stranger = make({ trustAnchorsPem: [createIssuerPki().caCertificatePem] });
      const licence = await stranger.getByIdentifier(licences(lastingValid)[0]!.identifier, '核验');
      expect(licence.verification).to.include({ dataSignature: false, passed: false });
      expect(licence.verification.problems[0]).to.match(/not issued by a trust anchor/);
    });
  });

  describe('reasons for use and permissions', () => {
    it('refuses to call without a reason for use, or with one over 200 characters', async () => {
      const before = sim.requests.length;
      for (const useCause of ['', '   ', '因'.repeat(201)]) {
        const error = await rejection(adapter.getByIdentifier(licences(lastingValid)[0]!.identifier, useCause));
        expect(error).to.be.instanceOf(TongbanError).and.include({ code: 'VALIDATION_FAILED' });
        expect((error as TongbanError).errors![0]!.pointer).to.equal('/useCause');
      }
      expect(sim.requests.length, 'nothing was sent').to.equal(before);
    });

    it('the library itself refuses a data call without useCause with its own status 101', async () => {
      const accessToken = await rawToken(DEFAULT_LICENCE_LIBRARY_ACCOUNT.accessId, DEFAULT_LICENCE_LIBRARY_ACCOUNT.accessSecret);
      const identifier = licences(lastingValid)[0]!.identifier;
      const missing = await raw(PATHS.queryByIdentifier, { accessId: DEFAULT_LICENCE_LIBRARY_ACCOUNT.accessId, accessToken, data: { certificateIdentifier: identifier } });
      expect(missing.head.status).to.equal(101);
      const tooLong = await raw(PATHS.queryByIdentifier, { accessId: DEFAULT_LICENCE_LIBRARY_ACCOUNT.accessId, accessToken, data: { certificateIdentifier: identifier, useCause: '因'.repeat(201) } });
      expect(tooLong.head.status).to.equal(101);
      const holderType = await raw(PATHS.queryByHolder, { accessId: DEFAULT_LICENCE_LIBRARY_ACCOUNT.accessId, accessToken, data: { holderCode: '110105194912310021', holderTypeCode: '999', useCause: '测试' } });
      expect(holderType.head.status).to.equal(103);
      expect(sim.requests.at(-3)).to.include({ operation: 'queryByIdentifier', status: 101, useCause: undefined });
    });

    it('an account limited to some licence types gets status 100 for the others', async () => {
      const limited = make({ accessId: LIMITED.accessId, accessSecret: LIMITED.accessSecret });
      const idCard = licences((licence) => licence.type === 'residentIdCard' && lastingValid(licence))[0]!;
      expect((await limited.getByIdentifier(idCard.identifier, '核验')).typeName).to.equal('居民身份证');
      const business = licences((licence) => licence.type === 'businessLicence')[0]!;
      const error = await rejection(limited.getByIdentifier(business.identifier, '核验'));
      expect(error).to.be.instanceOf(UpstreamError).and.include({ kind: 'rejected', upstreamCode: '100', retryable: false });
      const listError = await rejection(limited.queryByHolder({ holderCode: business.holder.code, holderType: 'organization', licenceTypes: [LICENCE_TYPES.businessLicence.code], useCause: '测试' }));
      expect(listError).to.include({ upstreamCode: '100' });
    });
  });

  describe('credentials and tokens', () => {
    it('a wrong secret is an auth error, not retryable', async () => {
      const wrong = make({ accessSecret: 'not-the-secret' });
      const error = await rejection(wrong.getByIdentifier(licences(lastingValid)[0]!.identifier, '核验'));
      expect(error).to.be.instanceOf(UpstreamError).and.include({ kind: 'auth', retryable: false, upstreamCode: '11' });
      expect(sim.requests.at(-1)).to.include({ operation: 'token', status: 11 });
    });

    it('reuses its token, and fetches one only once for concurrent calls', async () => {
      const identifiers = licences(lastingValid).slice(0, 5).map((licence) => licence.identifier);
      await Promise.all(identifiers.map((identifier) => adapter.getByIdentifier(identifier, '核验')));
      await adapter.getByIdentifier(identifiers[0]!, '核验');
      expect(adapter.tokenRequests).to.equal(1);
    });

    it('refreshes a token that reached its lifetime before using it', async () => {
      const identifier = licences(lastingValid)[0]!.identifier;
      await adapter.getByIdentifier(identifier, '核验');
      offsetMs += 601_000;
      const before = sim.requests.length;
      await adapter.getByIdentifier(identifier, '核验');
      expect(adapter.tokenRequests).to.equal(2);
      expect(sim.requests.slice(before).map((request) => [request.operation, request.status])).to.deep.equal([['token', 0], ['queryByIdentifier', 0]]);
    });

    it('refreshes transparently when the library says the token expired (12), retrying once', async () => {
      const identifier = licences(lastingValid)[0]!.identifier;
      await adapter.getByIdentifier(identifier, '核验');
      sim.expireAllTokens();
      const before = sim.requests.length;
      const licence = await adapter.getByIdentifier(identifier, '核验');
      expect(licence.verification.passed).to.equal(true);
      expect(adapter.tokenRequests).to.equal(2);
      expect(sim.requests.slice(before).map((request) => [request.operation, request.status])).to.deep.equal([['queryByIdentifier', 12], ['token', 0], ['queryByIdentifier', 0]]);
    });

    it('recovers from a library restart that forgot its tokens (11 on a cached token)', async () => {
      const identifier = licences(lastingValid)[0]!.identifier;
      await adapter.getByIdentifier(identifier, '核验');
      sim.forgetAllTokens();
      await adapter.getByIdentifier(identifier, '核验');
      expect(adapter.tokenRequests).to.equal(2);
    });

    it('gives up after one refresh: a second "expired" is an auth error that may be retried later', async () => {
      const identifier = licences(lastingValid)[0]!.identifier;
      sim.enqueueStatus(12, { operation: 'queryByIdentifier' });
      sim.enqueueStatus(12, { operation: 'queryByIdentifier' });
      const error = await rejection(adapter.getByIdentifier(identifier, '核验'));
      expect(error).to.be.instanceOf(UpstreamError).and.include({ kind: 'auth', upstreamCode: '12', retryable: true });
      expect(adapter.tokenRequests).to.equal(2);
    });
  });

  describe('upstream faults', () => {
    const identifier = () => licences(lastingValid)[0]!.identifier;

    it('503 is unavailable and retryable', async () => {
      sim.faults.enqueue({ kind: 'status', status: 503, pathPrefix: PATHS.queryByIdentifier });
      const error = await rejection(adapter.getByIdentifier(identifier(), '核验'));
      expect(error).to.be.instanceOf(UpstreamError).and.include({ kind: 'unavailable', upstreamStatus: 503, retryable: true });
    });

    it('the library\'s own system error (99) is unavailable and retryable', async () => {
      sim.enqueueStatus(99, { operation: 'queryByHolder' });
      const error = await rejection(adapter.queryByHolder({ holderCode: '110105194912310021', holderType: 'citizen', licenceTypes: ALL_TYPES, useCause: '测试' }));
      expect(error).to.include({ kind: 'unavailable', upstreamCode: '99', retryable: true });
    });

    it('no answer in time is a retryable timeout', async () => {
      const impatient = make({ timeoutMs: 300 });
      await impatient.getByIdentifier(identifier(), '核验'); // token first, so the hung request is the data call
      sim.faults.enqueue({ kind: 'timeout', pathPrefix: PATHS.queryByIdentifier });
      const error = await rejection(impatient.getByIdentifier(identifier(), '核验'));
      expect(error).to.be.instanceOf(UpstreamError).and.include({ kind: 'timeout', retryable: true, code: 'UPSTREAM_TIMEOUT' });
    });

    it('a reset connection is a retryable connection error (once the one resend a reused connection gets was reset too)', async () => {
      sim.faults.enqueue({ kind: 'reset', pathPrefix: PATHS.queryByIdentifier });
      sim.faults.enqueue({ kind: 'reset', pathPrefix: PATHS.queryByIdentifier });
      const error = await rejection(adapter.getByIdentifier(identifier(), '核验'));
      expect(error).to.be.instanceOf(UpstreamError).and.include({ kind: 'connection', retryable: true });
    });

    it('a malformed answer is "malformed", never a crash or data', async () => {
      sim.faults.enqueue({ kind: 'malformed', pathPrefix: PATHS.queryByHolder });
      const holder = licences(lastingValid)[0]!.holder;
      const error = await rejection(adapter.queryByHolder({ holderCode: holder.code, holderType: holder.type === '111' ? 'citizen' : 'organization', licenceTypes: ALL_TYPES, useCause: '测试' }));
      expect(error).to.be.instanceOf(UpstreamError).and.include({ kind: 'malformed', retryable: false });
      expect(error.message).to.match(/not JSON/);
    });

    it('a malformed token answer is "malformed" too', async () => {
      sim.faults.enqueue({ kind: 'malformed', pathPrefix: PATHS.token });
      const error = await rejection(adapter.getByIdentifier(identifier(), '核验'));
      expect(error).to.include({ kind: 'malformed' });
    });
  });
});
