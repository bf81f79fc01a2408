import { randomUUID } from 'node:crypto';
import { mkdir, open, readdir, rename, rm, stat, unlink, type FileHandle } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { BlobNotFoundError, type BlobInfo, type BlobStore } from '../../domain/materials.js';
import { isBlobName, MeteredSource, verified } from './blob-streams.js';

/** Folder, under the blob folder, of files still being written. */
const TEMP_DIR = 'tmp';
const READ_CHUNK_BYTES = 64 * 1024;

export interface FileBlobStoreOptions {
  /** Folder of the blobs (created): `ab/cd/<sha256>`, and `tmp/` for files being written. */
  readonly dir: string;
  /**
   * Files in `tmp/` untouched for this long (ms) are removed when the store
   * opens: a process killed mid-write left them. Younger ones may be another
   * process's write in progress (every chunk written touches the file).
   * Default 10 minutes.
   */
  readonly staleTempMs?: number;
}

/**
 * Blobs as local files, beside the embedded SQLite database. A blob is
 * written to a temporary file in `tmp/` while it is hashed, flushed to disk
 * (fsync), then renamed to `ab/cd/<sha256>` and its folder flushed: the name
 * appears, atomically, only once every byte is durable. A file that is never
 * renamed (the source failed, the limit was passed, the process died) is
 * never visible under a blob name.
 */
export async function openFileBlobStore(options: FileBlobStoreOptions): Promise<BlobStore> {
  const temps = join(options.dir, TEMP_DIR);
  await mkdir(temps, { recursive: true });
  await removeStaleTemps(temps, options.staleTempMs ?? 10 * 60_000);
  return new FileBlobStore(options.dir);
}

class FileBlobStore implements BlobStore {
  readonly kind = 'file';

  constructor(private readonly dir: string) {}

  async put(source: AsyncIterable<Uint8Array>, options: { limitBytes?: number } = {}): Promise<BlobInfo> {
    const metered = new MeteredSource(source, options.limitBytes);
    const temp = join(this.dir, TEMP_DIR, `${randomUUID()}.part`);
    try {
      const handle = await open(temp, 'wx', 0o640);
      try {
        for await (const chunk of metered) await writeAll(handle, chunk);
        await handle.sync();
      } finally {
        await handle.close();
      }
      const info = metered.info();
      await this.publish(temp, info);
      return info;
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
  }

  async get(sha256: string): Promise<AsyncIterable<Uint8Array>> {
    if (!isBlobName(sha256)) throw new BlobNotFoundError(sha256);
    let handle: FileHandle;
    try {
      handle = await open(this.pathOf(sha256), 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new BlobNotFoundError(sha256);
      throw error;
    }
    // The stream closes the file at its end, on error, or when the reader stops early.
    return verified(sha256, handle.createReadStream({ highWaterMark: READ_CHUNK_BYTES }));
  }

  async stat(sha256: string): Promise<BlobInfo | undefined> {
    if (!isBlobName(sha256)) return undefined;
    const found = await stat(this.pathOf(sha256)).catch(ignoreMissing);
    return found ? { sha256, size: found.size } : undefined;
  }

  async delete(sha256: string): Promise<void> {
    if (!isBlobName(sha256)) return;
    await rm(this.pathOf(sha256), { force: true });
  }

  async close(): Promise<void> {
    // Nothing is held open between calls.
  }

  /**
   * Moves a complete, flushed temporary file to its blob name. When the name
   * exists with the same size, it holds the same bytes: the temporary file is
   * dropped. The folder is flushed either way, so the name is durable when
   * this returns, even if another write's rename just made it.
   */
  private async publish(temp: string, info: BlobInfo): Promise<void> {
    const target = this.pathOf(info.sha256);
    const folder = dirname(target);
    const created = await mkdir(folder, { recursive: true });
    const existing = await stat(target).catch(ignoreMissing);
    if (existing?.size === info.size) await unlink(temp);
    else await rename(temp, target);
    await syncFolder(folder);
    // New folders are entries of their parents: flush those too.
    if (created) {
      await syncFolder(dirname(folder));
      await syncFolder(this.dir);
    }
  }

  private pathOf(sha256: string): string {
    return join(this.dir, sha256.slice(0, 2), sha256.slice(2, 4), sha256);
  }
}

async function writeAll(handle: FileHandle, chunk: Buffer): Promise<void> {
  let offset = 0;
  while (offset < chunk.byteLength) {
    const { bytesWritten } = await handle.write(chunk, offset, chunk.byteLength - offset);
    offset += bytesWritten;
  }
}

async function syncFolder(folder: string): Promise<void> {
  const handle = await open(folder, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function removeStaleTemps(temps: string, staleTempMs: number): Promise<void> {
  const before = Date.now() - staleTempMs;
  for (const name of await readdir(temps)) {
    const path = join(temps, name);
    const found = await stat(path).catch(ignoreMissing);
    if (found && found.mtimeMs <= before) await rm(path, { force: true, recursive: true });
  }
}

function ignoreMissing(error: unknown): undefined {
  if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
  throw error;
}
