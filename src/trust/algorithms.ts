/**
 * Signature algorithms and keys of Tongban signature v1.
 *
 * Glossary:
 * - client: a platform, department or ops system that signs its calls (客户端);
 * - key: a JSON Web Key (RFC 7517) carrying `kid` and `alg`;
 * - SM2: the national elliptic-curve signature (国密 SM2) with the SM3 digest and
 *   the default user id `1234567812345678`; its JWK is `{kty:'EC', crv:'SM2', x, y, d?}`.
 */
import { createHash, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { calculateJwkThumbprint, type JWK } from 'jose';
import { sm2 } from 'sm-crypto-v2';

/** JWS `alg` values Tongban accepts. `SM2` means SM2 with SM3 and r‖s signatures. */
export type SignatureAlgorithm = 'EdDSA' | 'ES256' | 'RS256' | 'SM2';

/** Every supported algorithm, in order of preference. */
export const SIGNATURE_ALGORITHMS: readonly SignatureAlgorithm[] = Object.freeze(['EdDSA', 'ES256', 'RS256', 'SM2']);

/** A public key as a JWK whose `kid` and `alg` are set. */
export interface PublicJwk extends JWK {
  kid: string;
  alg: SignatureAlgorithm;
}

/** A private key as a JWK whose `kid` and `alg` are set (holds the private members, e.g. `d`). */
export interface PrivateJwk extends PublicJwk {
  d: string;
}

/** A freshly generated key pair. */
export interface GeneratedKeyPair {
  privateJwk: PrivateJwk;
  publicJwk: PublicJwk;
}

/** The user id SM2 signatures are bound to (GM/T 0009 default). */
export const SM2_USER_ID = '1234567812345678';

/** Whether `value` names a supported algorithm. */
export function isSignatureAlgorithm(value: unknown): value is SignatureAlgorithm {
  return typeof value === 'string' && (SIGNATURE_ALGORITHMS as readonly string[]).includes(value);
}

/**
 * Whether a JWK has the key type and curve `alg` needs (EdDSA: OKP Ed25519,
 * ES256: EC P-256, RS256: RSA, SM2: EC SM2). Guards against key confusion.
 */
export function keyFitsAlgorithm(jwk: JWK, alg: SignatureAlgorithm): boolean {
  switch (alg) {
    case 'EdDSA':
      return jwk.kty === 'OKP' && jwk.crv === 'Ed25519';
    case 'ES256':
      return jwk.kty === 'EC' && jwk.crv === 'P-256';
    case 'RS256':
      return jwk.kty === 'RSA';
    case 'SM2':
      return jwk.kty === 'EC' && jwk.crv === 'SM2';
  }
}

/**
 * The public part of a JWK: drops private members (`d`, `p`, `q`, `dp`, `dq`, `qi`, `oth`).
 */
export function toPublicJwk(jwk: PublicJwk): PublicJwk;
export function toPublicJwk(jwk: JWK): JWK;
export function toPublicJwk(jwk: JWK): JWK {
  const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, oth: _oth, ...rest } = jwk;
  return rest;
}

/**
 * RFC 7638 JWK thumbprint (SHA-256, base64url). jose computes it for the
 * standard curves; SM2 is done here over the members `{crv, kty, x, y}`.
 */
export async function jwkThumbprint(jwk: JWK): Promise<string> {
  if (jwk.kty === 'EC' && jwk.crv === 'SM2') {
    if (typeof jwk.x !== 'string' || typeof jwk.y !== 'string') throw new TypeError('SM2 JWK needs "x" and "y"');
    const canonical = JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y });
    return createHash('sha256').update(canonical, 'utf8').digest('base64url');
  }
  return calculateJwkThumbprint(jwk, 'sha256');
}

/**
 * Generates a signing key pair for `alg`: Ed25519, P-256 and RSA 2048 with
 * node:crypto, SM2 with sm-crypto-v2. `kid` defaults to the RFC 7638
 * thumbprint of the public key.
 */
export async function generateKeyPair(alg: SignatureAlgorithm, kid?: string): Promise<GeneratedKeyPair> {
  const publicOnly = alg === 'SM2' ? generateSm2Jwk() : generateNodeJwk(alg);
  const thumbprint = kid ?? (await jwkThumbprint(publicOnly.publicJwk));
  return {
    privateJwk: { ...publicOnly.privateJwk, kid: thumbprint, alg } as PrivateJwk,
    publicJwk: { ...publicOnly.publicJwk, kid: thumbprint, alg } as PublicJwk,
  };
}

function generateNodeJwk(alg: Exclude<SignatureAlgorithm, 'SM2'>): { privateJwk: JWK; publicJwk: JWK } {
  let pair: { privateKey: KeyObject; publicKey: KeyObject };
  switch (alg) {
    case 'EdDSA':
      pair = generateKeyPairSync('ed25519');
      break;
    case 'ES256':
      pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      break;
    case 'RS256':
      pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
      break;
  }
  return {
    privateJwk: pair.privateKey.export({ format: 'jwk' }) as JWK,
    publicJwk: pair.publicKey.export({ format: 'jwk' }) as JWK,
  };
}

function generateSm2Jwk(): { privateJwk: JWK; publicJwk: JWK } {
  const pair = sm2.generateKeyPairHex();
  const publicHex = pair.publicKey; // 04 ‖ x ‖ y, uncompressed
  if (!/^04[0-9a-f]{128}$/i.test(publicHex)) throw new Error('sm-crypto-v2 returned an unexpected public key');
  const x = Buffer.from(publicHex.slice(2, 66), 'hex').toString('base64url');
  const y = Buffer.from(publicHex.slice(66), 'hex').toString('base64url');
  const d = Buffer.from(pair.privateKey.padStart(64, '0'), 'hex').toString('base64url');
  return { privateJwk: { kty: 'EC', crv: 'SM2', x, y, d }, publicJwk: { kty: 'EC', crv: 'SM2', x, y } };
}
