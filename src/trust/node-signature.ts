/**
 * EdDSA, ES256 and RS256 JWS signatures with node:crypto directly, with the
 * imported keys cached: importing a JWK costs more than the signature itself,
 * and the same few keys sign and verify every request. (jose computes the
 * same bytes — the known-answer tests check against it — but re-imports.)
 */
import { createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import type { JWK } from 'jose';
import type { SignatureAlgorithm } from './algorithms.js';

type NodeAlgorithm = Exclude<SignatureAlgorithm, 'SM2'>;

const cache = new Map<string, KeyObject>();
const MAX_CACHED_KEYS = 1000;

function cacheKey(jwk: JWK, kind: 'private' | 'public'): string {
  return `${kind}:${jwk.kty}:${jwk.crv ?? ''}:${jwk.x ?? ''}:${jwk.y ?? ''}:${jwk.n ?? ''}:${jwk.e ?? ''}:${kind === 'private' ? jwk.d ?? '' : ''}`;
}

function keyObject(jwk: JWK, kind: 'private' | 'public'): KeyObject {
  const id = cacheKey(jwk, kind);
  let key = cache.get(id);
  if (!key) {
    const { kid: _kid, alg: _alg, use: _use, key_ops: _ops, ...material } = jwk;
    if (kind === 'private') {
      key = createPrivateKey({ key: material as import('node:crypto').JsonWebKey, format: 'jwk' });
    } else {
      const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...publicMaterial } = material;
      key = createPublicKey({ key: publicMaterial as import('node:crypto').JsonWebKey, format: 'jwk' });
    }
    if (cache.size >= MAX_CACHED_KEYS) cache.clear();
    cache.set(id, key);
  }
  return key;
}

const DIGEST: Record<NodeAlgorithm, string | null> = { EdDSA: null, ES256: 'sha256', RS256: 'sha256' };

/** The JWS signature bytes of `input` (ES256 as raw r‖s, per RFC 7518). */
export function nodeSign(alg: NodeAlgorithm, input: Buffer, privateJwk: JWK): Buffer {
  const key = keyObject(privateJwk, 'private');
  return sign(DIGEST[alg], input, alg === 'ES256' ? { key, dsaEncoding: 'ieee-p1363' } : key);
}

/** Whether `signature` is a valid JWS signature of `input`; never throws on a bad signature. */
export function nodeVerify(alg: NodeAlgorithm, input: Buffer, signature: Buffer, publicJwk: JWK): boolean {
  const key = keyObject(publicJwk, 'public');
  try {
    return verify(DIGEST[alg], input, alg === 'ES256' ? { key, dsaEncoding: 'ieee-p1363' } : key, signature);
  } catch {
    return false;
  }
}
