/**
 * Request and push authentication of the mail service (`x-ems-*` headers):
 *
 *     x-ems-appkey:    app key
 *     x-ems-timestamp: Unix time in seconds (decimal)
 *     x-ems-nonce:     random, never reused (32 hex characters here)
 *     x-ems-signature: lower-case hex HMAC-SHA256(app secret, timestamp + nonce + METHOD + path-with-query + body)
 *
 * The signing string is the matter system's (matter-system-signature.ts), so
 * that code computes it; only the header names differ. Pushes to the callback
 * URL are signed the same way by the mail service, over the callback's path.
 */
import { timingSafeEqual } from 'node:crypto';
import {
  APP_KEY_HEADER as MATTER_APP_KEY, NONCE_HEADER as MATTER_NONCE, SIGNATURE_HEADER as MATTER_SIGNATURE, TIMESTAMP_HEADER as MATTER_TIMESTAMP,
  computeSignature, signatureHeaders, type SignRequestInput, type SigningInput,
} from '../matter-system/matter-system-signature.js';

export type { SignRequestInput };

export const APP_KEY_HEADER = 'x-ems-appkey';
export const TIMESTAMP_HEADER = 'x-ems-timestamp';
export const NONCE_HEADER = 'x-ems-nonce';
export const SIGNATURE_HEADER = 'x-ems-signature';

/** Lower-case hex HMAC-SHA256 of the signing string. */
export function emsSignature(appSecret: string, input: SigningInput): string {
  return computeSignature(appSecret, input);
}

/** The four `x-ems-*` headers of one request or push: the matter system's headers under this service's names. */
export function emsSignatureHeaders(input: SignRequestInput): Record<string, string> {
  const headers = signatureHeaders(input);
  return {
    [APP_KEY_HEADER]: headers[MATTER_APP_KEY]!, [TIMESTAMP_HEADER]: headers[MATTER_TIMESTAMP]!,
    [NONCE_HEADER]: headers[MATTER_NONCE]!, [SIGNATURE_HEADER]: headers[MATTER_SIGNATURE]!,
  };
}

/** Constant-time comparison of a received signature with the expected one (case-insensitive hex). */
export function signatureMatches(given: string, expected: string): boolean {
  const a = Buffer.from(given.toLowerCase(), 'utf8');
  const b = Buffer.from(expected, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}
