/**
 * The blob store of each kind on real storage — a temporary folder, a fresh
 * PostgreSQL schema, an S3-API server started here — and the ways a test
 * reaches behind the store's back: list what is stored, corrupt a blob, see
 * what a failed or killed write left.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import pg from 'pg';
import type { BlobStore } from '../../src/domain/materials.js';
import { openFileBlobStore } from '../../src/materials/blob-stores/file-blob-store.js';
import { createPostgresBlobStore } from '../../src/materials/blob-stores/postgres-blob-store.js';
import { openS3BlobStore, type S3BlobStoreOptions } from '../../src/materials/blob-stores/s3-blob-store.js';
import { migrate, PostgresStore } from '../../src/store/index.js';
import { S3RVER_CREDENTIALS, startS3Server, type S3Server } from './s3-server.js';
import { TEST_DATABASE_URL } from './stores.js';

/** How a process (this one or a child) opens a blob store on a fixture's storage; JSON, so it can be passed to a child. */
export type BlobStoreSpec =
  | { readonly kind: 'file'; readonly dir: string; readonly staleTempMs?: number }
  | { readonly kind: 'postgres'; readonly connectionString: string; readonly schema: string }
  | ({ readonly kind: 's3' } & S3BlobStoreOptions);

/** Opens the store a spec describes. */
export async function openBlobStore(spec: BlobStoreSpec): Promise<BlobStore> {
  switch (spec.kind) {
    case 'file': return openFileBlobStore({ dir: spec.dir, ...(spec.staleTempMs !== undefined ? { staleTempMs: spec.staleTempMs } : {}) });
    case 'postgres': return createPostgresBlobStore({ store: new PostgresStore({ connectionString: spec.connectionString, schema: spec.schema }), ownsStore: true });
    case 's3': return openS3BlobStore(spec);
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

function postgresFixture(): BlobStoreFixture {
  const schema = `tongban_blobs_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL, options: `-c search_path=${schema}` });
  const column = async (sql: string, params: unknown[] = []) => (await client.query<{ value: string }>(sql, params)).rows.map((row) => row.value);
  return {
    kind: 'postgres',
    async setUp() {
      const store = new PostgresStore({ connectionString: TEST_DATABASE_URL, schema });
      await migrate(store);
      await store.close();
      await client.connect();
      return { kind: 'postgres', connectionString: TEST_DATABASE_URL, schema };
    },
    blobNames: () => column('SELECT sha256 AS value FROM blobs ORDER BY sha256'),
    leftovers: () => column(`SELECT upload_id || '/' || seq AS value FROM blob_chunks chunk
      WHERE NOT EXISTS (SELECT 1 FROM blobs WHERE blobs.upload_id = chunk.upload_id) ORDER BY 1`),
    async corrupt(sha256) {
      const { rowCount } = await client.query(`UPDATE blob_chunks SET data = set_byte(data, 100, get_byte(data, 100) # 255)
        WHERE seq = 0 AND upload_id = (SELECT upload_id FROM blobs WHERE sha256 = $1)`, [sha256]);
      if (rowCount !== 1) throw new Error(`no first chunk of ${sha256} to corrupt`);
    },
    async tearDown(passed) {
      if (passed) await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      else process.stderr.write(`      (kept PostgreSQL schema ${schema} for inspection)\n`);
      await client.end();
    },
  };
}

function s3Fixture(): BlobStoreFixture {
  let server: S3Server | undefined;
  let client: S3Client | undefined;
  const keys = async (prefix: string) => {
    const page = await client!.send(new ListObjectsV2Command({ Bucket: server!.bucket, Prefix: prefix }));
    return (page.Contents ?? []).map((object) => object.Key!).sort();
  };
  return {
    kind: 's3',
    async setUp() {
      server = await startS3Server();
      const options = { endpoint: server.endpoint, bucket: server.bucket, region: 'us-east-1', forcePathStyle: true, ...S3RVER_CREDENTIALS };
      client = new S3Client({ endpoint: options.endpoint, region: options.region, forcePathStyle: true, credentials: S3RVER_CREDENTIALS });
      return { kind: 's3', ...options };
    },
    blobNames: async () => (await keys('blobs/')).map((key) => key.slice('blobs/'.length)),
    leftovers: () => keys('tmp/'),
    async corrupt(sha256) {
      const key = `blobs/${sha256}`;
      const answer = await client!.send(new GetObjectCommand({ Bucket: server!.bucket, Key: key }));
      const bytes = Buffer.from(await answer.Body!.transformToByteArray());
      bytes[bytes.length >> 1]! ^= 0xff;
      await client!.send(new PutObjectCommand({ Bucket: server!.bucket, Key: key, Body: bytes }));
    },
    async tearDown() {
      client?.destroy();
      await server?.close();
    },
  };
}

/** One fixture per blob store kind: every contract test runs against each. */
export function blobStoreFixtures(): BlobStoreFixture[] {
  return [fileFixture(), postgresFixture(), s3Fixture()];
}
