/**
 * The simulated system's request authentication (../evaluation-signature.ts):
 * headers present and well formed, known app id, timestamp within ±skew,
 * signature over the request as received, nonce never seen. Checked in that
 * order, each with its own code; a nonce is recorded only once the signature
 * holds, so forged requests cannot burn nonces.
 */
import type { RequestHandler } from 'express';
import { APP_ID_HEADER, NONCE_HEADER, SIGN_HEADER, TIMESTAMP_HEADER, computeSign, signsEqual } from '../evaluation-signature.js';
import { reply } from './envelope.js';

export interface AuthenticateOptions {
  /** App id → app secret. */
  readonly apps: ReadonlyMap<string, string>;
  /** Allowed difference between the request timestamp and the clock (s). */
  readonly skewSeconds: number;
  /** Clock (epoch ms). */
  readonly now: () => number;
}

export function authenticate(options: AuthenticateOptions): RequestHandler {
  /** `appId:nonce` → until when (epoch ms) it is refused; a nonce older than the window fails the timestamp check anyway. */
  const nonces = new Map<string, number>();
  return (req, res, next) => {
    const appId = req.get(APP_ID_HEADER);
    const timestamp = req.get(TIMESTAMP_HEADER);
    const nonce = req.get(NONCE_HEADER);
    const sign = req.get(SIGN_HEADER);
    if (!appId || !timestamp || !nonce || !sign || !/^[A-Za-z0-9]{16,64}$/.test(nonce)) return reply(res, 'CREDENTIALS_MISSING');
    const secret = options.apps.get(appId);
    if (secret === undefined) return reply(res, 'UNKNOWN_APP', undefined, appId);
    const now = options.now();
    if (!/^\d{13}$/.test(timestamp) || Math.abs(now - Number(timestamp)) > options.skewSeconds * 1000) {
      return reply(res, 'TIMESTAMP_SKEW', undefined, `允许±${options.skewSeconds}秒`);
    }
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const expected = computeSign(secret, { method: req.method, pathWithQuery: req.originalUrl, appId, timestamp, nonce, body });
    if (!signsEqual(expected, sign)) return reply(res, 'SIGN_INVALID');
    if (nonces.size > 50_000) for (const [key, until] of nonces) if (until < now) nonces.delete(key);
    const key = `${appId}:${nonce}`;
    if ((nonces.get(key) ?? -1) >= now) return reply(res, 'NONCE_REUSED');
    nonces.set(key, Number(timestamp) + options.skewSeconds * 1000);
    next();
  };
}
