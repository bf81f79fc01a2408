/**
 * Licence files over real sockets: the temporary URL, its expiry, the
 * issuer's PDF seal verified by the adapter, and faults on the download.
 */
import { createHmac } from 'node:crypto';
import { expect } from 'chai';
import {
  createLicenceLibraryAdapter,
  DEFAULT_LICENCE_LIBRARY_ACCOUNT as ACCOUNT,
  LICENCE_LIBRARY_PATHS as PATHS,
  sharedIssuerPki,
  startLicenceLibrarySimulator,
  type LicenceLibraryAdapter,
  type LicenceLibrarySimulator,
} from '../../../adapters/licence-library/index.js';
import { ALL_ISSUERS, ISSUERS, type LicenceRecord } from '../../../adapters/common/population/index.js';
import { readDocumentJson, verifyPdfSignatures } from '../../../adapters/common/pdf/index.js';
import { UpstreamError } from '../../../src/domain/upstream-error.js';
import { rejection } from '../../helpers/rejection.js';

describe('licence library files ↔ simulator', function () {
  this.timeout(30_000);
  let offsetMs = 0;
  const clock = () => Date.now() + offsetMs;
  let sim: LicenceLibrarySimulator;
  let adapter: LicenceLibraryAdapter;
  const valid = (licence: LicenceRecord) => licence.status === '01' && (licence.validUntil === null || licence.validUntil > '2035-01-01');
  const pick = (index: number) => sim.population.licences.filter(valid)[index]!;

  /** Asks for a file URL directly on the wire. */
  const fileUrl = async (identifier: string): Promise<string> => {
    const post = async (path: string, body: unknown) => (await (await fetch(sim.url + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })).json()) as { head: { status: number }; data: Record<string, unknown> };
    const timestamp = String(clock());
    const sign = createHmac('sha256', ACCOUNT.accessSecret).update(ACCOUNT.accessId + timestamp).digest('hex');
    const token = await post(PATHS.token, { accessId: ACCOUNT.accessId, data: { timestamp, sign } });
    const answer = await post(PATHS.getFileUrl, { accessId: ACCOUNT.accessId, accessToken: token.data['accessToken'], data: { certificateIdentifier: identifier, useCause: '下载证照文件' } });
    expect(answer.head.status).to.equal(0);
    expect(answer.data['expiresIn']).to.equal(600);
    return answer.data['fileUrl'] as string;
  };

  before(async function () {
    this.timeout(60_000);
    sharedIssuerPki().warm(ALL_ISSUERS);
    sim = await startLicenceLibrarySimulator({ clock });
  });
  after(async () => { await sim.close(); });
  beforeEach(() => {
    adapter = createLicenceLibraryAdapter({ baseUrl: sim.url, ...ACCOUNT, timeoutMs: 5000, trustAnchorsPem: sim.trustAnchorsPem, now: () => new Date(clock()) });
  });
  afterEach(() => {
    offsetMs = 0;
    sim.faults.reset();
  });

  it('downloads the sealed PDF through a temporary URL and verifies the issuer\'s seal', async () => {
    const record = pick(0);
    const generated = sim.filesGenerated;
    const file = await adapter.downloadFile(record.identifier, '不动产转移登记：核验权属证书');
    expect(file.contentType).to.equal('application/pdf');
    expect(Buffer.from(file.bytes).subarray(0, 5).toString('latin1')).to.equal('%PDF-');
    expect(file.licence.identifier).to.equal(record.identifier);
    expect(file.licence.verification).to.include({ identifierCheck: true, status: true, validity: true, dataSignature: true, fileSignature: true, passed: true });
    expect(file.signatures).to.have.length(1);
    expect(file.signatures[0]).to.include({ signerName: ISSUERS[record.issuer].name, integrity: true, certificateTrusted: true, coversWholeDocument: true });
    // Anyone holding the CA certificate can check the seal, and the attachment carries the metadata.
    expect(verifyPdfSignatures(Buffer.from(file.bytes), sim.trustAnchorsPem).valid).to.equal(true);
    const attached = await readDocumentJson(file.bytes) as { data: { metadata: Record<string, string>; surface: Record<string, string> } };
    expect(attached.data.metadata['certificate_identifier']).to.equal(record.identifier);
    expect(attached.data.surface).to.deep.equal(record.surface);
    expect(sim.filesGenerated).to.equal(generated + 1);
    const operations = sim.requests.slice(-3).map((request) => [request.operation, request.status, request.useCause]);
    expect(operations).to.deep.equal([
      ['queryByIdentifier', 0, '不动产转移登记：核验权属证书'],
      ['getFileUrl', 0, '不动产转移登记：核验权属证书'],
      ['downloadFile', 200, undefined],
    ]);
  });

  it('makes each file once, however many times and however concurrently it is fetched', async () => {
    const record = pick(1);
    const generated = sim.filesGenerated;
    const files = await Promise.all([1, 2, 3].map(() => adapter.downloadFile(record.identifier, '测试')));
    expect(sim.filesGenerated).to.equal(generated + 1);
    expect(Buffer.compare(Buffer.from(files[0]!.bytes), Buffer.from(files[2]!.bytes))).to.equal(0);
  });

  it('a temporary URL works until it expires, then answers 410; an unknown one 404', async () => {
    const url = await fileUrl(pick(2).identifier);
    expect(new URL(url).origin).to.equal(sim.url);
    const first = await fetch(url);
    expect(first.status).to.equal(200);
    expect(first.headers.get('content-type')).to.match(/application\/pdf/);
    await first.arrayBuffer();
    offsetMs += 599_000;
    const again = await fetch(url);
    expect(again.status).to.equal(200);
    await again.arrayBuffer();
    offsetMs += 2_000;
    const expired = await fetch(url);
    expect(expired.status).to.equal(410);
    await expired.text();
    const unknown = await fetch(`${sim.url}${PATHS.filePrefix}/not-a-token`);
    expect(unknown.status).to.equal(404);
    await unknown.text();
  });

  it('asks for a new URL once when the first has expired (410)', async () => {
    sim.faults.enqueue({ kind: 'status', status: 410, pathPrefix: PATHS.filePrefix });
    const file = await adapter.downloadFile(pick(0).identifier, '测试');
    expect(file.licence.verification.fileSignature).to.equal(true);
    expect(sim.requests.slice(-3).map((request) => request.operation)).to.deep.equal(['getFileUrl', 'getFileUrl', 'downloadFile']);
  });

  it('a URL that keeps expiring is a rejection', async () => {
    sim.faults.enqueue({ kind: 'status', status: 410, pathPrefix: PATHS.filePrefix }, { kind: 'status', status: 410, pathPrefix: PATHS.filePrefix });
    const error = await rejection(adapter.downloadFile(pick(0).identifier, '测试'));
    expect(error).to.be.instanceOf(UpstreamError).and.include({ kind: 'rejected', upstreamStatus: 410, retryable: false });
  });

  it('a file whose seal no longer verifies is returned with fileSignature false, not trusted', async () => {
    sim.faults.enqueue({ kind: 'bad-signature', pathPrefix: PATHS.filePrefix });
    const file = await adapter.downloadFile(pick(0).identifier, '测试');
    expect(file.licence.verification).to.include({ dataSignature: true, fileSignature: false, passed: false });
    expect(file.licence.verification.problems.join('; ')).to.match(/^file: /);
    expect(file.signatures[0]).to.include({ integrity: false });
  });

  it('a truncated file is "malformed"; a 503 on the download is retryable', async () => {
    sim.faults.enqueue({ kind: 'malformed', pathPrefix: PATHS.filePrefix });
    const truncated = await rejection(adapter.downloadFile(pick(0).identifier, '测试'));
    expect(truncated).to.be.instanceOf(UpstreamError).and.include({ kind: 'malformed', retryable: false });
    sim.faults.enqueue({ kind: 'status', status: 503, pathPrefix: PATHS.filePrefix });
    const unavailable = await rejection(adapter.downloadFile(pick(0).identifier, '测试'));
    expect(unavailable).to.include({ kind: 'unavailable', retryable: true, upstreamStatus: 503 });
  });

  it('a revoked licence\'s file still verifies, but the licence does not pass', async () => {
    const record = sim.population.licences.find((licence) => licence.status === '03')!;
    const file = await adapter.downloadFile(record.identifier, '测试');
    expect(file.licence.verification).to.include({ status: false, fileSignature: true, passed: false });
  });
});
