/**
 * The loop an outbox worker runs: one round (claim due rows, send them), then
 * at once another while the round found work or new work was notified
 * meanwhile, else a sleep until notified or until `idleMs` passed (retries
 * coming due). A failed round is reported and the loop goes on.
 */
export interface OutboxLoopOptions {
  /** Sleep between empty rounds (ms). */
  idleMs: number;
  /** A round threw (the database away, …): reported, then the loop sleeps and tries again. */
  onError: (error: Error) => void;
}

export class OutboxLoop {
  private running = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private notified = false;

  /** @param round claims and sends one batch; resolves with how many rows it claimed. */
  constructor(private readonly round: () => Promise<number>, private readonly options: OutboxLoopOptions) {}

  /** Whether the loop runs (false once `stop()` was called: a round in progress should not start more sends). */
  get isRunning(): boolean {
    return this.running;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** New work was committed: look now rather than after the idle sleep. */
  notify(): void {
    this.notified = true;
    this.wake?.();
  }

  /** Stops looping; resolves when the round in progress has finished. */
  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
  }

  private async run(): Promise<void> {
    while (this.running) {
      this.notified = false;
      let claimed = 0;
      try {
        claimed = await this.round();
      } catch (error) {
        this.options.onError(error as Error);
      }
      if (claimed > 0 || this.notified) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, this.options.idleMs);
        function done() { clearTimeout(timer); resolve(); }
        this.wake = done;
      });
    }
  }
}
