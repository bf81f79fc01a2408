/**
 * Compact JWS (RFC 7515) signing and verification for the four Tongban algorithms.
 *
 * EdDSA, ES256 and RS256 go through jose; SM2 is assembled by hand with the
 * same signing input (`ASCII(b64u(header) '.' b64u(payload))`) and a 64-byte
 * r‖s signature, since no JOSE library registers it.
 */
import type { JWK } from 'jose';
import { TongbanError } from '../errors/index.js';
import { SIGNATURE_ALGORITHMS, isSignatureAlgorithm, keyFitsAlgorithm, type SignatureAlgorithm } from './algorithms.js';
import { nodeSign, nodeVerify } from './node-signature.js';
import { sm2Sign, sm2Verify } from './sm2.js';

/** A JWS protected header. `alg` is any string until verified against an allow-list. */
export interface JwsHeader {
  alg: string;
  kid?: string;
  typ?: string;
  [parameter: string]: unknown;
}

/** A protected header whose `alg` is a supported algorithm (what one signs with). */
export interface SigningHeader extends JwsHeader {
  alg: SignatureAlgorithm;
}

/** What {@link verifyCompact} returns once the signature holds. */
export interface VerifiedCompact {
  header: SigningHeader;
  payload: Record<string, unknown>;
}

/** Tokens longer than this are refused unparsed (an RS256 Tongban token is under 1 KiB). */
const MAX_TOKEN_LENGTH = 16_384;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

interface ParsedCompact {
  signingInput: string;
  header: JwsHeader;
  payloadBytes: Buffer;
  signature: Buffer;
}

function malformed(detail: string, cause?: unknown): TongbanError {
  return new TongbanError('SIGNATURE_MALFORMED', detail, cause === undefined ? {} : { cause });
}

function parseJsonObject(bytes: Buffer, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    throw malformed(`JWS ${what} is not valid JSON`, error);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw malformed(`JWS ${what} is not a JSON object`);
  return value as Record<string, unknown>;
}

function splitCompact(token: unknown): ParsedCompact {
  if (typeof token !== 'string' || token.length === 0) throw malformed('token is not a string');
  if (token.length > MAX_TOKEN_LENGTH) throw malformed(`token is longer than ${MAX_TOKEN_LENGTH} characters`);
  const parts = token.split('.');
  if (parts.length !== 3) throw malformed('token is not a compact JWS (three base64url parts)');
  const [headerPart, payloadPart, signaturePart] = parts as [string, string, string];
  // An unsecured JWS (`alg: none`) has an empty signature part: read its header first, so that it is
  // refused for its algorithm, not for its shape.
  if (!BASE64URL.test(headerPart) || !BASE64URL.test(payloadPart) || (signaturePart !== '' && !BASE64URL.test(signaturePart))) {
    throw malformed('token parts are not base64url');
  }
  const header = parseJsonObject(Buffer.from(headerPart, 'base64url'), 'protected header');
  if (typeof header.alg !== 'string') throw malformed('"alg" header parameter is missing');
  // `none`, HMAC and anything else outside Tongban's four algorithms is never allowed, whoever signed.
  if (!isSignatureAlgorithm(header.alg)) {
    throw new TongbanError('ALGORITHM_NOT_ALLOWED', `"alg" header parameter ${JSON.stringify(header.alg).slice(0, 40)} is not allowed (only ${SIGNATURE_ALGORITHMS.join(', ')})`);
  }
  if (signaturePart === '') throw malformed('token has an empty signature part');
  if (header.kid !== undefined && typeof header.kid !== 'string') throw malformed('"kid" header parameter is not a string');
  if (header.typ !== undefined && typeof header.typ !== 'string') throw malformed('"typ" header parameter is not a string');
  // Tongban understands no critical extension (and so not RFC 7797 "b64": false).
  if (header.crit !== undefined) throw malformed('"crit" header parameter is not supported');
  if (header.b64 !== undefined) throw malformed('"b64" header parameter is not supported');
  return {
    signingInput: `${headerPart}.${payloadPart}`,
    header: header as JwsHeader,
    payloadBytes: Buffer.from(payloadPart, 'base64url'),
    signature: Buffer.from(signaturePart, 'base64url'),
  };
}

