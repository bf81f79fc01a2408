/**
 * The bytes of an upload on their way from the socket to the blob store:
 * the type is decided from the first bytes before any of them is passed on,
 * the size is bounded, and the SHA-256 is compared with the signed
 * `Content-Digest` before the last chunk is let through — so a blob store
 * only ever completes a write of bytes that were accepted.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { TongbanError } from '../errors/index.js';
import type { MaterialMediaType } from '../domain/materials.js';
import { sniffMaterialType, SNIFF_BYTES } from './material-type.js';

/** What {@link UploadSource} checks the bytes against. */
export interface UploadExpectations {
  /** The media type of the `Content-Type` header (one of the allowed four). */
  readonly mediaType: MaterialMediaType;
  /** The 32 bytes of the `sha-256` member of the signed `Content-Digest`. */
  readonly sha256: Buffer;
  /** Most bytes accepted. */
  readonly maxBytes: number;
}

/**
 * A request body read once as an async iterable of chunks. Iterating it
 * throws (and the blob store's `put` then keeps nothing):
 * - 415 MATERIAL_TYPE_NOT_ALLOWED once the first bytes are not of an allowed
 *   type or not of the declared one — before a single byte is passed on;
 * - 413 PAYLOAD_TOO_LARGE as soon as more than `maxBytes` arrived;
 * - 400 VALIDATION_FAILED for an empty body;
 * - 401 DIGEST_MISMATCH at the end, instead of passing on the last chunk,
 *   when the bytes do not hash to the signed digest;
 * - the source's own error (a cut connection).
 * `failure` keeps the error thrown, whatever the store makes of it.
 */
export class UploadSource implements AsyncIterable<Buffer> {
  private readonly hash = createHash('sha256');
  private received = 0;
  /** Why iterating failed, if it did. */
  failure: unknown;

  constructor(private readonly body: AsyncIterable<Uint8Array>, private readonly expected: UploadExpectations) {}

  /** Bytes received so far. */
  get size(): number {
    return this.received;
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Buffer> {
    try {
      yield* this.checked();
    } catch (error) {
      this.failure ??= error;
      throw error;
    }
  }

  private async *checked(): AsyncGenerator<Buffer> {
    let prefix: Buffer[] | undefined = [];
    let prefixBytes = 0;
    // Held back until the next chunk (or the end, once the digest matched): the store never sees the last byte of refused bytes.
    let pending: Buffer | undefined;
    for await (const piece of this.body) {
      const chunk = Buffer.isBuffer(piece) ? piece : Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength);
      if (chunk.length === 0) continue;
      this.received += chunk.length;
      if (this.received > this.expected.maxBytes) throw tooLarge(this.expected.maxBytes);
      this.hash.update(chunk);
      if (prefix) {
        prefix.push(chunk);
        prefixBytes += chunk.length;
        if (prefixBytes < SNIFF_BYTES) continue;
        pending = this.typeChecked(prefix);
        prefix = undefined;
        continue;
      }
      if (pending) yield pending;
      pending = chunk;
    }
    if (this.received === 0) throw new TongbanError('VALIDATION_FAILED', 'The body is empty: send the file\'s bytes', { errors: [{ pointer: '', message: 'the file is empty' }] });
    if (prefix) pending = this.typeChecked(prefix);
    const actual = this.hash.digest();
    if (!timingSafeEqual(actual, this.expected.sha256)) {
      throw new TongbanError('DIGEST_MISMATCH', `Content-Digest does not match the body: the ${this.received} bytes received hash to sha-256=:${actual.toString('base64')}:`);
    }
    if (pending) yield pending;
  }

  /** The first bytes, joined, once their type is the declared one. */
  private typeChecked(prefix: Buffer[]): Buffer {
    const head = prefix.length === 1 ? prefix[0]! : Buffer.concat(prefix);
    const found = sniffMaterialType(head.subarray(0, SNIFF_BYTES));
    if (found.mediaType === undefined) {
      throw new TongbanError('MATERIAL_TYPE_NOT_ALLOWED', `The bytes are ${found.description}; a material is a PDF, OFD, JPEG or PNG file`);
    }
    if (found.mediaType !== this.expected.mediaType) {
      throw new TongbanError('MATERIAL_TYPE_NOT_ALLOWED', `The bytes are ${found.description}, the Content-Type says ${this.expected.mediaType}`);
    }
    return head;
  }
}

/** 413 for a file over the limit. */
export function tooLarge(maxBytes: number): TongbanError {
  return new TongbanError('PAYLOAD_TOO_LARGE', `The file is larger than the limit of ${maxBytes} bytes (TONGBAN_MATERIAL_MAX_BYTES)`);
}
