import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { CompactSign, compactVerify, errors, importJWK, type JWK } from 'jose';
import { sm3 } from 'sm-crypto-v2';
import { contentDigest, jwkThumbprint, signCompact } from '../../../src/trust/index.js';

const rfc8037 = JSON.parse(readFileSync(new URL('../../fixtures/trust/rfc8037-a4.json', import.meta.url), 'utf8')) as {
  key: JWK;
  protectedHeader: { alg: 'EdDSA' };
  payload: string;
  compact: string;
};

describe('trust: known-answer vectors', () => {
  describe('RFC 8037 A.4 Ed25519 JWS', () => {
    it('jose produces the published compact serialisation over the raw payload', async () => {
      const key = await importJWK(rfc8037.key, 'EdDSA');
      const token = await new CompactSign(new TextEncoder().encode(rfc8037.payload)).setProtectedHeader(rfc8037.protectedHeader).sign(key);
      expect(token).to.equal(rfc8037.compact);
    });

    it('signCompact produces it too when given the raw payload bytes', async () => {
      const token = await signCompact(rfc8037.protectedHeader, Buffer.from(rfc8037.payload, 'utf8'), rfc8037.key);
      expect(token).to.equal(rfc8037.compact);
    });

    it('the published token verifies with the public key, and a changed payload does not', async () => {
      const { x, kty, crv } = rfc8037.key;
      const publicKey = await importJWK({ kty, crv, x }, 'EdDSA');
      const { payload } = await compactVerify(rfc8037.compact, publicKey);
      expect(new TextDecoder().decode(payload)).to.equal(rfc8037.payload);
      const [header, , signature] = rfc8037.compact.split('.');
      const forged = `${header}.${Buffer.from('Example of Ed25519 signinG').toString('base64url')}.${signature}`;
      let failure: unknown;
      await compactVerify(forged, publicKey).catch((error: unknown) => (failure = error));
      expect(failure).to.be.instanceOf(errors.JWSSignatureVerificationFailed);
    });
  });

  describe('SM3 (GB/T 32905 example 1)', () => {
    const expected = '66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0';

    it('node:crypto computes SM3("abc")', () => {
      expect(createHash('sm3').update('abc').digest('hex')).to.equal(expected);
    });

    it('sm-crypto-v2, which the SM2 signatures hash with, agrees', () => {
      expect(sm3('abc')).to.equal(expected);
    });
  });

  describe('RFC 9530 Content-Digest', () => {
    it('matches the RFC example for {"hello": "world"}', () => {
      expect(contentDigest('{"hello": "world"}')).to.equal('sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:');
    });

    it('hashes an empty body as the empty string', () => {
      expect(contentDigest(new Uint8Array())).to.equal('sha-256=:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=:');
    });
  });

  describe('RFC 7638 JWK thumbprint', () => {
    it('matches the RFC 7638 §3.1 example', async () => {
      const key: JWK = {
        kty: 'RSA',
        n: '0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw',
        e: 'AQAB',
        alg: 'RS256',
        kid: '2011-04-29',
      };
      expect(await jwkThumbprint(key)).to.equal('NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs');
    });

    it('hashes only {crv, kty, x, y}, in that order, for an SM2 key', async () => {
      const x = Buffer.alloc(32, 1).toString('base64url');
      const y = Buffer.alloc(32, 2).toString('base64url');
      const canonical = `{"crv":"SM2","kty":"EC","x":"${x}","y":"${y}"}`;
      const expected = createHash('sha256').update(canonical).digest('base64url');
      expect(await jwkThumbprint({ y, x, kty: 'EC', crv: 'SM2', d: 'ignored', kid: 'ignored', alg: 'SM2' })).to.equal(expected);
    });
  });
});
