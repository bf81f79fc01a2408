/**
 * RFC 9530 `Content-Digest` with SHA-256, as Tongban signature v1 requires.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { TongbanError } from '../errors/index.js';

/**
 * The `Content-Digest` value of a body: `sha-256=:<base64>:`. A string body
 * is hashed as UTF-8; an empty body hashes the empty string.
 */
export function contentDigest(body: Uint8Array | string): string {
  const hash = createHash('sha256');
  hash.update(typeof body === 'string' ? Buffer.from(body, 'utf8') : body);
  return `sha-256=:${hash.digest('base64')}:`;
}

// One dictionary member whose value is a byte sequence, parameters allowed (RFC 8941 §3.2, §3.3.5).
const KEY = /^[a-z*][a-z0-9_\-.*]*/;
const MEMBER = /^([a-z*][a-z0-9_\-.*]*)=:([A-Za-z0-9+/]*={0,2}):((?:;[a-z*][a-z0-9_\-.*]*(?:=[^;,]*)?)*)$/;

/**
 * Reads the SHA-256 digest out of a `Content-Digest` header, which is an
 * RFC 8941 dictionary possibly naming several algorithms
 * (`sha-512=:…:, sha-256=:…:`). Returns the 32 digest bytes, or undefined when
 * the header has no well-formed `sha-256` member. Other members are ignored,
 * whatever their form; for a repeated key the last one wins (RFC 8941).
 */
export function parseContentDigest(header: string): Buffer | undefined {
  let digest: Buffer | undefined;
  for (const member of header.split(',')) {
    const trimmed = member.trim();
    if (KEY.exec(trimmed)?.[0] !== 'sha-256') continue;
    const value = MEMBER.exec(trimmed)?.[2];
    const bytes = value === undefined ? undefined : Buffer.from(value, 'base64');
    digest = bytes?.length === 32 ? bytes : undefined;
  }
  return digest;
}

/**
 * Checks a received body against its `Content-Digest` header and the digest
 * the sender signed (`cdg`), which must be the header value itself.
 * @throws TongbanError `DIGEST_MISSING` (no header) or `DIGEST_MISMATCH`.
 */
export function checkContentDigest(header: string | null | undefined, body: Uint8Array, signedDigest: string): void {
  if (header === undefined || header === null || header.trim() === '') {
    throw new TongbanError('DIGEST_MISSING', 'Content-Digest header is missing');
  }
  const claimed = parseContentDigest(header);
  const actual = parseContentDigest(contentDigest(body));
  if (claimed === undefined || actual === undefined || !timingSafeEqual(claimed, actual)) {
    throw new TongbanError('DIGEST_MISMATCH', 'Content-Digest header does not match the body');
  }
  if (signedDigest !== header.trim()) throw new TongbanError('DIGEST_MISMATCH', '"cdg" claim does not match the Content-Digest header');
}

/**
 * For a body read after the signature is checked (a streamed upload): checks
 * that the `Content-Digest` header is present, has a well-formed `sha-256`
 * member and is the digest the sender signed (`cdg`), and returns its 32
 * bytes, which the reader compares with the SHA-256 of the bytes it reads.
 * @throws TongbanError `DIGEST_MISSING` (no header) or `DIGEST_MISMATCH`.
 */
export function declaredContentDigest(header: string | null | undefined, signedDigest: string): Buffer {
  if (header === undefined || header === null || header.trim() === '') {
    throw new TongbanError('DIGEST_MISSING', 'Content-Digest header is missing');
  }
  const claimed = parseContentDigest(header);
  if (claimed === undefined) throw new TongbanError('DIGEST_MISMATCH', 'Content-Digest header has no well-formed sha-256 member');
  if (signedDigest !== header.trim()) throw new TongbanError('DIGEST_MISMATCH', '"cdg" claim does not match the Content-Digest header');
  return claimed;
}
