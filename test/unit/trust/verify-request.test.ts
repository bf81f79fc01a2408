import { expect } from 'chai';
import {
  SIGNATURE_ALGORITHMS,
  contentDigest,
  generateKeyPair,
  signCompact,
  signRequest,
  signResponse,
  verifyRequest,
  type GeneratedKeyPair,
  type HeaderMap,
  type SignatureAlgorithm,
  type SignRequestOptions,
  type VerifyingClient,
  type VerifyRequestOptions,
} from '../../../src/trust/index.js';
import { expectTongbanError } from './expect-code.js';

interface Client extends VerifyingClient {
  role: 'platform' | 'department';
}

const NOW = 1_750_000_000;
const BODY = Buffer.from(JSON.stringify({ themeCode: 'newborn', answers: { q1: true } }));

describe('trust: signed requests', () => {
  const pairs = {} as Record<SignatureAlgorithm, GeneratedKeyPair>;
  let clients: Map<string, Client>;
  let usedJtis: Set<string>;
  let options: VerifyRequestOptions<Client>;

  before(async () => {
    for (const alg of SIGNATURE_ALGORITHMS) pairs[alg] = await generateKeyPair(alg);
  });

  beforeEach(() => {
    clients = new Map();
    for (const alg of SIGNATURE_ALGORITHMS) {
      const { publicJwk } = pairs[alg];
      clients.set(`client-${alg}`, { id: `client-${alg}`, role: 'platform', algorithms: [alg], keys: { [publicJwk.kid]: publicJwk } });
    }
    usedJtis = new Set();
    options = {
      resolveClient: async (id) => clients.get(id),
      markJtiUsed: async (clientId, jti) => {
        const key = `${clientId} ${jti}`;
        if (usedJtis.has(key)) return false;
        usedJtis.add(key);
        return true;
      },
      nowSeconds: NOW,
    };
  });

  async function signed(alg: SignatureAlgorithm, overrides: Partial<SignRequestOptions> = {}) {
    const sign: SignRequestOptions = {
      method: 'post',
      pathAndQuery: '/v1/themes/newborn/guide?lang=zh',
      body: BODY,
      clientId: `client-${alg}`,
      key: pairs[alg].privateJwk,
      nowSeconds: NOW,
      ...overrides,
    };
    const headers: Record<string, string> = { ...(await signRequest(sign)), 'content-type': 'application/json' };
    return { method: 'POST', pathAndQuery: '/v1/themes/newborn/guide?lang=zh', body: BODY, headers };
  }

  describe('round trip', () => {
    for (const alg of SIGNATURE_ALGORITHMS) {
      it(`${alg}: verifies and returns the caller's own client type, claims and header`, async () => {
        const request = await signed(alg, { jti: `jti-${alg}` });
        const { client, claims, header } = await verifyRequest(request, options);
        const role: 'platform' | 'department' = client.role; // the generic hands back Client, not VerifyingClient
        expect(role).to.equal('platform');
        expect(client.id).to.equal(`client-${alg}`);
        expect(header).to.deep.equal({ alg, kid: pairs[alg].privateJwk.kid, typ: 'tongban-req+jwt' });
        expect(claims).to.deep.equal({
          iss: `client-${alg}`,
          aud: 'tongban',
          iat: NOW,
          exp: NOW + 300,
          jti: `jti-${alg}`,
          htm: 'POST',
          htu: '/v1/themes/newborn/guide?lang=zh',
          cdg: contentDigest(BODY),
        });
        expect(usedJtis.has(`client-${alg} jti-${alg}`)).to.equal(true);
      });
    }

    it('verifies a GET without a body (digest of the empty string)', async () => {
      const headers = await signRequest({ method: 'GET', pathAndQuery: '/v1/themes', clientId: 'client-EdDSA', key: pairs.EdDSA.privateJwk, nowSeconds: NOW });
      expect(headers['content-digest']).to.equal(contentDigest(''));
      const { claims } = await verifyRequest({ method: 'GET', pathAndQuery: '/v1/themes', body: Buffer.alloc(0), headers }, options);
      expect(claims.htm).to.equal('GET');
    });

    it('generates a different UUID jti for every request', async () => {
      const first = await verifyRequest(await signed('EdDSA'), options);
      const second = await verifyRequest(await signed('EdDSA'), options);
      expect(first.claims.jti).to.match(/^[0-9a-f-]{36}$/).and.not.equal(second.claims.jti);
    });

    it('finds headers whatever their case and keeps verifying with an old key while a new one is added', async () => {
      const rotated = await generateKeyPair('EdDSA');
      const client = clients.get('client-EdDSA')!;
      clients.set(client.id, { ...client, keys: { ...client.keys, [rotated.publicJwk.kid]: rotated.publicJwk } });
      const request = await signed('EdDSA');
      const shouting: HeaderMap = { 'Tongban-Signature': request.headers['tongban-signature'], 'Content-Digest': request.headers['content-digest'] };
      await verifyRequest({ ...request, headers: shouting }, options);
      await verifyRequest(await signed('EdDSA', { key: rotated.privateJwk }), options);
    });

    it('accepts the edges: iat exactly skew ahead, exp exactly now', async () => {
      await verifyRequest(await signed('EdDSA', { nowSeconds: NOW + 300 }), options);
      await verifyRequest(await signed('EdDSA', { nowSeconds: NOW - 300 }), options);
    });
  });

  describe('rejections', () => {
    it('SIGNATURE_MISSING without a Tongban-Signature header', async () => {
      const request = await signed('EdDSA');
      const { 'tongban-signature': _removed, ...headers } = request.headers;
      await expectTongbanError(verifyRequest({ ...request, headers }, options), 'SIGNATURE_MISSING');
    });

    it('SIGNATURE_MALFORMED for a token that is not a compact JWS', async () => {
      const request = await signed('EdDSA');
      await expectTongbanError(verifyRequest({ ...request, headers: { ...request.headers, 'tongban-signature': 'Bearer abc' } }, options), 'SIGNATURE_MALFORMED');
    });

    it('SIGNATURE_MALFORMED for a repeated Tongban-Signature header', async () => {
      const request = await signed('EdDSA');
      const token = request.headers['tongban-signature']!;
      await expectTongbanError(verifyRequest({ ...request, headers: { ...request.headers, 'tongban-signature': [token, token] } }, options), 'SIGNATURE_MALFORMED');
    });

    it('SIGNATURE_MALFORMED for an answer token (typ tongban-res+jwt) replayed as a request', async () => {
      const request = await signed('EdDSA');
      const answer = await signResponse({ body: BODY, clientId: 'client-EdDSA', requestJti: 'r', key: pairs.EdDSA.privateJwk, issuer: 'client-EdDSA', nowSeconds: NOW });
      const error = await expectTongbanError(verifyRequest({ ...request, headers: { ...request.headers, ...answer } }, options), 'SIGNATURE_MALFORMED');
      expect(error.message).to.contain('"typ"');
    });

    it('CLAIM_INVALID when "iss" is missing', async () => {
      const request = await signed('EdDSA');
      const key = pairs.EdDSA.privateJwk;
      const token = await signCompact({ alg: 'EdDSA', kid: key.kid, typ: 'tongban-req+jwt' }, { aud: 'tongban', iat: NOW, exp: NOW + 60, jti: 'j' }, key);
      const error = await expectTongbanError(verifyRequest({ ...request, headers: { ...request.headers, 'tongban-signature': token } }, options), 'CLAIM_INVALID');
      expect(error.message).to.equal('"iss" claim is missing');
    });

    it('CLIENT_UNKNOWN for an unknown client', async () => {
      await expectTongbanError(verifyRequest(await signed('EdDSA', { clientId: 'nobody' }), options), 'CLIENT_UNKNOWN');
    });

    it('KEY_UNKNOWN for a kid the client does not have (even an inherited property name)', async () => {
      const stranger = await generateKeyPair('EdDSA');
      await expectTongbanError(verifyRequest(await signed('EdDSA', { key: stranger.privateJwk }), options), 'KEY_UNKNOWN');
      const named = { ...pairs.EdDSA.privateJwk, kid: 'constructor' };
      await expectTongbanError(verifyRequest(await signed('EdDSA', { key: named }), options), 'KEY_UNKNOWN');
    });

    it('ALGORITHM_NOT_ALLOWED when the client may not use the alg', async () => {
      const client = clients.get('client-EdDSA')!;
      const es256 = pairs.ES256.publicJwk;
      clients.set(client.id, { ...client, keys: { ...client.keys, [es256.kid]: es256 } }); // key registered, algorithm not allowed
      await expectTongbanError(verifyRequest(await signed('ES256', { clientId: 'client-EdDSA' }), options), 'ALGORITHM_NOT_ALLOWED');
    });

    describe('ALGORITHM_NOT_ALLOWED for an alg outside the allowed set, however the rest of the token looks', () => {
      const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
      const claims = (pathAndQuery: string) => ({ iss: 'client-EdDSA', aud: 'tongban', iat: NOW, exp: NOW + 60, jti: 'j-alg', htm: 'POST', htu: pathAndQuery, cdg: contentDigest(BODY) });
      const cases: Record<string, (kid: string) => [object, string]> = {
        'alg "none", empty signature, the client\'s kid': (kid) => [{ alg: 'none', kid, typ: 'tongban-req+jwt' }, ''],
        'alg "none", empty signature, no kid': () => [{ alg: 'none', typ: 'tongban-req+jwt' }, ''],
        'alg "none", no typ': () => [{ alg: 'none' }, ''],
        'alg "HS256" with a MAC, the client\'s kid': (kid) => [{ alg: 'HS256', kid, typ: 'tongban-req+jwt' }, 'bWFj'],
        'alg "HS256" with a MAC, no kid': () => [{ alg: 'HS256', typ: 'tongban-req+jwt' }, 'bWFj'],
      };
      for (const [name, make] of Object.entries(cases)) {
        it(name, async () => {
          const request = await signed('EdDSA');
          const [header, signature] = make(pairs.EdDSA.publicJwk.kid);
          const token = `${b64(header)}.${b64(claims(request.pathAndQuery))}.${signature}`;
          const error = await expectTongbanError(verifyRequest({ ...request, headers: { ...request.headers, 'tongban-signature': token } }, options), 'ALGORITHM_NOT_ALLOWED');
          expect(error.message).to.contain('"alg"');
          expect(usedJtis.size).to.equal(0);
        });
      }
    });

    for (const alg of SIGNATURE_ALGORITHMS) {
      it(`SIGNATURE_INVALID for a ${alg} signature by another key under the registered kid`, async () => {
        const impostor = await generateKeyPair(alg, pairs[alg].privateJwk.kid);
        await expectTongbanError(verifyRequest(await signed(alg, { key: impostor.privateJwk }), options), 'SIGNATURE_INVALID');
      });
    }

    it('CLAIM_INVALID for a wrong audience', async () => {
      const error = await expectTongbanError(verifyRequest(await signed('EdDSA', { audience: 'someone-else' }), options), 'CLAIM_INVALID');
      expect(error.message).to.contain('"aud"');
    });

    it('CLAIM_INVALID when exp is more than 300 s after iat', async () => {
      const error = await expectTongbanError(verifyRequest(await signed('EdDSA', { ttlSeconds: 301 }), options), 'CLAIM_INVALID');
      expect(error.message).to.contain('"exp"');
    });

    it('CLAIM_INVALID when jti is missing', async () => {
      const request = await signed('EdDSA');
      const key = pairs.EdDSA.privateJwk;
      const claims = { iss: 'client-EdDSA', aud: 'tongban', iat: NOW, exp: NOW + 60, htm: 'POST', htu: request.pathAndQuery, cdg: contentDigest(BODY) };
      const token = await signCompact({ alg: 'EdDSA', kid: key.kid, typ: 'tongban-req+jwt' }, claims, key);
      const error = await expectTongbanError(verifyRequest({ ...request, headers: { ...request.headers, 'tongban-signature': token } }, options), 'CLAIM_INVALID');
      expect(error.message).to.equal('"jti" claim is missing');
    });

    it('SIGNATURE_NOT_YET_VALID when iat is beyond the skew in the future', async () => {
      const error = await expectTongbanError(verifyRequest(await signed('EdDSA', { nowSeconds: NOW + 301 }), options), 'SIGNATURE_NOT_YET_VALID');
      expect(error.message).to.contain('"iat"');
    });

    it('SIGNATURE_EXPIRED when exp has passed', async () => {
      const error = await expectTongbanError(verifyRequest(await signed('EdDSA', { nowSeconds: NOW - 301 }), options), 'SIGNATURE_EXPIRED');
      expect(error.message).to.contain('"exp"');
    });

    it('SIGNATURE_EXPIRED when iat is older than the skew though exp has not passed', async () => {
      const lenient = { ...options, maxLifetimeSeconds: 1000 };
      const error = await expectTongbanError(verifyRequest(await signed('EdDSA', { nowSeconds: NOW - 400, ttlSeconds: 600 }), lenient), 'SIGNATURE_EXPIRED');
      expect(error.message).to.equal('"iat" claim is too old');
    });

    it('METHOD_MISMATCH when the method differs', async () => {
      await expectTongbanError(verifyRequest({ ...(await signed('EdDSA')), method: 'PUT' }, options), 'METHOD_MISMATCH');
    });

    it('PATH_MISMATCH when the path or the query differs', async () => {
      await expectTongbanError(verifyRequest({ ...(await signed('EdDSA')), pathAndQuery: '/v1/themes/other/guide?lang=zh' }, options), 'PATH_MISMATCH');
      await expectTongbanError(verifyRequest({ ...(await signed('EdDSA')), pathAndQuery: '/v1/themes/newborn/guide?lang=en' }, options), 'PATH_MISMATCH');
    });

    it('DIGEST_MISSING without a Content-Digest header', async () => {
      const request = await signed('EdDSA');
      const { 'content-digest': _removed, ...headers } = request.headers;
      await expectTongbanError(verifyRequest({ ...request, headers }, options), 'DIGEST_MISSING');
    });

    for (const alg of ['EdDSA', 'SM2'] as const) {
      it(`DIGEST_MISMATCH for a tampered body (${alg})`, async () => {
        const request = await signed(alg);
        await expectTongbanError(verifyRequest({ ...request, body: Buffer.from(BODY.toString().replace('true', 'false')) }, options), 'DIGEST_MISMATCH');
      });
    }

    it('DIGEST_MISMATCH when body and header were both swapped but the signed cdg was not', async () => {
      const request = await signed('EdDSA');
      const body = Buffer.from('{"forged":true}');
      const error = await expectTongbanError(verifyRequest({ ...request, body, headers: { ...request.headers, 'content-digest': contentDigest(body) } }, options), 'DIGEST_MISMATCH');
      expect(error.message).to.contain('"cdg"');
    });

    it('DIGEST_MISMATCH for a Content-Digest that is not a sha-256 byte sequence', async () => {
      const request = await signed('EdDSA');
      await expectTongbanError(verifyRequest({ ...request, headers: { ...request.headers, 'content-digest': 'md5=:AAAA:' } }, options), 'DIGEST_MISMATCH');
    });

    it('REPLAY_DETECTED when the same request comes twice', async () => {
      const request = await signed('EdDSA');
      await verifyRequest(request, options);
      const error = await expectTongbanError(verifyRequest(request, options), 'REPLAY_DETECTED');
      expect(error.message).to.contain('"jti"');
    });

    it('marks the jti with the client id and exp, and only once every other check passed', async () => {
      const calls: unknown[][] = [];
      const recording = { ...options, markJtiUsed: async (...args: [string, string, number]) => (calls.push(args), true) };
      const request = await signed('SM2', { jti: 'once' });
      await expectTongbanError(verifyRequest({ ...request, pathAndQuery: '/v1/elsewhere' }, recording), 'PATH_MISMATCH');
      await expectTongbanError(verifyRequest({ ...request, body: Buffer.from('x') }, recording), 'DIGEST_MISMATCH');
      expect(calls).to.deep.equal([]);
      await verifyRequest(request, recording);
      expect(calls).to.deep.equal([['client-SM2', 'once', NOW + 300]]);
    });

    it('reports the first failed check when several fail (unknown kid before path and digest)', async () => {
      const stranger = await generateKeyPair('EdDSA');
      const request = await signed('EdDSA', { key: stranger.privateJwk });
      await expectTongbanError(verifyRequest({ ...request, pathAndQuery: '/x', body: Buffer.from('x') }, options), 'KEY_UNKNOWN');
    });
  });
});
