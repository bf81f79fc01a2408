/**
 * Checkpoints off the event loop. In WAL mode every commit appends pages to
 * the WAL, and a checkpoint copies them into the database file. SQLite runs
 * it in whichever commit crosses `wal_autocheckpoint` — on the one
 * connection of the gateway, so the event loop stopped while ~40 MB of pages
 * were written into the file and synced. The larger the database, the more
 * scattered the pages intake dirties (random keys of indexes: holder codes,
 * Idempotency-Keys, short ids), the fewer a checkpoint can merge, and the
 * longer it takes: with 200k applications stored, about 0.3 ms of every
 * application's intake (docs/performance.md, scale).
 *
 * The checkpointer is a worker thread with a connection of its own that
 * copies committed frames every `intervalMs` (PASSIVE: it never waits for
 * the writer nor makes it wait). The store's connection keeps an automatic
 * checkpoint only as a fallback, at {@link FALLBACK_AUTOCHECKPOINT_PAGES}: it
 * finds the frames already copied and only lets the WAL start again when the
 * worker could never catch up between two commits; should the worker stop,
 * the store goes back to checkpointing every ~40 MB itself. Durability is
 * unchanged: a commit is on disk in the WAL before it is answered, and a
 * frame is overwritten only once the database file holding its copy is synced.
 */
import { resolve } from 'node:path';
import { Worker } from 'node:worker_threads';

/** How often the worker copies the WAL into the database file (ms). */
export const CHECKPOINT_INTERVAL_MS = 1000;

/** The store connection's own automatic checkpoint while the worker runs (pages; ~480 MB of 4 KiB pages). */
export const FALLBACK_AUTOCHECKPOINT_PAGES = 120_000;

/** The store connection's automatic checkpoint without the worker (pages; ~40 MB). */
export const AUTOCHECKPOINT_PAGES = 10_000;

/** What one checkpoint found: frames in the WAL, and how many of them are in the database file. */
export interface CheckpointResult {
  log: number;
  checkpointed: number;
}

export interface SqliteCheckpointerOptions {
  /** The database file (in WAL mode already). */
  path: string;
  /** Other database files the worker checkpoints with it (the jti journal), silently: only `path`'s WAL is reported. */
  alsoPaths?: readonly string[];
  /** Default {@link CHECKPOINT_INTERVAL_MS}. */
  intervalMs?: number;
  /** The worker failed or stopped before {@link SqliteCheckpointer.close}: the store checkpoints by itself again. */
  onStopped: (cause: Error) => void;
}

export class SqliteCheckpointer {
  private readonly worker: Worker;
  private closing = false;
  private stopped = false;
  private readonly requests: ((result: CheckpointResult) => void)[] = [];
  private readonly failures: ((error: Error) => void)[] = [];
  private copied = 0;
  private frames = 0;

  constructor(private readonly options: SqliteCheckpointerOptions) {
    this.worker = new Worker(new URL('./sqlite-checkpoint-worker.js', import.meta.url), {
      // Plain JavaScript: no loader flags of the parent (a TypeScript loader would only slow the start).
      execArgv: [],
      workerData: { path: resolve(options.path), alsoPaths: (options.alsoPaths ?? []).map((path) => resolve(path)), busyTimeoutMs: 5000, intervalMs: options.intervalMs ?? CHECKPOINT_INTERVAL_MS },
    });
    this.worker.unref();
    this.worker.on('message', (message: Partial<CheckpointResult> & { requested?: true; error?: { message: string } }) => {
      if (message.error) {
        if (message.requested) this.failures.shift()?.(new Error(message.error.message));
        return;
      }
      if (message.checkpointed! > 0) this.copied += 1;
      // A checkpoint asked for runs between two batches: with every frame copied, the writer's next transaction starts the WAL again.
      this.frames = message.requested && message.checkpointed === message.log ? 0 : message.log!;
      if (message.requested) {
        this.failures.shift();
        this.requests.shift()?.({ log: message.log!, checkpointed: message.checkpointed! });
      }
    });
    this.worker.on('error', (error) => this.lost(error));
    this.worker.on('exit', (code) => this.lost(new Error(`the checkpointer's worker stopped (${code})`)));
  }

  /** Checkpoints that copied frames so far (the worker's own, and those asked for). */
  get checkpoints(): number {
    return this.copied;
  }

  /** Frames in the WAL as of the worker's last report, copied or not (0 after a checkpoint asked for copied them all). */
  get walFrames(): number {
    return this.frames;
  }

  /** Runs a checkpoint now, in the worker; answers what it found. */
  checkpointNow(): Promise<CheckpointResult> {
    if (this.stopped || this.closing) return Promise.reject(new Error('the checkpointer is not running'));
    return new Promise((resolve, reject) => {
      this.requests.push(resolve);
      this.failures.push(reject);
      this.worker.postMessage({ now: true });
    });
  }

  /** Stops the worker after the checkpoint it may be running (bounded: terminated after `graceMs`). */
  async close(graceMs = 5000): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    if (this.stopped) return;
    const exited = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
    this.worker.postMessage({ close: true });
    const timer = setTimeout(() => void this.worker.terminate(), graceMs);
    await exited;
    clearTimeout(timer);
  }

  private lost(cause: Error): void {
    if (this.stopped) return;
    this.stopped = true;
    for (const reject of this.failures.splice(0)) reject(cause);
    this.requests.length = 0;
    if (!this.closing) this.options.onStopped(cause);
  }
}
