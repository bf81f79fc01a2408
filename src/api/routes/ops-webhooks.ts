import { validationError } from '../../errors/index.js';
import { decodeCursor } from '../../ops/cursor.js';
import { listWebhookDeliveries, OPS_WEBHOOKS_CURSOR, replayWebhookDelivery, WEBHOOK_DELIVERY_STATES, type WebhookDeliveryState } from '../../notifications/ops-webhooks.js';
import type { Queryable, Store } from '../../store/index.js';
import { cursorQuery, limitQuery, query } from '../openapi/parameters.js';
import { opsWebhookDeliveryList, webhookReplayAnswer } from '../openapi/schemas/webhooks.js';
import { type Route, OPS_READ } from './route.js';
import { readLimit } from './read-limit.js';

const ops = { roles: ['ops'] as const };

/** Ops over webhook deliveries: reads from `reader` (the ops reader), replays to `store`; `onReplay` wakes the webhook worker. */
export function opsWebhookRoutes(deps: { store: Store; reader?: Queryable; onReplay?: () => void }): Route[] {
  const reader = deps.reader ?? deps.store;
  return [
    {
      method: 'GET', path: '/v1/ops/webhooks/deliveries', access: OPS_READ, summary: 'Webhook deliveries in a state, most recently changed first (?state=dead, the default)',
      parameters: [query('state', 'Deliveries in this state (default dead)', { enum: [...WEBHOOK_DELIVERY_STATES] }), limitQuery(100, 1000), cursorQuery],
      responses: { 200: { description: 'One page of webhook deliveries', schema: opsWebhookDeliveryList } },
      errors: ['VALIDATION_FAILED'],
      handler: async (req, res) => {
        const state = req.query['state'] === undefined ? 'dead' : String(req.query['state']);
        if (!WEBHOOK_DELIVERY_STATES.includes(state as WebhookDeliveryState)) throw validationError([{ pointer: '/state', message: `must be one of ${WEBHOOK_DELIVERY_STATES.join(', ')}` }]);
        const limit = readLimit(req.query['limit'], 100, 1000);
        const after = decodeCursor(req.query['cursor'], OPS_WEBHOOKS_CURSOR.list, OPS_WEBHOOKS_CURSOR.shape);
        const page = await listWebhookDeliveries(reader, { state: state as WebhookDeliveryState, limit, after });
        res.json({ deliveries: page.rows, nextCursor: page.nextCursor });
      },
    },
    {
      method: 'POST', path: '/v1/ops/webhooks/deliveries/:id/replay', access: ops, summary: 'Replay a dead webhook delivery with fresh attempts, same webhook-id (audited)',
      responses: { 200: { description: 'Back in the queue', schema: webhookReplayAnswer } },
      errors: ['NOT_FOUND', 'CONFLICT'],
      handler: async (req, res) => {
        const result = await replayWebhookDelivery(deps.store, String(req.params['id']), req.client!.id);
        deps.onReplay?.();
        res.json(result);
      },
    },
  ];
}
