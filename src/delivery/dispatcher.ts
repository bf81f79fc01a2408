/**
 * The dispatcher: claims due deliveries from the outbox, delivers each
 * through its department's channel (signed by Tongban, with an idempotency
 * key stable across retries), records every attempt, retries with backoff
 * and jitter, dead-letters what cannot succeed, and keeps one failing
 * department from slowing the others (a circuit breaker per department).
 */
import { randomUUID } from 'node:crypto';
import CircuitBreaker from 'opossum';
import pRetry from 'p-retry';
import type { Logger } from '../log/index.js';
import type { BatchItemOutcome, PushDepartmentChannel } from '../domain/department-channel.js';
import { isUpstreamError } from '../domain/upstream-error.js';
import type { Store } from '../store/index.js';
import { buildDelivery } from './build-delivery.js';
import type { ClaimedDelivery, LeasedDelivery } from './claimed-delivery.js';
import type { DeliveryFiles } from '../materials/delivery-files.js';
import { claimWithPayloads, markDelivered, markDeliveredBatch, markFailed, releaseClaim, type BatchReceipt } from './delivery-store.js';
import type { SubApplicationDelivery } from '../domain/department-channel.js';
import { OutboxWorker, type RoundPlan } from './outbox-loop.js';
import { backoffMs, isRetryable, type RetryPolicy } from './retry-policy.js';

export interface DispatcherOptions {
  store: Store;
  logger: Logger;
  /** The push channel of a department (rest or soap), or undefined when it has none configured. */
  channelFor: (departmentCode: string) => Promise<PushDepartmentChannel | undefined>;
  retry: RetryPolicy;
  /** Deliveries claimed per round. Default 50. */
  batchSize?: number;
  /** Deliveries in flight at once. Default 32. */
  concurrency?: number;
  /** How long a claim lasts before another dispatcher may take the delivery over (ms). Default 30 s. */
  leaseMs?: number;
  /**
   * The channels' timeout for one push (ms). A push that failed on its
   * connection or timed out is resent within the same attempt only if a
   * whole further try still ends before the claim's lease does; otherwise
   * the attempt fails as retryable and the durable schedule takes over.
   * Without this bound a replica could take over a push still running here.
   * Default 10 s.
   */
  pushTimeoutMs?: number;
  /** Sleep between empty rounds (ms). Default 250. */
  idleMs?: number;
  /** Breaker: failure percentage that opens it, and how long it stays open (ms). */
  breaker?: { errorThresholdPercentage?: number; resetTimeoutMs?: number; volumeThreshold?: number };
  /** Called after every outcome (metrics, alerts). */
  onOutcome?: (event: { delivery: ClaimedDelivery; outcome: 'delivered' | 'retry' | 'dead' | 'deferred'; error?: string }) => void;
  onBreaker?: (departmentCode: string, state: 'open' | 'halfOpen' | 'close') => void;
  /** Makes a delivery's files ready just before it is pushed (generated documents, fresh signed download links). */
  files?: DeliveryFiles;
  now?: () => number;
}

/** Longest wait between two tries of a push within one attempt (ms). */
const IN_ATTEMPT_MAX_WAIT_MS = 100;
/** Time kept, after a push's timeout, to record its outcome while the lease still holds (ms). */
const RECORD_MARGIN_MS = 500;

/** Sleep while every slot is taken, unless a push settles first (ms). */
const FULL_SLEEP_MS = 1000;

export class Dispatcher extends OutboxWorker {
  readonly owner = `dispatcher-${randomUUID()}`;
  /** Per department; each push (single or batched) is one call through it. */
  private readonly breakers = new Map<string, CircuitBreaker<[() => Promise<unknown>], unknown>>();
  /** The last claim found less than it asked for: finished deliveries need not trigger another claim. */
  private drained = false;
  /** Counts notify() calls, so that work committed while a claim runs is not mistaken for "drained". */
  private notifications = 0;

