/**
 * The worker that sends the evaluation outbox to the provincial 好差评
 * system: claims due pushes under a lease, pushes each evaluation and then
 * its follow-up steps in order, retries retryable failures with exponential
 * backoff and jitter, dead-letters the rest after the last attempt (ops
 * replay them). The province answers a repeated push or step as a success
 * (一事一评 de-duplication), so a push retried after a lost answer records once.
 */
import { randomUUID } from 'node:crypto';
import type { EvaluationSystem, RectificationStep } from '../domain/evaluation.js';
import { isUpstreamError } from '../domain/upstream-error.js';
import { backoffMs, isRetryable, type RetryPolicy } from '../delivery/retry-policy.js';
import type { Logger } from '../log/index.js';
import type { Store } from '../store/index.js';
import { OutboxWorker } from '../delivery/outbox-loop.js';
import { evaluationToPush } from './build-push.js';
import { claimDuePushes, markPushDelivered, markPushFailed, releasePush, type ClaimedPush } from './push-outbox.js';

export interface EvaluationPusherOptions {
  store: Store;
  system: EvaluationSystem;
  logger: Logger;
  retry: RetryPolicy;
  /** How long a claim lasts before another replica may take the push over (ms). Default 30 s. */
  leaseMs?: number;
  /** The adapter's timeout of one call (ms): a claimed push is sent only while its lease has room for a whole call. Default 5 s. */
  pushTimeoutMs?: number;
  /** Pushes claimed per round. Default 20. */
  batchSize?: number;
  /** Sleep between empty rounds (ms). Default 500. */
  idleMs?: number;
  /** Called after every outcome (metrics, alerts, tests). */
  onOutcome?: (event: { push: ClaimedPush; outcome: 'delivered' | 'retry' | 'dead'; error?: string }) => void;
  now?: () => number;
}

export class EvaluationPusher extends OutboxWorker {
  readonly owner = `evaluation-pusher-${randomUUID()}`;
  /** Set by stop(): a round in progress sends nothing more. */
  private stopping = false;

  constructor(private readonly options: EvaluationPusherOptions) {
    super({
      idleMs: options.idleMs ?? 500, now: options.now,
      onError: (error) => options.logger.warn('evaluation pushes not claimed', { error: error.message }),
    });
  }

  /** Stops claiming and waits for the round in progress (what it has not started goes back untouched). */
  override async stop(): Promise<void> {
    this.stopping = true;
    await super.stop();
  }

  /** One round: claim and push, in order. Resolves with how many pushes were claimed. For tests and the CLI. */
  async runOnce(): Promise<number> {
    const leaseMs = this.options.leaseMs ?? 30_000;
    const claimedAt = this.now();
    const claimed = await claimDuePushes(this.options.store, this.owner, { limit: this.options.batchSize ?? 20, leaseMs, now: claimedAt });
    for (const [index, push] of claimed.entries()) {
      // Stopping, or the lease could run out mid-call (another replica may then take the push over): the rest goes back
      // untouched. The first is always sent, whatever the settings (a repeat is answered as a duplicate by the province).
      const leaseTooShort = index > 0 && this.now() + (this.options.pushTimeoutMs ?? 5000) >= claimedAt + leaseMs;
      if (this.stopping || leaseTooShort) {
        for (const rest of claimed.slice(index)) await releasePush(this.options.store, rest.id, this.owner, this.now()).catch(() => undefined);
        break;
      }
      await this.send(push);
    }
    return claimed.length;
  }

  private async send(push: ClaimedPush): Promise<void> {
    const { store, logger } = this.options;
    try {
      const provinceId = await this.pushOne(push);
      await markPushDelivered(store, push, this.owner, { provinceId, at: this.now() });
      this.options.onOutcome?.({ push, outcome: 'delivered' });
    } catch (error) {
      const attempt = push.attempts + 1;
      const dead = !isRetryable(error) || attempt >= this.options.retry.maxAttempts;
      const message = describe(error);
      const recorded = await markPushFailed(store, push, this.owner, { dead, nextAttemptAt: this.now() + backoffMs(this.options.retry, attempt), error: message, at: this.now() })
        .catch((failure: unknown) => { logger.warn('evaluation push outcome not recorded', { pushId: push.id, error: (failure as Error).message }); return false; });
      if (!recorded) return;
      const details = { pushId: push.id, evaluationId: push.evaluationId, kind: push.kind, attempt, error: message };
      if (dead) logger.error('evaluation push dead-lettered', details);
      else logger.warn('evaluation push failed, will retry', details);
      this.options.onOutcome?.({ push, outcome: dead ? 'dead' : 'retry', error: message });
    }
  }

  /** Sends one push; resolves with the province's 评价编号. */
  private async pushOne(push: ClaimedPush): Promise<string> {
    const found = await evaluationToPush(this.options.store, push.evaluationId);
    if (!found) throw new Error(`evaluation ${push.evaluationId} is missing`);
    if (push.kind === 'evaluation') return (await this.options.system.push(found.evaluation)).evaluationId;
    if (found.provinceId === null) throw new Error(`evaluation ${push.evaluationId} has no 评价编号 yet`);
    await this.options.system.recordRectification(found.provinceId, push.payload as unknown as RectificationStep);
    return found.provinceId;
  }
}

function describe(error: unknown): string {
  if (isUpstreamError(error)) return `${error.kind}${error.upstreamCode === undefined ? '' : ` ${error.upstreamCode}`}: ${error.message}`;
  return (error as Error).message ?? String(error);
}
