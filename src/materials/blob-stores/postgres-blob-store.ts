import { randomUUID } from 'node:crypto';
import { BlobNotFoundError, type BlobInfo, type BlobStore } from '../../domain/materials.js';
import { TongbanError } from '../../errors/index.js';
import { runOutsideDatabaseDeadline, type Store } from '../../store/index.js';
import { isBlobName, MeteredSource, verified } from './blob-streams.js';

/** Bytes per stored chunk: one statement each way, a few of them in memory at most. */
export const BLOB_CHUNK_BYTES = 256 * 1024;

export interface PostgresBlobStoreOptions {
  /** A PostgreSQL store migrated to 009 (tables `blob_chunks`, `blobs`). */
  readonly store: Store;
  /** Whether `close()` closes `store` too (a pool of the blob store's own). */
  readonly ownsStore?: boolean;
  /** Bytes per chunk row. Default `BLOB_CHUNK_BYTES`. */
  readonly chunkBytes?: number;
  /**
   * Puts streaming at once, each holding a connection; further puts wait
   * their turn without one (their sources are not read meanwhile). Keep it
   * below the pool size so reads still find a connection. Default 3.
   */
  readonly concurrentPuts?: number;
  /** How long a put may wait for its turn (ms) before it fails as unavailable. Default 120 s. */
  readonly queueTimeoutMs?: number;
}

/** Turns for puts: at most `size` at once, the others queued in order. */
class Turns {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly size: number, private readonly timeoutMs: number) {}

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.running >= this.size) await this.wait();
    else this.running += 1;
    try {
      return await work();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running -= 1;
    }
  }

  private wait(): Promise<void> {
    return new Promise((resolve, reject) => {
      const turn = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        this.waiting.splice(this.waiting.indexOf(turn), 1);
        reject(new TongbanError('DATABASE_UNAVAILABLE', `No turn to store the file within ${this.timeoutMs} ms: ${this.size} uploads are streaming into the database; retry later`));
      }, this.timeoutMs);
      this.waiting.push(turn);
    });
  }
}

/**
 * Blobs in PostgreSQL, so every replica reads the same files. A put is one
 * transaction on one connection, held while the source streams in: chunks
 * are inserted one by one under a fresh upload id (the SHA-256 is known only
 * at the end), then the blob's row is inserted under its SHA-256 pointing at
 * them — or, when that SHA-256 is stored already, the new chunks are deleted.
 * Nothing is visible before the commit; a writer that dies commits nothing.
 *
 * Streaming runs outside the request's database budget (a client sends or
 * reads a large file at its own pace); each statement stays bounded by the
 * store's statement and answer timeouts, and an upload that stalls longer
 * than the server's idle-in-transaction timeout between two chunks fails.
 */
export function createPostgresBlobStore(options: PostgresBlobStoreOptions): BlobStore {
  if (options.store.dialect !== 'postgres') throw new Error(`the PostgreSQL blob store needs a PostgreSQL store, not ${options.store.dialect}`);
  return new PostgresBlobStore(options.store, options.ownsStore ?? false, options.chunkBytes ?? BLOB_CHUNK_BYTES,
    new Turns(options.concurrentPuts ?? 3, options.queueTimeoutMs ?? 120_000));
}

class PostgresBlobStore implements BlobStore {
  readonly kind = 'postgres';

  constructor(private readonly store: Store, private readonly ownsStore: boolean, private readonly chunkBytes: number, private readonly turns: Turns) {}

  async put(source: AsyncIterable<Uint8Array>, options: { limitBytes?: number } = {}): Promise<BlobInfo> {
    return this.turns.run(() => runOutsideDatabaseDeadline(() => this.store.transaction(async (tx) => {
      const metered = new MeteredSource(source, options.limitBytes);
      const uploadId = randomUUID();
      let seq = 0;
      for await (const chunk of rechunk(metered, this.chunkBytes)) {
        await tx.query('INSERT INTO blob_chunks (upload_id, seq, data) VALUES ($1, $2, $3)', [uploadId, seq++, chunk]);
      }
      const info = metered.info();
      // A concurrent put of the same bytes waits here until the other commits, then finds its row.
      const { rowCount } = await tx.query('INSERT INTO blobs (sha256, size, upload_id, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT (sha256) DO NOTHING',
        [info.sha256, info.size, uploadId, Date.now()]);
      if (rowCount === 0) await tx.query('DELETE FROM blob_chunks WHERE upload_id = $1', [uploadId]);
      return info;
    })));
  }

  async get(sha256: string): Promise<AsyncIterable<Uint8Array>> {
    if (!isBlobName(sha256)) throw new BlobNotFoundError(sha256);
    const { rows } = await runOutsideDatabaseDeadline(() => this.store.query<{ upload_id: string }>('SELECT upload_id FROM blobs WHERE sha256 = $1', [sha256]));
    if (!rows[0]) throw new BlobNotFoundError(sha256);
    return verified(sha256, this.chunks(rows[0].upload_id));
  }

  async stat(sha256: string): Promise<BlobInfo | undefined> {
    if (!isBlobName(sha256)) return undefined;
    const { rows } = await this.store.query<{ size: number }>('SELECT size FROM blobs WHERE sha256 = $1', [sha256]);
    return rows[0] ? { sha256, size: Number(rows[0].size) } : undefined;
  }

  async delete(sha256: string): Promise<void> {
    if (!isBlobName(sha256)) return;
    await this.store.query(`WITH gone AS (DELETE FROM blobs WHERE sha256 = $1 RETURNING upload_id)
      DELETE FROM blob_chunks WHERE upload_id IN (SELECT upload_id FROM gone)`, [sha256]);
  }

  async close(): Promise<void> {
    if (this.ownsStore) await this.store.close();
  }

  /** A blob's chunks in order, one statement each: no connection is held while the reader is slow. */
  private async *chunks(uploadId: string): AsyncGenerator<Buffer> {
    for (let seq = 0; ; seq++) {
      const { rows } = await runOutsideDatabaseDeadline(() => this.store.query<{ data: Buffer }>('SELECT data FROM blob_chunks WHERE upload_id = $1 AND seq = $2', [uploadId, seq]));
      if (!rows[0]) return;
      yield rows[0].data;
    }
  }
}

/** Cuts a stream of chunks of any size into chunks of `size` bytes (the last one shorter). */
async function* rechunk(chunks: AsyncIterable<Buffer>, size: number): AsyncGenerator<Buffer> {
  let pending: Buffer[] = [];
  let length = 0;
  for await (const chunk of chunks) {
    let rest = chunk;
    while (length + rest.byteLength >= size) {
      const take = size - length;
      pending.push(rest.subarray(0, take));
      yield Buffer.concat(pending, size);
      pending = [];
      length = 0;
      rest = rest.subarray(take);
    }
    // Kept across the next read: copied, as the source may reuse its buffer.
    if (rest.byteLength > 0) {
      pending.push(Buffer.from(rest));
      length += rest.byteLength;
    }
  }
  if (length > 0) yield Buffer.concat(pending, length);
}
