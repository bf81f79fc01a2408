import { expect } from 'chai';
import {
  SIGNATURE_ALGORITHMS,
  decodeProtectedHeader,
  decodeUnverifiedPayload,
  generateKeyPair,
  signCompact,
  toPublicJwk,
  verifyCompact,
  type GeneratedKeyPair,
  type SignatureAlgorithm,
} from '../../../src/trust/index.js';
import { expectTongbanError } from './expect-code.js';

const b64 = (value: unknown): string => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

describe('trust: compact JWS', () => {
  const pairs = {} as Record<SignatureAlgorithm, GeneratedKeyPair>;

  before(async () => {
    for (const alg of SIGNATURE_ALGORITHMS) pairs[alg] = await generateKeyPair(alg);
  });

  describe('generateKeyPair', () => {
    for (const alg of SIGNATURE_ALGORITHMS) {
      it(`${alg}: sets kid (the thumbprint) and alg, and the public key has no private members`, async () => {
        const { privateJwk, publicJwk } = pairs[alg];
        expect(privateJwk.alg).to.equal(alg);
        expect(publicJwk.kid).to.equal(privateJwk.kid).and.match(/^[A-Za-z0-9_-]{43}$/);
        expect(privateJwk.d).to.be.a('string');
        expect(publicJwk).to.not.have.any.keys('d', 'p', 'q', 'dp', 'dq', 'qi');
      });
    }

    it('uses the kid given', async () => {
      expect((await generateKeyPair('SM2', 'dept-key-2025')).publicJwk.kid).to.equal('dept-key-2025');
    });

    it('SM2 keys are {kty: EC, crv: SM2} with 32-byte coordinates', () => {
      const { privateJwk } = pairs.SM2;
      expect(privateJwk).to.include({ kty: 'EC', crv: 'SM2' });
      for (const member of ['x', 'y', 'd'] as const) expect(Buffer.from(privateJwk[member]!, 'base64url')).to.have.length(32);
    });
  });

  for (const alg of SIGNATURE_ALGORITHMS) {
    describe(alg, () => {
      it('round-trips header and payload', async () => {
        const { privateJwk, publicJwk } = pairs[alg];
        const token = await signCompact({ alg, kid: privateJwk.kid, typ: 'test' }, { hello: '通办', n: 1 }, privateJwk);
        const { header, payload } = await verifyCompact(token, publicJwk, [alg]);
        expect(header).to.deep.equal({ alg, kid: privateJwk.kid, typ: 'test' });
        expect(payload).to.deep.equal({ hello: '通办', n: 1 });
      });

      it('rejects a changed payload with SIGNATURE_INVALID', async () => {
        const { privateJwk, publicJwk } = pairs[alg];
        const [header, , signature] = (await signCompact({ alg }, { amount: 1 }, privateJwk)).split('.');
        await expectTongbanError(verifyCompact(`${header}.${b64({ amount: 2 })}.${signature}`, publicJwk, [alg]), 'SIGNATURE_INVALID');
      });

      it('rejects a signature by another key with SIGNATURE_INVALID', async () => {
        const other = await generateKeyPair(alg);
        const token = await signCompact({ alg }, { a: 1 }, other.privateJwk);
        await expectTongbanError(verifyCompact(token, pairs[alg].publicJwk, [alg]), 'SIGNATURE_INVALID');
      });

      it('rejects its alg when not in the allow-list with ALGORITHM_NOT_ALLOWED', async () => {
        const { privateJwk, publicJwk } = pairs[alg];
        const token = await signCompact({ alg }, { a: 1 }, privateJwk);
        const others = SIGNATURE_ALGORITHMS.filter((candidate) => candidate !== alg);
        await expectTongbanError(verifyCompact(token, publicJwk, others), 'ALGORITHM_NOT_ALLOWED');
      });
    });
  }

  describe('refusals', () => {
    it('refuses a header alg that does not fit the key (key confusion) with ALGORITHM_NOT_ALLOWED', async () => {
      const token = await signCompact({ alg: 'ES256' }, { a: 1 }, pairs.ES256.privateJwk);
      const confused = { ...pairs.SM2.publicJwk, alg: undefined };
      await expectTongbanError(verifyCompact(token, confused, ['ES256', 'SM2']), 'ALGORITHM_NOT_ALLOWED');
    });

    it('refuses alg "none" with ALGORITHM_NOT_ALLOWED', async () => {
      const token = `${b64({ alg: 'none' })}.${b64({ a: 1 })}.${b64('x')}`;
      await expectTongbanError(verifyCompact(token, pairs.EdDSA.publicJwk, SIGNATURE_ALGORITHMS), 'ALGORITHM_NOT_ALLOWED');
    });

    it('refuses an SM2 signature that is not 64 bytes or has r = 0 with SIGNATURE_INVALID', async () => {
      const { privateJwk, publicJwk } = pairs.SM2;
      const [header, payload] = (await signCompact({ alg: 'SM2' }, { a: 1 }, privateJwk)).split('.');
      await expectTongbanError(verifyCompact(`${header}.${payload}.${b64(Buffer.alloc(63, 1).toString('latin1'))}`, publicJwk, ['SM2']), 'SIGNATURE_INVALID');
      const zeroR = Buffer.concat([Buffer.alloc(32), Buffer.alloc(32, 1)]).toString('base64url');
      await expectTongbanError(verifyCompact(`${header}.${payload}.${zeroR}`, publicJwk, ['SM2']), 'SIGNATURE_INVALID');
    });

    const malformed: Record<string, string> = {
      'an empty string': '',
      'two parts': `${b64({ alg: 'EdDSA' })}.${b64({ a: 1 })}`,
      'four parts': `${b64({ alg: 'EdDSA' })}.${b64({ a: 1 })}.c2ln.c2ln`,
      'non-base64url characters': `${b64({ alg: 'EdDSA' })}.${b64({ a: 1 })}.c2l+`,
      'a header that is not JSON': `${b64('{alg:')}.${b64({ a: 1 })}.c2ln`,
      'a header without alg': `${b64({ kid: 'k' })}.${b64({ a: 1 })}.c2ln`,
      'a header with crit': `${b64({ alg: 'EdDSA', crit: ['exp'], exp: 1 })}.${b64({ a: 1 })}.c2ln`,
      'a payload that is not JSON': `${b64({ alg: 'EdDSA' })}.${b64('hello')}.c2ln`,
      'a payload that is a JSON array': `${b64({ alg: 'EdDSA' })}.${b64([1])}.c2ln`,
      'an oversized token': `${b64({ alg: 'EdDSA' })}.${'A'.repeat(20_000)}.c2ln`,
    };
    for (const [name, token] of Object.entries(malformed)) {
      it(`refuses ${name} with SIGNATURE_MALFORMED`, async () => {
        await expectTongbanError(verifyCompact(token, pairs.EdDSA.publicJwk, SIGNATURE_ALGORITHMS), 'SIGNATURE_MALFORMED');
      });
    }
  });

  describe('decoding without verifying', () => {
    it('decodes the protected header and the payload', async () => {
      const token = await signCompact({ alg: 'EdDSA', kid: 'k1', typ: 't' }, { iss: 'p1' }, pairs.EdDSA.privateJwk);
      expect(decodeProtectedHeader(token)).to.deep.equal({ alg: 'EdDSA', kid: 'k1', typ: 't' });
      expect(decodeUnverifiedPayload(token)).to.deep.equal({ iss: 'p1' });
    });

    it('throws SIGNATURE_MALFORMED for a token that is not a compact JWS', async () => {
      await expectTongbanError(Promise.resolve().then(() => decodeProtectedHeader('not-a-jws')), 'SIGNATURE_MALFORMED');
      await expectTongbanError(Promise.resolve().then(() => decodeUnverifiedPayload(`${b64({ alg: 'SM2' })}.${b64('x')}.c2ln`)), 'SIGNATURE_MALFORMED');
    });
  });

  it('signCompact refuses a key that does not fit the alg', async () => {
    let failure: unknown;
    await signCompact({ alg: 'RS256' }, {}, pairs.EdDSA.privateJwk).catch((error: unknown) => (failure = error));
    expect(failure).to.be.instanceOf(TypeError);
  });

  it('toPublicJwk drops every private RSA member and keeps kid and alg', () => {
    const publicJwk = toPublicJwk(pairs.RS256.privateJwk);
    expect(publicJwk).to.not.have.any.keys('d', 'p', 'q', 'dp', 'dq', 'qi');
    expect(publicJwk).to.include({ kid: pairs.RS256.privateJwk.kid, alg: 'RS256' });
  });
});
