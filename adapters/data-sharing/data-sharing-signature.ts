/**
 * The exchange's token request signature: the app proves it holds its app
 * secret without sending it.
 *
 *     signature = lower-case hex HMAC-SHA256(app secret, appKey + timestamp)
 *
 * `timestamp` is Unix seconds as a decimal string, within ±300 s of the
 * exchange's clock. The access token it returns goes in `x-dsep-access-token`.
 */
import { createHmac } from 'node:crypto';

export { signatureMatches } from '../common/hmac-request-signature.js';

export function tokenSignature(appSecret: string, appKey: string, timestamp: string): string {
  return createHmac('sha256', appSecret).update(`${appKey}${timestamp}`, 'utf8').digest('hex');
}
