/**
 * Webhook signatures: the Standard Webhooks content (`id.timestamp.body`)
 * signed by each key algorithm Tongban's keyring may hold, verified the way
 * docs/notifications.md tells a platform to (node:crypto, the JWKS key), and
 * refused when any part of the request changed.
 */
import { expect } from 'chai';
import { createPublicKey, verify, type JsonWebKey } from 'node:crypto';
import { signWebhook, verifyWebhook } from '../../../src/notifications/webhook-signature.js';
import { generateKeyPair, SIGNATURE_ALGORITHMS } from '../../../src/trust/index.js';

const message = { id: 'msg_019af3c2-7d1e-7a52-9c33-5b0e1f2d4c6a', timestampSeconds: 1765008000, body: '{"type":"application.received","data":{"themeCode":"MX-T05","名":"张三"}}' };

describe('webhook signatures', () => {
  for (const alg of SIGNATURE_ALGORITHMS) {
    it(`${alg}: signed with the key's version prefix and kid, verified; any change refused`, async () => {
      const { privateJwk, publicJwk } = await generateKeyPair(alg);
      const headers = signWebhook(privateJwk, message);
      expect(headers['webhook-id']).to.equal(message.id);
      expect(headers['webhook-timestamp']).to.equal('1765008000');
      expect(headers['webhook-key-id']).to.equal(publicJwk.kid);
      expect(headers['webhook-signature']).to.match(new RegExp(`^${{ EdDSA: 'v1a', ES256: 'es256', RS256: 'rs256', SM2: 'sm2' }[alg]},[A-Za-z0-9+/]+=*$`));
      const request = { id: message.id, timestamp: headers['webhook-timestamp'], signature: headers['webhook-signature'], body: message.body };
      expect(verifyWebhook(publicJwk, request)).to.equal(true);
      expect(verifyWebhook(publicJwk, { ...request, body: message.body.replace('张三', '李四') })).to.equal(false);
      expect(verifyWebhook(publicJwk, { ...request, id: 'msg_other' })).to.equal(false);
      expect(verifyWebhook(publicJwk, { ...request, timestamp: '1765008001' })).to.equal(false);
      expect(verifyWebhook((await generateKeyPair(alg)).publicJwk, request), 'another key').to.equal(false);
      // Several signatures (a rotation): one that verifies is enough.
      expect(verifyWebhook(publicJwk, { ...request, signature: `v1a,AAAA ${request.signature}` })).to.equal(true);
    });
  }

  it('Ed25519 is the Standard Webhooks v1a scheme: node:crypto verifies it over `id.timestamp.body`, as the docs\' sample does', async () => {
    const { privateJwk, publicJwk } = await generateKeyPair('EdDSA');
    const headers = signWebhook(privateJwk, message);
    const [version, signature] = headers['webhook-signature'].split(',');
    expect(version).to.equal('v1a');
    const content = Buffer.from(`${message.id}.${message.timestampSeconds}.${message.body}`, 'utf8');
    expect(Buffer.from(signature!, 'base64')).to.have.length(64);
    expect(verify(null, content, createPublicKey({ key: { kty: publicJwk.kty, crv: publicJwk.crv, x: publicJwk.x } satisfies JsonWebKey, format: 'jwk' }), Buffer.from(signature!, 'base64'))).to.equal(true);
  });

  it('refuses a signature under another algorithm\'s version prefix', async () => {
    const { privateJwk, publicJwk } = await generateKeyPair('ES256');
    const headers = signWebhook(privateJwk, message);
    const relabelled = headers['webhook-signature'].replace(/^es256,/, 'v1a,');
    expect(verifyWebhook(publicJwk, { id: message.id, timestamp: headers['webhook-timestamp'], signature: relabelled, body: message.body })).to.equal(false);
  });
});
