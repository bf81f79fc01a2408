/**
 * HMAC-SHA256 request signing shared by the government gateways' style of
 * API (the matter system's `x-tif-*`, the mail service's `x-ems-*`): four
 * headers — app key, Unix-seconds timestamp, nonce, signature — where
 *
 *     signature = lower-case hex HMAC-SHA256(app secret, timestamp + nonce + METHOD + path-with-query + body)
 *
 * concatenated without separators; METHOD upper-case; path-with-query exactly
 * as sent on the request line; body the raw request body (empty for GET).
 * Each system names the four headers its own way.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export interface SigningInput {
  /** Unix seconds, as sent in the header. */
  readonly timestamp: string;
  readonly nonce: string;
  readonly method: string;
  /** Path and query exactly as on the request line. */
  readonly pathWithQuery: string;
  readonly body: string;
}

/** The names a system gives the four headers. */
export interface HmacHeaderNames {
  readonly appKey: string;
  readonly timestamp: string;
  readonly nonce: string;
  readonly signature: string;
}

export interface SignRequestInput {
  readonly appKey: string;
  readonly appSecret: string;
  readonly method: string;
  readonly pathWithQuery: string;
  readonly body?: string;
  /** Current time (epoch ms). */
  readonly nowMs: number;
  /** Default: 16 random bytes as hex. */
  readonly nonce?: string;
}

/** The string that is signed (see the module comment). */
export function signingString(input: SigningInput): string {
  return `${input.timestamp}${input.nonce}${input.method.toUpperCase()}${input.pathWithQuery}${input.body}`;
}

/** Lower-case hex HMAC-SHA256 of the signing string. */
export function computeSignature(appSecret: string, input: SigningInput): string {
  return createHmac('sha256', appSecret).update(signingString(input), 'utf8').digest('hex');
}

/** The four authentication headers of one request, under `names`. */
export function hmacSignatureHeaders(names: HmacHeaderNames, input: SignRequestInput): Record<string, string> {
  const timestamp = String(Math.floor(input.nowMs / 1000));
  const nonce = input.nonce ?? randomBytes(16).toString('hex');
  const signature = computeSignature(input.appSecret, {
    timestamp, nonce, method: input.method, pathWithQuery: input.pathWithQuery, body: input.body ?? '',
  });
  return { [names.appKey]: input.appKey, [names.timestamp]: timestamp, [names.nonce]: nonce, [names.signature]: signature };
}

/** Constant-time comparison of a received signature with the expected one (case-insensitive hex). */
export function signatureMatches(given: string, expected: string): boolean {
  const a = Buffer.from(given.toLowerCase(), 'utf8');
  const b = Buffer.from(expected, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}
