/**
 * A development certificate authority: issues RSA signing certificates for
 * seals and document signatures in the sandbox, and packs them as PKCS#12.
 * Not for production; real certificates come from a licensed CA.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import forge from 'node-forge';
import { parseCertificate } from './forge-certificate.js';

/** A certificate and (when generated here) its private key, PEM-encoded. */
export interface CertificateAndKey {
  certificatePem: string;
  /** PKCS#8 PEM; absent when the certificate was issued for a supplied public key. */
  privateKeyPem?: string;
}

/** A CA: its certificate and private key. */
export interface CertificateAuthority {
  certificatePem: string;
  privateKeyPem: string;
}

/** Settings of {@link createDevelopmentCa}. */
export interface DevelopmentCaOptions {
  commonName: string;
  organizationName?: string;
  /** Validity in years; default 10. */
  validityYears?: number;
}

/** Settings of {@link issueCertificate}. */
export interface IssueCertificateOptions {
  commonName: string;
  organizationName?: string;
  /** RSA public key to certify; default a fresh RSA 2048 key pair, returned with the certificate. */
  publicKeyPem?: string;
  /** What the certificate is for: `signing` (digitalSignature, nonRepudiation; emailProtection, codeSigning). */
  usage: 'signing';
  /** Validity in days; default 825. */
  validityDays?: number;
}

function rsaKeyPair(): { privateKeyPem: string; publicKeyPem: string } {
  // node:crypto is orders of magnitude faster than forge's pure-JS key generation.
  const pair = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  return { privateKeyPem: pair.privateKey, publicKeyPem: pair.publicKey };
}

/** A positive 16-byte serial number, hex (RFC 5280 §4.1.2.2). */
function serialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0] = ((bytes[0] ?? 0) & 0x7f) | 0x01;
  return bytes.toString('hex');
}

/** A subject name; values are UTF8String (RFC 5280 §4.1.2.6), so Chinese names survive. */
function distinguishedName(commonName: string, organizationName?: string): forge.pki.CertificateField[] {
  const attribute = (name: string, value: string): forge.pki.CertificateField => ({
    name,
    value, // forge UTF-8-encodes it when writing
    // @types/node-forge types this as asn1.Class, but forge reads it as the value's universal tag.
    valueTagClass: forge.asn1.Type.UTF8 as unknown as forge.asn1.Class,
  });
  const name = [attribute('commonName', commonName)];
  if (organizationName !== undefined) name.push(attribute('organizationName', organizationName));
  return name;
}

function validity(certificate: forge.pki.Certificate, days: number): void {
  // Backdated a day: development certificates must verify for clocks (and test fake clocks) a little behind.
  const notBefore = new Date(Date.now() - 86_400_000);
  certificate.validity.notBefore = notBefore;
  certificate.validity.notAfter = new Date(notBefore.getTime() + days * 86_400_000);
}

/**
 * Creates a self-signed development CA: RSA 2048, SHA-256, basicConstraints
 * CA (critical), keyUsage keyCertSign and cRLSign (critical), 10 years by default.
 */
export function createDevelopmentCa(options: DevelopmentCaOptions): CertificateAuthority {
  const keys = rsaKeyPair();
  const privateKey = forge.pki.privateKeyFromPem(keys.privateKeyPem);
  const certificate = forge.pki.createCertificate();
  certificate.publicKey = forge.pki.publicKeyFromPem(keys.publicKeyPem);
  certificate.serialNumber = serialNumber();
  validity(certificate, (options.validityYears ?? 10) * 365);
  const name = distinguishedName(options.commonName, options.organizationName);
  certificate.setSubject(name);
  certificate.setIssuer(name);
  certificate.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  certificate.sign(privateKey, forge.md.sha256.create());
  return { certificatePem: forge.pki.certificateToPem(certificate), privateKeyPem: keys.privateKeyPem };
}

/**
 * Issues an end-entity certificate signed by `ca` (SHA-256). Generates an RSA
 * 2048 key pair unless `publicKeyPem` is given.
 */
