/**
 * Removes uploads no application took up: each upload past its `expires_at`
 * with no `referenced_at` is deleted, then its blob unless another upload or
 * an application material still names it. Runs in every gateway process;
 * safe with several replicas on one PostgreSQL and against a submission
 * referencing an upload at the same moment:
 * - the row is deleted by a statement that re-checks `referenced_at IS NULL`
 *   and the expiry on the row it deletes (PostgreSQL re-evaluates them on the
 *   row version a concurrent submission committed, so a row referenced
 *   meanwhile stays); a submission marks `referenced_at` in its own
 *   transaction and refuses an upload it finds gone;
 * - the blob is deleted under its lock, after re-checking that no row names
 *   it (see material-uploads.ts), so an upload of the same bytes either
 *   inserts its row first (the blob stays) or finds the blob gone (and is
 *   asked to send it again) — never a row without its blob.
 * Rows go first, blobs after: a process stopped between the two leaves an
 * unnamed blob (space), never a row naming a missing blob.
 */
import type { BlobStore } from '../domain/materials.js';
import type { Logger } from '../log/index.js';
import type { Store } from '../store/index.js';
import { releaseBlob } from './material-uploads.js';

export interface UploadSweeperOptions {
  store: Store;
  blobs: BlobStore;
  logger: Logger;
  /** Time between sweeps (ms); 0: only when woken. */
  intervalMs: number;
  /** Rows looked at per statement. */
  batchSize?: number;
  now?: () => number;
}

/** What one sweep removed. */
export interface SweepResult {
  /** Upload ids deleted. */
  readonly uploads: readonly string[];
  /** Blobs (SHA-256) deleted. */
  readonly blobs: readonly string[];
}

export class UploadSweeper {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<SweepResult> | undefined;
  private stopped = true;

  constructor(private readonly options: UploadSweeperOptions) {}

  /** Sweeps now and then every `intervalMs`. */
  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  /**
   * One sweep now (or the one running, then another) — what the timer runs;
   * tests call it to sweep at a moment of their choosing.
   */
  async sweep(): Promise<SweepResult> {
    while (this.running) await this.running.catch(() => undefined);
    const run = this.sweepOnce();
    this.running = run;
    try {
      return await run;
    } finally {
      this.running = undefined;
    }
  }

  /** Stops the timer and waits for a running sweep. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => undefined);
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.sweep().then((result) => {
        if (result.uploads.length > 0 || result.blobs.length > 0) this.options.logger.info('expired uploads swept', { uploads: result.uploads.length, blobs: result.blobs.length });
      }, (error: unknown) => {
        this.options.logger.warn('upload sweep failed; retried at the next interval', { error: (error as Error).message });
      }).finally(() => {
        if (this.options.intervalMs > 0) this.schedule(this.options.intervalMs);
      });
    }, delayMs);
    this.timer.unref();
  }

  private async sweepOnce(): Promise<SweepResult> {
    const { store, blobs } = this.options;
    const now = (this.options.now ?? Date.now)();
    const batchSize = this.options.batchSize ?? 500;
    const uploads: string[] = [];
    const names = new Set<string>();
    for (;;) {
      const { rows } = await store.query<{ id: string; sha256: string }>(
        `SELECT id, sha256 FROM material_uploads WHERE referenced_at IS NULL AND expires_at <= $1 ORDER BY expires_at LIMIT $2`, [now, batchSize]);
      let deleted = 0;
      for (const row of rows) {
        // Re-checked on the row itself: a submission may have referenced it since the SELECT (or another replica deleted it).
        const { rowCount } = await store.query('DELETE FROM material_uploads WHERE id = $1 AND referenced_at IS NULL AND expires_at <= $2', [row.id, now]);
        if (rowCount === 0) continue;
        deleted += 1;
        uploads.push(row.id);
        names.add(row.sha256);
      }
      if (rows.length < batchSize || deleted === 0) break;
    }
    const removed: string[] = [];
    for (const sha256 of names) if (await releaseBlob(store, blobs, sha256)) removed.push(sha256);
    return { uploads, blobs: removed };
  }
}
