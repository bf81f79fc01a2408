/**
 * When to try a failed delivery again: exponential backoff with full jitter,
 * capped; a limit on attempts after which the delivery is a dead letter.
 */
import { isUpstreamError } from '../domain/upstream-error.js';

export interface RetryPolicy {
  /** Attempts before a retryable failure becomes a dead letter. */
  readonly maxAttempts: number;
  /** First backoff (ms). */
  readonly baseMs: number;
  /** Longest backoff (ms). */
  readonly capMs: number;
}

/** Delay before attempt `attempt + 1` after `attempt` failures: random in [base·2^(n-1)/2, base·2^(n-1)], capped. */
export function backoffMs(policy: RetryPolicy, attempt: number, random: () => number = Math.random): number {
  const exponential = Math.min(policy.capMs, policy.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(exponential / 2 + random() * (exponential / 2));
}

/** Whether a delivery error may succeed later: UpstreamErrors say so; anything else (a bug, a bad receipt) is not retried. */
export function isRetryable(error: unknown): boolean {
  return isUpstreamError(error) ? error.retryable : false;
}