export function issueCertificate(ca: CertificateAuthority, options: IssueCertificateOptions): CertificateAndKey {
  const caCertificate = parseCertificate(ca.certificatePem);
  const generated = options.publicKeyPem === undefined ? rsaKeyPair() : undefined;
  const certificate = forge.pki.createCertificate();
  certificate.publicKey = forge.pki.publicKeyFromPem(options.publicKeyPem ?? generated!.publicKeyPem);
  certificate.serialNumber = serialNumber();
  validity(certificate, options.validityDays ?? 825);
  certificate.setSubject(distinguishedName(options.commonName, options.organizationName));
  certificate.setIssuer(caCertificate.subject.attributes);
  certificate.setExtensions([
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', digitalSignature: true, nonRepudiation: true, critical: true },
    { name: 'extKeyUsage', emailProtection: true, codeSigning: true },
    { name: 'subjectKeyIdentifier' },
    { name: 'authorityKeyIdentifier', keyIdentifier: caCertificate.generateSubjectKeyIdentifier().getBytes() },
  ]);
  certificate.sign(forge.pki.privateKeyFromPem(ca.privateKeyPem), forge.md.sha256.create());
  const certificatePem = forge.pki.certificateToPem(certificate);
  return generated === undefined ? { certificatePem } : { certificatePem, privateKeyPem: generated.privateKeyPem };
}

/**
 * Packs a certificate, its RSA private key and the chain into PKCS#12 (DER):
 * the key shrouded with PBES2 (PBKDF2-HMAC-SHA1, AES-256-CBC), certificates
 * unencrypted, MAC HMAC-SHA1 (forge writes no other), 10 000 iterations.
 * OpenSSL 3 reads it without `-legacy`.
 * @param passphrase printable ASCII only: forge does not UTF-8-encode the
 *   passphrase for the PBES2 key derivation as OpenSSL does, so OpenSSL
 *   could not decrypt a key protected with any other character.
 * @throws TypeError for a passphrase that is not printable ASCII.
 */
export function toPkcs12(certificatePem: string, privateKeyPem: string, chainPems: readonly string[], passphrase: string, friendlyName?: string): Buffer {
  if (!/^[\x20-\x7e]*$/.test(passphrase)) throw new TypeError('PKCS#12 passphrase must be printable ASCII');
  const certificates = [certificatePem, ...chainPems].map((pem) => forge.pki.certificateFromPem(pem));
  const asn1 = forge.pkcs12.toPkcs12Asn1(forge.pki.privateKeyFromPem(privateKeyPem), certificates, passphrase, {
    algorithm: 'aes256',
    count: 10_000,
    generateLocalKeyId: true,
    ...(friendlyName === undefined ? {} : { friendlyName }),
  });
  return Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary');
}

/** What {@link readPkcs12} finds in a PKCS#12 file. */
export interface Pkcs12Contents {
  /** The certificate paired with the key (same local key id), else the first one. */
  certificatePem: string;
  /** The private key, PKCS#1 PEM as forge writes it. */
  privateKeyPem: string;
  /** The other certificates. */
  chainPems: string[];
}

/**
 * Reads a PKCS#12 file holding one RSA private key.
 * @throws Error on a wrong passphrase (MAC check) or when there is no key or certificate.
 */
export function readPkcs12(p12: Uint8Array, passphrase: string): Pkcs12Contents {
  const asn1 = forge.asn1.fromDer(forge.util.createBuffer(Buffer.from(p12).toString('binary')));
  const pfx = forge.pkcs12.pkcs12FromAsn1(asn1, true, passphrase);
  const keyBags = [
    ...(pfx.getBags({ bagType: forge.pki.oids.pkcs8ShroudedKeyBag })[forge.pki.oids.pkcs8ShroudedKeyBag] ?? []),
    ...(pfx.getBags({ bagType: forge.pki.oids.keyBag })[forge.pki.oids.keyBag] ?? []),
  ];
  const certificateBags = pfx.getBags({ bagType: forge.pki.oids.certBag })[forge.pki.oids.certBag] ?? [];
  const keyBag = keyBags[0];
  if (keyBag?.key === undefined) throw new Error('PKCS#12 holds no private key');
  const keyId = keyBag.attributes.localKeyId?.[0];
  const own = certificateBags.find((bag) => keyId !== undefined && bag.attributes.localKeyId?.[0] === keyId) ?? certificateBags[0];
  if (own?.cert === undefined) throw new Error('PKCS#12 holds no certificate');
  return {
    certificatePem: forge.pki.certificateToPem(own.cert),
    privateKeyPem: forge.pki.privateKeyToPem(keyBag.key as forge.pki.rsa.PrivateKey),
    chainPems: certificateBags.filter((bag) => bag !== own && bag.cert !== undefined).map((bag) => forge.pki.certificateToPem(bag.cert!)),
  };
}
