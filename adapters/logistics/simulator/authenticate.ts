/**
 * The mail service's request authentication (logistics-signature.ts): headers
 * present, known app key, timestamp within ±skew, signature over the request
 * as received, nonce never seen before — checked in that order. The nonce is
 * recorded only once the signature verified. Sets `res.locals.appKey`.
 */
import type { RequestHandler } from 'express';
import { NonceCache } from '../../common/nonce-cache.js';
import { APP_KEY_HEADER, NONCE_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, emsSignature, signatureMatches } from '../logistics-signature.js';
import { answer } from './answer.js';

export { NonceCache };

export interface AuthenticateOptions {
  /** App key → app secret. */
  readonly secretOf: (appKey: string) => string | undefined;
  /** Allowed difference between the request timestamp and the clock (s). */
  readonly skewSeconds: number;
  readonly now: () => number;
}

export function authenticate(options: AuthenticateOptions, nonces: NonceCache): RequestHandler {
  return (req, res, next) => {
    const headers = [APP_KEY_HEADER, TIMESTAMP_HEADER, NONCE_HEADER, SIGNATURE_HEADER].map((name) => [name, req.get(name)] as const);
    const missing = headers.filter(([, value]) => !value).map(([name]) => name);
    if (missing.length > 0) return answer(res, 'MISSING_CREDENTIALS', undefined, missing.join(', '));
    const [appKey, timestamp, nonce, signature] = headers.map(([, value]) => value!) as [string, string, string, string];
    const secret = options.secretOf(appKey);
    if (secret === undefined) return answer(res, 'UNKNOWN_APP_KEY');
    const now = options.now();
    if (!/^\d{1,12}$/.test(timestamp) || Math.abs(now / 1000 - Number(timestamp)) > options.skewSeconds) return answer(res, 'TIMESTAMP_SKEW');
    const body = Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '';
    const expected = emsSignature(secret, { timestamp, nonce, method: req.method, pathWithQuery: req.originalUrl, body });
    if (!signatureMatches(signature, expected)) return answer(res, 'BAD_SIGNATURE');
    if (!nonces.add(`${appKey}\u0000${nonce}`, (Number(timestamp) + options.skewSeconds) * 1000, now)) return answer(res, 'NONCE_REUSED');
    res.locals['appKey'] = appKey;
    next();
  };
}
