/**
 * Contract suite of the licence library's issuance operations (签发, 注销/吊销)
 * against its simulator, over real sockets and real signatures: the library
 * assigns a GB/T 36904 identifier, serves the licence to later queries and
 * its file to downloads, answers a repeat with the same identifier, refuses
 * with its own codes (200–203, 100, 102, 10), and withdraws what it issued.
 */
import { expect } from 'chai';
import {
  createLicenceLibraryAdapter,
  DEFAULT_LICENCE_LIBRARY_ACCOUNT,
  LICENCE_LIBRARY_PATHS as PATHS,
  sharedIssuerPki,
  startLicenceLibrarySimulator,
  type LicenceLibraryAdapter,
  type LicenceLibrarySimulator,
} from '../../../adapters/licence-library/index.js';
import { ISSUERS } from '../../../adapters/common/population/index.js';
import { makeDocumentPdf } from '../../../adapters/common/pdf/index.js';
import { makeIdNumber, makeLicenceIdentifier, validateLicenceIdentifier } from '../../../src/domain/identifiers/index.js';
import { LICENCE_TYPES } from '../../../src/domain/licence-library.js';
import type { LicenceIssuanceRequest } from '../../../src/domain/licence-issuance.js';
import { UpstreamError } from '../../../src/domain/upstream-error.js';
import { TongbanError } from '../../../src/errors/index.js';
import { rejection } from '../../helpers/rejection.js';

const ISSUER = ISSUERS.meixianPolice;
const OTHER = { accessId: 'other-issuer', accessSecret: 'other-issuer-secret' };
const LIMITED = { accessId: 'limited-issuer', accessSecret: 'limited-secret', licenceTypes: [LICENCE_TYPES.residentIdCard.code] };

