/**
 * Certificate parsing for node-forge that survives re-encoding.
 *
 * forge keeps a parsed UTF8String name value as raw UTF-8 bytes but encodes
 * the value again when it writes a name (an issuer it copies, the
 * IssuerAndSerialNumber of a CMS signer), so a Chinese name came out
 * double-encoded and no longer matched its certificate. Decoding on parse
 * makes the round trip byte-identical.
 */
import forge from 'node-forge';

const UTF8 = forge.asn1.Type.UTF8 as number;

/** Parses a PEM certificate with its UTF8String name values decoded. */
export function parseCertificate(pem: string): forge.pki.Certificate {
  const certificate = forge.pki.certificateFromPem(pem);
  for (const attribute of [...certificate.subject.attributes, ...certificate.issuer.attributes]) {
    if ((attribute.valueTagClass as number | undefined) === UTF8 && typeof attribute.value === 'string') {
      attribute.value = forge.util.decodeUtf8(attribute.value);
    }
  }
  return certificate;
}
