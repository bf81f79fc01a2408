/**
 * What the outbox holds, read at scrape time: one cheap query each (both
 * use the `deliveries (state, next_attempt_at)` index).
 */
import type { Store } from '../store/index.js';

/** States of deliveries still in the outbox (delivered and cancelled ones are history). */
export const OPEN_DELIVERY_STATES = ['waiting', 'pending', 'in_flight', 'dead'] as const;

/** Deliveries per open state (every state present, zero when none). */
export async function outboxDepth(store: Store): Promise<Record<(typeof OPEN_DELIVERY_STATES)[number], number>> {
  const { rows } = await store.query<{ state: string; count: number | string }>(
    `SELECT state, COUNT(*) AS count FROM deliveries WHERE state IN (${OPEN_DELIVERY_STATES.map((_, index) => `$${index + 1}`).join(', ')}) GROUP BY state`,
    [...OPEN_DELIVERY_STATES]);
  const depth = Object.fromEntries(OPEN_DELIVERY_STATES.map((state) => [state, 0])) as Record<(typeof OPEN_DELIVERY_STATES)[number], number>;
  for (const row of rows) depth[row.state as (typeof OPEN_DELIVERY_STATES)[number]] = Number(row.count);
  return depth;
}

/** How long the oldest due pending delivery has been due (s); 0 when nothing is due. */
export async function oldestDueAgeSeconds(store: Store, now: number): Promise<number> {
  const { rows } = await store.query<{ oldest: number | string | null }>(
    "SELECT MIN(next_attempt_at) AS oldest FROM deliveries WHERE state = 'pending' AND next_attempt_at <= $1", [now]);
  const oldest = rows[0]?.oldest;
  return oldest === null || oldest === undefined ? 0 : Math.max(0, (now - Number(oldest)) / 1000);
}
