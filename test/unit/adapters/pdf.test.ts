import { X509Certificate } from 'node:crypto';
import { expect } from 'chai';
import { PDFArray, PDFDict, PDFDocument, PDFName, PDFStream } from 'pdf-lib';
import {
  PdfSigningError,
  isDrawable,
  makeDocumentPdf,
  makeSealPicturePng,
  readDocumentJson,
  signPdf,
  toDrawableText,
  verifyPdfSignatures,
} from '../../../adapters/common/pdf/index.js';
import { createDevelopmentCa, issueCertificate, toPkcs12, type CertificateAuthority } from '../../../src/trust/index.js';
import { hasPdfsig, pdfsig, tamper } from './pdf-tools.js';

describe('adapters/common/pdf: make, seal and verify PDFs', () => {
  let ca: CertificateAuthority;
  let otherCa: CertificateAuthority;
  let signerCertificatePem: string;
  let signer: { p12: Buffer; passphrase: string };
  let strangerSigner: { p12: Buffer; passphrase: string };
  let document: Buffer;
  let sealed: Buffer;
  const signingTime = new Date(Date.now() - 60_000);

  before(async () => {
    ca = createDevelopmentCa({ commonName: '梅州市电子印章开发测试 CA', organizationName: '通办沙箱' });
    otherCa = createDevelopmentCa({ commonName: 'Some other CA' });
    const leaf = issueCertificate(ca, { commonName: '梅州市梅县区公安局电子印章', organizationName: '梅州市梅县区公安局', usage: 'signing' });
    signerCertificatePem = leaf.certificatePem;
    signer = { p12: toPkcs12(leaf.certificatePem, leaf.privateKeyPem!, [ca.certificatePem], 'seal-pass'), passphrase: 'seal-pass' };
    const stranger = issueCertificate(otherCa, { commonName: '梅州市梅县区公安局电子印章', usage: 'signing' });
    strangerSigner = { p12: toPkcs12(stranger.certificatePem, stranger.privateKeyPem!, [otherCa.certificatePem], 'x'), passphrase: 'x' };
    document = await makeDocumentPdf({
      title: '户口登记办理结果 Household registration result',
      lines: ['申请人: 张三', 'Case 2026-000123', '办理结果: 准予登记'],
      attachmentJson: { caseId: '2026-000123', decision: '准予登记' },
      createdAt: new Date('2026-03-02T08:00:00Z'),
    });
    sealed = await signPdf(document, signer, {
      reason: '依申请出具办理结果', location: '梅州市梅县区', contactInfo: '0753-0000000', signingTime,
      stamp: { page: 1, x: 420, y: 180, sizeMm: 40, text: 'Meixian Public Security Bureau' },
    });
  });

  describe('makeDocumentPdf', () => {
    it('makes a one-page A4 PDF whose attachment holds the exact Chinese text and data', async () => {
      const loaded = await PDFDocument.load(document);
      expect(loaded.getPageCount()).to.equal(1);
      const { width, height } = loaded.getPage(0).getSize();
      expect([Math.round(width), Math.round(height)]).to.deep.equal([595, 842]);
      expect(loaded.getTitle()).to.equal('户口登记办理结果 Household registration result');
      expect(await readDocumentJson(document)).to.deep.equal({
        title: '户口登记办理结果 Household registration result',
        lines: ['申请人: 张三', 'Case 2026-000123', '办理结果: 准予登记'],
        data: { caseId: '2026-000123', decision: '准予登记' },
      });
    });

    it('is byte-for-byte reproducible with a fixed creation date', async () => {
      const again = await makeDocumentPdf({
        title: '户口登记办理结果 Household registration result',
        lines: ['申请人: 张三', 'Case 2026-000123', '办理结果: 准予登记'],
        attachmentJson: { caseId: '2026-000123', decision: '准予登记' },
        createdAt: new Date('2026-03-02T08:00:00Z'),
      });
      expect(again.equals(document)).to.equal(true);
    });

    it('continues on a new page when the lines do not fit', async () => {
      const long = await makeDocumentPdf({ title: 'Long', lines: Array.from({ length: 120 }, (_, index) => `line ${index}`) });
      expect((await PDFDocument.load(long)).getPageCount()).to.equal(3);
    });

    it('draws text the standard fonts cannot encode as \\u escapes', () => {
      expect(toDrawableText('张三 Zhang Ä')).to.equal('\\u5f20\\u4e09 Zhang Ä');
      expect(toDrawableText('𠀀')).to.equal('\\u{20000}');
      expect(isDrawable('Zhang San')).to.equal(true);
      expect(isDrawable('张三')).to.equal(false);
    });

    it('reads no document JSON from a PDF without one, or from garbage', async () => {
      const plain = Buffer.from(await (await PDFDocument.create()).save());
      expect(await readDocumentJson(plain)).to.equal(undefined);
      expect(await readDocumentJson(Buffer.from('not a pdf'))).to.equal(undefined);
    });
  });

  describe('signPdf + verifyPdfSignatures', () => {
    it('verifies a sealed PDF: intact, trusted, whole document, with the signer and reason', () => {
      const result = verifyPdfSignatures(sealed, [ca.certificatePem]);
      expect(result.problems).to.deep.equal([]);
      expect(result.valid).to.equal(true);
      expect(result.signatures).to.have.length(1);
      const [signature] = result.signatures;
      expect(signature).to.include({
        signerName: '梅州市梅县区公安局电子印章', integrity: true, certificateTrusted: true, coversWholeDocument: true,
        reason: '依申请出具办理结果', location: '梅州市梅县区', name: '梅州市梅县区公安局电子印章', subFilter: 'adbe.pkcs7.detached',
      });
      expect(new X509Certificate(signature!.signerCertificatePem).fingerprint256).to.equal(new X509Certificate(signerCertificatePem).fingerprint256);
      expect(signature!.signedAt).to.equal(new Date(Math.floor(signingTime.getTime() / 1000) * 1000).toISOString());
      expect(signature!.byteRange[0]).to.equal(0);
    });

    it('keeps the attachment readable after sealing', async () => {
      expect((await readDocumentJson(sealed))?.data).to.deep.equal({ caseId: '2026-000123', decision: '准予登记' });
    });

    it('puts the signature widget on the stamp, on the stamp\'s page', async () => {
      const loaded = await PDFDocument.load(sealed);
      const annotations = loaded.getPage(0).node.lookup(PDFName.of('Annots'), PDFArray);
      const widget = annotations.lookup(0, PDFDict);
      const rectangle = widget.lookup(PDFName.of('Rect'), PDFArray).asArray().map((value) => Number(value.toString()));
      const half = (40 * 72) / 25.4 / 2;
      expect(rectangle.map((value) => Math.round(value))).to.deep.equal([420 - half, 180 - half, 420 + half, 180 + half].map((value) => Math.round(value)));
      expect(widget.lookup(PDFName.of('FT'))?.toString()).to.equal('/Sig');
    });

    it('draws a PNG seal picture as an image on the page', async () => {
      const picture = makeSealPicturePng({ name: '梅州市梅县区公安局电子印章' });
      expect(picture.subarray(1, 4).toString('latin1')).to.equal('PNG');
      const withPicture = await signPdf(document, signer, { stamp: { page: 1, x: 300, y: 300, text: '梅州市梅县区公安局电子印章', pngImage: picture } });
      const loaded = await PDFDocument.load(withPicture);
      const xObjects = loaded.getPage(0).node.Resources()!.lookup(PDFName.of('XObject'), PDFDict);
      const subtypes = xObjects.keys().map((key) => xObjects.lookup(key, PDFStream).dict.get(PDFName.of('Subtype'))?.toString());
      expect(subtypes).to.include('/Image');
      expect(verifyPdfSignatures(withPicture, [ca.certificatePem]).valid).to.equal(true);
    });

    it('reports a changed byte inside the signed range as an integrity failure', () => {
      const signature = verifyPdfSignatures(sealed, [ca.certificatePem]).signatures[0]!;
      const tampered = tamper(sealed, '/MediaBox [ 0 0 595.28', '/MediaBox [ 0 0 595.29', signature.byteRange[1]);
      const result = verifyPdfSignatures(tampered, [ca.certificatePem]);
      expect(result.valid).to.equal(false);
      expect(result.signatures[0]).to.include({ integrity: false, certificateTrusted: true });
      expect(result.problems.join('\n')).to.contain('do not match the signed digest');
    });

    it('reports a changed signature value as an integrity failure', () => {
      const signature = verifyPdfSignatures(sealed, [ca.certificatePem]).signatures[0]!;
      const copy = Buffer.from(sealed);
      // Inside the CMS, near its end: the RSA signature value (the zero padding follows it).
      const hexStart = signature.byteRange[1] + 1;
      const cmsHexLength = copy.subarray(hexStart, signature.byteRange[2] - 1).toString('latin1').replace(/(00)+$/, '').length;
      const at = hexStart + cmsHexLength - 10;
      copy[at] = copy[at] === 0x61 ? 0x62 : 0x61;
      const result = verifyPdfSignatures(copy, [ca.certificatePem]);
      expect(result.valid).to.equal(false);
      expect(result.signatures[0]?.integrity).to.equal(false);
    });

    it('reports content appended after signing as not covering the whole document', () => {
      const appended = Buffer.concat([sealed, Buffer.from('\n1 0 obj\n<< /Injected true >>\nendobj\n%%EOF\n')]);
      const result = verifyPdfSignatures(appended, [ca.certificatePem]);
      expect(result.valid).to.equal(false);
      expect(result.signatures[0]).to.include({ integrity: true, certificateTrusted: true, coversWholeDocument: false });
    });

    it('reports a signer from another CA as untrusted (but intact)', async () => {
      const foreign = await signPdf(document, strangerSigner, { reason: 'forged' });
      const result = verifyPdfSignatures(foreign, [ca.certificatePem]);
      expect(result.valid).to.equal(false);
      expect(result.signatures[0]).to.include({ integrity: true, certificateTrusted: false });
      expect(verifyPdfSignatures(foreign, [otherCa.certificatePem]).valid).to.equal(true);
    });

    it('reports a certificate outside its validity as untrusted', () => {
      const result = verifyPdfSignatures(sealed, [ca.certificatePem], { at: new Date(Date.now() + 5 * 365 * 86_400_000) });
      expect(result.valid).to.equal(false);
      expect(result.signatures[0]?.certificateTrusted).to.equal(false);
      expect(result.problems.join('\n')).to.contain('is not valid at');
    });

    it('returns valid:false, never throws, for unsigned, non-PDF and mangled input', () => {
      const unsigned = verifyPdfSignatures(document, [ca.certificatePem]);
      expect(unsigned).to.deep.equal({ valid: false, signatures: [], problems: ['document carries no signature'] });
      expect(verifyPdfSignatures(Buffer.from('hello'), [ca.certificatePem]).problems).to.deep.equal(['document is not a PDF']);
      expect(verifyPdfSignatures(sealed, []).valid).to.equal(false);
      const garbage = Buffer.from(sealed);
      const signature = verifyPdfSignatures(sealed, [ca.certificatePem]).signatures[0]!;
      garbage.fill('0', signature.byteRange[1] + 1, signature.byteRange[2] - 1); // an all-zero /Contents
      const broken = verifyPdfSignatures(garbage, [ca.certificatePem]);
      expect(broken.valid).to.equal(false);
      expect(broken.signatures[0]?.integrity).to.equal(false);
      const badRange = Buffer.from(sealed.toString('latin1').replace(/\/ByteRange \[0 \d+/, (match) => match.replace(/\d+$/, (digits) => '9'.repeat(digits.length))), 'latin1');
      expect(verifyPdfSignatures(badRange, [ca.certificatePem]).valid).to.equal(false);
    });

    it('refuses an already signed PDF, a non-PDF, a missing page, a position off the page and a wrong passphrase', async () => {
      const codeOf = async (work: Promise<unknown>) => work.then(() => 'resolved', (error: unknown) => (error instanceof PdfSigningError ? error.code : String(error)));
      expect(await codeOf(signPdf(sealed, signer, {}))).to.equal('ALREADY_SIGNED');
      expect(await codeOf(signPdf(Buffer.from('GIF89a…'), signer, {}))).to.equal('NOT_A_PDF');
      expect(await codeOf(signPdf(document, signer, { stamp: { page: 2, x: 10, y: 10, text: 'x' } }))).to.equal('PAGE_OUT_OF_RANGE');
      expect(await codeOf(signPdf(document, signer, { stamp: { page: 1, x: 900, y: 10, text: 'x' } }))).to.equal('POSITION_OUT_OF_PAGE');
      expect(await codeOf(signPdf(document, { p12: signer.p12, passphrase: 'wrong' }, {}))).to.equal('BAD_SIGNER');
    });
  });

  describe('poppler pdfsig', () => {
    before(function () {
      if (!hasPdfsig()) {
        console.warn('      pdfsig or certutil is not installed (apt-get install poppler-utils libnss3-tools): skipping the pdfsig checks');
        this.skip();
      }
    });

    it('reports the signature valid and the certificate trusted with the development CA in its NSS database', () => {
      const output = pdfsig(sealed, [ca.certificatePem]);
      expect(output).to.contain('Signer Certificate Common Name: 梅州市梅县区公安局电子印章');
      expect(output).to.contain('Signature is Valid');
      expect(output).to.contain('Certificate is Trusted');
      expect(output).to.contain('Total document signed');
    });

    it('does not trust the certificate without the CA, and finds a tampered document invalid', () => {
      expect(pdfsig(sealed, [])).to.not.contain('Certificate is Trusted');
      const signature = verifyPdfSignatures(sealed, [ca.certificatePem]).signatures[0]!;
      const tampered = tamper(sealed, '/MediaBox [ 0 0 595.28', '/MediaBox [ 0 0 595.29', signature.byteRange[1]);
      const output = pdfsig(tampered, [ca.certificatePem]);
      expect(output).to.not.contain('Signature is Valid');
      expect(output).to.contain('Digest Mismatch');
    });
  });
});
