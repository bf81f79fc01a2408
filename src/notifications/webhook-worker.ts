/**
 * The webhook worker: claims due webhook deliveries (first in line per
 * application and endpoint), signs each with Tongban's active key (Standard
 * Webhooks headers), POSTs it, and records the outcome: 2xx delivered;
 * anything else, a timeout or a refused connection retried with exponential
 * backoff (capped, with jitter) until the last attempt makes it dead. A
 * delivery to a revoked client or a disabled endpoint is not sent: it is
 * marked dead with the reason.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from '../log/index.js';
import type { Store } from '../store/index.js';
import type { PrivateJwk } from '../trust/algorithms.js';
import { OutboxWorker } from '../delivery/outbox-loop.js';
import { backoffMs, type RetryPolicy } from '../delivery/retry-policy.js';
import { signWebhook } from './webhook-signature.js';
import { claimWebhooks, releaseWebhook, settleWebhook, type ClaimedWebhook, type WebhookOutcome } from './webhook-store.js';

export interface WebhookWorkerOptions {
  store: Store;
  logger: Logger;
  /** Tongban's active signing key, read at each send (a rotation takes effect at once). */
  signingKey: () => PrivateJwk;
  retry: RetryPolicy;
  /** Timeout of one POST (ms). Default 10 s. */
  timeoutMs?: number;
  /** Deliveries in flight at once. Default 8. */
  concurrency?: number;
  /** How long a claim lasts before another worker may take it over (ms): longer than a send can take. Default twice the timeout + 1 s. */
  leaseMs?: number;
  /** Sleep between empty rounds (ms): how soon a retry coming due or an event committed elsewhere is seen. Default 250. */
  idleMs?: number;
  /** Called after every outcome (metrics). */
  onOutcome?: (event: { delivery: ClaimedWebhook; outcome: WebhookOutcome['kind'] | 'retry' | 'dead' }) => void;
  now?: () => number;
}

/** The longest answer body kept as the error of a failed attempt. */
const MAX_ERROR_BODY = 200;

export class WebhookWorker extends OutboxWorker {
  readonly owner = `webhooks-${randomUUID()}`;

  constructor(private readonly options: WebhookWorkerOptions) {
    super({
      idleMs: options.idleMs ?? 250, now: options.now,
      onError: (error) => options.logger.warn('webhook worker could not claim deliveries', { error: error.message }),
    });
  }

  /** One round: claim and send; resolves when those sends are settled. For tests and the CLI. */
  async runOnce(): Promise<number> {
    const claimed = await claimWebhooks(this.options.store, this.owner, this.claimOptions(this.options.concurrency ?? 8));
    await Promise.allSettled(claimed.map((delivery) => this.deliver(delivery)));
    return claimed.length;
  }

  private claimOptions(limit: number) {
    const timeoutMs = this.options.timeoutMs ?? 10_000;
    return { limit, leaseMs: this.options.leaseMs ?? 2 * timeoutMs + 1000, now: this.now() };
  }

  /**
   * Claims what the free slots take and starts those sends, tracked: each
   * that settles wakes the loop (it may free the next message of its application).
   */
  protected override async round(): Promise<number> {
    const room = (this.options.concurrency ?? 8) - this.loop.inFlight;
    if (room <= 0) return 0;
    const claimed = await claimWebhooks(this.options.store, this.owner, this.claimOptions(room));
    for (const delivery of claimed) this.loop.track(this.deliver(delivery));
    return claimed.length;
  }

  /** Sends one delivery and records its outcome; whatever happens, the claim is settled or released. */
  private async deliver(delivery: ClaimedWebhook): Promise<void> {
    const { store, logger } = this.options;
    let settled = false;
    try {
      const outcome = await this.attempt(delivery);
      settled = await settleWebhook(store, delivery, this.owner, outcome, this.now());
      const reported = outcome.kind === 'failed' ? (outcome.dead ? 'dead' : 'retry') : outcome.kind;
      if (reported === 'dead' || outcome.kind === 'skipped') logger.warn('webhook dead-lettered', { deliveryId: delivery.id, endpointId: delivery.endpointId, error: 'error' in outcome ? outcome.error : undefined });
      this.options.onOutcome?.({ delivery, outcome: reported });
    } catch (error) {
      logger.error('webhook handling failed', { deliveryId: delivery.id, error: (error as Error).message });
    } finally {
      if (!settled) await releaseWebhook(store, delivery.id, this.owner, this.now()).catch(() => undefined);
    }
  }

  private async attempt(delivery: ClaimedWebhook): Promise<WebhookOutcome> {
    if (delivery.clientStatus !== 'active') return { kind: 'skipped', error: `client ${delivery.clientId} is ${delivery.clientStatus ?? 'unknown'}: nothing is sent to it` };
    if (delivery.endpointStatus !== 'active') return { kind: 'skipped', error: `endpoint ${delivery.endpointId} is disabled` };
    const attempt = delivery.attempts + 1;
    const failed = (status: number | null, error: string): WebhookOutcome => {
      const dead = attempt >= this.options.retry.maxAttempts;
      return { kind: 'failed', status, error, dead, nextAttemptAt: this.now() + backoffMs(this.options.retry, attempt) };
    };
    const headers = signWebhook(this.options.signingKey(), { id: delivery.messageId, timestampSeconds: Math.floor(this.now() / 1000), body: delivery.payload });
    let response: Response;
    try {
      response = await fetch(delivery.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'Tongban-Webhooks/1', ...headers },
        body: delivery.payload,
        redirect: 'manual', // a redirect could point anywhere: it is a failure, not followed
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code;
      const name = (error as Error).name;
      return failed(null, name === 'TimeoutError' ? `no answer within ${this.options.timeoutMs ?? 10_000} ms` : `connection failed${cause ? ` (${cause})` : ''}: ${(error as Error).message}`);
    }
    const text = await response.text().catch(() => '');
    if (response.status >= 200 && response.status < 300) return { kind: 'delivered', status: response.status };
    return failed(response.status, `HTTP ${response.status}${text ? `: ${text.slice(0, MAX_ERROR_BODY)}` : ''}`);
  }
}
