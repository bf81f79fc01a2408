import type { RequestHandler, Response } from 'express';
import type { Logger } from '../../log/index.js';
import { decodeUnverifiedPayload } from '../../trust/jws.js';
import type { Keyring } from '../../trust/keyring.js';
import { signResponse } from '../../trust/sign-response.js';

/**
 * Signs every answer under `/v1` with Tongban's active key (`typ`
 * tongban-res+jwt): `aud` is the client, `rjti` the request's `jti`, `cdg` the
 * digest of the answer body. Errors are signed too, so a client can prove
 * what it was told. Answers are buffered by express (`res.send`), so the
 * whole body is known when `end` is called.
 */
export function signResponses(keyring: Keyring, logger: Logger): RequestHandler {
  return (req, res, next) => {
    const end = res.end.bind(res) as (...args: unknown[]) => Response;
    let signed = false;
    (res as { end: unknown }).end = (...args: unknown[]) => {
      if (signed || res.headersSent) return end(...args);
      signed = true;
      const [chunk, encoding] = args;
      const body = typeof chunk === 'string' ? Buffer.from(chunk, typeof encoding === 'string' ? encoding as BufferEncoding : 'utf8')
        : Buffer.isBuffer(chunk) || chunk instanceof Uint8Array ? Buffer.from(chunk) : Buffer.alloc(0);
      const claimed = claimedSigner(req.get('tongban-signature'));
      signResponse({
        body: req.method === 'HEAD' ? '' : body,
        clientId: req.client?.id ?? claimed.iss ?? 'anonymous',
        requestJti: req.signatureJti ?? claimed.jti ?? '',
        key: keyring.signingKey(),
      }).then((headers) => {
        for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
      }, (error: unknown) => {
        logger.error('answer signing failed', { error: (error as Error).message });
      }).finally(() => end(...args));
      return res;
    };
    next();
  };
}

function claimedSigner(token: string | undefined): { iss?: string; jti?: string } {
  if (!token) return {};
  try {
    const payload = decodeUnverifiedPayload(token);
    return {
      ...(typeof payload['iss'] === 'string' ? { iss: payload['iss'].slice(0, 64) } : {}),
      ...(typeof payload['jti'] === 'string' ? { jti: payload['jti'].slice(0, 128) } : {}),
    };
  } catch {
    return {};
  }
}
