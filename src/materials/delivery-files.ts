/**
 * What a delivery's files need just before each push or inbox lease, off the
 * intake path: each step returns the delivery with its files completed
 * (generated documents made, fresh signed download links put on).
 */
import type { SubApplicationDelivery } from '../domain/department-channel.js';

export interface DeliveryFiles {
  /** The delivery with this step's part of its files done; the stored delivery is not changed. */
  attach(delivery: SubApplicationDelivery): Promise<SubApplicationDelivery>;
}

/** The steps, one after the other. */
export function chainDeliveryFiles(...steps: readonly DeliveryFiles[]): DeliveryFiles {
  return {
    async attach(delivery) {
      let done = delivery;
      for (const step of steps) done = await step.attach(done);
      return done;
    },
  };
}
