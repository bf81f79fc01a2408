/**
 * Fees (网上缴费, issue #20): payments of fee-bearing sub-applications
 * through the unified public payment platform — notices made by a durable
 * worker, payment notifications verified and replay-protected, gates on
 * delivery and results, refunds on rejection, daily reconciliation.
 * `createPayments` wires it for the composition root.
 */
import { paymentRoutes } from '../api/routes/payments.js';
import type { Route } from '../api/routes/route.js';
import type { Config } from '../config/index.js';
import type { PaymentPlatform } from '../domain/payment.js';
import type { Logger } from '../log/index.js';
import type { OpsReader, Store } from '../store/index.js';
import { PaymentWorker } from './payment-worker.js';
import { PAYMENT_NOTIFICATION_PATH } from './receive-notification.js';

export { PAYMENT_NOTIFICATION_PATH };
export { PaymentWorker } from './payment-worker.js';
export { readPayments, heldResults, RESULTS_HELD_SQL } from './read-payments.js';
export { reconcile } from './reconcile.js';

export interface Payments {
  readonly platform: PaymentPlatform | undefined;
  readonly worker: PaymentWorker;
  readonly routes: Route[];
}

/** The payment worker (not started) and the routes, over the platform the composition root made (absent when TONGBAN_PAYMENT_URL is unset). */
export function createPayments(config: Config, deps: { store: Store; reader: OpsReader; logger: Logger; platform: PaymentPlatform | undefined; onReleased: () => void }): Payments {
  const { platform } = deps;
  if (!platform) deps.logger.warn('no payment platform configured (TONGBAN_PAYMENT_URL): fee notices wait (status creating) and fee-gated deliveries stay held');
  const worker = new PaymentWorker({
    store: deps.store, logger: deps.logger, platform, onReleased: deps.onReleased,
    retry: { maxAttempts: config.deliveryMaxAttempts, baseMs: config.deliveryBackoffBaseMs, capMs: config.deliveryBackoffCapMs },
    pullIntervalMs: config.paymentPullIntervalMs, leaseMs: config.deliveryLeaseMs,
  });
  const routes = paymentRoutes({ store: deps.store, reader: deps.reader, platform, onReleased: () => { deps.onReleased(); worker.notify(); } });
  return { platform, worker, routes };
}
