import { expect } from 'chai';
import { contentDigest, generateKeyPair, signRequest, signResponse, toPublicJwk, verifyResponse, type GeneratedKeyPair, type VerifyResponseOptions } from '../../../src/trust/index.js';
import { expectTongbanError } from './expect-code.js';

const NOW = 1_750_000_000;
const BODY = Buffer.from(JSON.stringify({ applicationId: 'A-1', status: 'accepted' }));

describe('trust: signed answers', () => {
  let tongban: GeneratedKeyPair;
  let retired: GeneratedKeyPair;
  let expectations: VerifyResponseOptions;

  before(async () => {
    tongban = await generateKeyPair('ES256');
    retired = await generateKeyPair('SM2');
  });

  beforeEach(() => {
    expectations = { keys: [retired.publicJwk, tongban.publicJwk], audience: 'platform-1', requestJti: 'req-1', nowSeconds: NOW };
  });

  const answer = async (overrides: Partial<Parameters<typeof signResponse>[0]> = {}) => ({
    body: BODY,
    headers: await signResponse({ body: BODY, clientId: 'platform-1', requestJti: 'req-1', key: tongban.privateJwk, nowSeconds: NOW, jti: 'res-1', ...overrides }),
  });

  it('round-trips: claims iss, aud, iat, jti, cdg, rjti and typ tongban-res+jwt', async () => {
    const { claims, header } = await verifyResponse(await answer(), expectations);
    expect(header).to.deep.equal({ alg: 'ES256', kid: tongban.publicJwk.kid, typ: 'tongban-res+jwt' });
    expect(claims).to.deep.equal({ iss: 'tongban', aud: 'platform-1', iat: NOW, jti: 'res-1', cdg: contentDigest(BODY), rjti: 'req-1' });
  });

  it('selects the key by kid in the JWKS (an SM2 key works too)', async () => {
    const signed = await signResponse({ body: BODY, clientId: 'platform-1', requestJti: 'req-1', key: retired.privateJwk, nowSeconds: NOW });
    const { header } = await verifyResponse({ body: BODY, headers: signed }, expectations);
    expect(header.alg).to.equal('SM2');
  });

  it('CLAIM_INVALID when rjti is not the request we sent', async () => {
    const error = await expectTongbanError(verifyResponse(await answer({ requestJti: 'req-2' }), expectations), 'CLAIM_INVALID');
    expect(error.message).to.equal('"rjti" claim does not match the request');
  });

  it('CLAIM_INVALID when the answer is for another client', async () => {
    const error = await expectTongbanError(verifyResponse(await answer({ clientId: 'platform-2' }), expectations), 'CLAIM_INVALID');
    expect(error.message).to.contain('"aud"');
  });

  it('CLAIM_INVALID when not issued by tongban', async () => {
    await expectTongbanError(verifyResponse(await answer({ issuer: 'mallory' }), expectations), 'CLAIM_INVALID');
  });

  it('KEY_UNKNOWN when the kid is not in the JWKS', async () => {
    await expectTongbanError(verifyResponse(await answer(), { ...expectations, keys: [retired.publicJwk] }), 'KEY_UNKNOWN');
  });

  it('SIGNATURE_INVALID when another key signed under the published kid', async () => {
    const impostor = await generateKeyPair('ES256', tongban.publicJwk.kid);
    await expectTongbanError(verifyResponse(await answer({ key: impostor.privateJwk }), expectations), 'SIGNATURE_INVALID');
  });

  it('ALGORITHM_NOT_ALLOWED when the caller restricts the algorithms', async () => {
    await expectTongbanError(verifyResponse(await answer(), { ...expectations, algorithms: ['EdDSA'] }), 'ALGORITHM_NOT_ALLOWED');
  });

  it('ALGORITHM_NOT_ALLOWED for an unsecured answer (alg "none", empty signature) or an HMAC one', async () => {
    const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const claims = { iss: 'tongban', aud: 'platform-1', iat: NOW, jti: 'res-1', cdg: contentDigest(BODY), rjti: 'req-1' };
    for (const [header, signature] of [[{ alg: 'none', typ: 'tongban-res+jwt' }, ''], [{ alg: 'HS256', kid: tongban.publicJwk.kid, typ: 'tongban-res+jwt' }, 'bWFj']] as const) {
      const headers = { 'tongban-signature': `${b64(header)}.${b64(claims)}.${signature}`, 'content-digest': contentDigest(BODY) };
      await expectTongbanError(verifyResponse({ body: BODY, headers }, expectations), 'ALGORITHM_NOT_ALLOWED');
    }
  });

  it('DIGEST_MISMATCH for a tampered answer body', async () => {
    const signed = await answer();
    await expectTongbanError(verifyResponse({ ...signed, body: Buffer.from('{"status":"rejected"}') }, expectations), 'DIGEST_MISMATCH');
  });

  it('SIGNATURE_MISSING for an unsigned answer', async () => {
    await expectTongbanError(verifyResponse({ body: BODY, headers: { 'content-digest': contentDigest(BODY) } }, expectations), 'SIGNATURE_MISSING');
  });

  it('SIGNATURE_MALFORMED for a request token presented as an answer', async () => {
    const request = await signRequest({ method: 'GET', pathAndQuery: '/', clientId: 'tongban', key: tongban.privateJwk, nowSeconds: NOW });
    await expectTongbanError(verifyResponse({ body: Buffer.alloc(0), headers: request }, expectations), 'SIGNATURE_MALFORMED');
  });

  it('SIGNATURE_EXPIRED / SIGNATURE_NOT_YET_VALID outside the skew of the time given', async () => {
    await expectTongbanError(verifyResponse(await answer({ nowSeconds: NOW - 301 }), expectations), 'SIGNATURE_EXPIRED');
    await expectTongbanError(verifyResponse(await answer({ nowSeconds: NOW + 301 }), expectations), 'SIGNATURE_NOT_YET_VALID');
    await verifyResponse(await answer({ nowSeconds: NOW - 10_000 }), { ...expectations, nowSeconds: NOW - 10_000 }); // stored evidence, judged at receipt
  });

  it('a public JWKS entry never carries private members', () => {
    expect(toPublicJwk(tongban.privateJwk)).to.deep.equal(tongban.publicJwk);
  });
});
