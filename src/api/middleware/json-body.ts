import express, { type RequestHandler } from 'express';
import { TongbanError } from '../../errors/index.js';

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json$/i;
const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Reads the body as raw bytes (kept on `req.rawBody` for signature digests),
 * enforces the size limit (413) and a JSON content type (415), then parses it
 * (400 MALFORMED_JSON naming the position).
 */
export function jsonBody(limitBytes: number): RequestHandler[] {
  const raw = express.raw({ type: () => true, limit: limitBytes });
  const parse: RequestHandler = (req, _res, next) => {
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    req.rawBody = body;
    req.body = undefined;
    if (body.length === 0) return next();
    if (!BODY_METHODS.has(req.method)) return next();
    const type = (req.get('content-type') ?? '').split(';')[0]?.trim() ?? '';
    if (!JSON_TYPE.test(type)) {
      return next(new TongbanError('UNSUPPORTED_MEDIA_TYPE', `Content-Type "${type || '(none)'}" is not accepted; send application/json`));
    }
    try {
      req.body = JSON.parse(body.toString('utf8'));
    } catch (error) {
      return next(new TongbanError('MALFORMED_JSON', `Request body is not valid JSON: ${(error as Error).message}`));
    }
    next();
  };
  return [raw, parse];
}
