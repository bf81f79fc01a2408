/**
 * Signs an answer from Tongban to a client (Tongban signature v1).
 */
import { randomUUID } from 'node:crypto';
import type { PrivateJwk } from './algorithms.js';
import { RESPONSE_TYP, TONGBAN_AUDIENCE, epochSeconds, type ResponseClaims, type SignatureHeaders } from './claims.js';
import { contentDigest } from './content-digest.js';
import { signCompact } from './jws.js';

/** What {@link signResponse} needs. */
export interface SignResponseOptions {
  /** Raw answer body bytes (a string is taken as UTF-8); absent or empty hashes the empty string. */
  body?: Uint8Array | string;
  /**
   * The `Content-Digest` of a body streamed after the headers, known in
   * advance (a stored file's SHA-256); takes the place of `body`.
   */
  contentDigest?: string;
  /** Client the answer is for (`aud`). */
  clientId: string;
  /** `jti` of the request being answered (`rjti`). */
  requestJti: string;
  /** Tongban's current private JWK. */
  key: PrivateJwk;
  /** `iss`; default "tongban". */
  issuer?: string;
  /** Issue time in seconds since the epoch; default now. */
  nowSeconds?: number;
  /** Answer id; default a random UUID. */
  jti?: string;
}

/**
 * Signs an answer: returns the `content-digest` and `tongban-signature`
 * headers to send with it (`typ` "tongban-res+jwt").
 */
export async function signResponse(options: SignResponseOptions): Promise<SignatureHeaders> {
  const digest = options.contentDigest ?? contentDigest(options.body ?? '');
  const claims: ResponseClaims = {
    iss: options.issuer ?? TONGBAN_AUDIENCE,
    aud: options.clientId,
    iat: options.nowSeconds ?? epochSeconds(),
    jti: options.jti ?? randomUUID(),
    cdg: digest,
    rjti: options.requestJti,
  };
  const header = { alg: options.key.alg, kid: options.key.kid, typ: RESPONSE_TYP };
  return { 'content-digest': digest, 'tongban-signature': await signCompact(header, claims, options.key) };
}
