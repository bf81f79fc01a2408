import { X509Certificate, randomBytes } from 'node:crypto';
import axios from 'axios';
import { expect } from 'chai';
import { PDFDict, PDFDocument, PDFName, PDFStream } from 'pdf-lib';
import { createSealPlatformAdapter } from '../../../adapters/seal-platform/index.js';
import { newNonce, signedHeaders } from '../../../adapters/seal-platform/request-signing.js';
import { DEV_SEAL_APP, startSealPlatformSimulator, type SealPlatformSimulator } from '../../../adapters/seal-platform/simulator/index.js';
import { makeDocumentPdf, verifyPdfSignatures } from '../../../adapters/common/pdf/index.js';
import { UpstreamError } from '../../../src/domain/upstream-error.js';
import type { SealService } from '../../../src/domain/seal-service.js';
import { createDevelopmentCa } from '../../../src/trust/index.js';
import { countRedPixels, hasPdfsig, hasPdftoppm, pdfsig, renderPage, tamper } from '../../unit/adapters/pdf-tools.js';

/** The UpstreamError a call fails with (fails the test when it succeeds or throws something else). */
async function failure(work: Promise<unknown>): Promise<UpstreamError> {
  try {
    await work;
  } catch (error) {
    expect(error, String(error)).to.be.instanceOf(UpstreamError);
    return error as UpstreamError;
  }
  throw new Error('expected the call to fail');
}

