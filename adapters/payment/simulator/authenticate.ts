/**
 * The platform's request authentication (payment-signature.ts): headers
 * present, known app id, timestamp within ±skew, signature, nonce never seen
 * — in that order; the nonce is recorded only once the signature verified.
 */
import type { RequestHandler } from 'express';
import { NonceCache } from '../../common/nonce-cache.js';
import { APP_ID_HEADER, NONCE_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, feeSignature, signatureMatches } from '../payment-signature.js';
import { answer } from './answer.js';

export function authenticate(options: { secretOf: (appId: string) => string | undefined; skewSeconds: number; now: () => number }, nonces = new NonceCache()): RequestHandler {
  return (req, res, next) => {
    const headers = [APP_ID_HEADER, TIMESTAMP_HEADER, NONCE_HEADER, SIGNATURE_HEADER].map((name) => [name, req.get(name)] as const);
    const missing = headers.filter(([, value]) => !value).map(([name]) => name);
    if (missing.length > 0) return answer(res, 'MISSING_CREDENTIALS', undefined, missing.join(', '));
    const [appId, timestamp, nonce, signature] = headers.map(([, value]) => value!) as [string, string, string, string];
    const secret = options.secretOf(appId);
    if (secret === undefined) return answer(res, 'UNKNOWN_APP');
    const now = options.now();
    if (!/^\d{1,12}$/.test(timestamp) || Math.abs(now / 1000 - Number(timestamp)) > options.skewSeconds) return answer(res, 'TIMESTAMP_SKEW');
    const body = Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '';
    const expected = feeSignature(secret, { appId, timestamp, nonce, method: req.method, pathWithQuery: req.originalUrl, body });
    if (!signatureMatches(signature, expected)) return answer(res, 'BAD_SIGNATURE');
    if (!nonces.add(`${appId}\u0000${nonce}`, (Number(timestamp) + options.skewSeconds) * 1000, now)) return answer(res, 'NONCE_REUSED');
    res.locals['appId'] = appId;
    next();
  };
}
