/**
 * The blob store of each kind on real storage — a temporary folder, a fresh
 * PostgreSQL schema, an S3-API server started here — and the ways a test
 * reaches behind the store's back: list what is stored, corrupt a blob, see
 * what a failed or killed write left.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BlobStore } from '../../src/domain/materials.js';
import { openFileBlobStore } from '../../src/materials/blob-stores/file-blob-store.js';

/** How a process (this one or a child) opens a blob store on a fixture's storage; JSON, so it can be passed to a child. */
export type BlobStoreSpec =
  | { readonly kind: 'file'; readonly dir: string; readonly staleTempMs?: number };

/** Opens the store a spec describes. */
export async function openBlobStore(spec: BlobStoreSpec): Promise<BlobStore> {
  switch (spec.kind) {
    case 'file': return openFileBlobStore({ dir: spec.dir, ...(spec.staleTempMs !== undefined ? { staleTempMs: spec.staleTempMs } : {}) });
  }
}

export interface BlobStoreFixture {
  readonly kind: BlobStoreSpec['kind'];
  /** Prepares empty storage; returns how to open a store on it. */
  setUp(): Promise<BlobStoreSpec>;
  /** Names of the complete blobs stored, sorted. */
  blobNames(): Promise<string[]>;
  /** What the storage holds besides complete blobs: temporary files, upload chunks, temporary objects. */
  leftovers(): Promise<string[]>;
  /** Flips one byte of a stored blob, behind the store's back. */
  corrupt(sha256: string): Promise<void>;
  tearDown(passed: boolean): Promise<void>;
}

function fileFixture(): BlobStoreFixture {
  let dir = '';
  const blobPath = (sha256: string) => join(dir, sha256.slice(0, 2), sha256.slice(2, 4), sha256);
  return {
    kind: 'file',
    async setUp() {
      dir = mkdtempSync(join(tmpdir(), 'tongban-blobs-'));
      return { kind: 'file', dir };
    },
    async blobNames() {
      return readdirSync(dir, { recursive: true, withFileTypes: true })
        .filter((entry) => entry.isFile() && /^[0-9a-f]{2}\/[0-9a-f]{2}$/.test(entry.parentPath.slice(dir.length + 1)))
        .map((entry) => entry.name).sort();
    },
    async leftovers() {
      return readdirSync(join(dir, 'tmp')).map((name) => `tmp/${name}`);
    },
    async corrupt(sha256) {
      const bytes = readFileSync(blobPath(sha256));
      bytes[bytes.length >> 1]! ^= 0xff;
      writeFileSync(blobPath(sha256), bytes);
    },
    async tearDown() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** One fixture per blob store kind: every contract test runs against each. */
export function blobStoreFixtures(): BlobStoreFixture[] {
  return [fileFixture()];
}