  constructor(private readonly options: DispatcherOptions) {
    super({
      idleMs: options.idleMs ?? 250, now: options.now,
      onError: (error) => options.logger.warn('dispatcher round failed', { error: error.message }),
    });
  }

  override start(): void {
    if (this.loop.isRunning) return;
    this.options.logger.info('dispatcher started', { owner: this.owner });
    super.start();
  }

  /** New work was committed: look now rather than after the idle sleep. */
  override notify(): void {
    this.notifications += 1;
    this.drained = false;
    super.notify();
  }

  /** Stops claiming, waits for deliveries in flight, releases nothing half-done. */
  override async stop(): Promise<void> {
    await super.stop();
    for (const breaker of this.breakers.values()) breaker.shutdown();
  }

  /** Breaker state per department, for ops and metrics. */
  breakerStates(): Record<string, 'open' | 'halfOpen' | 'closed'> {
    return Object.fromEntries([...this.breakers].map(([code, breaker]) => [code, breaker.opened ? 'open' : breaker.halfOpen ? 'halfOpen' : 'closed']));
  }

  /** Runs one round: claim and deliver; resolves when those deliveries are settled. For tests and the CLI. */
  async runOnce(): Promise<number> {
    const claimed = await claimWithPayloads(this.options.store, this.owner, { limit: this.options.batchSize ?? 50, leaseMs: this.options.leaseMs ?? 30_000, now: this.now() });
    const pushes = await this.pushesOf(claimed);
    await Promise.allSettled(pushes.map((push) => this.deliverPush(push)));
    return claimed.length;
  }

  /**
   * Claims what the free slots take, counted in deliveries (the loop's
   * `inFlight`: a batched push counts each it carries), and starts those
   * pushes, tracked. Claims again at once while more is due and a quarter of
   * the slots are free; else sleeps until new work is notified (or the idle
   * time, for retries coming due), or, slots full, until some free up.
   */
  protected override async round(): Promise<RoundPlan> {
    const concurrency = this.options.concurrency ?? 32;
    const batchSize = this.options.batchSize ?? 50;
    // Refill when a quarter of the slots are free: one claim for many deliveries, not one per finished delivery.
    const refillAt = Math.max(1, Math.min(batchSize, Math.ceil(concurrency / 4)));
    const room = concurrency - this.loop.inFlight;
    if (room >= refillAt || (room > 0 && this.loop.inFlight === 0)) {
      const wanted = Math.min(room, batchSize);
      let claimed: (LeasedDelivery & { payload?: SubApplicationDelivery })[] = [];
      const notifications = this.notifications;
      try {
        claimed = await claimWithPayloads(this.options.store, this.owner, { limit: wanted, leaseMs: this.options.leaseMs ?? 30_000, now: this.now() });
      } catch (error) {
        this.options.logger.warn('dispatcher could not claim deliveries', { error: (error as Error).message });
      }
      this.drained = claimed.length < wanted && this.notifications === notifications;
      for (const push of await this.pushesOf(claimed)) this.loop.track(this.deliverPush(push), push.length);
      // More is due and there is still room: claim again at once.
      if (!this.drained && concurrency - this.loop.inFlight >= refillAt) return { again: true, sleepMs: 0 };
    }
    return { again: false, sleepMs: this.drained ? this.options.idleMs ?? 250 : FULL_SLEEP_MS };
  }

  /** Finished deliveries wake the loop only while more is due: once drained, new work is notified. */
  protected override wakesOnSettle(): boolean {
    return !this.drained;
  }

