/** `payment.updated`: every step of a payment the platform cares about, in the transaction of the change. */
import { recordPlatformEvent } from '../notifications/platform-events.js';
import type { Queryable } from '../store/index.js';

export async function notifyPayment(tx: Queryable, event: { applicationId: string; subApplicationId: string; at: number; data: Record<string, unknown> }): Promise<void> {
  await recordPlatformEvent(tx, { applicationId: event.applicationId, subApplicationId: event.subApplicationId, type: 'payment.updated', at: event.at, data: event.data });
}
