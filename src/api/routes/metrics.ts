import type { GatewayMetrics } from '../../ops/metrics.js';
import { PUBLIC, type Route } from './route.js';

/**
 * `GET /metrics`: Prometheus exposition, public like most scrape targets
 * (labels carry no personal data; restrict it at the network if needed).
 */
export function metricsRoutes(metrics: GatewayMetrics): Route[] {
  return [{
    method: 'GET', path: '/metrics', access: PUBLIC,
    summary: 'Prometheus metrics: HTTP durations by route pattern, deliveries, retries, dead letters, circuits, outbox depth, sync runs, licence fetches, process',
    description: 'Text exposition format 0.0.4. Metric names and labels are listed in docs/api.md. Outbox gauges are read from the database at scrape time.',
    responses: { 200: { description: 'Prometheus text exposition', contentType: 'text/plain; version=0.0.4', schema: { type: 'string' }, example: '# HELP tongban_deliveries_total Delivery attempts to departments by outcome\n# TYPE tongban_deliveries_total counter\ntongban_deliveries_total{department="gaj",outcome="delivered"} 42\n' } },
    handler: async (_req, res) => {
      const text = await metrics.scrape();
      res.setHeader('Cache-Control', 'no-store');
      res.type(metrics.contentType).send(text);
    },
  }];
}
