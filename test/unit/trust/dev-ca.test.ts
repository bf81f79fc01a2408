import { createPublicKey } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { createDevelopmentCa, issueCertificate, readPkcs12, toPkcs12, type CertificateAuthority } from '../../../src/trust/index.js';
import { openssl, opensslOk, temporaryDirectory } from './openssl-helpers.js';

describe('trust: development CA and PKCS#12', () => {
  let directory: { path: string; remove: () => void };
  let ca: CertificateAuthority;
  let seal: { certificatePem: string; privateKeyPem?: string };
  const file = (name: string): string => join(directory.path, name);
  const spki = (pem: string): string => createPublicKey(pem).export({ type: 'spki', format: 'pem' }).toString();

  before(() => {
    directory = temporaryDirectory('tongban-ca-');
    ca = createDevelopmentCa({ commonName: 'Tongban Development CA', organizationName: '通办沙箱' });
    seal = issueCertificate(ca, { commonName: '某某区市场监督管理局', usage: 'signing' });
    writeFileSync(file('ca.pem'), ca.certificatePem);
    writeFileSync(file('seal.pem'), seal.certificatePem);
  });

  after(() => directory?.remove());

  it('creates a self-signed CA: critical CA:TRUE, keyCertSign and cRLSign, RSA 2048, about ten years', () => {
    const text = opensslOk(['x509', '-in', file('ca.pem'), '-noout', '-text', '-nameopt', 'utf8']);
    expect(text).to.match(/Basic Constraints: critical\s*\n\s*CA:TRUE/);
    expect(text).to.match(/Key Usage: critical\s*\n\s*Certificate Sign, CRL Sign/);
    expect(text).to.contain('Public-Key: (2048 bit)');
    expect(text).to.contain('Subject: CN=Tongban Development CA, O=通办沙箱');
    const years = (new Date(/Not After : (.*)/.exec(text)![1]!).getTime() - Date.now()) / (365 * 86_400_000);
    expect(years).to.be.within(9.9, 10.1);
    expect(openssl(['verify', '-CAfile', file('ca.pem'), file('ca.pem')]).stdout).to.contain('OK');
  });

  it('issues a signing certificate that chains to the CA, with a UTF-8 subject', () => {
    expect(openssl(['verify', '-CAfile', file('ca.pem'), file('seal.pem')]).stdout).to.contain(': OK');
    const text = opensslOk(['x509', '-in', file('seal.pem'), '-noout', '-text', '-nameopt', 'utf8']);
    expect(text).to.contain('Subject: CN=某某区市场监督管理局');
    expect(text).to.contain('Issuer: CN=Tongban Development CA, O=通办沙箱');
    expect(text).to.match(/Key Usage: critical\s*\n\s*Digital Signature, Non Repudiation/);
    expect(text).to.match(/Extended Key Usage:\s*\n\s*E-mail Protection, Code Signing/);
    expect(text).to.match(/CA:FALSE/);
    expect(spki(seal.certificatePem)).to.equal(spki(seal.privateKeyPem!));
  });

  it('a certificate from another CA does not chain to this one', () => {
    const other = issueCertificate(createDevelopmentCa({ commonName: 'Other' }), { commonName: 'x', usage: 'signing' });
    writeFileSync(file('other.pem'), other.certificatePem);
    expect(openssl(['verify', '-CAfile', file('ca.pem'), file('other.pem')]).status).to.not.equal(0);
  });

  it('certifies a public key it is given, and returns no private key', () => {
    const holder = issueCertificate(ca, { commonName: 'holder', usage: 'signing' });
    const certified = issueCertificate(ca, { commonName: 'holder', usage: 'signing', publicKeyPem: spki(holder.certificatePem) });
    expect(certified.privateKeyPem).to.equal(undefined);
    expect(spki(certified.certificatePem)).to.equal(spki(holder.privateKeyPem!));
  });

  describe('PKCS#12', () => {
    let p12: Buffer;

    before(() => {
      p12 = toPkcs12(seal.certificatePem, seal.privateKeyPem!, [ca.certificatePem], 's3cret pass', 'seal');
      writeFileSync(file('seal.p12'), p12);
    });

    it('reads back with forge: same certificate, same key, chain kept', () => {
      const contents = readPkcs12(p12, 's3cret pass');
      expect(contents.certificatePem.trim()).to.equal(seal.certificatePem.trim());
      expect(contents.chainPems.map((pem) => pem.trim())).to.deep.equal([ca.certificatePem.trim()]);
      expect(spki(contents.privateKeyPem)).to.equal(spki(seal.certificatePem));
    });

    it('refuses a passphrase that is not printable ASCII (OpenSSL could not decrypt the key)', () => {
      expect(() => toPkcs12(seal.certificatePem, seal.privateKeyPem!, [], '口令')).to.throw(TypeError, /ASCII/);
    });

    it('refuses a wrong passphrase', () => {
      expect(() => readPkcs12(p12, 'wrong')).to.throw(/mac|password|invalid/i);
    });

    it('opens with openssl pkcs12 without -legacy, certificates and key', () => {
      const certificates = opensslOk(['pkcs12', '-in', file('seal.p12'), '-nokeys', '-passin', 'pass:s3cret pass']);
      expect(certificates.match(/BEGIN CERTIFICATE/g)).to.have.length(2);
      const key = opensslOk(['pkcs12', '-in', file('seal.p12'), '-nocerts', '-nodes', '-passin', 'pass:s3cret pass']);
      expect(spki(key.slice(key.indexOf('-----BEGIN')))).to.equal(spki(seal.certificatePem));
      const info = openssl(['pkcs12', '-in', file('seal.p12'), '-info', '-noout', '-passin', 'pass:s3cret pass']);
      expect(info.stderr).to.contain('AES-256-CBC');
    });
  });
});