describe('licence library issuance adapter ↔ simulator', function () {
  this.timeout(30_000);
  let sim: LicenceLibrarySimulator;
  let adapter: LicenceLibraryAdapter;
  let pdf: Buffer;
  let serial = 0;
  const childId = makeIdNumber({ areaCode: '441403', birthDate: '2026-10-20', sequence: 101 });
  const make = (account = DEFAULT_LICENCE_LIBRARY_ACCOUNT) => createLicenceLibraryAdapter({
    baseUrl: sim.url, accessId: account.accessId, accessSecret: account.accessSecret, timeoutMs: 2000, trustAnchorsPem: sim.trustAnchorsPem,
  });
  const request = (overrides: Partial<LicenceIssuanceRequest> = {}, surface: Record<string, string> = {}): LicenceIssuanceRequest => ({
    businessNumber: `CS-${++serial}`,
    typeCode: LICENCE_TYPES.householdRegister.code,
    number: '441403000123',
    holder: { code: childId, type: 'citizen', name: '李小满' },
    issuer: { name: ISSUER.name, creditCode: ISSUER.creditCode, areaCode: ISSUER.areaCode },
    issuedOn: '2026-11-02', validFrom: '2026-11-02', validUntil: null,
    surface: {
      HH: '441403000123', HZXM: '李建国', YHZGX: '女', XM: '李小满', XB: '女', MZ: '汉族', CSRQ: '2026-10-20', CSD: '广东省梅州市梅县区',
      JG: '广东省梅州市', GMSFHM: childId, ZZ: '广东省梅州市梅县区新城街道华侨路8号', HKLX: '家庭户', DJRQ: '2026-11-02', CBJG: ISSUER.name, HYZK: '未婚', ...surface,
    },
    file: pdf,
    signer: sharedIssuerPki().credentials(ISSUER),
    ...overrides,
  });
  const code = async (promise: Promise<unknown>) => {
    const error = await rejection(promise);
    expect(error).to.be.instanceOf(UpstreamError).and.include({ system: 'licence-library', kind: 'rejected', retryable: false });
    return (error as UpstreamError).upstreamCode;
  };

  before(async function () {
    this.timeout(60_000);
    sim = await startLicenceLibrarySimulator({ accounts: [DEFAULT_LICENCE_LIBRARY_ACCOUNT, OTHER, LIMITED] });
    pdf = Buffer.from(await makeDocumentPdf({ title: '居民户口簿（常住人口登记卡）', lines: ['姓名：李小满'], createdAt: new Date('2026-11-02T09:00:00+08:00') }));
  });
  after(async () => { await sim.close(); });
  beforeEach(() => { adapter = make(); sim.faults.reset(); });

  describe('issuance', () => {
    it('assigns a GB/T 36904 identifier of the type and issuer, and later queries serve the licence, signed and verified, with its file', async () => {
      const receipt = await adapter.issue(request());
      expect(receipt.duplicate).to.equal(false);
      expect(validateLicenceIdentifier(receipt.identifier).ok).to.equal(true);
      expect(receipt.identifier).to.contain(`.${LICENCE_TYPES.householdRegister.code}.${ISSUER.creditCode}.`);
      const found = await make(OTHER).queryByHolder({ holderCode: childId, holderType: 'citizen', licenceTypes: [LICENCE_TYPES.householdRegister.code], useCause: '测试：签发后查询' });
      expect(found.map((licence) => licence.identifier)).to.deep.equal([receipt.identifier]);
      expect(found[0]!).to.deep.include({ status: 'valid', number: '441403000123', issuedOn: '2026-11-02', validUntil: null });
      expect(found[0]!.surface).to.include({ XM: '李小满', GMSFHM: childId, HH: '441403000123' });
      expect(found[0]!.verification).to.include({ identifierCheck: true, dataSignature: true, status: true });
      const url = await rawFileUrl(receipt.identifier);
      const file = Buffer.from(await (await fetch(url)).arrayBuffer());
      expect(file.equals(pdf)).to.equal(true);
      expect(sim.requests.filter((item) => item.operation === 'issue').at(-1)).to.include({ status: 0 });
    });

    it('a repeat with the same business number and content answers the same identifier; other content is 203', async () => {
      const first = request();
      const receipt = await adapter.issue(first);
      const again = await adapter.issue({ ...first });
      expect(again).to.deep.equal({ identifier: receipt.identifier, duplicate: true });
      expect(await code(adapter.issue({ ...first, number: '441403000999' }))).to.equal('203');
    });

    it('an unknown licence type is 200', async () => {
      expect(await code(adapter.issue(request({ typeCode: '11100000000013338W999' })))).to.equal('200');
    });

    it('a holder whose surface or registered name disagrees is 201', async () => {
      expect(await code(adapter.issue(request({}, { GMSFHM: makeIdNumber({ areaCode: '441403', birthDate: '2026-10-21', sequence: 103 }) })))).to.equal('201');
      const known = sim.population.persons.find((person) => person.idNumber !== null)!;
      expect(await code(adapter.issue(request({ holder: { code: known.idNumber!, type: 'citizen', name: '李小满' } }, { GMSFHM: known.idNumber! })))).to.equal('201');
      expect(await code(adapter.issue(request({ typeCode: LICENCE_TYPES.businessLicence.code })))).to.equal('201');
    });

    it('a data signature that does not verify, or by another issuer\'s key, is 202', async () => {
      expect(await code(adapter.issue(request({ signer: sharedIssuerPki().credentials(ISSUERS.meixianMarket) })))).to.equal('202');
      const signer = sharedIssuerPki().credentials(ISSUER);
      const foreign = (await import('../../../src/trust/index.js')).createDevelopmentCa({ commonName: ISSUER.name, organizationName: ISSUER.name });
      expect(await code(adapter.issue(request({ signer: { ...signer, certificatePem: foreign.certificatePem, privateKeyPem: foreign.privateKeyPem } })))).to.equal('202');
    });

    it('a type the account may not issue, or an issuer the library does not know, is 100', async () => {
      expect(await code(make(LIMITED).issue(request()))).to.equal('100');
      expect(await code(adapter.issue(request({ issuer: { name: '某不存在的机关', creditCode: ISSUER.creditCode, areaCode: ISSUER.areaCode } })))).to.equal('100');
    });

    it('missing required surface fields or a file that is not a PDF is 102', async () => {
      const { HYZK: _left, ...surface } = request().surface;
      expect(await code(adapter.issue({ ...request(), surface }))).to.equal('102');
      expect(await code(adapter.issue(request({ file: Buffer.from('not a pdf') })))).to.equal('102');
    });

    it('the adapter refuses a malformed request itself (VALIDATION_FAILED naming the field) and sends nothing', async () => {
      const before = sim.requests.length;
      const error = await rejection(adapter.issue(request({ issuedOn: '2026/11/02', businessNumber: '' })));
      expect(error).to.be.instanceOf(TongbanError).and.include({ code: 'VALIDATION_FAILED' });
      expect(JSON.stringify((error as TongbanError).errors)).to.contain('/issuedOn').and.contain('/businessNumber');
      expect(sim.requests.length).to.equal(before);
    });
  });

  describe('revocation', () => {
    it('吊销 makes the licence revoked for every later reader; a repeat answers it again', async () => {
      const { identifier } = await adapter.issue(request());
      expect(await adapter.revoke(identifier, 'revoke', '户籍注销：登记错误')).to.deep.equal({ identifier, status: 'revoked' });
      expect(await adapter.revoke(identifier, 'revoke', '户籍注销：登记错误')).to.deep.equal({ identifier, status: 'revoked' });
      const licence = await make(OTHER).getByIdentifier(identifier, '测试：注销后查询');
      expect(licence.status).to.equal('revoked');
      expect(licence.verification.passed).to.equal(false);
    });

    it('注销 is cancelled', async () => {
      const { identifier } = await adapter.issue(request());
      expect(await adapter.revoke(identifier, 'cancel', '迁出')).to.deep.equal({ identifier, status: 'cancelled' });
    });

    it('a licence the library does not know is 10; one another account issued is 100', async () => {
      const { identifier } = await adapter.issue(request());
      expect(await code(make(OTHER).revoke(identifier, 'revoke', '非本机构'))).to.equal('100');
      const unknown = sim.population.licences[0]!.identifier;
      expect(await code(adapter.revoke(unknown, 'revoke', '非签发证照'))).to.equal('100');
      const absent = makeLicenceIdentifier({ typeCode: LICENCE_TYPES.householdRegister.code, issuerCreditCode: ISSUER.creditCode, serial: 'QZ9999999999', version: 1 });
      expect(await code(adapter.revoke(absent, 'revoke', '不存在'))).to.equal('10');
    });
  });

  describe('faults', () => {
    it('503 on issuance is unavailable and retryable; the retry with the same business number issues once', async () => {
      const first = request();
      sim.faults.enqueue({ kind: 'status', status: 503, pathPrefix: PATHS.issue });
      const error = await rejection(adapter.issue(first));
      expect(error).to.be.instanceOf(UpstreamError).and.include({ kind: 'unavailable', retryable: true });
      const issued = sim.licencesIssued;
      const receipt = await adapter.issue(first);
      expect(receipt.duplicate).to.equal(false);
      expect(sim.licencesIssued).to.equal(issued + 1);
    });

    it('the library\'s system error (99) is retryable', async () => {
      sim.enqueueStatus(99, { operation: 'issue' });
      expect(await rejection(adapter.issue(request()))).to.include({ kind: 'unavailable', upstreamCode: '99', retryable: true });
    });

    it('a malformed answer is malformed, a timeout is a retryable timeout', async () => {
      sim.faults.enqueue({ kind: 'malformed', pathPrefix: PATHS.revoke });
      const { identifier } = await adapter.issue(request());
      expect(await rejection(adapter.revoke(identifier, 'revoke', '测试'))).to.include({ kind: 'malformed' });
      const impatient = createLicenceLibraryAdapter({ baseUrl: sim.url, ...DEFAULT_LICENCE_LIBRARY_ACCOUNT, timeoutMs: 300, trustAnchorsPem: sim.trustAnchorsPem });
      await impatient.fieldDefinitions(LICENCE_TYPES.householdRegister.code);
      sim.faults.enqueue({ kind: 'timeout', pathPrefix: PATHS.issue });
      expect(await rejection(impatient.issue(request()))).to.include({ kind: 'timeout', retryable: true });
    });
  });

  async function rawFileUrl(identifier: string): Promise<string> {
    const timestamp = String(Date.now());
    const { createHmac } = await import('node:crypto');
    const { accessId, accessSecret } = DEFAULT_LICENCE_LIBRARY_ACCOUNT;
    const post = async (path: string, body: unknown) => (await (await fetch(sim.url + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })).json()) as { data: Record<string, string> };
    const token = (await post(PATHS.token, { accessId, data: { timestamp, sign: createHmac('sha256', accessSecret).update(accessId + timestamp).digest('hex') } })).data['accessToken'];
    return (await post(PATHS.getFileUrl, { accessId, accessToken: token, data: { certificateIdentifier: identifier, useCause: '测试：下载' } })).data['fileUrl']!;
  }
});
