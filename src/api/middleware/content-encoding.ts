import type { RequestHandler } from 'express';
import { TongbanError } from '../../errors/index.js';

/**
 * Refuses any request whose `Content-Encoding` is other than `identity`
 * (absent or empty is identity; a list, even of identities, is refused) (415
 * UNSUPPORTED_CONTENT_ENCODING, `Accept-Encoding: identity`, RFC 9110
 * §15.5.16), before its body is read. Signatures digest the bytes on the
 * wire: decompressing first would check `Content-Digest` over other bytes
 * than the ones sent, and a body that does not decompress would fail deep
 * in the body parser. One rule for every route, pages included.
 */
export function refuseContentEncoding(): RequestHandler {
  return (req, res, next) => {
    const header = (req.headers['content-encoding'] ?? '').trim().toLowerCase();
    if (header === '' || header === 'identity') return next();
    // Name what is not identity (`gzip` of `gzip, identity`); a list of identities alone is named whole.
    const refused = header.split(',').map((coding) => coding.trim()).filter((coding) => coding !== '' && coding !== 'identity');
    res.setHeader('Accept-Encoding', 'identity');
    // The body is never read: do not keep the connection for what follows it.
    res.setHeader('Connection', 'close');
    next(new TongbanError('UNSUPPORTED_CONTENT_ENCODING',
      `Content-Encoding "${printable(refused.length > 0 ? refused.join(', ') : header)}" is not accepted; send the body unencoded (identity): signatures cover the bytes on the wire`));
  };
}

/** The header as the client sent it, bounded and without control characters, for the detail. */
function printable(value: string): string {
  // eslint-disable-next-line no-control-regex
  const shown = value.replace(/[^\x20-\x7e]/g, '?');
  return shown.length > 64 ? `${shown.slice(0, 64)}…` : shown;
}
