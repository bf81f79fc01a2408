/**
 * Detached CMS (PKCS#7) SignedData over a document, as Chinese e-seal and
 * e-licence verifiers accept: RSA with SHA-256, signed attributes contentType,
 * messageDigest and signingTime, certificate chain embedded.
 */
import forge from 'node-forge';
import { parseCertificate } from './forge-certificate.js';

/** Settings of {@link signDetached}. */
export interface SignDetachedOptions {
  /** Signer certificate, PEM. */
  certificatePem: string;
  /** Signer RSA private key, PEM (PKCS#1 or PKCS#8). */
  privateKeyPem: string;
  /** Intermediate and root certificates to embed, PEM. */
  chainPem?: readonly string[];
  /** Signing time to state; default now. */
  signingTime?: Date;
}

/**
 * Signs `content` into a detached CMS SignedData (the content is not
 * embedded; verifiers get it separately). Returns the DER encoding.
 */
export function signDetached(content: Uint8Array, options: SignDetachedOptions): Buffer {
  const signedData = forge.pkcs7.createSignedData();
  signedData.content = forge.util.createBuffer(Buffer.from(content).toString('binary'));
  const certificate = parseCertificate(options.certificatePem); // forge re-encodes its issuer into the SignerInfo
  signedData.addCertificate(certificate);
  for (const pem of options.chainPem ?? []) signedData.addCertificate(parseCertificate(pem));
  signedData.addSigner({
    key: forge.pki.privateKeyFromPem(options.privateKeyPem),
    certificate,
    digestAlgorithm: forge.pki.oids.sha256,
    authenticatedAttributes: [
      { type: forge.pki.oids.contentType, value: forge.pki.oids.data },
      { type: forge.pki.oids.messageDigest },
      // forge's typings want a string, but it encodes a Date as UTCTime/GeneralizedTime.
      { type: forge.pki.oids.signingTime, value: (options.signingTime ?? new Date()) as unknown as string },
    ],
  });
  signedData.sign({ detached: true });
  return Buffer.from(forge.asn1.toDer(signedData.toAsn1()).getBytes(), 'binary');
}
