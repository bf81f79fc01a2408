/** A delivery as a dispatcher (or an inbox lease) holds it while working on it. */

export interface ClaimedDelivery {
  id: string;
  subApplicationId: string;
  departmentCode: string;
  channel: string;
  idempotencyKey: string;
  attempts: number;
}

/** A delivery claimed by a dispatcher, with its lease. */
export interface LeasedDelivery extends ClaimedDelivery {
  /** When this claim's lease runs out (epoch ms): after it another dispatcher may take the delivery over. */
  leaseExpiresAt: number;
}
