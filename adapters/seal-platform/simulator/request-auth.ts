/**
 * The simulated platform's request authentication (see ../request-signing.ts
 * for the signing string): unknown app, clock skew, bad signature and nonce
 * reuse each get their own result code, checked in that order. A nonce is
 * recorded only once the signature holds, so forged requests cannot burn
 * nonces, and is remembered for twice the allowed skew.
 */
import type { RequestHandler } from 'express';
import { APP_ID_HEADER, NONCE_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, requestSignature, signaturesEqual } from '../request-signing.js';
import { RESULT_CODES } from '../seal-platform-api.js';
import { sendEnvelope } from './envelope.js';

export interface RequestAuthOptions {
  /** appId → appSecret. */
  apps: ReadonlyMap<string, string>;
  maxSkewSeconds: number;
  now: () => Date;
}

/** Remembered nonces: nonce → expiry (ms). */
class NonceBook {
  private readonly seen = new Map<string, number>();
  private static readonly MAXIMUM = 100_000;

  /** Records a nonce; false when it was seen before and has not expired. */
  record(nonce: string, now: number, lifetimeMs: number): boolean {
    if (this.seen.size > NonceBook.MAXIMUM / 2) for (const [key, expiry] of this.seen) if (expiry < now) this.seen.delete(key);
    const expiry = this.seen.get(nonce);
    if (expiry !== undefined && expiry >= now) return false;
    if (this.seen.size >= NonceBook.MAXIMUM) this.seen.delete(this.seen.keys().next().value!);
    this.seen.set(nonce, now + lifetimeMs);
    return true;
  }
}

/** Middleware checking the four authentication headers against the raw body (`req.body` as a Buffer). */
export function requestAuth(options: RequestAuthOptions): RequestHandler {
  const nonces = new NonceBook();
  return (req, res, next) => {
    const header = (name: string) => {
      const value = req.headers[name];
      return typeof value === 'string' ? value : undefined;
    };
    const appId = header(APP_ID_HEADER);
    const secret = appId === undefined ? undefined : options.apps.get(appId);
    if (secret === undefined) return sendEnvelope(res, 401, RESULT_CODES.unknownApp, '应用不存在或未授权');
    const timestampText = header(TIMESTAMP_HEADER) ?? '';
    const now = options.now().getTime();
    if (!/^\d{1,12}$/.test(timestampText) || Math.abs(now / 1000 - Number(timestampText)) > options.maxSkewSeconds) {
      return sendEnvelope(res, 401, RESULT_CODES.timestampSkew, `时间戳无效或超出允许范围(±${options.maxSkewSeconds}秒)`);
    }
    const nonce = header(NONCE_HEADER) ?? '';
    const signature = header(SIGNATURE_HEADER) ?? '';
    if (!/^[A-Za-z0-9_-]{8,64}$/.test(nonce)) return sendEnvelope(res, 400, RESULT_CODES.badParameters, '缺少或无效的随机数(nonce)');
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const expected = requestSignature(secret, { appId: appId!, timestamp: Number(timestampText), nonce, method: req.method, pathAndQuery: req.originalUrl, body });
    if (!signaturesEqual(expected, signature)) return sendEnvelope(res, 401, RESULT_CODES.badSignature, '签名验证失败');
    if (!nonces.record(`${appId}:${nonce}`, now, 2 * options.maxSkewSeconds * 1000)) {
      return sendEnvelope(res, 401, RESULT_CODES.nonceReused, '随机数已使用(重放请求)');
    }
    res.locals['appId'] = appId;
    next();
  };
}
