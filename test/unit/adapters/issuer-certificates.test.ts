import { X509Certificate } from 'node:crypto';
import { expect } from 'chai';
import { IssuerCertificates } from '../../../adapters/licence-library/issuer-certificates.js';
import { signLicenceData, verifyLicenceData } from '../../../adapters/licence-library/data-signature.js';
import { ISSUERS } from '../../../adapters/common/population/index.js';
import { createIssuerPki } from '../../../adapters/licence-library/simulator/issuer-pki.js';

describe('issuer certificates, parsed and chain-checked once', function () {
  this.timeout(20_000);
  const pki = createIssuerPki();
  const rogue = createIssuerPki();
  const anchors = [new X509Certificate(pki.caCertificatePem)];
  const der = (pem: string) => new X509Certificate(pem).raw.toString('base64');
  const issuer = ISSUERS.meixianPolice;
  const trusted = der(pki.credentials(issuer).certificatePem);
  const validity = new X509Certificate(pki.credentials(issuer).certificatePem);
  const at = new Date(Date.parse(validity.validFrom) + 86_400_000);

  it('parses and chain-checks a certificate once, then reuses it', () => {
    const issuers = new IssuerCertificates(anchors);
    expect(issuers.check(trusted, issuer.name, at)).to.include({ ok: true });
    expect(issuers.check(trusted, issuer.name, at)).to.include({ ok: true });
    expect(issuers.parsed).to.equal(1);
    expect(issuers.size).to.equal(1);
  });

  it('never remembers a certificate that did not chain: a rogue CA\'s, with the same subject, is refused every time', () => {
    const issuers = new IssuerCertificates(anchors);
    const impostor = der(rogue.credentials(issuer).certificatePem);
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const result = issuers.check(impostor, issuer.name, at);
      expect(result.ok).to.equal(false);
      expect(!result.ok && result.problem).to.match(/is not issued by a trust anchor/);
    }
    expect(issuers.parsed).to.equal(2);
    expect(issuers.size).to.equal(0);
    // The genuine certificate is still trusted, and the impostor is still refused after it was.
    expect(issuers.check(trusted, issuer.name, at)).to.include({ ok: true });
    expect(issuers.check(impostor, issuer.name, at)).to.include({ ok: false });
  });

  it('checks a changed certificate in full (another key): one changed byte of a trusted one is refused', () => {
    const issuers = new IssuerCertificates(anchors);
    expect(issuers.check(trusted, issuer.name, at)).to.include({ ok: true });
    const bytes = Buffer.from(trusted, 'base64');
    bytes[bytes.length - 10] = bytes[bytes.length - 10]! ^ 0x01; // inside the CA's signature
    expect(issuers.check(bytes.toString('base64'), issuer.name, at)).to.include({ ok: false });
    expect(issuers.parsed).to.equal(2);
  });

  it('re-checks validity and the issuer name at every use of a remembered certificate', () => {
    const issuers = new IssuerCertificates(anchors);
    expect(issuers.check(trusted, issuer.name, at)).to.include({ ok: true });
    const expired = issuers.check(trusted, issuer.name, new Date(Date.parse(validity.validTo) + 1000));
    expect(!expired.ok && expired.problem).to.match(/is not valid at/);
    const early = issuers.check(trusted, issuer.name, new Date(Date.parse(validity.validFrom) - 1000));
    expect(!early.ok && early.problem).to.match(/is not valid at/);
    const otherName = issuers.check(trusted, ISSUERS.meixianMarket.name, at);
    expect(!otherName.ok && otherName.problem).to.match(/does not name the issuer/);
    expect(issuers.parsed).to.equal(1);
  });

  it('is bounded: the least recently used certificate goes first', () => {
    const issuers = new IssuerCertificates(anchors, { maxEntries: 2 });
    const market = ISSUERS.meixianMarket;
    const second = der(pki.credentials(market).certificatePem);
    const thirdIssuer = Object.values(ISSUERS).find((each) => each.name !== issuer.name && each.name !== market.name)!;
    const third = der(pki.credentials(thirdIssuer).certificatePem);
    issuers.check(trusted, issuer.name, at);
    issuers.check(second, market.name, at);
    issuers.check(trusted, issuer.name, at); // now the most recently used
    issuers.check(third, thirdIssuer.name, at);
    expect(issuers.size).to.equal(2);
    expect(issuers.parsed).to.equal(3);
    issuers.check(trusted, issuer.name, at);
    expect(issuers.parsed, 'kept').to.equal(3);
    issuers.check(second, market.name, at);
    expect(issuers.parsed, 'evicted, parsed again').to.equal(4);
  });

  describe('verified data signatures, remembered by the metadata as received', () => {
    const credentials = pki.credentials(issuer);
    const signed = (extra: Record<string, unknown> = {}): Record<string, unknown> => {
      const metadata = { certificate_identifier: '1144000000000000000000000000000001', certificate_holder_name: '张三', certificate_issuing_authority_name: issuer.name, ...extra };
      return { ...metadata, ...signLicenceData(metadata, credentials.privateKeyPem, credentials.certificatePem) };
    };

    it('verifies a licence\'s signature in full once, then only its certificate\'s checks', () => {
      const issuers = new IssuerCertificates(anchors);
      const licence = signed();
      expect(verifyLicenceData(licence, issuers, at)).to.deep.equal({ ok: true });
      expect(verifyLicenceData(JSON.parse(JSON.stringify(licence)) as Record<string, unknown>, issuers, at)).to.deep.equal({ ok: true });
      expect(issuers.signaturesVerified).to.equal(1);
    });

    it('verifies a changed licence in full, so a member changed after a good look-up is refused', () => {
      const issuers = new IssuerCertificates(anchors);
      const licence = signed();
      expect(verifyLicenceData(licence, issuers, at)).to.deep.equal({ ok: true });
      for (let attempt = 0; attempt < 2; attempt += 1) {
        const changed = verifyLicenceData({ ...licence, certificate_holder_name: '李四' }, issuers, at);
        expect(!changed.ok && changed.problem).to.match(/does not verify/);
      }
      expect(issuers.signaturesVerified, 'a failed signature is never remembered').to.equal(3);
    });

    it('still checks the certificate at every use of a remembered licence', () => {
      const issuers = new IssuerCertificates(anchors);
      const licence = signed();
      expect(verifyLicenceData(licence, issuers, at)).to.deep.equal({ ok: true });
      const later = verifyLicenceData(licence, issuers, new Date(Date.parse(validity.validTo) + 1000));
      expect(!later.ok && later.problem).to.match(/is not valid at/);
    });

    it('is bounded, and 0 remembers none', () => {
      const bounded = new IssuerCertificates(anchors, { maxSignatures: 1 });
      const first = signed();
      const second = signed({ certificate_holder_name: '王五' });
      for (const licence of [first, second, first]) expect(verifyLicenceData(licence, bounded, at)).to.deep.equal({ ok: true });
      expect(bounded.signaturesVerified, 'the first was evicted by the second').to.equal(3);
      const none = new IssuerCertificates(anchors, { maxSignatures: 0 });
      for (const licence of [first, first]) expect(verifyLicenceData(licence, none, at)).to.deep.equal({ ok: true });
      expect(none.signaturesVerified).to.equal(2);
    });
  });
});
