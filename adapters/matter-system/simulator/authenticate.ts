/**
 * The matter system's request authentication (matter-system-signature.ts):
 * known app key, timestamp within ±skew, signature over the request as
 * received, nonce never seen before. Checked in that order; each failure has
 * its own code.
 */
import { timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { APP_KEY_HEADER, NONCE_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, computeSignature } from '../matter-system-signature.js';
import { NonceCache } from '../../common/nonce-cache.js';
import { answer } from './answer.js';

export { NonceCache };

export interface AuthenticateOptions {
  /** App key → app secret. */
  readonly credentials: ReadonlyMap<string, string>;
  /** Allowed difference between the request timestamp and the clock (s). */
  readonly skewSeconds: number;
  /** Clock (epoch ms). */
  readonly now: () => number;
}

export function authenticate(options: AuthenticateOptions, nonces = new NonceCache()): RequestHandler {
  return (req, res, next) => {
    const appKey = req.get(APP_KEY_HEADER);
    const timestamp = req.get(TIMESTAMP_HEADER);
    const nonce = req.get(NONCE_HEADER);
    const signature = req.get(SIGNATURE_HEADER);
    if (!appKey || !timestamp || !nonce || !signature) {
      const missing = [[APP_KEY_HEADER, appKey], [TIMESTAMP_HEADER, timestamp], [NONCE_HEADER, nonce], [SIGNATURE_HEADER, signature]]
        .filter(([, value]) => !value).map(([name]) => name);
      return answer(res, 'MISSING_CREDENTIALS', undefined, missing.join(', '));
    }
    const secret = options.credentials.get(appKey);
    if (secret === undefined) return answer(res, 'UNKNOWN_APP_KEY');

    const now = options.now();
    if (!/^\d{1,12}$/.test(timestamp) || Math.abs(now / 1000 - Number(timestamp)) > options.skewSeconds) {
      return answer(res, 'TIMESTAMP_SKEW');
    }

    const body = Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '';
    const expected = computeSignature(secret, { timestamp, nonce, method: req.method, pathWithQuery: req.originalUrl, body });
    const given = Buffer.from(signature.toLowerCase(), 'utf8');
    if (given.length !== expected.length || !timingSafeEqual(given, Buffer.from(expected, 'utf8'))) {
      return answer(res, 'BAD_SIGNATURE');
    }

    // Recorded only after the signature verified, so nobody can burn another client's nonces.
    const expiresAt = (Number(timestamp) + options.skewSeconds) * 1000;
    if (!nonces.add(`${appKey}\u0000${nonce}`, expiresAt, now)) return answer(res, 'NONCE_REUSED');
    next();
  };
}
