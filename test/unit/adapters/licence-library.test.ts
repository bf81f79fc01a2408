import { X509Certificate } from 'node:crypto';
import { expect } from 'chai';
import { canonicalJson, signLicenceData, signedContent, verifyLicenceData } from '../../../adapters/licence-library/data-signature.js';
import { envelopeError, isLicenceNotFound } from '../../../adapters/licence-library/licence-library-error.js';
import { mapLicence, mapStatus, mapSurface, mapValidityEnd } from '../../../adapters/licence-library/map-licence.js';
import { chinaDate, verifyLicence } from '../../../adapters/licence-library/verify-licence.js';
import type { WireLicence } from '../../../adapters/licence-library/licence-library-api.js';
import { createIssuerPki } from '../../../adapters/licence-library/simulator/issuer-pki.js';
import { unsignedMetadata } from '../../../adapters/licence-library/simulator/wire-licence.js';
import { createPopulation, ISSUERS } from '../../../adapters/common/population/index.js';

describe('licence library adapter pieces', () => {
  describe('canonical JSON', () => {
    it('sorts keys at every level and drops undefined members', () => {
      expect(canonicalJson({ b: 1, a: { d: [2, { z: true, y: null }], c: '梅' }, u: undefined })).to.equal('{"a":{"c":"梅","d":[2,{"y":null,"z":true}]},"b":1}');
    });

    it('signs extend_info as the parsed object, without the signature members', () => {
      const content = signedContent({ z: '1', extend_info: '{"XM":"张三","A":"1"}', data_signature: 'x', data_signature_algorithm: 'y', data_signature_certificate: 'z' });
      expect(content.toString('utf8')).to.equal('{"extend_info":{"A":"1","XM":"张三"},"z":"1"}');
    });
  });

  describe('data signature', function () {
    this.timeout(20_000);
    const population = createPopulation({ seed: 3 });
    const pki = createIssuerPki();
    const other = createIssuerPki();
    const record = population.licences.find((licence) => licence.type === 'residentIdCard')!;
    const issuer = ISSUERS[record.issuer];
    const at = new Date();
    const signed = (): Record<string, unknown> => {
      const metadata = unsignedMetadata(record);
      const credentials = pki.credentials(issuer);
      return { ...metadata, ...signLicenceData(metadata, credentials.privateKeyPem, credentials.certificatePem) };
    };
    const anchors = [new X509Certificate(pki.caCertificatePem)];

    it('verifies over the data as signed', () => {
      expect(verifyLicenceData(signed(), anchors, at)).to.deep.equal({ ok: true });
    });

    it('fails when any member changes, including one the adapter does not read', () => {
      const surface = JSON.parse(unsignedMetadata(record).extend_info!) as Record<string, string>;
      const changed = [
        { status: '03' },
        { extend_info: JSON.stringify({ ...surface, XM: '李四' }) },
        { certificate_define_authority_name: '别的机关' },
        { added_member: 'x' },
      ];
      for (const change of changed) {
        expect(verifyLicenceData({ ...signed(), ...change }, anchors, at), JSON.stringify(change)).to.deep.equal({ ok: false, problem: 'data signature does not verify over the licence data' });
      }
    });

    it('fails for an untrusted CA, another issuer\'s certificate, a missing or unsupported signature', () => {
      expect(verifyLicenceData(signed(), [new X509Certificate(other.caCertificatePem)], at)).to.include({ ok: false });
      const foreign = pki.credentials(ISSUERS.meixianMarket);
      const metadata = unsignedMetadata(record);
      const byOther = { ...metadata, ...signLicenceData(metadata, foreign.privateKeyPem, foreign.certificatePem) };
      const result = verifyLicenceData(byOther, anchors, at);
      expect(result.ok).to.equal(false);
      expect(!result.ok && result.problem).to.match(/does not name the issuer/);
      expect(verifyLicenceData({ ...signed(), data_signature: undefined }, anchors, at)).to.deep.equal({ ok: false, problem: 'the licence carries no data signature' });
      expect(verifyLicenceData({ ...signed(), data_signature_algorithm: 'SM3withSM2' }, anchors, at)).to.include({ ok: false });
      expect(verifyLicenceData({ ...signed(), data_signature: '!!!' }, anchors, at)).to.include({ ok: false });
      expect(verifyLicenceData({ ...signed(), extend_info: '{broken' }, anchors, at)).to.include({ ok: false });
    });

    it('fails when the signing certificate is not valid at the check instant', () => {
      expect(verifyLicenceData(signed(), anchors, new Date('2000-01-01'))).to.include({ ok: false });
    });

    it('verifyLicence reports each check separately', () => {
      const wire = signed() as WireLicence;
      const mapped = mapLicence(wire);
      if (typeof mapped === 'string') throw new Error(mapped);
      const good = verifyLicence(wire, mapped, anchors, at);
      expect(good.verification).to.include({ identifierCheck: true, dataSignature: true });
      const revoked = verifyLicence({ ...wire, status: '03' }, { ...mapped, status: 'revoked' }, anchors, at);
      expect(revoked.verification).to.include({ status: false, dataSignature: false, passed: false });
      expect(revoked.verification.problems.join(' ')).to.match(/revoked/);
      const wrongType = verifyLicence(wire, { ...mapped, typeCode: '11100000000001927L002' }, anchors, at);
      expect(wrongType.verification).to.include({ identifierCheck: false, passed: false });
    });
  });

  describe('validity by China calendar date', () => {
    it('uses the date in UTC+8', () => {
      expect(chinaDate(new Date('2026-11-24T15:59:59Z'))).to.equal('2026-11-24');
      expect(chinaDate(new Date('2026-11-24T16:00:00Z'))).to.equal('2026-11-25');
    });
  });

  describe('map tables', () => {
    it('maps every wire status and defaults unknown ones to other', () => {
      expect(['01', '02', '03', '04', '05', '99', '42'].map(mapStatus)).to.deep.equal(['valid', 'suspended', 'revoked', 'cancelled', 'expired', 'other', 'other']);
    });

    it('reads validity ends: 长期 spellings, compact and ISO dates, and refuses impossible dates', () => {
      expect(['长期', '', '99991231', '20301231', '2030-12-31', '20300231', 'soon'].map(mapValidityEnd)).to.deep.equal([null, null, null, '2030-12-31', '2030-12-31', undefined, undefined]);
    });

    it('reads surface data from a JSON string or object, refusing nested values', () => {
      expect(mapSurface('{"XM":"张三","CSTZ":3200}')).to.deep.equal({ XM: '张三', CSTZ: '3200' });
      expect(mapSurface({ XM: '张三' })).to.deep.equal({ XM: '张三' });
      expect(mapSurface('[1]')).to.equal(undefined);
      expect(mapSurface('{"a":{"b":1}}')).to.equal(undefined);
      expect(mapSurface('{oops')).to.equal(undefined);
    });
  });

  describe('envelope errors', () => {
    const cases: [number, string, boolean][] = [
      [10, 'rejected', false], [11, 'auth', false], [12, 'auth', true], [99, 'unavailable', true],
      [100, 'rejected', false], [101, 'rejected', false], [102, 'rejected', false], [103, 'rejected', false], [777, 'rejected', false],
    ];
    for (const [status, kind, retryable] of cases) {
      it(`status ${status} → ${kind}, retryable ${retryable}`, () => {
        const error = envelopeError('queryByHolder', status, '消息');
        expect(error).to.include({ system: 'licence-library', operation: 'queryByHolder', kind, retryable, upstreamCode: String(status) });
        expect(error.message).to.contain(`status ${status}`).and.contain('消息');
      });
    }

    it('recognises "not found"', () => {
      expect(isLicenceNotFound(envelopeError('getByIdentifier', 10, undefined))).to.equal(true);
      expect(isLicenceNotFound(envelopeError('getByIdentifier', 11, undefined))).to.equal(false);
      expect(isLicenceNotFound(new Error('10'))).to.equal(false);
    });
  });
});
