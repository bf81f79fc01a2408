/**
 * SM2 signatures (GB/T 32918.2) with the SM3 digest, over raw bytes, with JWK keys.
 *
 * Done with sm-crypto-v2, never node:crypto: OpenSSL's SM2 support in Node
 * depends on how Node was built. A signature is the 64-byte r‖s (each
 * big-endian, left-padded to 32 bytes), as Tongban signature v1 requires.
 */
import type { JWK } from 'jose';
import { sm2 } from 'sm-crypto-v2';
import { SM2_USER_ID } from './algorithms.js';

/** Order n of the SM2 base point; r and s must lie in [1, n-1]. */
const SM2_ORDER = BigInt('0xfffffffeffffffffffffffffffffffff7203df6b21c6052b53bbf40939d54123');

function coordinateHex(jwk: JWK, member: 'x' | 'y' | 'd'): string {
  const value = jwk[member];
  if (typeof value !== 'string') throw new TypeError(`SM2 JWK is missing "${member}"`);
  const bytes = Buffer.from(value, 'base64url');
  if (bytes.length !== 32) throw new TypeError(`SM2 JWK "${member}" must be 32 bytes`);
  return bytes.toString('hex');
}

// Precomputed public points verify several times faster; a few keys verify everything.
const precomputed = new Map<string, ReturnType<typeof sm2.precomputePublicKey>>();

function verifyingPoint(jwk: JWK): ReturnType<typeof sm2.precomputePublicKey> {
  const hex = publicKeyHex(jwk);
  let point = precomputed.get(hex);
  if (!point) {
    point = sm2.precomputePublicKey(hex);
    if (precomputed.size >= 1000) precomputed.clear();
    precomputed.set(hex, point);
  }
  return point;
}

/** Uncompressed public point `04‖x‖y` in hex, as sm-crypto-v2 wants it. */
function publicKeyHex(jwk: JWK): string {
  return `04${coordinateHex(jwk, 'x')}${coordinateHex(jwk, 'y')}`;
}

/**
 * Signs `message` with an SM2 private JWK: e = SM3(Z_A ‖ message), Z_A with
 * user id `userId` (default `1234567812345678`). Returns the 64-byte r‖s.
 */
export function sm2Sign(message: Uint8Array, privateJwk: JWK, userId: string = SM2_USER_ID): Buffer {
  const signature = sm2.doSignature(message, coordinateHex(privateJwk, 'd'), {
    hash: true,
    der: false,
    publicKey: publicKeyHex(privateJwk),
    userId,
  });
  return Buffer.from(signature, 'hex');
}

/**
 * Verifies a 64-byte r‖s SM2 signature over `message` with a public JWK.
 * Returns false (never throws) for a signature of the wrong length, r or s out
 * of range, or a public key not on the curve.
 */
export function sm2Verify(message: Uint8Array, signature: Uint8Array, publicJwk: JWK, userId: string = SM2_USER_ID): boolean {
  if (signature.length !== 64) return false;
  const hex = Buffer.from(signature).toString('hex');
  const r = BigInt(`0x${hex.slice(0, 64)}`);
  const s = BigInt(`0x${hex.slice(64)}`);
  // sm-crypto-v2 does not range-check; s + n would otherwise verify too.
  if (r < 1n || r >= SM2_ORDER || s < 1n || s >= SM2_ORDER) return false;
  try {
    return sm2.doVerifySignature(message, hex, verifyingPoint(publicJwk), { hash: true, der: false, userId });
  } catch {
    return false;
  }
}
