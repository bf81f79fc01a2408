/**
 * The `material_uploads` rows: one per file handed in through
 * `POST /v1/materials`, owned by the client that made it, naming its blob by
 * SHA-256. A row is written only once its blob is durable, and a blob is
 * removed only when no row names it; both steps hold the blob's lock (see
 * {@link lockBlob}) so an upload and the sweeper never cross.
 */
import { TongbanError } from '../errors/index.js';
import type { BlobStore, MaterialMediaType } from '../domain/materials.js';
import type { Queryable, Store } from '../store/index.js';

/** An upload as its owner sees it. */
export interface MaterialUpload {
  readonly id: string;
  readonly clientId: string;
  /** Lower-case hex SHA-256 of the bytes (the blob's name). */
  readonly sha256: string;
  /** Bytes. */
  readonly size: number;
  readonly mediaType: MaterialMediaType;
  /** Epoch ms. */
  readonly createdAt: number;
  /** Epoch ms after which it is removed unless an application references it. */
  readonly expiresAt: number;
  /** Epoch ms when an application first referenced it; then it is kept with the application. */
  readonly referencedAt: number | undefined;
}

interface UploadRow {
  id: string; client_id: string; sha256: string; size: number; media_type: string; created_at: number; expires_at: number; referenced_at: number | null;
}

/** First int of the two-int advisory lock key: "blob names" (PostgreSQL). */
const BLOB_LOCK_CLASS = 0x74620001;

/**
 * Serialises, per blob, the two steps that must not interleave: an upload's
 * "the blob is there → insert its row" and the sweeper's "no row names the
 * blob → delete it". On PostgreSQL a transaction-scoped advisory lock on the
 * name (every replica shares it); SQLite transactions are serialised anyway.
 */
export async function lockBlob(tx: Queryable, store: Store, sha256: string): Promise<void> {
  if (!store.capabilities.advisoryLocks) return;
  await tx.query('SELECT pg_advisory_xact_lock($1, $2)', [BLOB_LOCK_CLASS, Buffer.from(sha256, 'hex').readInt32BE(0)]);
}

/**
 * Records an upload whose blob `put` just made durable. Under the blob's
 * lock it checks the blob is still there — a sweeper may have removed it,
 * unreferenced, between the put and now — and inserts the row.
 * @throws TongbanError SERVICE_UNAVAILABLE (retryable) when the blob vanished meanwhile: send the file again.
 */
export async function recordUpload(store: Store, blobs: BlobStore, upload: Omit<MaterialUpload, 'referencedAt'>): Promise<void> {
  await store.transaction(async (tx) => {
    await lockBlob(tx, store, upload.sha256);
    if (!(await blobs.stat(upload.sha256))) {
      throw new TongbanError('SERVICE_UNAVAILABLE', 'The file was removed while it was being stored (an expired upload of the same bytes was swept at that moment); send it again');
    }
    await tx.query(
      `INSERT INTO material_uploads (id, client_id, sha256, size, media_type, created_at, expires_at, referenced_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, NULL)`,
      [upload.id, upload.clientId, upload.sha256, upload.size, upload.mediaType, upload.createdAt, upload.expiresAt]);
  });
}

/** The upload `id` if `clientId` owns it (another client's is as absent as an unknown one). */
export async function findUpload(store: Queryable, id: string, clientId: string): Promise<MaterialUpload | undefined> {
  const { rows } = await store.query<UploadRow>('SELECT * FROM material_uploads WHERE id = $1 AND client_id = $2', [id, clientId]);
  const row = rows[0];
  return row ? {
    id: row.id, clientId: row.client_id, sha256: row.sha256, size: Number(row.size), mediaType: row.media_type as MaterialMediaType,
    createdAt: Number(row.created_at), expiresAt: Number(row.expires_at), referencedAt: row.referenced_at === null ? undefined : Number(row.referenced_at),
  } : undefined;
}

/** Whether any upload, application material or generated file still names the blob (each looked up by its sha256 index). */
export async function blobReferenced(tx: Queryable, sha256: string): Promise<boolean> {
  const { rows } = await tx.query(
    `SELECT 1 AS found FROM material_uploads WHERE sha256 = $1
     UNION ALL SELECT 1 AS found FROM application_materials WHERE sha256 = $1
     UNION ALL SELECT 1 AS found FROM generated_files WHERE sha256 = $1
     LIMIT 1`, [sha256]);
  return rows.length > 0;
}

/**
 * Removes the blob unless a row names it, under the blob's lock (so no
 * upload inserts a row for it meanwhile). Resolves whether it was removed.
 */
export async function releaseBlob(store: Store, blobs: BlobStore, sha256: string): Promise<boolean> {
  return store.transaction(async (tx) => {
    await lockBlob(tx, store, sha256);
    if (await blobReferenced(tx, sha256)) return false;
    await blobs.delete(sha256);
    return true;
  });
}
