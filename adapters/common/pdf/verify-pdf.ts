/**
 * Verifies the signatures of a PDF: for each /ByteRange, the covered bytes
 * are hashed and checked against the CMS (cms-signature.ts), the signer's
 * certificate is chained to the given trust anchors (certificate-chain.ts),
 * and it is noted whether the signature covers the whole file (nothing was
 * appended after signing).
 */
import { X509Certificate } from 'node:crypto';
import { checkChain, parseAnchors } from './certificate-chain.js';
import { checkDetachedCms } from './cms-signature.js';
import { findSignatures } from './find-signatures.js';

/** What one signature proves. */
export interface PdfSignatureResult {
  /** Common name of the signer certificate ('' when the signer certificate is missing). */
  signerName: string;
  /** Signer certificate, PEM ('' when missing). */
  signerCertificatePem: string;
  /** signingTime signed attribute, ISO 8601 (the signer's claim, not a timestamp authority's). */
  signedAt?: string;
  /** The covered bytes hash to the signed digest and the signature verifies with the signer certificate. */
  integrity: boolean;
  /** The signer certificate chains to one of the trust anchors and every link is valid now. */
  certificateTrusted: boolean;
  /** The byte range covers the whole file except the signature itself. */
  coversWholeDocument: boolean;
  /** /Reason of the signature dictionary (unsigned metadata inside the signed range). */
  reason?: string;
  /** /Location and /Name of the signature dictionary. */
  location?: string;
  name?: string;
  /** /SubFilter, e.g. `adbe.pkcs7.detached`. */
  subFilter?: string;
  byteRange: [number, number, number, number];
  /** Why integrity or trust failed; empty for a good signature. */
  problems: string[];
}

/** The verdict on a PDF. */
export interface PdfVerificationResult {
  /**
   * At least one signature, every signature intact and trusted, and the
   * last one covering the whole file (so nothing was appended unsigned).
   */
  valid: boolean;
  signatures: PdfSignatureResult[];
  /** Why `valid` is false (document-level and per-signature reasons); empty when valid. */
  problems: string[];
}

/** Options of {@link verifyPdfSignatures}. */
export interface VerifyPdfOptions {
  /** Time at which certificates must be valid; default now. */
  at?: Date;
}

function commonName(certificate: X509Certificate): string {
  const line = certificate.subject.split('\n').find((part) => part.startsWith('CN='));
  return line === undefined ? '' : line.slice(3).replace(/\\(.)/g, '$1');
}

/** Only CR/LF may follow the signed range for it to count as covering the file. */
function coversWhole(pdf: Buffer, [offset1, , offset2, length2]: readonly number[]): boolean {
  if (offset1 !== 0) return false;
  const end = offset2! + length2!;
  return end <= pdf.length && /^[\r\n]*$/.test(pdf.subarray(end).toString('latin1'));
}

/**
 * Verifies every signature of `pdf` against `trustAnchorsPem` (root or
 * intermediate CA certificates, PEM). Never throws: a broken, unsigned or
 * non-PDF input gives `valid: false` with the reasons in `problems`.
 */
export function verifyPdfSignatures(pdf: Buffer, trustAnchorsPem: readonly string[], options: VerifyPdfOptions = {}): PdfVerificationResult {
  try {
    const problems: string[] = [];
    if (!Buffer.isBuffer(pdf) || pdf.subarray(0, 1024).indexOf('%PDF-') < 0) {
      return { valid: false, signatures: [], problems: ['document is not a PDF'] };
    }
    const { anchors, problems: anchorProblems } = parseAnchors(trustAnchorsPem);
    problems.push(...anchorProblems);
    const signatures: PdfSignatureResult[] = findSignatures(pdf).map((found) => {
      const [offset1, length1, offset2, length2] = found.byteRange;
      const signatureProblems = [...found.problems];
      const base = {
        byteRange: found.byteRange,
        coversWholeDocument: signatureProblems.length === 0 && coversWhole(pdf, found.byteRange),
        ...(found.reason === undefined ? {} : { reason: found.reason }),
        ...(found.location === undefined ? {} : { location: found.location }),
        ...(found.name === undefined ? {} : { name: found.name }),
        ...(found.subFilter === undefined ? {} : { subFilter: found.subFilter }),
      };
      if (found.contents === undefined || signatureProblems.length > 0) {
        return { signerName: '', signerCertificatePem: '', integrity: false, certificateTrusted: false, ...base, problems: signatureProblems };
      }
      const covered = Buffer.concat([pdf.subarray(offset1, offset1 + length1), pdf.subarray(offset2, offset2 + length2)]);
      const cms = checkDetachedCms(found.contents, covered);
      signatureProblems.push(...cms.problems);
      let certificateTrusted = false;
      if (cms.signer !== undefined) {
        const chain = checkChain(cms.signer, cms.certificates, anchors, options.at);
        certificateTrusted = chain.trusted;
        signatureProblems.push(...chain.problems);
      }
      return {
        signerName: cms.signer === undefined ? '' : commonName(cms.signer),
        signerCertificatePem: cms.signer?.toString() ?? '',
        ...(cms.signedAt === undefined ? {} : { signedAt: cms.signedAt }),
        integrity: cms.integrity,
        certificateTrusted,
        ...base,
        problems: signatureProblems,
      };
    });
    if (signatures.length === 0) problems.push('document carries no signature');
    signatures.forEach((signature, index) => {
      for (const problem of signature.problems) problems.push(`signature ${index + 1}: ${problem}`);
    });
    const last = signatures[signatures.length - 1];
    if (last !== undefined && !last.coversWholeDocument) problems.push('the last signature does not cover the whole document (content was added after signing)');
    const valid = signatures.length > 0 && signatures.every((signature) => signature.integrity && signature.certificateTrusted) && last!.coversWholeDocument;
    return { valid, signatures, problems: valid ? [] : problems };
  } catch (error) {
    return { valid: false, signatures: [], problems: [`document cannot be verified: ${(error as Error).message}`] };
  }
}
