/**
 * What every blob store does to the bytes on their way in and out: hash and
 * count them, stop at the size limit, and verify them against their name.
 */
import { createHash } from 'node:crypto';
import { BlobIntegrityError, BlobTooLargeError, type BlobInfo } from '../../domain/materials.js';

const BLOB_NAME = /^[0-9a-f]{64}$/;

/** Whether `name` can name a blob (lower-case hex SHA-256); anything else is never stored, so never looked up. */
export function isBlobName(name: string): boolean {
  return BLOB_NAME.test(name);
}

/**
 * A source read once, hashed and counted as it passes. Iterating it throws
 * `BlobTooLargeError` as soon as more than `limitBytes` came through, before
 * passing on the chunk that went over, and stops reading the source.
 */
export class MeteredSource implements AsyncIterable<Buffer> {
  private readonly hash = createHash('sha256');
  private size = 0;
  private done = false;

  constructor(private readonly source: AsyncIterable<Uint8Array>, private readonly limitBytes?: number) {}

  async *[Symbol.asyncIterator](): AsyncIterator<Buffer> {
    for await (const chunk of this.source) {
      this.size += chunk.byteLength;
      if (this.limitBytes !== undefined && this.size > this.limitBytes) throw new BlobTooLargeError(this.limitBytes);
      this.hash.update(chunk);
      yield Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    }
    this.done = true;
  }

  /** The name and size of what came through; only once the source was read to its end. */
  info(): BlobInfo {
    if (!this.done) throw new Error('the source was not read to its end');
    return { sha256: this.hash.digest('hex'), size: this.size };
  }
}

/**
 * Passes `chunks` on while hashing them; at their end, throws
 * `BlobIntegrityError` instead of ending when they do not hash to `sha256`.
 */
export async function* verified(sha256: string, chunks: AsyncIterable<Uint8Array>): AsyncGenerator<Buffer> {
  const hash = createHash('sha256');
  for await (const chunk of chunks) {
    hash.update(chunk);
    yield Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  }
  const actual = hash.digest('hex');
  if (actual !== sha256) throw new BlobIntegrityError(sha256, actual);
}
