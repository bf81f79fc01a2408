import axios from 'axios';
import { expect } from 'chai';
import { createDataSharingAdapter, type DataSharingSettings } from '../../../adapters/data-sharing/index.js';
import { tokenSignature } from '../../../adapters/data-sharing/data-sharing-signature.js';
import { DEFAULT_DATA_SHARING_CREDENTIALS as CREDENTIALS, startDataSharingSimulator, type DataSharingSimulator } from '../../../adapters/data-sharing/simulator/index.js';
import { SHARED_RESOURCES } from '../../../src/domain/shared-data.js';
import { createPopulation } from '../../../adapters/common/population/index.js';
import { expectUpstreamError as expectUpstreamError_, type ExpectedUpstreamError } from '../../helpers/upstream-error.js';

const expectUpstreamError = (promise: Promise<unknown>, expected: ExpectedUpstreamError) => expectUpstreamError_('data-sharing', promise, expected);
const HOUSEHOLD = SHARED_RESOURCES.householdRegistration;
const MARRIAGE = SHARED_RESOURCES.marriageRegistration;
const INSURANCE = SHARED_RESOURCES.socialInsuranceEnrolment;
const FUND = SHARED_RESOURCES.providentFundAccount;
const READ = { purpose: '出生一件事预填', authorizationRef: '0b6f1a9e-0000-4000-8000-000000000001' };
/** A well-formed ID number of nobody in the population. */
const NOBODY = '11010519491231002X';

