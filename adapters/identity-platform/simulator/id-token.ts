/**
 * Subject identifiers and ID tokens: a JWS (ES256, `kid`, `typ` JWT) over
 * the identity claims, the token's own claims and the login's nonce.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { SignJWT } from 'jose';
import type { IdentityClaims } from '../identity-platform-api.js';
import type { SigningKey } from './signing-keys.js';

/**
 * A stable opaque subject: base64url(HMAC-SHA256(secret, idNumber)) cut to
 * 22 characters; for a legal person `creditCode:idNumber`, so the same
 * person acting for two enterprises is two subjects.
 */
export function subjectOf(secret: string, idNumber: string, creditCode?: string): string {
  const input = creditCode === undefined ? idNumber : `${creditCode}:${idNumber}`;
  return createHmac('sha256', secret).update(input).digest('base64url').slice(0, 22);
}

export interface IdTokenInput {
  issuer: string;
  clientId: string;
  identity: IdentityClaims;
  nonce: string | undefined;
  /** Unix seconds. */
  issuedAt: number;
  ttlSeconds: number;
  key: SigningKey;
}

export async function signIdToken(input: IdTokenInput): Promise<string> {
  const { identity } = input;
  return new SignJWT({
    ...identity,
    azp: input.clientId,
    ...(input.nonce === undefined ? {} : { nonce: input.nonce }),
  })
    .setProtectedHeader({ alg: 'ES256', kid: input.key.kid, typ: 'JWT' })
    .setIssuer(input.issuer)
    .setSubject(identity.sub)
    .setAudience(input.clientId)
    .setIssuedAt(input.issuedAt)
    .setExpirationTime(input.issuedAt + input.ttlSeconds)
    .setJti(randomBytes(16).toString('base64url'))
    .sign(input.key.privateKey);
}

/** Corrupts a compact JWS's signature (the bad-signature fault): still well-formed, no longer valid. */
export function withCorruptedSignature(jws: string): string {
  const dot = jws.lastIndexOf('.');
  const signature = Buffer.from(jws.slice(dot + 1), 'base64url');
  signature[signature.length >> 1] ^= 0x5a;
  return `${jws.slice(0, dot + 1)}${signature.toString('base64url')}`;
}
