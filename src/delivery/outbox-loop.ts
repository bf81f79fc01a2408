/**
 * The loop an outbox worker runs: one round (claim due rows, send them), then
 * at once another while the round found work or new work was notified
 * meanwhile, else a sleep until notified or until `idleMs` passed (retries
 * coming due). A failed round is reported and the loop goes on.
 *
 * A round either awaits its sends, or starts them and hands them over with
 * `track()` (several in flight at once): the loop counts them, wakes when one
 * settles (a slot freed, the next row of its queue due), and `stop()` waits
 * for them.
 */
export interface OutboxLoopOptions {
  /** Sleep between empty rounds (ms). */
  idleMs: number;
  /** A round threw (the database away, …): reported, then the loop sleeps and tries again. */
  onError: (error: Error) => void;
}

/** What a round may answer instead of how many rows it claimed: whether to look again at once, else how long to sleep. */
export interface RoundPlan {
  again: boolean;
  sleepMs: number;
}

export class OutboxLoop {
  private running = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private notified = false;
  private readonly sends = new Set<Promise<void>>();
  private weight = 0;

  /**
   * @param round claims and sends one batch; resolves with how many rows it claimed (another round at once when
   *   more than none), or with its own plan.
   * @param wakesOnSettle whether a tracked send that settles wakes the sleeping loop (default: always).
   */
  constructor(
    private readonly round: () => Promise<number | RoundPlan>,
    private readonly options: OutboxLoopOptions,
    private readonly wakesOnSettle: () => boolean = () => true,
  ) {}

  /** Whether the loop runs (false once `stop()` was called: a round in progress should not start more sends). */
  get isRunning(): boolean {
    return this.running;
  }

  /** The sends in flight, each counted by the weight it was tracked with. */
  get inFlight(): number {
    return this.weight;
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

  /**
   * Hands over a send the round started and does not await: counted in
   * `inFlight` by `weight` (a batched push counts the deliveries it carries)
   * until it settles, and awaited by `stop()`.
   */
  track(send: Promise<void>, weight = 1): void {
    this.weight += weight;
    const tracked = send.finally(() => {
      this.sends.delete(tracked);
      this.weight -= weight;
      if (this.wakesOnSettle()) this.wake?.();
    });
    this.sends.add(tracked);
  }

  /** Stops looping; resolves when the round in progress and the sends in flight have settled. */
  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
    await Promise.allSettled([...this.sends]);
  }

  private async run(): Promise<void> {
    while (this.running) {
      this.notified = false;
      let result: number | RoundPlan = 0;
      try {
        result = await this.round();
      } catch (error) {
        this.options.onError(error as Error);
      }
      if (!this.running) break;
      const plan = typeof result === 'number' ? { again: result > 0, sleepMs: this.options.idleMs } : result;
      if (plan.again || this.notified) continue;
      await this.sleep(plan.sleepMs);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() { clearTimeout(timer); resolve(); }
      this.wake = done;
    });
  }
}

/**
 * An outbox worker: one `OutboxLoop` running its `round()`, started,
 * notified and stopped from outside.
 */
export abstract class OutboxWorker {
  protected readonly loop: OutboxLoop;
  private readonly clock: () => number;

  protected constructor(options: OutboxLoopOptions & { now?: () => number }) {
    this.loop = new OutboxLoop(() => this.round(), options, () => this.wakesOnSettle());
    this.clock = options.now ?? Date.now;
  }

  protected now(): number {
    return this.clock();
  }

  /** One round, its sends awaited: claims due rows and sends them. @returns how many it claimed. For tests and the CLI too. */
  abstract runOnce(): Promise<number>;

  /** One round of the loop: `runOnce()`, unless the worker starts its sends and tracks them. */
  protected round(): Promise<number | RoundPlan> {
    return this.runOnce();
  }

  /** Whether a tracked send that settles wakes the loop. */
  protected wakesOnSettle(): boolean {
    return true;
  }

  start(): void {
    this.loop.start();
  }

  /** New work was committed: look now rather than after the idle sleep. */
  notify(): void {
    this.loop.notify();
  }

  /** Stops claiming; resolves when the round in progress and the sends in flight have settled. */
  async stop(): Promise<void> {
    await this.loop.stop();
  }
}
