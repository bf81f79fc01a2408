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
import type { DeliveryReceipt, PushDepartmentChannel } from '../spec/department-channel.js';
import { isUpstreamError } from '../spec/upstream-error.js';
import type { Store } from '../store/index.js';
import { buildDelivery } from './build-delivery.js';
import { claimWithPayloads, markDelivered, markFailed, releaseClaim, type ClaimedDelivery, type LeasedDelivery } from './delivery-store.js';
import type { SubApplicationDelivery } from '../spec/department-channel.js';
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
  now?: () => number;
}

/** Longest wait between two tries of a push within one attempt (ms). */
const IN_ATTEMPT_MAX_WAIT_MS = 100;
/** Time kept, after a push's timeout, to record its outcome while the lease still holds (ms). */
const RECORD_MARGIN_MS = 500;

export class Dispatcher {
  readonly owner = `dispatcher-${randomUUID()}`;
  private readonly breakers = new Map<string, CircuitBreaker<[PushDepartmentChannel, Parameters<PushDepartmentChannel['deliver']>[0]], DeliveryReceipt>>();
  private running = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private readonly inFlight = new Set<Promise<void>>();
  /** The last claim found less than it asked for: finished deliveries need not trigger another claim. */
  private drained = false;
  /** Counts notify() calls, so that work committed while a claim runs is not mistaken for "drained". */
  private notifications = 0;

