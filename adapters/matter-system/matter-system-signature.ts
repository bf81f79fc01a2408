/**
 * Request authentication of the matter system (docs/domain.md#calls-between-government-systems, gateway style
 * `x-tif-*` headers), HMAC-SHA256 form:
 *
 *     x-tif-paasid:    app key
 *     x-tif-timestamp: Unix time in seconds (decimal)
 *     x-tif-nonce:     random, never reused (32 hex characters here)
 *     x-tif-signature: lower-case hex HMAC-SHA256(app secret, signing string)
 *
 *     signing string = timestamp + nonce + METHOD + path-with-query + body
 *
 * concatenated without separators; METHOD upper-case; path-with-query exactly
 * as sent on the request line (e.g. `/sxgl/v1/themes?pageNo=1&pageSize=100`);
 * body the raw request body (empty string for GET).
 */
import { createHmac, randomBytes } from 'node:crypto';

export const APP_KEY_HEADER = 'x-tif-paasid';
export const TIMESTAMP_HEADER = 'x-tif-timestamp';
export const NONCE_HEADER = 'x-tif-nonce';
export const SIGNATURE_HEADER = 'x-tif-signature';

export interface SigningInput {
  /** Unix seconds, as sent in the header. */
  readonly timestamp: string;
  readonly nonce: string;
  readonly method: string;
  /** Path and query exactly as on the request line. */
  readonly pathWithQuery: string;
  readonly body: string;
}

/** The string that is signed (see the module comment). */
export function signingString(input: SigningInput): string {
  return `${input.timestamp}${input.nonce}${input.method.toUpperCase()}${input.pathWithQuery}${input.body}`;
}

/** Lower-case hex HMAC-SHA256 of the signing string. */
export function computeSignature(appSecret: string, input: SigningInput): string {
  return createHmac('sha256', appSecret).update(signingString(input), 'utf8').digest('hex');
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

/** The four authentication headers of one request. */
export function signatureHeaders(input: SignRequestInput): Record<string, string> {
  const timestamp = String(Math.floor(input.nowMs / 1000));
  const nonce = input.nonce ?? randomBytes(16).toString('hex');
  const signature = computeSignature(input.appSecret, {
    timestamp, nonce, method: input.method, pathWithQuery: input.pathWithQuery, body: input.body ?? '',
  });
  return { [APP_KEY_HEADER]: input.appKey, [TIMESTAMP_HEADER]: timestamp, [NONCE_HEADER]: nonce, [SIGNATURE_HEADER]: signature };
}
