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
 * body the raw request body (empty string for GET). The computation is
 * shared with other systems signing this way (adapters/common/hmac-request-signature.ts).
 */
import { hmacSignatureHeaders, type SignRequestInput } from '../common/hmac-request-signature.js';

export { computeSignature, signingString, type SignRequestInput, type SigningInput } from '../common/hmac-request-signature.js';

export const APP_KEY_HEADER = 'x-tif-paasid';
export const TIMESTAMP_HEADER = 'x-tif-timestamp';
export const NONCE_HEADER = 'x-tif-nonce';
export const SIGNATURE_HEADER = 'x-tif-signature';

/** The four authentication headers of one request. */
export function signatureHeaders(input: SignRequestInput): Record<string, string> {
  return hmacSignatureHeaders({ appKey: APP_KEY_HEADER, timestamp: TIMESTAMP_HEADER, nonce: NONCE_HEADER, signature: SIGNATURE_HEADER }, input);
}
