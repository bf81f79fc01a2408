/**
 * Signs an outgoing request (Tongban signature v1).
 */
import { createHash, randomUUID } from 'node:crypto';
import type { PrivateJwk } from './algorithms.js';
import { REQUEST_TYP, TONGBAN_AUDIENCE, epochSeconds, type RequestClaims, type SignatureHeaders } from './claims.js';
import { contentDigest } from './content-digest.js';
import { signCompact } from './jws.js';

/** What {@link signRequest} needs. */
export interface SignRequestOptions {
  /** HTTP method; sent upper-cased in `htm`. */
  method: string;
  /** Path and query exactly as sent on the wire, e.g. `/v1/licences?holder=1`. */
  pathAndQuery: string;
  /** Raw body bytes (a string is taken as UTF-8); absent or empty hashes the empty string. */
  body?: Uint8Array | string;
  /** The signing client's id (`iss`). */
  clientId: string;
  /** The client's private JWK; its `kid` and `alg` go into the protected header. */
  key: PrivateJwk;
  /** `aud`; default "tongban". */
  audience?: string;
  /** JWS `typ`; default "tongban-req+jwt". */
  typ?: string;
  /** Issue time in seconds since the epoch; default now. */
  nowSeconds?: number;
  /** Lifetime in seconds (`exp - iat`); default 300, the most a verifier accepts. */
  ttlSeconds?: number;
  /** Request id; default a random UUID. */
  jti?: string;
  /** The applicant's ID token sent in `Tongban-Id-Token`: its digest goes into the `idt` claim. */
  idToken?: string;
}

/** The `idt` claim for an ID token: base64url (no padding) of SHA-256 of its ASCII bytes. */
export function idTokenDigest(idToken: string): string {
  return createHash('sha256').update(idToken, 'latin1').digest('base64url');
}

/**
 * Signs a request: returns the `content-digest` and `tongban-signature`
 * headers to send with it.
 */
export async function signRequest(options: SignRequestOptions): Promise<SignatureHeaders> {
  const digest = contentDigest(options.body ?? '');
  const iat = options.nowSeconds ?? epochSeconds();
  const claims: RequestClaims = {
    iss: options.clientId,
    aud: options.audience ?? TONGBAN_AUDIENCE,
    iat,
    exp: iat + (options.ttlSeconds ?? 300),
    jti: options.jti ?? randomUUID(),
    htm: options.method.toUpperCase(),
    htu: options.pathAndQuery,
    cdg: digest,
    ...(options.idToken !== undefined ? { idt: idTokenDigest(options.idToken) } : {}),
  };
  const header = { alg: options.key.alg, kid: options.key.kid, typ: options.typ ?? REQUEST_TYP };
  return { 'content-digest': digest, 'tongban-signature': await signCompact(header, claims, options.key) };
}
