/**
 * What the outbox holds, read at scrape time without counting deliveries:
 * the depth from the delivery counts (src/ops/counters.ts), the oldest due
 * one from the head of the `deliveries (state, next_attempt_at)` index.
 */
import type { Queryable } from '../store/index.js';
import { stateCounts } from './counters.js';

/**
 * States of deliveries still in the outbox (delivered and cancelled ones are
 * history), in queue order: `awaiting_payment` is a delivery a fee due before
 * acceptance holds (docs/payments.md) — open, though not yet due to push.
 */
export const OPEN_DELIVERY_STATES = ['waiting', 'awaiting_payment', 'pending', 'in_flight', 'dead'] as const;

/** Deliveries per open state (every state present, zero when none). */
export async function outboxDepth(reader: Queryable): Promise<Record<(typeof OPEN_DELIVERY_STATES)[number], number>> {
  return stateCounts(reader, OPEN_DELIVERY_STATES);
}

/** The SQL of {@link oldestDueAgeSeconds} (exported for the query-plan test). */
export const OLDEST_DUE_SQL = "SELECT MIN(next_attempt_at) AS oldest FROM deliveries WHERE state = 'pending' AND next_attempt_at <= $1";

/** How long the oldest due pending delivery has been due (s); 0 when nothing is due. */
export async function oldestDueAgeSeconds(reader: Queryable, now: number): Promise<number> {
  const { rows } = await reader.query<{ oldest: number | string | null }>(OLDEST_DUE_SQL, [now]);
  const oldest = rows[0]?.oldest;
  return oldest === null || oldest === undefined ? 0 : Math.max(0, (now - Number(oldest)) / 1000);
}