  private breakerFor(departmentCode: string) {
    let breaker = this.breakers.get(departmentCode);
    if (!breaker) {
      const settings = this.options.breaker ?? {};
      breaker = new CircuitBreaker((push: () => Promise<unknown>) => push(), {
        timeout: false,
        errorThresholdPercentage: settings.errorThresholdPercentage ?? 50,
        resetTimeout: settings.resetTimeoutMs ?? 10_000,
        volumeThreshold: settings.volumeThreshold ?? 5,
        // Only failures of the department count; a bad payload is not its fault.
        errorFilter: (error: unknown) => !(isUpstreamError(error) && error.retryable),
      });
      const changed = (state: 'open' | 'halfOpen' | 'close') => () => {
        this.options.logger.warn('department circuit changed', { department: departmentCode, state });
        this.options.onBreaker?.(departmentCode, state);
      };
      breaker.on('open', changed('open'));
      breaker.on('halfOpen', changed('halfOpen'));
      breaker.on('close', changed('close'));
      this.breakers.set(departmentCode, breaker);
    }
    return breaker;
  }

  /**
   * Splits a round's claims into pushes: the deliveries of a department
   * whose channel takes batched pushes go together, up to its batch size (in
   * claim order); every other delivery is a push of its own. A delivery
   * without its payload goes alone, where its failure is recorded.
   */
  private async pushesOf(claimed: readonly Claimed[]): Promise<Claimed[][]> {
    const pushes: Claimed[][] = [];
    const open = new Map<string, { push: Claimed[]; max: number }>();
    const sizes = new Map<string, number>(); // each department's channel looked up once per round
    for (const delivery of claimed) {
      let size = sizes.get(delivery.departmentCode);
      if (size === undefined) sizes.set(delivery.departmentCode, size = await this.batchSizeOf(delivery.departmentCode));
      const max = delivery.payload ? size : 1;
      if (max <= 1) {
        pushes.push([delivery]);
        continue;
      }
      let current = open.get(delivery.departmentCode);
      if (!current || current.push.length >= current.max) {
        current = { push: [], max };
        open.set(delivery.departmentCode, current);
        pushes.push(current.push);
      }
      current.push.push(delivery);
    }
    return pushes;
  }

  private async batchSizeOf(departmentCode: string): Promise<number> {
    try {
      const channel = await this.options.channelFor(departmentCode);
      return channel?.deliverBatch ? channel.maxBatch ?? 1 : 1;
    } catch {
      return 1; // the single push records why the channel is missing
    }
  }

  private deliverPush(push: readonly Claimed[]): Promise<void> {
    return push.length === 1 ? this.deliverOne(push[0]!) : this.deliverBatch(push);
  }

  /**
   * Delivers one claimed delivery (its payload read with the claim, or now);
   * whatever happens, the claim is settled (delivered, rescheduled, dead or released).
   */
  private async deliverOne(claimed: Claimed): Promise<void> {
    const { payload: prebuilt, ...delivery } = claimed;
    const { store, logger } = this.options;
    const startedAt = this.now();
    const attempt = delivery.attempts + 1;
    let settled = false;
    try {
      const channel = await this.options.channelFor(delivery.departmentCode);
      if (!channel) {
        settled = await this.deferNoEndpoint(delivery, startedAt);
        return;
      }
      const breaker = this.breakerFor(delivery.departmentCode);
      if (breaker.opened) {
        settled = await this.deferCircuitOpen(delivery, startedAt);
        return;
      }
      const built = prebuilt ?? await buildDelivery(store, delivery);
      const payload = this.options.files ? await this.options.files.attach(built) : built;
      try {
        const receipt = await this.push(breaker, delivery, () => channel.deliver(payload));
        const durationMs = this.now() - startedAt;
        settled = await markDelivered(store, delivery, this.owner, { acceptanceNumber: receipt.acceptanceNumber, evidence: receipt },
          { deliveryId: delivery.id, attempt, startedAt, durationMs, outcome: 'delivered' });
        this.options.onOutcome?.({ delivery, outcome: 'delivered' });
      } catch (error) {
        settled = await this.recordFailure(delivery, error, startedAt, this.now() - startedAt);
      }
    } catch (error) {
      logger.error('delivery handling failed', { deliveryId: delivery.id, error: (error as Error).message });
    } finally {
      if (!settled) await releaseClaim(store, delivery.id, this.owner, this.now() + 1000).catch(() => undefined);
    }
  }

