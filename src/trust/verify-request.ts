/**
 * Verifies an incoming signed request (Tongban signature v1).
 */
import type { JWK } from 'jose';
import { TongbanError } from '../errors/index.js';
import type { SignatureAlgorithm } from './algorithms.js';
import { checkAudience, stringClaim, timeClaim } from './claim-checks.js';
import {
  CONTENT_DIGEST_HEADER,
  REQUEST_TYP,
  SIGNATURE_HEADER,
  TONGBAN_AUDIENCE,
  epochSeconds,
  readHeader,
  type HeaderMap,
  type RequestClaims,
} from './claims.js';
import { checkContentDigest, declaredContentDigest } from './content-digest.js';
import { decodeProtectedHeader, decodeUnverifiedPayload, verifyCompact, type SigningHeader } from './jws.js';

/** A client as the verifier sees it; callers may add fields (role, department…) and get them back. */
export interface VerifyingClient {
  /** Client id, matched against `iss`. */
  readonly id: string;
  /** Algorithms this client may sign with. */
  readonly algorithms: readonly SignatureAlgorithm[];
  /** The client's public keys by `kid`; old keys stay until retired. */
  readonly keys: Readonly<Record<string, JWK>>;
}

/** The request as received. */
export interface IncomingSignedRequest {
  /** HTTP method as received. */
  method: string;
  /** Path and query exactly as received (Express: `req.originalUrl`). */
  pathAndQuery: string;
  /**
   * Raw body bytes, before any parsing; or `streamed` for a body read only
   * after the signature is verified (a streamed upload): then only the
   * `Content-Digest` header's form and the signed `cdg` are checked, and the
   * caller compares the bytes it reads with `VerifiedRequest.contentSha256`.
   */
  body: Uint8Array | 'streamed';
  /** Request headers. */
  headers: HeaderMap;
}

/** How to verify. */
export interface VerifyRequestOptions<C extends VerifyingClient> {
  /** Looks up a client by id; undefined when unknown or revoked. */
  resolveClient(clientId: string): Promise<C | undefined>;
  /** Records a `jti` until `expSeconds`; resolves true on first use, false on a replay. */
  markJtiUsed(clientId: string, jti: string, expSeconds: number): Promise<boolean>;
  /** Current time in seconds since the epoch; default now. */
  nowSeconds?: number;
  /** Clock skew tolerated on `iat`, in seconds; default 300. */
  skewSeconds?: number;
  /** Longest `exp - iat` accepted, in seconds; default 300. */
  maxLifetimeSeconds?: number;
  /** Expected `aud`; default "tongban". */
  audience?: string;
  /** Expected JWS `typ`; default "tongban-req+jwt". */
  typ?: string;
}

/** A verified request: who sent it, what they signed. */
export interface VerifiedRequest<C extends VerifyingClient> {
  client: C;
  claims: RequestClaims;
  header: SigningHeader;
  /** The 32 bytes of the `sha-256` member of `Content-Digest` (what the body must hash to). */
  contentSha256: Buffer;
}

/**
 * Verifies a signed request. Checks run in a fixed order, so a request with
 * several faults always gets the same code: signature header, token shape,
 * `alg` one of Tongban's four (so `none` or `HS256` is `ALGORITHM_NOT_ALLOWED`
 * whatever else is wrong), `typ`, `iss`, client, `kid`, `alg` allowed for
 * the client and its key, signature, claims, time, `htm`, `htu`,
 * digest, and last the `jti` replay check (so only a request that would be
 * accepted consumes its `jti`).
 * @throws TongbanError with the code of the first failed check.
 */
export async function verifyRequest<C extends VerifyingClient>(
  request: IncomingSignedRequest,
  options: VerifyRequestOptions<C>,
): Promise<VerifiedRequest<C>> {
  const token = readHeader(request.headers, SIGNATURE_HEADER, true);
  if (token === undefined || token === '') throw new TongbanError('SIGNATURE_MISSING', 'Tongban-Signature header is missing');
  if (token === null) throw new TongbanError('SIGNATURE_MALFORMED', 'Tongban-Signature header is repeated');

  const unverifiedHeader = decodeProtectedHeader(token);
  const unverifiedPayload = decodeUnverifiedPayload(token);
  const typ = options.typ ?? REQUEST_TYP;
  if (unverifiedHeader.typ !== typ) {
    throw new TongbanError('SIGNATURE_MALFORMED', `"typ" header parameter must be ${JSON.stringify(typ)}`);
  }
  const iss = stringClaim(unverifiedPayload, 'iss');

  const client = await options.resolveClient(iss);
  if (client === undefined) throw new TongbanError('CLIENT_UNKNOWN', `"iss" claim names an unknown client`);
  const kid = unverifiedHeader.kid;
  const key = kid !== undefined && Object.hasOwn(client.keys, kid) ? client.keys[kid] : undefined;
  if (key === undefined) throw new TongbanError('KEY_UNKNOWN', `"kid" header parameter names no key of client ${iss}`);
  const { header, payload } = await verifyCompact(token, key, client.algorithms);

  const claims = readClaims(payload, options.audience ?? TONGBAN_AUDIENCE, options.maxLifetimeSeconds ?? 300);
  const now = options.nowSeconds ?? epochSeconds();
  const skew = options.skewSeconds ?? 300;
  if (claims.iat > now + skew) throw new TongbanError('SIGNATURE_NOT_YET_VALID', '"iat" claim is in the future');
  if (claims.exp < now) throw new TongbanError('SIGNATURE_EXPIRED', '"exp" claim timestamp check failed');
  if (claims.iat < now - skew) throw new TongbanError('SIGNATURE_EXPIRED', '"iat" claim is too old');

  if (claims.htm !== request.method.toUpperCase()) {
    throw new TongbanError('METHOD_MISMATCH', `"htm" claim ${claims.htm} does not match method ${request.method}`);
  }
  if (claims.htu !== request.pathAndQuery) throw new TongbanError('PATH_MISMATCH', '"htu" claim does not match the request path');
  const digestHeader = readHeader(request.headers, CONTENT_DIGEST_HEADER);
  if (request.body !== 'streamed') checkContentDigest(digestHeader, request.body, claims.cdg);
  const contentSha256 = declaredContentDigest(digestHeader, claims.cdg);

  if (!(await options.markJtiUsed(client.id, claims.jti, claims.exp))) {
    throw new TongbanError('REPLAY_DETECTED', '"jti" claim was already used');
  }
  return { client, claims, header, contentSha256 };
}

function readClaims(payload: Record<string, unknown>, audience: string, maxLifetime: number): RequestClaims {
  const aud = checkAudience(payload, audience);
  const jti = stringClaim(payload, 'jti');
  const iat = timeClaim(payload, 'iat');
  const exp = timeClaim(payload, 'exp');
  if (exp < iat) throw new TongbanError('CLAIM_INVALID', '"exp" claim is before "iat"');
  if (exp - iat > maxLifetime) throw new TongbanError('CLAIM_INVALID', `"exp" claim is more than ${maxLifetime} s after "iat"`);
  return {
    iss: stringClaim(payload, 'iss'),
    aud,
    iat,
    exp,
    jti,
    htm: stringClaim(payload, 'htm'),
    htu: stringClaim(payload, 'htu'),
    cdg: stringClaim(payload, 'cdg'),
    ...(payload['idt'] !== undefined ? { idt: stringClaim(payload, 'idt') } : {}),
  };
}
