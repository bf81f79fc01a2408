/**
 * Keeps the catalogue fresh: a full sync at first start, then incremental
 * syncs on a schedule. A database lease makes sure one replica syncs at a
 * time; the others skip that round.
 */
import { randomUUID } from 'node:crypto';
import { TongbanError } from '../errors/index.js';
import type { Logger } from '../log/index.js';
import { acquireLease, releaseLease, type Store } from '../store/index.js';
import type { CatalogSource } from './catalog-source.js';
import { syncCatalog, type SyncKind } from './sync-catalog.js';
import { hasSucceededFullSync, type SyncRun } from './sync-runs.js';

const LEASE = 'catalog-sync';

export interface CatalogSyncerOptions {
  /** Time between incremental syncs (ms); 0 disables the schedule. */
  intervalMs: number;
  logger: Logger;
  /** Longest a sync may hold the lease (ms). Default 10 minutes. */
  leaseMs?: number;
  /** Called after every run (metrics, alerts). */
  onRun?: (run: SyncRun) => void;
}

export class CatalogSyncer {
  private readonly holder = `syncer-${randomUUID()}`;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<SyncRun> | undefined;
  private stopped = false;

  constructor(private readonly store: Store, private readonly source: CatalogSource, private readonly options: CatalogSyncerOptions) {}

  /** Starts the first sync in the background and the schedule. */
  start(): void {
    void this.firstSync();
    if (this.options.intervalMs > 0) {
      this.timer = setInterval(() => {
        if (!this.running) void this.runNow('incremental', 'schedule').catch(() => undefined);
      }, this.options.intervalMs);
      this.timer.unref();
    }
  }

  private async firstSync(): Promise<void> {
    try {
      const kind: SyncKind = (await hasSucceededFullSync(this.store)) ? 'incremental' : 'full';
      await this.runNow(kind, 'startup');
    } catch (error) {
      this.options.logger.warn('catalogue sync at startup did not run', { error: (error as Error).message });
    }
  }

  /**
   * Runs a sync now (waits for it). A sync already running in this process is
   * joined; one running on another replica answers 409 CONFLICT.
   */
  async runNow(kind: SyncKind, trigger: string): Promise<SyncRun> {
    if (this.running) return this.running;
    if (this.stopped) throw new TongbanError('SHUTTING_DOWN', 'The catalogue syncer is stopped');
    this.running = (async () => {
      const leased = await acquireLease(this.store, LEASE, this.holder, this.options.leaseMs ?? 600_000);
      if (!leased) throw new TongbanError('CONFLICT', 'A catalogue sync is already running on another replica');
      try {
        const run = await syncCatalog(this.store, this.source, { kind, trigger });
        const log = run.status === 'succeeded' ? this.options.logger.info.bind(this.options.logger) : this.options.logger.warn.bind(this.options.logger);
        log('catalogue sync finished', { runId: run.id, kind: run.kind, status: run.status, themesChanged: run.themesChanged, mattersChanged: run.mattersChanged, errorCode: run.errorCode });
        this.options.onRun?.(run);
        return run;
      } finally {
        await releaseLease(this.store, LEASE, this.holder).catch(() => undefined);
      }
    })();
    try {
      return await this.running;
    } finally {
      this.running = undefined;
    }
  }

  /** Stops the schedule and waits for a running sync to finish. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.running?.catch(() => undefined);
  }
}
