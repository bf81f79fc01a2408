/**
 * Request and notification authentication of the payment platform (`x-fee-*` headers):
 *
 *     x-fee-appid:     app id
 *     x-fee-timestamp: Unix time in seconds (decimal)
 *     x-fee-nonce:     random, never reused (32 hex characters here)
 *     x-fee-signature: lower-case hex HMAC-SM3(app secret, appid + "\n" + timestamp + "\n" + nonce + "\n" + METHOD + "\n" + path-with-query + "\n" + body)
 *
 * HMAC over SM3 (GB/T 32905, the national hash the fiscal platforms require
 * instead of SHA-2), lines joined by "\n" — unlike the matter system's
 * separator-less string, so that no two requests share a signing string. The
 * platform signs its notifications to Tongban's callback the same way, over
 * the callback's path.
 */
import { createHmac, randomBytes } from 'node:crypto';

export { signatureMatches } from '../common/hmac-request-signature.js';

export const APP_ID_HEADER = 'x-fee-appid';
export const TIMESTAMP_HEADER = 'x-fee-timestamp';
export const NONCE_HEADER = 'x-fee-nonce';
export const SIGNATURE_HEADER = 'x-fee-signature';

export interface FeeSigningInput {
  readonly appId: string;
  /** Unix seconds, as sent. */
  readonly timestamp: string;
  readonly nonce: string;
  readonly method: string;
  readonly pathWithQuery: string;
  readonly body: string;
}

/** The string that is signed (see the module comment). */
export function feeSigningString(input: FeeSigningInput): string {
  return [input.appId, input.timestamp, input.nonce, input.method.toUpperCase(), input.pathWithQuery, input.body].join('\n');
}

/** Lower-case hex HMAC-SM3 of the signing string. */
export function feeSignature(appSecret: string, input: FeeSigningInput): string {
  return createHmac('sm3', appSecret).update(feeSigningString(input), 'utf8').digest('hex');
}

/** The four `x-fee-*` headers of one request or notification. */
export function feeSignatureHeaders(input: { appId: string; appSecret: string; method: string; pathWithQuery: string; body?: string; nowMs: number; nonce?: string }): Record<string, string> {
  const timestamp = String(Math.floor(input.nowMs / 1000));
  const nonce = input.nonce ?? randomBytes(16).toString('hex');
  const signature = feeSignature(input.appSecret, { appId: input.appId, timestamp, nonce, method: input.method, pathWithQuery: input.pathWithQuery, body: input.body ?? '' });
  return { [APP_ID_HEADER]: input.appId, [TIMESTAMP_HEADER]: timestamp, [NONCE_HEADER]: nonce, [SIGNATURE_HEADER]: signature };
}
