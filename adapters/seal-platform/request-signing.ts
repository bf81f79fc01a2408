/**
 * Request authentication of the seal platform, in the style of provincial
 * government platforms (docs/domain.md#calls-between-government-systems): app id + timestamp + nonce + an
 * HMAC-SHA256 signature in headers. Shared by the adapter (signing) and the
 * simulator (checking); the known-answer test in the contract suite pins the
 * exact bytes so the two cannot drift together unnoticed.
 *
 * String to sign (UTF-8, fields joined by "\n", no trailing newline):
 *
 *     appId \n timestamp \n nonce \n METHOD \n pathAndQuery \n hex(SHA-256(body))
 *
 * - `timestamp`: Unix time in seconds, decimal, as sent in the header;
 * - `METHOD`: upper-case HTTP method;
 * - `pathAndQuery`: the request target exactly as sent, e.g. `/api/v1/seals?deptCode=gaj`;
 * - body hash: lower-case hex SHA-256 of the raw body bytes (of the empty string for GET).
 *
 * `X-Seal-Signature` = lower-case hex HMAC-SHA256(appSecret, stringToSign).
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const APP_ID_HEADER = 'x-seal-appid';
export const TIMESTAMP_HEADER = 'x-seal-timestamp';
export const NONCE_HEADER = 'x-seal-nonce';
export const SIGNATURE_HEADER = 'x-seal-signature';

/** What a signed request states. */
export interface SignedRequestParts {
  appId: string;
  /** Unix seconds. */
  timestamp: number;
  nonce: string;
  method: string;
  pathAndQuery: string;
  body: Buffer | string;
}

/** The exact string that is HMACed. */
export function stringToSign(parts: SignedRequestParts): string {
  const bodyHash = createHash('sha256').update(parts.body).digest('hex');
  return [parts.appId, String(parts.timestamp), parts.nonce, parts.method.toUpperCase(), parts.pathAndQuery, bodyHash].join('\n');
}

/** Lower-case hex HMAC-SHA256 of the string to sign. */
export function requestSignature(appSecret: string, parts: SignedRequestParts): string {
  return createHmac('sha256', appSecret).update(stringToSign(parts), 'utf8').digest('hex');
}

/** Constant-time comparison of two hex signatures. */
export function signaturesEqual(expected: string, given: string): boolean {
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(given.toLowerCase(), 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** A fresh nonce: 32 hex characters. */
export function newNonce(): string {
  return randomBytes(16).toString('hex');
}

/** The four authentication headers of a request. */
export function signedHeaders(appSecret: string, parts: SignedRequestParts): Record<string, string> {
  return {
    [APP_ID_HEADER]: parts.appId,
    [TIMESTAMP_HEADER]: String(parts.timestamp),
    [NONCE_HEADER]: parts.nonce,
    [SIGNATURE_HEADER]: requestSignature(appSecret, parts),
  };
}
