/**
 * The issuer's data signature (数据签名) on a licence's metadata, shared by the
 * simulator (signs) and the adapter (verifies), so both agree on the bytes.
 *
 * Signed content: the canonical JSON (object keys sorted by UTF-16 code
 * unit, no whitespace, JSON string escapes) of every metadata member except
 * the three signature members below, with `extend_info` replaced by the
 * parsed surface object when it arrives as a JSON string. Verifying over the
 * members as received — not only the ones the adapter reads — means any
 * member added or changed in transit breaks the signature.
 *
 * Algorithm: `SHA256withRSA` (RSASSA-PKCS1-v1_5, SHA-256) with the issuer's
 * signing certificate, signature base64. The certificate travels with the
 * licence as base64 DER in `data_signature_certificate`; it must be issued by
 * a trust anchor, be valid at the time of the check, and name the issuing
 * authority (subject CN or O equals `certificate_issuing_authority_name`)
 * (issuer-certificates.ts checks it, remembering the certificates that
 * chained).
 * SM2 (SM2withSM3) is the national option for real issuers; the dev CA
 * issues RSA certificates, so the simulator signs RSA.
 */
import { createHash, createSign, createVerify, X509Certificate } from 'node:crypto';
import { IssuerCertificates } from './issuer-certificates.js';

export const DATA_SIGNATURE_ALGORITHM = 'SHA256withRSA';
export const SIGNATURE_MEMBERS = ['data_signature', 'data_signature_algorithm', 'data_signature_certificate'] as const;

/** Canonical JSON: sorted keys, no whitespace; `undefined` members are dropped as JSON.stringify does. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item === undefined ? null : item)).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, item]) => item !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
}

/**
 * The bytes the data signature covers.
 * @throws SyntaxError when `extend_info` is a string that is not JSON.
 */
export function signedContent(metadata: Readonly<Record<string, unknown>>): Buffer {
  const content: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(metadata)) {
    if (!(SIGNATURE_MEMBERS as readonly string[]).includes(key)) content[key] = value;
  }
  if (typeof content['extend_info'] === 'string') content['extend_info'] = JSON.parse(content['extend_info']);
  return Buffer.from(canonicalJson(content), 'utf8');
}

/** Signs a licence's metadata with the issuer's RSA key; returns the three signature members to add. */
export function signLicenceData(metadata: Readonly<Record<string, unknown>>, privateKeyPem: string, certificatePem: string): Record<(typeof SIGNATURE_MEMBERS)[number], string> {
  const signer = createSign('sha256');
  signer.update(signedContent(metadata));
  return {
    data_signature: signer.sign(privateKeyPem, 'base64'),
    data_signature_algorithm: DATA_SIGNATURE_ALGORITHM,
    data_signature_certificate: new X509Certificate(certificatePem).raw.toString('base64'),
  };
}

/** Outcome of {@link verifyLicenceData}: `ok`, or the reason it failed. */
export type DataSignatureCheck = { ok: true } | { ok: false; problem: string };

/**
 * Verifies the data signature of a licence's metadata as received.
 * Never throws.
 * @param issuers the trust anchors (CA certificates) the signing certificate must be issued by — an
 *   {@link IssuerCertificates} remembers the certificates already found to chain to them; a plain list checks each in full.
 * @param at the instant the certificate must be valid at.
 */
export function verifyLicenceData(metadata: Readonly<Record<string, unknown>>, issuers: readonly X509Certificate[] | IssuerCertificates, at: Date): DataSignatureCheck {
  const signature = metadata['data_signature'];
  const algorithm = metadata['data_signature_algorithm'];
  const certificateDer = metadata['data_signature_certificate'];
  if (typeof signature !== 'string' || signature === '') return { ok: false, problem: 'the licence carries no data signature' };
  if (algorithm !== DATA_SIGNATURE_ALGORITHM) return { ok: false, problem: `data signature algorithm "${String(algorithm)}" is not supported (expected ${DATA_SIGNATURE_ALGORITHM})` };
  if (typeof certificateDer !== 'string') return { ok: false, problem: 'the licence carries no signing certificate' };
  const trust = issuers instanceof IssuerCertificates ? issuers : new IssuerCertificates(issuers, { maxEntries: 0, maxSignatures: 0 });
  const certificate = trust.check(certificateDer, String(metadata['certificate_issuing_authority_name']), at);
  if (!certificate.ok) return certificate;
  // The same metadata, byte for byte as received, verified before under this certificate: the signature holds again.
  const digest = trust.remembersSignatures ? createHash('sha256').update(JSON.stringify(metadata)).digest('base64') : undefined;
  if (digest !== undefined && trust.signatureVerifiedBefore(digest)) return { ok: true };
  trust.signaturesVerified += 1;
  let content: Buffer;
  try {
    content = signedContent(metadata);
  } catch {
    return { ok: false, problem: 'extend_info is not JSON, so the signed content cannot be rebuilt' };
  }
  try {
    const verifier = createVerify('sha256');
    verifier.update(content);
    if (verifier.verify(certificate.certificate.publicKey, signature, 'base64')) {
      if (digest !== undefined) trust.rememberSignature(digest);
      return { ok: true };
    }
  } catch {
    // A signature that is not base64 of the right length makes verify throw: it simply does not verify.
  }
  return { ok: false, problem: 'data signature does not verify over the licence data' };
}
