/**
 * The inbox department channel: departments behind a front-end processor
 * (前置机) cannot be called, so "delivering" means putting the sub-application
 * into Tongban's own inbox for the department to pull. The receipt arrives
 * later with the department's acknowledgement (see verify-inbox-ack.ts).
 */
import type { InboxDepartmentChannel, QueuedDelivery, SubApplicationDelivery } from '../../src/domain/department-channel.js';

/** Settings of {@link createInboxDepartmentAdapter}. */
export interface InboxDepartmentSettings {
  /**
   * Stores the delivery in Tongban's inbox (the delivery engine's table).
   * Must be idempotent by `deliveryId`: a retried delivery is stored once.
   */
  enqueue(delivery: SubApplicationDelivery): Promise<void>;
  /** Department code, when the channel is bound to one (checked on each delivery). */
  departmentCode?: string;
}

/** An inbox department channel (`kind` "inbox"): `deliver` resolves `{ queued: true }` once stored. */
export function createInboxDepartmentAdapter(settings: InboxDepartmentSettings): InboxDepartmentChannel {
  return {
    kind: 'inbox',
    ...(settings.departmentCode === undefined ? {} : { departmentCode: settings.departmentCode }),
    async deliver(delivery: SubApplicationDelivery): Promise<QueuedDelivery> {
      if (settings.departmentCode !== undefined && delivery.departmentCode !== settings.departmentCode) {
        throw new TypeError(`delivery ${delivery.deliveryId} is for department ${delivery.departmentCode}, not ${settings.departmentCode}`);
      }
      // Storing fails only inside Tongban (its database): that error is not an upstream one, so it passes through unchanged.
      await settings.enqueue(delivery);
      return { queued: true };
    },
  };
}