/**
 * Decodes the protected header without verifying anything.
 * @throws TongbanError `SIGNATURE_MALFORMED` when the token is not a compact JWS,
 *   `ALGORITHM_NOT_ALLOWED` when its `alg` is none of Tongban's algorithms (`none`, `HS256`…).
 */
export function decodeProtectedHeader(token: string): JwsHeader {
  return splitCompact(token).header;
}

/**
 * Decodes the payload as a JSON object without verifying the signature: only
 * for choosing the key to verify with (e.g. reading `iss`).
 * @throws TongbanError `SIGNATURE_MALFORMED` when the token or its payload is malformed.
 */
export function decodeUnverifiedPayload(token: string): Record<string, unknown> {
  return parseJsonObject(splitCompact(token).payloadBytes, 'payload');
}

/**
 * Signs `payload` (a JSON object, serialised with `JSON.stringify`, or raw
 * bytes) into a compact JWS with `protectedHeader`, whose `alg` must fit the
 * key (and equal the key's own `alg`, when it has one).
 * @throws TypeError when the key does not fit the algorithm.
 */
export async function signCompact(protectedHeader: SigningHeader, payload: object | Uint8Array, privateJwk: JWK): Promise<string> {
  const { alg } = protectedHeader;
  if (!isSignatureAlgorithm(alg)) throw new TypeError(`unsupported "alg" ${String(alg)}`);
  if (!keyFitsAlgorithm(privateJwk, alg) || (privateJwk.alg !== undefined && privateJwk.alg !== alg)) {
    throw new TypeError(`key ${privateJwk.kid ?? '(no kid)'} cannot sign with "alg" ${alg}`);
  }
  const payloadBytes = payload instanceof Uint8Array ? payload : Buffer.from(JSON.stringify(payload), 'utf8');
  const headerPart = Buffer.from(JSON.stringify(protectedHeader), 'utf8').toString('base64url');
  const signingInput = `${headerPart}.${Buffer.from(payloadBytes).toString('base64url')}`;
  const input = Buffer.from(signingInput, 'ascii');
  const signature = alg === 'SM2' ? sm2Sign(input, privateJwk) : nodeSign(alg, input, privateJwk);
  return `${signingInput}.${signature.toString('base64url')}`;
}

/**
 * Verifies a compact JWS with `publicJwk`, accepting only `allowedAlgs`.
 * The payload must be a JSON object.
 * @throws TongbanError `SIGNATURE_MALFORMED` (not a compact JWS, bad JSON),
 *   `ALGORITHM_NOT_ALLOWED` (header `alg` not allowed or not the key's),
 *   `SIGNATURE_INVALID` (the signature does not verify).
 */
export async function verifyCompact(token: string, publicJwk: JWK, allowedAlgs: readonly SignatureAlgorithm[]): Promise<VerifiedCompact> {
  const parsed = splitCompact(token);
  const payload = parseJsonObject(parsed.payloadBytes, 'payload');
  const { alg } = parsed.header;
  if (!isSignatureAlgorithm(alg) || !allowedAlgs.includes(alg)) {
    throw new TongbanError('ALGORITHM_NOT_ALLOWED', `"alg" header parameter ${JSON.stringify(alg)} is not allowed`);
  }
  if (!keyFitsAlgorithm(publicJwk, alg) || (publicJwk.alg !== undefined && publicJwk.alg !== alg)) {
    throw new TongbanError('ALGORITHM_NOT_ALLOWED', `"alg" header parameter ${alg} does not match key ${publicJwk.kid ?? '(no kid)'}`);
  }
  const header = parsed.header as SigningHeader;
  const input = Buffer.from(parsed.signingInput, 'ascii');
  const valid = alg === 'SM2' ? sm2Verify(input, parsed.signature, publicJwk) : nodeVerify(alg, input, parsed.signature, publicJwk);
  if (!valid) throw new TongbanError('SIGNATURE_INVALID', 'signature does not verify');
  return { header, payload };
}
