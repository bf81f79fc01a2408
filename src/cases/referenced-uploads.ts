/**
 * Upload rows already referenced by an application, kept in memory per
 * store. Such a row never changes again — its client, file and media type
 * are fixed at upload, `referenced_at` is set once, and only unreferenced
 * rows are ever swept — so a process may read it once: intake naming an
 * upload reused from earlier applications (a platform's "材料库") then asks
 * the database nothing for it. Replicas need no invalidation, as nothing
 * changes. Bounded, least recently used out.
 */
export interface UploadRow { id: string; client_id: string; sha256: string; size: number | string; media_type: string; expires_at: number | string; referenced_at: number | string | null }

/** Most rows kept per store (a row is a few hundred bytes). */
export const REFERENCED_UPLOADS_KEPT = 4096;

class ReferencedUploads {
  private readonly rows = new Map<string, UploadRow>();

  constructor(private readonly limit: number) {}

  /** The row of `id` if it was seen referenced; it becomes the most recently used. */
  get(id: string): UploadRow | undefined {
    const row = this.rows.get(id);
    if (row) {
      this.rows.delete(id);
      this.rows.set(id, row);
    }
    return row;
  }

  /** Keeps `row` if it is referenced (an unreferenced one may still expire or be removed). */
  remember(row: UploadRow): void {
    if (row.referenced_at === null) return;
    this.rows.delete(row.id);
    this.rows.set(row.id, row);
    if (this.rows.size > this.limit) this.rows.delete(this.rows.keys().next().value!);
  }

  get size(): number {
    return this.rows.size;
  }
}

const byStore = new WeakMap<object, ReferencedUploads>();

/** The referenced upload rows kept for `store` (created on first use). */
export function referencedUploads(store: object, limit = REFERENCED_UPLOADS_KEPT): ReferencedUploads {
  let kept = byStore.get(store);
  if (!kept) {
    kept = new ReferencedUploads(limit);
    byStore.set(store, kept);
  }
  return kept;
}
