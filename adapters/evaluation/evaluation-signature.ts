/**
 * Request authentication of the provincial 好差评 system (`x-hcp-*` headers),
 * shared by the adapter (signing) and the simulator (checking):
 *
 *     x-hcp-appid:     application id
 *     x-hcp-timestamp: Unix time in **milliseconds** (13 digits)
 *     x-hcp-nonce:     16–64 characters [A-Za-z0-9], never reused
 *     x-hcp-sign:      Base64 HMAC-SHA256(app secret, string to sign)
 *
 *     string to sign = METHOD \n pathWithQuery \n appId \n timestamp \n nonce \n hex(SHA-256(body))
 *
 * joined by "\n" (no trailing newline), UTF-8; METHOD upper-case;
 * pathWithQuery exactly as on the request line (base-URL prefix included);
 * the body hash is lower-case hex SHA-256 of the raw body bytes (of the empty
 * string for GET). A unit test pins a vector computed with openssl.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const APP_ID_HEADER = 'x-hcp-appid';
export const TIMESTAMP_HEADER = 'x-hcp-timestamp';
export const NONCE_HEADER = 'x-hcp-nonce';
export const SIGN_HEADER = 'x-hcp-sign';

export interface SigningInput {
  readonly method: string;
  /** Path and query exactly as on the request line. */
  readonly pathWithQuery: string;
  readonly appId: string;
  /** Unix milliseconds, as sent in the header. */
  readonly timestamp: string;
  readonly nonce: string;
  /** Raw body (empty for GET). */
  readonly body: string | Buffer;
}

/** The exact string that is HMACed. */
export function stringToSign(input: SigningInput): string {
  const bodyHash = createHash('sha256').update(input.body).digest('hex');
  return [input.method.toUpperCase(), input.pathWithQuery, input.appId, input.timestamp, input.nonce, bodyHash].join('\n');
}

/** Base64 HMAC-SHA256 of the string to sign. */
export function computeSign(appSecret: string, input: SigningInput): string {
  return createHmac('sha256', appSecret).update(stringToSign(input), 'utf8').digest('base64');
}

/** Constant-time comparison of the expected and the given Base64 signatures. */
export function signsEqual(expected: string, given: string): boolean {
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(given, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The four authentication headers of one request; `nonce` defaults to 32 random hex characters. */
export function signHeaders(appSecret: string, input: Omit<SigningInput, 'timestamp' | 'nonce'> & { nowMs: number; nonce?: string }): Record<string, string> {
  const timestamp = String(Math.floor(input.nowMs));
  const nonce = input.nonce ?? randomBytes(16).toString('hex');
  const sign = computeSign(appSecret, { method: input.method, pathWithQuery: input.pathWithQuery, appId: input.appId, timestamp, nonce, body: input.body });
  return { [APP_ID_HEADER]: input.appId, [TIMESTAMP_HEADER]: timestamp, [NONCE_HEADER]: nonce, [SIGN_HEADER]: sign };
}