  constructor(private readonly options: DispatcherOptions) {}

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.options.logger.info('dispatcher started', { owner: this.owner });
    this.loop = this.run();
  }

  /** New work was committed: look now rather than after the idle sleep. */
  notify(): void {
    this.notifications += 1;
    this.drained = false;
    this.wake?.();
  }

  /** Stops claiming, waits for deliveries in flight, releases nothing half-done. */
  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
    await Promise.allSettled([...this.inFlight]);
    for (const breaker of this.breakers.values()) breaker.shutdown();
  }

  /** Breaker state per department, for ops and metrics. */
  breakerStates(): Record<string, 'open' | 'halfOpen' | 'closed'> {
    return Object.fromEntries([...this.breakers].map(([code, breaker]) => [code, breaker.opened ? 'open' : breaker.halfOpen ? 'halfOpen' : 'closed']));
  }

  /** Runs one round: claim and deliver; resolves when those deliveries are settled. For tests and the CLI. */
  async runOnce(): Promise<number> {
    const claimed = await claimWithPayloads(this.options.store, this.owner, { limit: this.options.batchSize ?? 50, leaseMs: this.options.leaseMs ?? 30_000, now: this.now() });
    await Promise.allSettled(claimed.map((delivery) => this.deliverOne(delivery)));
    return claimed.length;
  }

  private async run(): Promise<void> {
    const concurrency = this.options.concurrency ?? 32;
    const batchSize = this.options.batchSize ?? 50;
    // Refill when a quarter of the slots are free: one claim for many deliveries, not one per finished delivery.
    const refillAt = Math.max(1, Math.min(batchSize, Math.ceil(concurrency / 4)));
    while (this.running) {
      const room = concurrency - this.inFlight.size;
      if (room >= refillAt || (room > 0 && this.inFlight.size === 0)) {
        const wanted = Math.min(room, batchSize);
        let claimed: (LeasedDelivery & { payload?: SubApplicationDelivery })[] = [];
        const notifications = this.notifications;
        try {
          claimed = await claimWithPayloads(this.options.store, this.owner, { limit: wanted, leaseMs: this.options.leaseMs ?? 30_000, now: this.now() });
        } catch (error) {
          this.options.logger.warn('dispatcher could not claim deliveries', { error: (error as Error).message });
        }
        this.drained = claimed.length < wanted && this.notifications === notifications;
        for (const delivery of claimed) {
          const task = this.deliverOne(delivery).finally(() => {
            this.inFlight.delete(task);
            if (!this.drained) this.wake?.();
          });
          this.inFlight.add(task);
        }
        // More is due and there is still room: claim again at once.
        if (!this.drained && concurrency - this.inFlight.size >= refillAt) continue;
      }
      // Nothing due: sleep until new work is notified (or the idle time, for retries coming due). Slots full: until some free up.
      await this.sleep(this.drained ? this.options.idleMs ?? 250 : 1000);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() { clearTimeout(timer); resolve(); }
      this.wake = done;
    });
  }

  private breakerFor(departmentCode: string) {
    let breaker = this.breakers.get(departmentCode);
    if (!breaker) {
      const settings = this.options.breaker ?? {};
      breaker = new CircuitBreaker((channel: PushDepartmentChannel, payload: Parameters<PushDepartmentChannel['deliver']>[0]) => channel.deliver(payload), {
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
   * Delivers one claimed delivery (its payload read with the claim, or now);
   * whatever happens, the claim is settled (delivered, rescheduled, dead or released).
   */
  private async deliverOne(claimed: LeasedDelivery & { payload?: SubApplicationDelivery }): Promise<void> {
    const { payload: prebuilt, ...delivery } = claimed;
    const { store, logger, retry } = this.options;
    const startedAt = this.now();
    const attempt = delivery.attempts + 1;
    let settled = false;
    try {
      const channel = await this.options.channelFor(delivery.departmentCode);
      if (!channel) {
        settled = await markFailed(store, delivery, this.owner, { dead: false, nextAttemptAt: startedAt + retry.capMs, countsAsAttempt: false, error: `no ${delivery.channel} endpoint configured for department ${delivery.departmentCode}` },
          { deliveryId: delivery.id, attempt, startedAt, durationMs: 0, outcome: 'deferred', errorCode: 'NO_ENDPOINT' });
        this.options.onOutcome?.({ delivery, outcome: 'deferred', error: 'no endpoint' });
        return;
      }
      const breaker = this.breakerFor(delivery.departmentCode);
      if (breaker.opened) {
        settled = await markFailed(store, delivery, this.owner, { dead: false, nextAttemptAt: startedAt + (this.options.breaker?.resetTimeoutMs ?? 10_000), countsAsAttempt: false, error: `circuit open for department ${delivery.departmentCode}` },
          { deliveryId: delivery.id, attempt, startedAt, durationMs: 0, outcome: 'deferred', errorCode: 'CIRCUIT_OPEN' });
        this.options.onOutcome?.({ delivery, outcome: 'deferred', error: 'circuit open' });
        return;
      }
      const payload = prebuilt ?? await buildDelivery(store, delivery);
      try {
        // Within one attempt, a reset or timeout is retried at once a couple of times: the idempotency key makes it safe.
        // Only while a whole further try (its wait, its timeout, a margin to record it) ends before the lease does.
        const tryFitsInLease = () => this.now() + IN_ATTEMPT_MAX_WAIT_MS + (this.options.pushTimeoutMs ?? 10_000) + RECORD_MARGIN_MS < delivery.leaseExpiresAt;
        const receipt = await pRetry(() => breaker.fire(channel, payload), {
          retries: 2, minTimeout: 20, maxTimeout: IN_ATTEMPT_MAX_WAIT_MS, randomize: true,
          shouldRetry: ({ error }) => isUpstreamError(error) && (error.kind === 'connection' || error.kind === 'timeout') && !breaker.opened && tryFitsInLease(),
        });
        const durationMs = this.now() - startedAt;
        settled = await markDelivered(store, delivery, this.owner, { acceptanceNumber: receipt.acceptanceNumber, evidence: receipt },
          { deliveryId: delivery.id, attempt, startedAt, durationMs, outcome: 'delivered' });
        this.options.onOutcome?.({ delivery, outcome: 'delivered' });
      } catch (error) {
        const durationMs = this.now() - startedAt;
        const message = (error as Error).message ?? String(error);
        const retryable = isRetryable(error) || (error as { code?: string }).code === 'EOPENBREAKER';
        const dead = !retryable || attempt >= retry.maxAttempts;
        settled = await markFailed(store, delivery, this.owner, { dead, nextAttemptAt: startedAt + durationMs + backoffMs(retry, attempt), countsAsAttempt: true, error: message },
          { deliveryId: delivery.id, attempt, startedAt, durationMs, outcome: dead ? 'dead' : 'retry', errorCode: isUpstreamError(error) ? `UPSTREAM_${error.kind.toUpperCase()}` : 'DELIVERY_FAILED', error: message });
        if (dead) logger.warn('delivery dead-lettered', { deliveryId: delivery.id, department: delivery.departmentCode, attempt, error: message });
        this.options.onOutcome?.({ delivery, outcome: dead ? 'dead' : 'retry', error: message });
      }
    } catch (error) {
      logger.error('delivery handling failed', { deliveryId: delivery.id, error: (error as Error).message });
    } finally {
      if (!settled) await releaseClaim(store, delivery.id, this.owner, this.now() + 1000).catch(() => undefined);
    }
  }
}
