/**
 * Request and push authentication of the mail service (`x-ems-*` headers):
 *
 *     x-ems-appkey:    app key
 *     x-ems-timestamp: Unix time in seconds (decimal)
 *     x-ems-nonce:     random, never reused (32 hex characters here)
 *     x-ems-signature: lower-case hex HMAC-SHA256(app secret, timestamp + nonce + METHOD + path-with-query + body)
 *
 * The signing string is the matter system's (adapters/common/hmac-request-signature.ts
 * computes both); only the header names differ. Pushes to the callback
 * URL are signed the same way by the mail service, over the callback's path.
 */
import { computeSignature, hmacSignatureHeaders, type SignRequestInput, type SigningInput } from '../common/hmac-request-signature.js';

export { signatureMatches } from '../common/hmac-request-signature.js';
export type { SignRequestInput };

export const APP_KEY_HEADER = 'x-ems-appkey';
export const TIMESTAMP_HEADER = 'x-ems-timestamp';
export const NONCE_HEADER = 'x-ems-nonce';
export const SIGNATURE_HEADER = 'x-ems-signature';

/** Lower-case hex HMAC-SHA256 of the signing string. */
export function emsSignature(appSecret: string, input: SigningInput): string {
  return computeSignature(appSecret, input);
}

/** The four `x-ems-*` headers of one request or push. */
export function emsSignatureHeaders(input: SignRequestInput): Record<string, string> {
  return hmacSignatureHeaders({ appKey: APP_KEY_HEADER, timestamp: TIMESTAMP_HEADER, nonce: NONCE_HEADER, signature: SIGNATURE_HEADER }, input);
}
