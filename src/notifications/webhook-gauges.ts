/**
 * `/metrics` gauges of the webhook outbox, read through the ops reader at
 * scrape time (like the delivery outbox gauges): pending and dead webhook
 * deliveries per platform client.
 */
import { Gauge, type Registry } from 'prom-client';
import type { Logger } from '../log/index.js';
import type { Queryable } from '../store/index.js';
import { openWebhookCounts } from './ops-webhooks.js';

/** Registers `tongban_webhook_deliveries{client, state}` (state pending or dead) on `registry`. */
export function registerWebhookGauges(registry: Registry, options: { reader: Queryable; logger: Logger; timeoutMs?: number }): void {
  new Gauge({
    name: 'tongban_webhook_deliveries', help: 'Webhook deliveries still to send (pending, in flight included) and dead letters, per platform client, read at scrape time',
    labelNames: ['client', 'state'], registers: [registry],
    async collect() {
      let timer: NodeJS.Timeout | undefined;
      try {
        const counts = await Promise.race([openWebhookCounts(options.reader), new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer within ${options.timeoutMs ?? 2000} ms`)), options.timeoutMs ?? 2000);
        })]);
        this.reset();
        for (const count of counts) {
          this.set({ client: count.clientId, state: 'pending' }, count.pending);
          this.set({ client: count.clientId, state: 'dead' }, count.dead);
        }
      } catch (error) {
        options.logger.warn('metrics could not read the webhook outbox', { error: (error as Error).message });
      } finally {
        clearTimeout(timer);
      }
    },
  });
}