describe('seal platform: adapter against the simulator over real sockets', function () {
  this.timeout(30_000);
  let simulator: SealPlatformSimulator;
  let adapter: SealService;
  let resultPdf: Buffer;
  const stamp = { page: 1, x: 450, y: 150 };
  const reason = '依申请出具办理结果';

  before(async () => {
    simulator = await startSealPlatformSimulator({ maxDocumentBytes: 256 * 1024 });
    adapter = createSealPlatformAdapter({ baseUrl: simulator.url, ...DEV_SEAL_APP, timeoutMs: 10_000 });
    resultPdf = await makeDocumentPdf({
      title: '居民户口登记办理结果通知书',
      lines: ['申请人: 张三', '受理号: GAJ2026112400001', '办理结果: 准予登记', '办理部门: 梅州市梅县区公安局'],
      attachmentJson: { acceptanceNumber: 'GAJ2026112400001', decision: '准予登记' },
    });
  });

  afterEach(() => simulator.faults.reset());
  after(() => simulator?.close());

  describe('seals', () => {
    it('lists the official seal and the business seal of 公安局, with pictures and certificates from the platform CA', async () => {
      const seals = await adapter.listSeals('gaj');
      expect(seals.map((seal) => [seal.name, seal.type, seal.status, seal.departmentCode])).to.deep.equal([
        ['梅州市梅县区公安局电子印章', 'official', 'active', 'gaj'],
        ['梅州市梅县区公安局业务专用章', 'business', 'active', 'gaj'],
      ]);
      const ca = new X509Certificate(simulator.caCertificatePem);
      for (const seal of seals) {
        expect(seal.sealId).to.match(/^441403\d{8}$/);
        expect(Buffer.from(seal.picture.png).subarray(1, 4).toString('latin1')).to.equal('PNG');
        expect(seal.picture.widthMm).to.be.within(38, 45);
        const certificate = new X509Certificate(seal.certificatePem);
        expect(certificate.subject).to.contain(`CN=${seal.name}`);
        expect(certificate.verify(ca.publicKey)).to.equal(true);
        expect(Date.parse(seal.validFrom)).to.be.below(Date.now());
        expect(Date.parse(seal.validUntil)).to.be.above(Date.now());
      }
    });

    it('refuses an unknown department', async () => {
      const error = await failure(adapter.listSeals('nosuchdept'));
      expect(error).to.include({ kind: 'rejected', upstreamCode: '20004', retryable: false });
    });
  });

  describe('sealing a result document for 公安局', () => {
    let sealed: Awaited<ReturnType<SealService['sealPdf']>>;
    let operationsBefore: number;

    before(async () => {
      operationsBefore = simulator.sealOperations('gaj');
      sealed = await adapter.sealPdf({ departmentCode: 'gaj', pdf: resultPdf, ...stamp, reason });
    });

    it('returns the document sealed with the official seal, verified by the adapter', () => {
      const official = simulator.seals('gaj').find((seal) => seal.type === 'official')!;
      expect(sealed.sealId).to.equal(official.sealId);
      expect(sealed.sealName).to.equal('梅州市梅县区公安局电子印章');
      expect(sealed.signature).to.include({ signerName: '梅州市梅县区公安局电子印章', integrity: true, certificateTrusted: true, coversWholeDocument: true, reason, sealId: official.sealId });
      expect(simulator.sealOperations('gaj')).to.equal(operationsBefore + 1);
      expect(simulator.sealOperations('scjgj')).to.equal(0);
    });

    it('verifies with verify-pdf against the simulator CA', () => {
      const result = verifyPdfSignatures(sealed.pdf, [simulator.caCertificatePem]);
      expect(result.valid, result.problems.join('; ')).to.equal(true);
      expect(result.signatures).to.have.length(1);
      expect(result.signatures[0]).to.include({ signerName: '梅州市梅县区公安局电子印章', location: '梅州市梅县区' });
      expect(verifyPdfSignatures(sealed.pdf, [createDevelopmentCa({ commonName: 'Another CA' }).certificatePem]).valid).to.equal(false);
    });

    it('verifies with poppler pdfsig: signature valid, certificate trusted', function () {
      if (!hasPdfsig()) {
        console.warn('      pdfsig or certutil is not installed (apt-get install poppler-utils libnss3-tools): skipping');
        this.skip();
      }
      const output = pdfsig(sealed.pdf, [simulator.caCertificatePem]);
      expect(output).to.contain('Signer Certificate Common Name: 梅州市梅县区公安局电子印章');
      expect(output).to.contain('Signature is Valid');
      expect(output).to.contain('Certificate is Trusted');
    });

    it('carries a visible stamp: the seal picture as an image on page 1, and a signature widget over it', async () => {
      const original = await PDFDocument.load(resultPdf);
      const loaded = await PDFDocument.load(sealed.pdf);
      const imagesOf = (document: PDFDocument) => {
        const xObjects = document.getPage(0).node.Resources()?.lookupMaybe(PDFName.of('XObject'), PDFDict);
        return (xObjects?.keys() ?? []).filter((key) => xObjects!.lookup(key, PDFStream).dict.get(PDFName.of('Subtype'))?.toString() === '/Image').length;
      };
      expect(imagesOf(original)).to.equal(0);
      expect(imagesOf(loaded)).to.equal(1);
      const widgetRect = loaded.getPage(0).node.Annots()!.lookup(0, PDFDict).lookup(PDFName.of('Rect'))!.toString();
      const [x1, y1, x2, y2] = widgetRect.replace(/[[\]]/g, '').trim().split(/\s+/).map(Number);
      expect((x1! + x2!) / 2).to.be.closeTo(stamp.x, 0.5);
      expect((y1! + y2!) / 2).to.be.closeTo(stamp.y, 0.5);
    });

    it('shows red ink where the stamp is, and only there, when rendered', function () {
      if (!hasPdftoppm()) this.skip();
      const dpi = 36; // 0.5 pixel per point
      const page = renderPage(sealed.pdf, 1, dpi);
      const scale = dpi / 72;
      const centre = { x: Math.round(stamp.x * scale), y: Math.round(page.height - stamp.y * scale) };
      const radius = Math.round(((42 * 72) / 25.4 / 2) * scale);
      const aroundStamp = { left: centre.x - radius, right: centre.x + radius, top: centre.y - radius, bottom: centre.y + radius };
      expect(countRedPixels(page, aroundStamp)).to.be.above(150);
      expect(countRedPixels(page, { left: 0, right: page.width, top: 0, bottom: centre.y - radius - 2 })).to.equal(0);
      expect(countRedPixels(renderPage(resultPdf, 1, dpi), aroundStamp)).to.equal(0);
    });

    it('is verified as valid by the platform, naming the seal', async () => {
      const verification = await adapter.verifyPdf(sealed.pdf);
      expect(verification.valid).to.equal(true);
      expect(verification.problems).to.deep.equal([]);
      expect(verification.signatures[0]).to.include({ sealId: sealed.sealId, sealName: sealed.sealName, integrity: true, certificateTrusted: true, reason });
    });

    it('fails verification once tampered with, at the platform and locally', async () => {
      const signature = verifyPdfSignatures(sealed.pdf, [simulator.caCertificatePem]).signatures[0]!;
      const tampered = tamper(sealed.pdf, '/MediaBox [ 0 0 595.28', '/MediaBox [ 0 0 595.29', signature.byteRange[1]);
      const verification = await adapter.verifyPdf(tampered);
      expect(verification.valid).to.equal(false);
      expect(verification.signatures[0]).to.include({ integrity: false });
      expect(verification.problems.join('\n')).to.contain('do not match the signed digest');
      expect(verifyPdfSignatures(tampered, [simulator.caCertificatePem]).valid).to.equal(false);
    });

    it('refuses to seal the sealed document again', async () => {
      const error = await failure(adapter.sealPdf({ departmentCode: 'gaj', pdf: sealed.pdf, ...stamp, reason }));
      expect(error).to.include({ kind: 'rejected', upstreamCode: '30004' });
    });
  });

  describe('choosing and refusing seals', () => {
    it('seals with a named business seal', async () => {
      const business = simulator.seals('gaj').find((seal) => seal.type === 'business')!;
      const sealed = await adapter.sealPdf({ departmentCode: 'gaj', sealId: business.sealId, pdf: resultPdf, ...stamp, reason });
      expect(sealed.sealId).to.equal(business.sealId);
      expect(sealed.signature.signerName).to.equal('梅州市梅县区公安局业务专用章');
    });

    it('rejects an unknown seal, and a seal of another department', async () => {
      expect(await failure(adapter.sealPdf({ departmentCode: 'gaj', sealId: '44140399010001', pdf: resultPdf, ...stamp, reason })))
        .to.include({ kind: 'rejected', upstreamCode: '20001', retryable: false });
      const taxSeal = simulator.seals('swj')[0]!.sealId;
      expect(await failure(adapter.sealPdf({ departmentCode: 'gaj', sealId: taxSeal, pdf: resultPdf, ...stamp, reason })))
        .to.include({ kind: 'rejected', upstreamCode: '20001' });
    });

    it('rejects a revoked seal and lists it as revoked', async () => {
      const business = simulator.seals('gaj').find((seal) => seal.type === 'business')!;
      simulator.updateSeal(business.sealId, { status: 'revoked' });
      try {
        const before = simulator.sealOperations('gaj');
        const error = await failure(adapter.sealPdf({ departmentCode: 'gaj', sealId: business.sealId, pdf: resultPdf, ...stamp, reason }));
        expect(error).to.include({ kind: 'rejected', upstreamCode: '20002', retryable: false });
        expect(simulator.sealOperations('gaj')).to.equal(before);
        expect((await adapter.listSeals('gaj')).find((seal) => seal.sealId === business.sealId)?.status).to.equal('revoked');
      } finally {
        simulator.updateSeal(business.sealId, { status: 'active' });
      }
    });

    it('rejects an expired seal, falls back to a usable one by default, and says when none is left', async () => {
      const [official, business] = [...simulator.seals('ybj')];
      const validUntil = official!.validUntil;
      simulator.updateSeal(official!.sealId, { validUntil: new Date(Date.now() - 86_400_000) });
      try {
        expect(await failure(adapter.sealPdf({ departmentCode: 'ybj', sealId: official!.sealId, pdf: resultPdf, ...stamp, reason })))
          .to.include({ kind: 'rejected', upstreamCode: '20003' });
        expect((await adapter.listSeals('ybj'))[0]?.status).to.equal('expired');
        expect((await adapter.sealPdf({ departmentCode: 'ybj', pdf: resultPdf, ...stamp, reason })).sealId).to.equal(business!.sealId);
        simulator.updateSeal(business!.sealId, { status: 'suspended' });
        expect(await failure(adapter.sealPdf({ departmentCode: 'ybj', pdf: resultPdf, ...stamp, reason })))
          .to.include({ kind: 'rejected', upstreamCode: '20005' });
      } finally {
        simulator.updateSeal(official!.sealId, { validUntil });
        simulator.updateSeal(business!.sealId, { status: 'active' });
      }
    });

    it('rejects a document that is not a PDF, a page that does not exist, and a document too large', async () => {
      expect(await failure(adapter.sealPdf({ departmentCode: 'gaj', pdf: Buffer.from('PK\u0003\u0004 a zip, not a PDF'), ...stamp, reason })))
        .to.include({ kind: 'rejected', upstreamCode: '30001' });
      expect(await failure(adapter.sealPdf({ departmentCode: 'gaj', pdf: resultPdf, page: 3, x: 100, y: 100, reason })))
        .to.include({ kind: 'rejected', upstreamCode: '30003' });
      const large = Buffer.concat([resultPdf, Buffer.from('%'), randomBytes(280 * 1024)]); // over 256 KiB decoded, under the body limit
      const tooLarge = await failure(adapter.sealPdf({ departmentCode: 'gaj', pdf: large, ...stamp, reason }));
      expect(tooLarge).to.include({ kind: 'rejected', upstreamCode: '30002' });
      // Past the body limit the platform answers 413 before reading the document.
      const huge = Buffer.concat([resultPdf, Buffer.alloc(600 * 1024, 0x20)]);
      expect(await failure(adapter.sealPdf({ departmentCode: 'gaj', pdf: huge, ...stamp, reason })))
        .to.include({ kind: 'rejected', upstreamCode: '30002', upstreamStatus: 413 });
    });

    it('verifies an unsigned document as not valid (a result, not an error)', async () => {
      const verification = await adapter.verifyPdf(resultPdf);
      expect(verification).to.deep.equal({ valid: false, signatures: [], problems: ['document carries no signature'] });
    });
  });

  describe('authentication', () => {
    it('maps a wrong secret, an unknown app and a skewed clock to auth errors that are not retried', async () => {
      const wrongSecret = createSealPlatformAdapter({ baseUrl: simulator.url, appId: DEV_SEAL_APP.appId, appSecret: 'not-the-secret' });
      expect(await failure(wrongSecret.listSeals('gaj'))).to.include({ kind: 'auth', upstreamCode: '10002', retryable: false, upstreamStatus: 401 });
      const unknownApp = createSealPlatformAdapter({ baseUrl: simulator.url, appId: 'somebody', appSecret: DEV_SEAL_APP.appSecret });
      expect(await failure(unknownApp.listSeals('gaj'))).to.include({ kind: 'auth', upstreamCode: '10001', retryable: false });
      const lateClock = createSealPlatformAdapter({ baseUrl: simulator.url, ...DEV_SEAL_APP, now: () => new Date(Date.now() - 3_600_000) });
      expect(await failure(lateClock.listSeals('gaj'))).to.include({ kind: 'auth', upstreamCode: '10003', retryable: false });
    });

    it('refuses a replayed request (same nonce) and a body changed after signing', async () => {
      const path = '/api/v1/seals?deptCode=gaj';
      const headers = signedHeaders(DEV_SEAL_APP.appSecret, { ...DEV_SEAL_APP, timestamp: Math.floor(Date.now() / 1000), nonce: newNonce(), method: 'GET', pathAndQuery: path, body: '' });
      const send = () => axios.get(simulator.url + path, { headers, validateStatus: () => true });
      expect((await send()).data).to.include({ code: 0 });
      expect((await send()).data).to.include({ code: 10004 });

      const body = JSON.stringify({ fileData: resultPdf.toString('base64') });
      const signed = signedHeaders(DEV_SEAL_APP.appSecret, { ...DEV_SEAL_APP, timestamp: Math.floor(Date.now() / 1000), nonce: newNonce(), method: 'POST', pathAndQuery: '/api/v1/verify/pdf', body });
      const changed = body.replace('"fileData"', '"fileData" ');
      const answer = await axios.post(`${simulator.url}/api/v1/verify/pdf`, changed, { headers: { ...signed, 'content-type': 'application/json' }, validateStatus: () => true });
      expect(answer.status).to.equal(401);
      expect(answer.data).to.include({ code: 10002 });
    });
  });

  describe('faults', () => {
    it('maps 503 to a retryable unavailable error', async () => {
      simulator.faults.enqueue({ kind: 'status', status: 503, pathPrefix: '/api/v1/seals' });
      expect(await failure(adapter.listSeals('gaj'))).to.include({ kind: 'unavailable', upstreamStatus: 503, retryable: true });
    });

    it('maps a platform that is down to a retryable error, and recovers when it comes back', async () => {
      simulator.faults.goDown();
      expect(await failure(adapter.listSeals('gaj'))).to.include({ kind: 'unavailable', retryable: true });
      simulator.faults.comeBack();
      expect(await adapter.listSeals('gaj')).to.have.length(2);
    });

    it('maps a hung request to a retryable timeout', async () => {
      const impatient = createSealPlatformAdapter({ baseUrl: simulator.url, ...DEV_SEAL_APP, timeoutMs: 300 });
      simulator.faults.enqueue({ kind: 'timeout', pathPrefix: '/api/v1/seals' });
      const error = await failure(impatient.listSeals('gaj'));
      expect(error).to.include({ kind: 'timeout', retryable: true, code: 'UPSTREAM_TIMEOUT' });
    });

    it('maps a reset connection to a retryable connection error', async () => {
      simulator.faults.enqueue({ kind: 'reset', pathPrefix: '/api/v1/seal/pdf' });
      expect(await failure(adapter.sealPdf({ departmentCode: 'gaj', pdf: resultPdf, ...stamp, reason }))).to.include({ kind: 'connection', retryable: true });
    });

    it('maps a malformed answer to a non-retryable malformed error', async () => {
      simulator.faults.enqueue({ kind: 'malformed', pathPrefix: '/api/v1/seals' });
      expect(await failure(adapter.listSeals('gaj'))).to.include({ kind: 'malformed', retryable: false });
      simulator.faults.enqueue({ kind: 'malformed', pathPrefix: '/api/v1/seal/pdf' });
      expect(await failure(adapter.sealPdf({ departmentCode: 'gaj', pdf: resultPdf, ...stamp, reason }))).to.include({ kind: 'malformed' });
    });

    it('refuses a sealed document whose signature does not verify', async () => {
      simulator.faults.enqueue({ kind: 'bad-signature', pathPrefix: '/api/v1/seal/pdf' });
      const error = await failure(adapter.sealPdf({ departmentCode: 'gaj', pdf: resultPdf, ...stamp, reason }));
      expect(error).to.include({ kind: 'signature', retryable: false });
      expect(error.message).to.contain('signature');
    });

    it('refuses a sealed document whose seal certificate does not chain to the configured platform CA', async () => {
      const strict = createSealPlatformAdapter({
        baseUrl: simulator.url, ...DEV_SEAL_APP, trustAnchorsPem: [createDevelopmentCa({ commonName: '真正的省电子印章CA' }).certificatePem],
      });
      const error = await failure(strict.sealPdf({ departmentCode: 'gaj', pdf: resultPdf, ...stamp, reason }));
      expect(error).to.include({ kind: 'signature', retryable: false });
    });
  });
});