describe('data-sharing exchange adapter against its simulator', function () {
  this.timeout(30_000);
  const population = createPopulation();
  let simulator: DataSharingSimulator;
  let limited: DataSharingSimulator;
  const adapterWith = (overrides: Partial<DataSharingSettings> = {}, target = simulator) => createDataSharingAdapter({ baseUrl: target.url, ...CREDENTIALS, timeoutMs: 2000, ...overrides });

  before(async () => {
    simulator = await startDataSharingSimulator({
      population,
      credentials: [CREDENTIALS, { appKey: 'household-only', appSecret: 'household-only-secret', resources: [HOUSEHOLD.code] }],
    });
    limited = await startDataSharingSimulator({ population, rateLimit: { requests: 2, windowMs: 60_000 } });
  });
  after(async () => {
    await simulator.close();
    await limited.close();
  });
  afterEach(() => simulator.faults.reset());

  /** A raw resource call with a fresh token (or the one given). */
  async function raw(path: string, body: unknown, token?: string) {
    if (token === undefined) {
      const timestamp = String(Math.floor(Date.now() / 1000));
      const issued = await axios.post(`${simulator.url}/dsep/v2/auth/token`, { appKey: CREDENTIALS.appKey, timestamp, signature: tokenSignature(CREDENTIALS.appSecret, CREDENTIALS.appKey, timestamp) });
      token = (issued.data as { data: { accessToken: string } }).data.accessToken;
    }
    return axios.post(`${simulator.url}${path}`, body, { headers: { 'x-dsep-access-token': token }, validateStatus: () => true });
  }

  describe('query', () => {
    it('answers a household registration with its source department and data time', async () => {
      const person = simulator.records.someHolder('householdRegistration');
      const record = await adapterWith().query({ resourceCode: HOUSEHOLD.code, holderCode: person.idNumber!, ...READ });
      expect(record).to.include({ resourceCode: HOUSEHOLD.code, resourceName: '户籍信息', sourceDepartment: '广东省公安厅' });
      expect(record!.dataTime).to.match(/^\d{4}-\d{2}-\d{2}T00:00:00\+08:00$/);
      expect(record!.data).to.include({ XM: person.name, GMSFHM: person.idNumber, CSRQ: person.birthDate, HH: person.householdNumber, ZZ: person.address, MZ: person.ethnicity });
      const call = simulator.calls().at(-1)!;
      expect(call).to.include({ operation: 'query', resourceCode: HOUSEHOLD.code, holderCode: person.idNumber, purpose: READ.purpose, authorizationRef: READ.authorizationRef });
    });

    it('answers marriage, social insurance and provident fund from the population', async () => {
      const adapter = adapterWith();
      const married = simulator.records.someHolder('marriageRegistration');
      const spouse = population.persons.find((person) => person.key === married.spouseKey)!;
      const marriage = await adapter.query({ resourceCode: MARRIAGE.code, holderCode: married.idNumber!, ...READ });
      expect(marriage).to.include({ sourceDepartment: '广东省民政厅' });
      expect(marriage!.data).to.include({ HYZK: '已婚', POXM: spouse.name, POGMSFHM: spouse.idNumber, JHZZH: married.marriage!.certificateNumber });
      const insured = simulator.records.someHolder('socialInsuranceEnrolment', (person) => person.socialSecurity?.status === '参保缴费');
      const insurance = await adapter.query({ resourceCode: INSURANCE.code, holderCode: insured.idNumber!, ...READ });
      expect(insurance).to.include({ sourceDepartment: '广东省人力资源和社会保障厅' });
      expect(insurance!.data).to.include({ CBZT: '参保缴费', CBRQ: insured.socialSecurity!.insuredSince });
      const contributor = simulator.records.someHolder('providentFundAccount');
      const fund = await adapter.query({ resourceCode: FUND.code, holderCode: contributor.idNumber!, ...READ });
      expect(fund).to.include({ sourceDepartment: '梅州市住房公积金管理中心' });
      expect(fund!.data['GRZH']).to.match(/^4414\d{10}$/);
      // Derived from the seed: the same on a second exchange over the same population.
      const again = await startDataSharingSimulator({ population });
      try {
        expect((await adapterWith({}, again).query({ resourceCode: FUND.code, holderCode: contributor.idNumber!, ...READ }))!.data).to.deep.equal(fund!.data);
      } finally {
        await again.close();
      }
    });

    it('answers undefined for a person the source holds nothing about (30001)', async () => {
      expect(await adapterWith().query({ resourceCode: HOUSEHOLD.code, holderCode: NOBODY, ...READ })).to.equal(undefined);
      const unmarried = population.persons.find((person) => person.idNumber && !person.spouseKey)!;
      expect(await adapterWith().query({ resourceCode: MARRIAGE.code, holderCode: unmarried.idNumber!, ...READ })).to.equal(undefined);
    });
  });

  describe('verification (在线核验)', () => {
    it('says whether two people are married to each other, without the data', async () => {
      const married = simulator.records.someHolder('marriageRegistration');
      const spouse = population.persons.find((person) => person.key === married.spouseKey)!;
      const other = population.persons.find((person) => person.idNumber && person.key !== spouse.key && person.key !== married.key)!;
      const adapter = adapterWith();
      const yes = await adapter.verify({ resourceCode: MARRIAGE.code, holderCode: married.idNumber!, ...READ, claims: { POGMSFHM: spouse.idNumber! } });
      expect(yes).to.include({ holds: true, resourceCode: MARRIAGE.code, sourceDepartment: '广东省民政厅' });
      expect(yes.verificationId).to.be.a('string').and.not.empty;
      expect(Object.keys(yes).sort()).to.deep.equal(['holds', 'resourceCode', 'sourceDepartment', 'verificationId']);
      expect(await adapter.verify({ resourceCode: MARRIAGE.code, holderCode: married.idNumber!, ...READ, claims: { POGMSFHM: other.idNumber! } })).to.include({ holds: false });
    });

    it('says whether a person is enrolled in social insurance in 梅州; nobody is not', async () => {
      const insured = simulator.records.someHolder('socialInsuranceEnrolment', (person) => person.socialSecurity?.status === '参保缴费' && person.address.includes('梅州市'));
      const adapter = adapterWith();
      const claims = { CBZT: '参保缴费', CBDQ: '梅州市' };
      expect(await adapter.verify({ resourceCode: INSURANCE.code, holderCode: insured.idNumber!, ...READ, claims })).to.include({ holds: true });
      expect(await adapter.verify({ resourceCode: INSURANCE.code, holderCode: insured.idNumber!, ...READ, claims: { ...claims, CBDQ: '广州市' } })).to.include({ holds: false });
      expect(await adapter.verify({ resourceCode: INSURANCE.code, holderCode: NOBODY, ...READ, claims })).to.include({ holds: false });
      expect(simulator.calls().at(-1)).to.include({ operation: 'verify', holderCode: NOBODY });
    });
  });

  describe('every error code', () => {
    it('10001: a wrong app secret', async () => {
      await expectUpstreamError(adapterWith({ appSecret: 'not-the-secret' }).query({ resourceCode: HOUSEHOLD.code, holderCode: NOBODY, ...READ }),
        { kind: 'auth', retryable: false, upstreamCode: '10001', status: 401 });
    });

    it('10002 and 10003 on the wire; the adapter renews an expired token once and goes on', async () => {
      const bad = await raw(`/dsep/v2/resources/${HOUSEHOLD.code}/query`, { conditions: { GMSFHM: NOBODY }, ...READ }, 'f'.repeat(48));
      expect(bad.status).to.equal(401);
      expect(bad.data).to.include({ resultCode: '10002' });
      const adapter = adapterWith();
      const person = simulator.records.someHolder('householdRegistration');
      await adapter.query({ resourceCode: HOUSEHOLD.code, holderCode: person.idNumber!, ...READ });
      simulator.expireTokens();
      const before = simulator.requestCount();
      expect((await adapter.query({ resourceCode: HOUSEHOLD.code, holderCode: person.idNumber!, ...READ }))!.data['XM']).to.equal(person.name);
      expect(simulator.requestCount() - before, 'refused call, token, repeated call').to.equal(3);
    });

    it('20001 (a bad condition), 20004 (no purpose) and 40400 on the wire', async () => {
      const badId = await raw(`/dsep/v2/resources/${HOUSEHOLD.code}/query`, { conditions: { GMSFHM: '123' }, ...READ });
      expect(badId.status).to.equal(400);
      expect(badId.data).to.include({ resultCode: '20001' });
      expect((badId.data as { resultMsg: string }).resultMsg).to.include('conditions.GMSFHM');
      const unknown = await raw(`/dsep/v2/resources/${HOUSEHOLD.code}/erase`, {});
      expect(unknown.status).to.equal(404);
      expect(unknown.data).to.include({ resultCode: '40400' });
      await expectUpstreamError(adapterWith().query({ resourceCode: HOUSEHOLD.code, holderCode: NOBODY, purpose: '', authorizationRef: READ.authorizationRef }),
        { kind: 'rejected', retryable: false, upstreamCode: '20004', status: 400 });
      await expectUpstreamError(adapterWith().verify({ resourceCode: INSURANCE.code, holderCode: NOBODY, ...READ, claims: { ZZZ: '1' } }),
        { kind: 'rejected', retryable: false, upstreamCode: '20001', status: 400 });
    });

    it('20002: an unknown catalogue code; 20003: a resource the app is not granted', async () => {
      await expectUpstreamError(adapterWith().query({ resourceCode: '441400-XX-9999', holderCode: NOBODY, ...READ }),
        { kind: 'rejected', retryable: false, upstreamCode: '20002', status: 404 });
      const householdOnly = adapterWith({ appKey: 'household-only', appSecret: 'household-only-secret' });
      await householdOnly.query({ resourceCode: HOUSEHOLD.code, holderCode: NOBODY, ...READ });
      await expectUpstreamError(householdOnly.query({ resourceCode: MARRIAGE.code, holderCode: NOBODY, ...READ }),
        { kind: 'rejected', retryable: false, upstreamCode: '20003', status: 403 });
    });

    it('42900: beyond the rate limit, retryable', async () => {
      const adapter = adapterWith({}, limited);
      await adapter.query({ resourceCode: HOUSEHOLD.code, holderCode: NOBODY, ...READ });
      await adapter.query({ resourceCode: HOUSEHOLD.code, holderCode: NOBODY, ...READ });
      await expectUpstreamError(adapter.query({ resourceCode: HOUSEHOLD.code, holderCode: NOBODY, ...READ }), { kind: 'unavailable', retryable: true, upstreamCode: '42900', status: 429 });
    });

    it('50000: busy, retryable', async () => {
      const adapter = adapterWith();
      await adapter.query({ resourceCode: HOUSEHOLD.code, holderCode: NOBODY, ...READ });
      simulator.busyNext();
      await expectUpstreamError(adapter.query({ resourceCode: HOUSEHOLD.code, holderCode: NOBODY, ...READ }), { kind: 'unavailable', retryable: true, upstreamCode: '50000', status: 503 });
    });
  });

  describe('faults', () => {
    it('a 503, a timeout, a malformed answer and a reset connection', async () => {
      const adapter = adapterWith({ timeoutMs: 300 });
      const query = () => adapter.query({ resourceCode: HOUSEHOLD.code, holderCode: NOBODY, ...READ });
      await query(); // a token first: the faults below hit the resource call
      simulator.faults.enqueue({ kind: 'status', status: 503 });
      await expectUpstreamError(query(), { kind: 'unavailable', retryable: true, status: 503 });
      simulator.faults.enqueue({ kind: 'timeout' });
      await expectUpstreamError(query(), { kind: 'timeout', retryable: true });
      simulator.faults.enqueue({ kind: 'malformed' });
      await expectUpstreamError(query(), { kind: 'malformed', retryable: false });
      simulator.faults.enqueue({ kind: 'reset' });
      await expectUpstreamError(query(), { kind: 'connection', retryable: true });
      expect(await query()).to.equal(undefined);
    });
  });
});