  /**
   * Delivers several claimed deliveries of one department in one batched
   * push. Each has its own attempt and outcome: its receipt, or its own
   * refusal; a push that failed as a whole fails each the same way. Whatever
   * happens, every claim is settled.
   */
  private async deliverBatch(claimed: readonly Claimed[]): Promise<void> {
    const { store, logger } = this.options;
    const deliveries = claimed.map(({ payload: _payload, ...delivery }) => delivery);
    const departmentCode = deliveries[0]!.departmentCode;
    const startedAt = this.now();
    const settled = new Set<string>();
    const settle = (delivery: { id: string }, done: boolean) => { if (done) settled.add(delivery.id); };
    // Settled together, so that they share one group commit rather than each waiting for its own.
    const settleEach = async (of: readonly LeasedDelivery[], record: (delivery: LeasedDelivery) => Promise<boolean>) => {
      await Promise.all(of.map(async (delivery) => settle(delivery, await record(delivery))));
    };
    try {
      const channel = await this.options.channelFor(departmentCode);
      if (!channel?.deliverBatch) {
        await settleEach(deliveries, (delivery) => this.deferNoEndpoint(delivery, startedAt));
        return;
      }
      const breaker = this.breakerFor(departmentCode);
      if (breaker.opened) {
        await settleEach(deliveries, (delivery) => this.deferCircuitOpen(delivery, startedAt));
        return;
      }
      const files = this.options.files;
      const payloads = await Promise.all(claimed.map((delivery) => (files ? files.attach(delivery.payload!) : delivery.payload!)));
      // The whole push must fit in the lease of every delivery it carries: the earliest one bounds the retries.
      const lease = deliveries.reduce((earliest, delivery) => (delivery.leaseExpiresAt < earliest.leaseExpiresAt ? delivery : earliest));
      let outcomes: BatchItemOutcome[];
      try {
        outcomes = await this.push(breaker, lease, () => channel.deliverBatch!(payloads));
      } catch (error) {
        const durationMs = this.now() - startedAt;
        await settleEach(deliveries, (delivery) => this.recordFailure(delivery, error, startedAt, durationMs));
        return;
      }
      const durationMs = this.now() - startedAt;
      const receipts: BatchReceipt[] = [];
      const refused: { delivery: LeasedDelivery; error: Error }[] = [];
      let answer: { signature: string; body: string } | undefined;
      for (const [index, outcome] of outcomes.entries()) {
        const delivery = deliveries[index]!;
        if (outcome.receipt) {
          const { evidence } = outcome.receipt;
          if (evidence.format === 'tongban-signature-v1-batch') answer ??= { signature: evidence.signature, body: evidence.body };
          receipts.push({ delivery, receipt: outcome.receipt, attempt: { deliveryId: delivery.id, attempt: delivery.attempts + 1, startedAt, durationMs, outcome: 'delivered' } });
        } else {
          refused.push({ delivery, error: outcome.error });
        }
      }
      const storeReceipts = async () => {
        if (receipts.length === 0 || !answer) return;
        const held = await markDeliveredBatch(store, this.owner, { departmentCode, ...answer, at: startedAt + durationMs }, receipts);
        receipts.forEach(({ delivery }, index) => {
          settle(delivery, held[index]!);
          if (held[index]) this.options.onOutcome?.({ delivery, outcome: 'delivered' });
        });
      };
      await Promise.all([storeReceipts(), ...refused.map(async ({ delivery, error }) => settle(delivery, await this.recordFailure(delivery, error, startedAt, durationMs)))]);
    } catch (error) {
      logger.error('batched delivery handling failed', { department: departmentCode, deliveries: deliveries.length, error: (error as Error).message });
    } finally {
      for (const delivery of deliveries) {
        if (!settled.has(delivery.id)) await releaseClaim(store, delivery.id, this.owner, this.now() + 1000).catch(() => undefined);
      }
    }
  }

