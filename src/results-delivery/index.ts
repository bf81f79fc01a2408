/**
 * How results reach the applicant (领证方式, issue #19): the choice made at
 * submission, the window hand-over (一窗出件), posted results and mailings
 * of originals (邮政寄递, 双向寄递) through the government mail service.
 * `createResultDelivery` wires it for the composition root.
 */
import { resultDeliveryRoutes } from '../api/routes/result-delivery.js';
import type { Route } from '../api/routes/route.js';
import type { Config } from '../config/index.js';
import type { LogisticsService } from '../domain/logistics.js';
import type { IdentityService } from '../identity/index.js';
import type { Logger } from '../log/index.js';
import type { OpsReader, Store } from '../store/index.js';
import { PostingWorker } from './posting-worker.js';
import { LOGISTICS_PUSH_PATH } from './receive-push.js';

export { LOGISTICS_PUSH_PATH };

export { readResultDelivery, recordResultDelivery, type ResultDeliveryChoice } from './choice.js';
export { readResultDeliverySections } from './read-result-delivery.js';
export { PostingWorker } from './posting-worker.js';

export interface ResultDelivery {
  /** The mail service, when configured. */
  readonly logistics: LogisticsService | undefined;
  /** Moves ready results on, makes and tracks waybills. */
  readonly worker: PostingWorker;
  readonly routes: Route[];
}

/**
 * The posting worker (not started) and the routes, over the mail service the
 * composition root made (absent when TONGBAN_LOGISTICS_URL is unset).
 */
export function createResultDelivery(config: Config, deps: { store: Store; reader: OpsReader; logger: Logger; identity: IdentityService; logistics: LogisticsService | undefined }): ResultDelivery {
  const { logistics } = deps;
  if (!logistics) deps.logger.warn('no mail service configured (TONGBAN_LOGISTICS_URL): results chosen by post wait for one (waiting_for_logistics)');
  const worker = new PostingWorker({
    store: deps.store, logger: deps.logger, logistics,
    retry: { maxAttempts: config.deliveryMaxAttempts, baseMs: config.deliveryBackoffBaseMs, capMs: config.deliveryBackoffCapMs },
    trackIntervalMs: config.logisticsTrackIntervalMs, leaseMs: config.deliveryLeaseMs,
  });
  const routes = resultDeliveryRoutes({ store: deps.store, reader: deps.reader, identity: deps.identity, logistics, onPosting: () => worker.notify() });
  return { logistics, worker, routes };
}
