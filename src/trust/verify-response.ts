/**
 * Verifies an answer signed by Tongban (Tongban signature v1), client side.
 */
import type { JWK } from 'jose';
import { TongbanError } from '../errors/index.js';
import { SIGNATURE_ALGORITHMS, type SignatureAlgorithm } from './algorithms.js';
import { checkAudience, checkIssuedAt, stringClaim, timeClaim } from './claim-checks.js';
import {
  CONTENT_DIGEST_HEADER,
  RESPONSE_TYP,
  SIGNATURE_HEADER,
  TONGBAN_AUDIENCE,
  epochSeconds,
  readHeader,
  type HeaderMap,
  type ResponseClaims,
} from './claims.js';
import { checkContentDigest } from './content-digest.js';
import { decodeProtectedHeader, verifyCompact, type SigningHeader } from './jws.js';

/** The answer as received. */
export interface IncomingSignedResponse {
  /** Raw body bytes. */
  body: Uint8Array;
  /** Answer headers. */
  headers: HeaderMap;
}

/** How to verify an answer. */
export interface VerifyResponseOptions {
  /** Tongban's published public keys (its JWKS `keys`); the one named by `kid` is used. */
  keys: readonly JWK[];
  /** Our client id: the expected `aud`. */
  audience: string;
  /** `jti` of the request we sent: the expected `rjti`. */
  requestJti: string;
  /** Expected `iss`; default "tongban". */
  issuer?: string;
  /** Algorithms accepted; default all four. */
  algorithms?: readonly SignatureAlgorithm[];
  /** Time to judge `iat` against, seconds since the epoch; default now (use the receipt time when re-checking stored evidence). */
  nowSeconds?: number;
  /** Clock skew tolerated on `iat`, in seconds; default 300. */
  skewSeconds?: number;
}

/** A verified answer. */
export interface VerifiedResponse {
  claims: ResponseClaims;
  header: SigningHeader;
}

/**
 * Verifies an answer's `Tongban-Signature`: key by `kid`, signature, `iss`,
 * `aud`, `rjti`, `iat` within the skew, and the body against `cdg` and
 * `Content-Digest`.
 * @throws TongbanError `SIGNATURE_MISSING`, `SIGNATURE_MALFORMED`, `KEY_UNKNOWN`,
 *   `ALGORITHM_NOT_ALLOWED`, `SIGNATURE_INVALID`, `CLAIM_INVALID`,
 *   `SIGNATURE_NOT_YET_VALID`, `SIGNATURE_EXPIRED`, `DIGEST_MISSING`, `DIGEST_MISMATCH`.
 */
export async function verifyResponse(response: IncomingSignedResponse, options: VerifyResponseOptions): Promise<VerifiedResponse> {
  const token = readHeader(response.headers, SIGNATURE_HEADER, true);
  if (token === undefined || token === '') throw new TongbanError('SIGNATURE_MISSING', 'Tongban-Signature header is missing');
  if (token === null) throw new TongbanError('SIGNATURE_MALFORMED', 'Tongban-Signature header is repeated');
  const unverifiedHeader = decodeProtectedHeader(token);
  if (unverifiedHeader.typ !== RESPONSE_TYP) {
    throw new TongbanError('SIGNATURE_MALFORMED', `"typ" header parameter must be ${JSON.stringify(RESPONSE_TYP)}`);
  }
  const key = options.keys.find((candidate) => candidate.kid !== undefined && candidate.kid === unverifiedHeader.kid);
  if (key === undefined) throw new TongbanError('KEY_UNKNOWN', '"kid" header parameter names no Tongban key');
  const { header, payload } = await verifyCompact(token, key, options.algorithms ?? SIGNATURE_ALGORITHMS);

  const iss = stringClaim(payload, 'iss');
  if (iss !== (options.issuer ?? TONGBAN_AUDIENCE)) throw new TongbanError('CLAIM_INVALID', `"iss" claim must be ${JSON.stringify(options.issuer ?? TONGBAN_AUDIENCE)}`);
  const claims: ResponseClaims = {
    iss,
    aud: checkAudience(payload, options.audience),
    iat: timeClaim(payload, 'iat'),
    jti: stringClaim(payload, 'jti'),
    cdg: stringClaim(payload, 'cdg'),
    rjti: stringClaim(payload, 'rjti'),
  };
  if (claims.rjti !== options.requestJti) throw new TongbanError('CLAIM_INVALID', '"rjti" claim does not match the request');
  checkIssuedAt(claims.iat, options.nowSeconds ?? epochSeconds(), options.skewSeconds ?? 300);

  checkContentDigest(readHeader(response.headers, CONTENT_DIGEST_HEADER), response.body, claims.cdg);
  return { claims, header };
}
