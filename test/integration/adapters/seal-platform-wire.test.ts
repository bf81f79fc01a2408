import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import nock from 'nock';
import { createSealPlatformAdapter } from '../../../adapters/seal-platform/index.js';
import { mapSealStatus, mapSealType } from '../../../adapters/seal-platform/map-seal.js';
import { requestSignature, stringToSign } from '../../../adapters/seal-platform/request-signing.js';
import { validateCaCertificates, validateEnvelope, validateSealList, validateVerification } from '../../../adapters/seal-platform/seal-platform-api.js';
import { UpstreamError } from '../../../src/domain/upstream-error.js';

// Importing nock patches node:http for the whole mocha process (every test file is loaded first); it stays
// off — real sockets, real keep-alive — except while this file's wire tests run.
nock.restore();

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../../../adapters/seal-platform/fixtures/${name}`, import.meta.url), 'utf8')) as { status: number; body: { code: number; msg: string; data?: unknown } };

describe('seal platform: wire format', () => {
  describe('request signing', () => {
    const parts = {
      appId: 'tongban-sandbox', timestamp: 1764000000, nonce: '0123456789abcdef0123456789abcdef',
      method: 'post', pathAndQuery: '/api/v1/seal/pdf', body: '{"deptCode":"gaj"}',
    };

    it('signs appId, timestamp, nonce, METHOD, path and the body hash joined by newlines', () => {
      expect(stringToSign(parts)).to.equal([
        'tongban-sandbox', '1764000000', '0123456789abcdef0123456789abcdef', 'POST', '/api/v1/seal/pdf',
        'ddb349b3d84ece101232ffd4031200a9c00ba0fa7747a32bd488e99b72770238',
      ].join('\n'));
    });

    it('matches the HMAC-SHA256 computed independently with openssl (known answer)', () => {
      // printf '…' | openssl dgst -sha256 -hmac 'tongban-sandbox-seal-secret'
      expect(requestSignature('tongban-sandbox-seal-secret', parts)).to.equal('43be72fb5a50f9527076eef2f78a63abb96733663a1fe65aa24526fdccaa8860');
      expect(requestSignature('tongban-sandbox-seal-secret', { ...parts, body: '{"deptCode":"gak"}' })).to.not.equal('43be72fb5a50f9527076eef2f78a63abb96733663a1fe65aa24526fdccaa8860');
    });
  });

  describe('recorded answers', () => {
    it('validate against the wire schemas', () => {
      for (const name of ['list-seals-gaj.json', 'ca-certificates.json', 'seal-pdf-seal-revoked.json', 'seal-pdf-unknown-seal.json', 'verify-pdf-unsigned.json', 'auth-bad-signature.json']) {
        expect(validateEnvelope(fixture(name).body), name).to.equal(true);
      }
      expect(validateSealList(fixture('list-seals-gaj.json').body.data)).to.equal(true);
      expect(validateCaCertificates(fixture('ca-certificates.json').body.data)).to.equal(true);
      expect(validateVerification(fixture('verify-pdf-unsigned.json').body.data)).to.equal(true);
    });

    it('map seal types and statuses with explicit defaults for unknown codes', () => {
      expect(['01', '05', '02', '42'].map(mapSealType)).to.deep.equal(['official', 'business', 'finance', 'other']);
      expect(['01', '02', '03', '04', ''].map(mapSealStatus)).to.deep.equal(['active', 'suspended', 'revoked', 'expired', 'other']);
    });
  });

  describe('adapter on recorded answers', () => {
    const baseUrl = 'http://eseal.gd.test/gateway';
    const adapter = createSealPlatformAdapter({ baseUrl, appId: 'tongban-sandbox', appSecret: 'secret', timeoutMs: 2000 });

    before(() => {
      if (!nock.isActive()) nock.activate();
      nock.disableNetConnect();
    });
    afterEach(() => nock.cleanAll());
    after(() => {
      nock.enableNetConnect();
      nock.restore();
    });

    it('lists seals, signing the path with the base URL\'s prefix', async () => {
      const recorded = fixture('list-seals-gaj.json');
      const scope = nock('http://eseal.gd.test')
        .get('/gateway/api/v1/seals').query({ deptCode: 'gaj' })
        .matchHeader('x-seal-appid', 'tongban-sandbox')
        .matchHeader('x-seal-signature', /^[0-9a-f]{64}$/)
        .reply(function () {
          const headers = this.req.headers as Record<string, string>;
          const expected = requestSignature('secret', {
            appId: headers['x-seal-appid']!, timestamp: Number(headers['x-seal-timestamp']), nonce: headers['x-seal-nonce']!,
            method: 'GET', pathAndQuery: '/gateway/api/v1/seals?deptCode=gaj', body: '',
          });
          return headers['x-seal-signature'] === expected ? [200, recorded.body] : [401, { code: 10002, msg: '签名验证失败' }];
        });
      const seals = await adapter.listSeals('gaj');
      scope.done();
      expect(seals.map((seal) => [seal.sealId, seal.name, seal.type, seal.status])).to.deep.equal([
        ['44140301010001', '梅州市梅县区公安局电子印章', 'official', 'active'],
        ['44140301050001', '梅州市梅县区公安局业务专用章', 'business', 'active'],
      ]);
      expect(seals[0]?.validFrom).to.equal('2025-03-02T01:30:00.000Z'); // 09:30 China time
    });

    it('turns a recorded revoked-seal answer into a rejected UpstreamError', async () => {
      const scope = nock('http://eseal.gd.test')
        .get('/gateway/api/v1/ca/certificates').reply(200, fixture('ca-certificates.json').body)
        .post('/gateway/api/v1/seal/pdf').reply(200, fixture('seal-pdf-seal-revoked.json').body);
      const error = await adapter.sealPdf({ departmentCode: 'gaj', sealId: '44140301050001', pdf: Buffer.from('%PDF-1.7'), page: 1, x: 1, y: 1, reason: '测试' })
        .then(() => undefined, (caught: unknown) => caught);
      scope.done();
      expect(error).to.be.instanceOf(UpstreamError);
      expect(error).to.include({ kind: 'rejected', upstreamCode: '20002', retryable: false });
    });

    it('returns a recorded failed verification (code 40001) as a result', async () => {
      const scope = nock('http://eseal.gd.test').post('/gateway/api/v1/verify/pdf').reply(200, fixture('verify-pdf-unsigned.json').body);
      expect(await adapter.verifyPdf(Buffer.from('%PDF-1.7'))).to.deep.equal({ valid: false, signatures: [], problems: ['document carries no signature'] });
      scope.done();
    });

    it('treats a verification whose result contradicts its code, or an envelope off schema, as malformed', async () => {
      const contradiction = { ...fixture('verify-pdf-unsigned.json').body, code: 0 };
      const scope = nock('http://eseal.gd.test')
        .post('/gateway/api/v1/verify/pdf').reply(200, contradiction)
        .get('/gateway/api/v1/seals').query(true).reply(200, { code: 0, msg: '成功', data: { deptCode: 'gaj', seals: [{ sealId: 1 }] } })
        .get('/gateway/api/v1/seals').query(true).reply(200, '<html>gateway error</html>');
      expect(await adapter.verifyPdf(Buffer.from('%PDF-1.7')).catch((caught: unknown) => caught)).to.include({ kind: 'malformed' });
      expect(await adapter.listSeals('gaj').catch((caught: unknown) => caught)).to.include({ kind: 'malformed' });
      expect(await adapter.listSeals('gaj').catch((caught: unknown) => caught)).to.include({ kind: 'malformed' });
      scope.done();
    });

    it('maps a recorded auth failure to a non-retryable auth error', async () => {
      const recorded = fixture('auth-bad-signature.json');
      const scope = nock('http://eseal.gd.test').get('/gateway/api/v1/seals').query(true).reply(recorded.status, recorded.body);
      expect(await adapter.listSeals('gaj').catch((caught: unknown) => caught)).to.include({ kind: 'auth', upstreamCode: '10002', retryable: false });
      scope.done();
    });
  });
});
