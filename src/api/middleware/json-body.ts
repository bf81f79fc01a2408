import express, { type RequestHandler } from 'express';
import { TongbanError, validationError } from '../../errors/index.js';
import { duplicateKeyPointers } from './duplicate-keys.js';

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json$/i;
const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Reads the body as raw bytes, exactly as sent (kept on `req.rawBody` for
 * signature digests; never inflated: encoded bodies are refused before, see
 * content-encoding.ts), enforces the size limit (413) and a JSON content
 * type in UTF-8 (415), then parses it: 400 MALFORMED_JSON naming the
 * position, or for bytes that are not UTF-8; 400 VALIDATION_FAILED naming
 * every member whose name repeats in its object (JSON Pointers).
 */
export function jsonBody(limitBytes: number): RequestHandler[] {
  const buffered = express.raw({ type: () => true, limit: limitBytes, inflate: false });
  // A route that streams its body (an upload) reads it itself, never buffered here.
  const raw: RequestHandler = (req, res, next) => (req.streamedBody ? next() : buffered(req, res, next));
  const parse: RequestHandler = (req, _res, next) => {
    if (req.streamedBody) return next();
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    req.rawBody = body;
    req.body = undefined;
    if (body.length === 0) return next();
    if (!BODY_METHODS.has(req.method)) return next();
    const [type = '', ...parameters] = (req.get('content-type') ?? '').split(';').map((part) => part.trim());
    if (!JSON_TYPE.test(type)) {
      return next(new TongbanError('UNSUPPORTED_MEDIA_TYPE', `Content-Type "${type || '(none)'}" is not accepted; send application/json`));
    }
    const charset = parameters.find((parameter) => /^charset\s*=/i.test(parameter))?.replace(/^charset\s*=\s*/i, '').replace(/^"(.*)"$/, '$1');
    if (charset !== undefined && !/^utf-8$/i.test(charset)) {
      return next(new TongbanError('UNSUPPORTED_MEDIA_TYPE', `Content-Type charset "${charset.slice(0, 40)}" is not accepted; JSON is sent in UTF-8 (charset=utf-8 or none)`));
    }
    let text: string;
    try {
      text = UTF8.decode(body);
    } catch {
      return next(new TongbanError('MALFORMED_JSON', 'Request body is not valid UTF-8'));
    }
    try {
      req.body = JSON.parse(text);
    } catch (error) {
      return next(new TongbanError('MALFORMED_JSON', `Request body is not valid JSON: ${(error as Error).message}`));
    }
    // Only an object with two members or more can repeat a name.
    if (text.indexOf(',') !== -1 && text.indexOf('{') !== -1) {
      const duplicates = duplicateKeyPointers(text);
      if (duplicates.length > 0) {
        req.body = undefined;
        return next(validationError(duplicates.map((pointer) => ({ pointer, message: 'repeats a member name of the same object (JSON.parse would keep only the last)' })),
          `Request body repeats ${duplicates.length === 1 ? 'a member name' : `${duplicates.length} member names`}: ${duplicates.slice(0, 5).join(', ')}`));
      }
    }
    next();
  };
  return [raw, parse];
}
