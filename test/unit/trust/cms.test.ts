import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { createDevelopmentCa, issueCertificate, signDetached, type CertificateAuthority } from '../../../src/trust/index.js';
import { openssl, opensslOk, temporaryDirectory } from './openssl-helpers.js';

describe('trust: detached CMS signatures', () => {
  let directory: { path: string; remove: () => void };
  let ca: CertificateAuthority;
  let signer: { certificatePem: string; privateKeyPem?: string };
  const document = Buffer.from('%PDF-1.7\n电子证照 出生医学证明\n\u0000\u00ff binary tail', 'utf8');
  const file = (name: string): string => join(directory.path, name);

  before(() => {
    directory = temporaryDirectory('tongban-cms-');
    ca = createDevelopmentCa({ commonName: 'Tongban 开发 CA', organizationName: '通办沙箱' }); // non-ASCII issuer in the SignerInfo
    signer = issueCertificate(ca, { commonName: '某某市卫生健康委员会', organizationName: 'Tongban sandbox', usage: 'signing' });
    writeFileSync(file('ca.pem'), ca.certificatePem);
    writeFileSync(file('document'), document);
  });

  after(() => directory?.remove());

  function opensslVerify(signatureFile: string, contentFile: string) {
    return openssl(['cms', '-verify', '-binary', '-inform', 'DER', '-in', file(signatureFile), '-content', file(contentFile), '-CAfile', file('ca.pem'), '-purpose', 'any', '-out', file('verified.out')]);
  }

  it('openssl cms -verify accepts the signature over the original document', () => {
    writeFileSync(file('signature.der'), signDetached(document, { certificatePem: signer.certificatePem, privateKeyPem: signer.privateKeyPem! }));
    const run = opensslVerify('signature.der', 'document');
    expect(run.status, run.stderr).to.equal(0);
    expect(run.stderr).to.contain('Verification successful');
  });

  it('openssl rejects the signature over a document changed by one byte', () => {
    writeFileSync(file('signature.der'), signDetached(document, { certificatePem: signer.certificatePem, privateKeyPem: signer.privateKeyPem! }));
    const tampered = Buffer.from(document);
    tampered[10] = tampered[10]! ^ 0x01;
    writeFileSync(file('tampered'), tampered);
    const run = opensslVerify('signature.der', 'tampered');
    expect(run.status).to.not.equal(0);
    expect(run.stderr).to.match(/Verification failure|digest failure/i);
  });

  it('is detached, SHA-256, with signed contentType, messageDigest and signingTime, and embeds the chain', () => {
    const signingTime = new Date('2025-06-15T08:00:00Z');
    const der = signDetached(document, { certificatePem: signer.certificatePem, privateKeyPem: signer.privateKeyPem!, chainPem: [ca.certificatePem], signingTime });
    writeFileSync(file('signature.der'), der);
    const dump = opensslOk(['cms', '-cmsout', '-print', '-inform', 'DER', '-in', file('signature.der')]);
    expect(dump).to.match(/eContent: <ABSENT>/);
    expect(dump).to.match(/digestAlgorithm:\s*\n\s*algorithm: sha256/);
    for (const attribute of ['contentType', 'messageDigest', 'signingTime']) expect(dump).to.contain(`object: ${attribute}`);
    expect(dump).to.contain('UTCTIME:Jun 15 08:00:00 2025 GMT');
    const certificates = opensslOk(['pkcs7', '-inform', 'DER', '-in', file('signature.der'), '-print_certs', '-noout']);
    expect(certificates.match(/subject=/g)).to.have.length(2);
  });

  it('verifies with an untrusted CA only when openssl is given that CA (not self-proving)', () => {
    const stranger = createDevelopmentCa({ commonName: 'Some other CA' });
    writeFileSync(file('stranger.pem'), stranger.certificatePem);
    writeFileSync(file('signature.der'), signDetached(document, { certificatePem: signer.certificatePem, privateKeyPem: signer.privateKeyPem! }));
    const run = openssl(['cms', '-verify', '-binary', '-inform', 'DER', '-in', file('signature.der'), '-content', file('document'), '-CAfile', file('stranger.pem'), '-purpose', 'any', '-out', file('verified.out')]);
    expect(run.status).to.not.equal(0);
    expect(run.stderr).to.contain('unable to get local issuer certificate');
  });
});