  /**
   * One push through the department's breaker. Within one attempt, a reset
   * or timeout is retried at once a couple of times (the idempotency keys
   * make it safe) — only while a whole further try (its wait, its timeout, a
   * margin to record it) ends before the lease does.
   */
  private push<T>(breaker: CircuitBreaker<[() => Promise<unknown>], unknown>, lease: LeasedDelivery, call: () => Promise<T>): Promise<T> {
    const tryFitsInLease = () => this.now() + IN_ATTEMPT_MAX_WAIT_MS + (this.options.pushTimeoutMs ?? 10_000) + RECORD_MARGIN_MS < lease.leaseExpiresAt;
    return pRetry(() => breaker.fire(call) as Promise<T>, {
      retries: 2, minTimeout: 20, maxTimeout: IN_ATTEMPT_MAX_WAIT_MS, randomize: true,
      shouldRetry: ({ error }) => isUpstreamError(error) && (error.kind === 'connection' || error.kind === 'timeout') && !breaker.opened && tryFitsInLease(),
    });
  }

  /** A failed attempt: rescheduled with backoff, or dead-lettered (not retryable, or the last attempt). */
  private async recordFailure(delivery: LeasedDelivery, error: unknown, startedAt: number, durationMs: number): Promise<boolean> {
    const { store, logger, retry } = this.options;
    const attempt = delivery.attempts + 1;
    const message = (error as Error).message ?? String(error);
    const retryable = isRetryable(error) || (error as { code?: string }).code === 'EOPENBREAKER';
    const dead = !retryable || attempt >= retry.maxAttempts;
    const settled = await markFailed(store, delivery, this.owner, { dead, nextAttemptAt: startedAt + durationMs + backoffMs(retry, attempt), countsAsAttempt: true, error: message },
      { deliveryId: delivery.id, attempt, startedAt, durationMs, outcome: dead ? 'dead' : 'retry', errorCode: isUpstreamError(error) ? `UPSTREAM_${error.kind.toUpperCase()}` : 'DELIVERY_FAILED', error: message });
    if (dead) logger.warn('delivery dead-lettered', { deliveryId: delivery.id, department: delivery.departmentCode, attempt, error: message });
    this.options.onOutcome?.({ delivery, outcome: dead ? 'dead' : 'retry', error: message });
    return settled;
  }

  private async deferNoEndpoint(delivery: LeasedDelivery, startedAt: number): Promise<boolean> {
    const settled = await markFailed(this.options.store, delivery, this.owner, { dead: false, nextAttemptAt: startedAt + this.options.retry.capMs, countsAsAttempt: false, error: `no ${delivery.channel} endpoint configured for department ${delivery.departmentCode}` },
      { deliveryId: delivery.id, attempt: delivery.attempts + 1, startedAt, durationMs: 0, outcome: 'deferred', errorCode: 'NO_ENDPOINT' });
    this.options.onOutcome?.({ delivery, outcome: 'deferred', error: 'no endpoint' });
    return settled;
  }

  private async deferCircuitOpen(delivery: LeasedDelivery, startedAt: number): Promise<boolean> {
    const settled = await markFailed(this.options.store, delivery, this.owner, { dead: false, nextAttemptAt: startedAt + (this.options.breaker?.resetTimeoutMs ?? 10_000), countsAsAttempt: false, error: `circuit open for department ${delivery.departmentCode}` },
      { deliveryId: delivery.id, attempt: delivery.attempts + 1, startedAt, durationMs: 0, outcome: 'deferred', errorCode: 'CIRCUIT_OPEN' });
    this.options.onOutcome?.({ delivery, outcome: 'deferred', error: 'circuit open' });
    return settled;
  }
}

/** A claimed delivery with its payload, when it could be built with the claim. */
type Claimed = LeasedDelivery & { payload?: SubApplicationDelivery };
