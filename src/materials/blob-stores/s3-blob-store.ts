import { CopyObjectCommand, DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { BlobNotFoundError, type BlobInfo, type BlobStore } from '../../domain/materials.js';
import { isBlobName, MeteredSource, verified } from './blob-streams.js';

/** Key prefix of complete blobs: `blobs/<sha256>`. */
const BLOB_PREFIX = 'blobs/';
/** Key prefix of objects still being written. */
const TEMP_PREFIX = 'tmp/';
/** Multipart part size (the S3 minimum): at most `QUEUE_SIZE` parts are in memory at once. */
const PART_BYTES = 5 * 1024 * 1024;
const QUEUE_SIZE = 2;

export interface S3BlobStoreOptions {
  /** Endpoint URL of an S3-compatible server; unset: AWS's for the region. */
  readonly endpoint?: string;
  readonly bucket: string;
  readonly region: string;
  /** Credentials; unset: the SDK's default chain (environment, instance role). */
  readonly accessKeyId?: string;
  readonly secretAccessKey?: string;
  /** Path-style URLs (`endpoint/bucket/key`), which most S3-compatible servers need. */
  readonly forcePathStyle?: boolean;
  /** Temporary objects older than this (ms) are deleted when the store opens. Default 10 minutes. */
  readonly staleTempMs?: number;
}

/**
 * Blobs in S3-compatible object storage. A put streams to a temporary key
 * (`tmp/<uuid>`, multipart past one part) while hashing; once complete it is
 * copied, server-side, to `blobs/<sha256>` — skipped when that object exists
 * with the same size — and the temporary key is deleted. A blob key exists
 * only once its object is complete. An upload cut off leaves a temporary
 * object (deleted when a store opens after `staleTempMs`) or an incomplete
 * multipart upload (invisible; the bucket's lifecycle rule
 * AbortIncompleteMultipartUpload removes its parts).
 */
export async function openS3BlobStore(options: S3BlobStoreOptions): Promise<BlobStore> {
  const client = new S3Client({
    region: options.region,
    forcePathStyle: options.forcePathStyle ?? false,
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    ...(options.accessKeyId && options.secretAccessKey ? { credentials: { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey } } : {}),
    // Checksums only where S3 requires them: many S3-compatible servers refuse the newer trailing checksums. Every read is verified by SHA-256 anyway.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  const store = new S3BlobStore(client, options.bucket);
  try {
    await store.removeStaleTemps(options.staleTempMs ?? 10 * 60_000);
  } catch (error) {
    client.destroy();
    throw error;
  }
  return store;
}

class S3BlobStore implements BlobStore {
  readonly kind = 's3';

  /** Copies to a content key under way in this process: concurrent puts of the same content share one. */
  private readonly publishing = new Map<string, Promise<void>>();

  constructor(private readonly client: S3Client, private readonly bucket: string) {}

  async put(source: AsyncIterable<Uint8Array>, options: { limitBytes?: number } = {}): Promise<BlobInfo> {
    const metered = new MeteredSource(source, options.limitBytes);
    const temp = `${TEMP_PREFIX}${randomUUID()}`;
    try {
      // On failure the upload aborts its multipart upload (its parts are removed).
      await new Upload({ client: this.client, params: { Bucket: this.bucket, Key: temp, Body: Readable.from(metered) }, partSize: PART_BYTES, queueSize: QUEUE_SIZE }).done();
      const info = metered.info();
      await this.publish(info, temp);
      return info;
    } finally {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: temp }));
    }
  }

  /**
   * Makes the content key hold the uploaded object (`temp`) unless it already
   * holds that content. Concurrent puts of the same content in this process
   * wait for one copy instead of each copying onto the same key (S3 takes the
   * last; some S3-compatible servers fail such overlapping writes).
   */
  private async publish(info: BlobInfo, temp: string): Promise<void> {
    let publishing = this.publishing.get(info.sha256);
    if (!publishing) {
      publishing = (async () => {
        const existing = await this.stat(info.sha256);
        if (existing?.size !== info.size) {
          await this.client.send(new CopyObjectCommand({ Bucket: this.bucket, CopySource: `${this.bucket}/${temp}`, Key: this.keyOf(info.sha256) }));
        }
      })().finally(() => this.publishing.delete(info.sha256));
      this.publishing.set(info.sha256, publishing);
    }
    await publishing;
  }

  async get(sha256: string): Promise<AsyncIterable<Uint8Array>> {
    if (!isBlobName(sha256)) throw new BlobNotFoundError(sha256);
    try {
      const answer = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.keyOf(sha256) }));
      return verified(sha256, answer.Body as Readable);
    } catch (error) {
      if (isMissing(error)) throw new BlobNotFoundError(sha256);
      throw error;
    }
  }

  async stat(sha256: string): Promise<BlobInfo | undefined> {
    if (!isBlobName(sha256)) return undefined;
    try {
      const head = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: this.keyOf(sha256) }));
      return { sha256, size: head.ContentLength ?? 0 };
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  async delete(sha256: string): Promise<void> {
    if (!isBlobName(sha256)) return;
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.keyOf(sha256) }));
  }

  async close(): Promise<void> {
    this.client.destroy();
  }

  /** Deletes temporary objects untouched for `staleTempMs`: left by a process that died between upload and copy. */
  async removeStaleTemps(staleTempMs: number): Promise<void> {
    const before = Date.now() - staleTempMs;
    let token: string | undefined;
    do {
      const page = await this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: TEMP_PREFIX, ...(token ? { ContinuationToken: token } : {}) }));
      for (const object of page.Contents ?? []) {
        if (object.Key && object.LastModified && object.LastModified.getTime() <= before) {
          await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: object.Key }));
        }
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  private keyOf(sha256: string): string {
    return `${BLOB_PREFIX}${sha256}`;
  }
}

function isMissing(error: unknown): boolean {
  return error instanceof S3ServiceException && (error.name === 'NoSuchKey' || error.name === 'NotFound' || error.$metadata.httpStatusCode === 404);
}
