import { decodeCursor } from '../../ops/cursor.js';
import { ENDPOINT_DELIVERIES_CURSOR, endpointIdOf, type WebhookEndpoints } from '../../notifications/webhook-endpoints.js';
import { cursorQuery, limitQuery } from '../openapi/parameters.js';
import { webhookDeliveryList, webhookEndpoint, webhookEndpointExample, webhookEndpointList, webhookEndpointRequest, webhookTestAnswer } from '../openapi/schemas/webhooks.js';
import type { Route } from './route.js';
import { readLimit } from './read-limit.js';

const platform = { roles: ['platform'] as const };

/**
 * A platform client's webhook endpoints (docs/notifications.md): each client
 * manages and sees only its own. `onWork` wakes the webhook worker (a test ping).
 */
export function webhookRoutes(deps: { endpoints: WebhookEndpoints; onWork?: () => void }): Route[] {
  const { endpoints } = deps;
  return [
    {
      method: 'POST', path: '/v1/webhooks', access: platform, summary: 'Add a webhook endpoint: signed events (Standard Webhooks) of this client\'s applications are POSTed to it',
      description: 'The URL must be http(s) and not the gateway itself; `eventTypes` omitted means every type. Events are signed with Tongban\'s key (verify with `/.well-known/jwks.json`).',
      request: { schema: webhookEndpointRequest, example: webhookEndpointExample },
      responses: { 201: { description: 'Added, active', schema: webhookEndpoint, headers: { Location: '`/v1/webhooks/{id}`' } } },
      errors: ['VALIDATION_FAILED', 'CONFLICT'],
      handler: async (req, res) => {
        const created = await endpoints.create(req.client!.id, req.body);
        res.status(201).location(`/v1/webhooks/${created.id}`).json(created);
      },
    },
    {
      method: 'GET', path: '/v1/webhooks', access: platform, summary: 'This client\'s webhook endpoints (active first)',
      responses: { 200: { description: 'The endpoints', schema: webhookEndpointList } },
      handler: async (req, res) => { res.json({ endpoints: await endpoints.list(req.client!.id) }); },
    },
    {
      method: 'GET', path: '/v1/webhooks/:id', access: platform, summary: 'One of this client\'s webhook endpoints',
      responses: { 200: { description: 'The endpoint', schema: webhookEndpoint } },
      errors: ['VALIDATION_FAILED', 'NOT_FOUND'],
      handler: async (req, res) => { res.json(await endpoints.get(req.client!.id, endpointIdOf(req.params['id']))); },
    },
    {
      method: 'DELETE', path: '/v1/webhooks/:id', access: platform, summary: 'Disable a webhook endpoint (idempotent): nothing more is sent to it, its pending deliveries become dead',
      responses: { 200: { description: 'The endpoint, disabled', schema: webhookEndpoint } },
      errors: ['VALIDATION_FAILED', 'NOT_FOUND'],
      handler: async (req, res) => { res.json(await endpoints.disable(req.client!.id, endpointIdOf(req.params['id']))); },
    },
    {
      method: 'GET', path: '/v1/webhooks/:id/messages', access: platform, summary: 'The endpoint\'s deliveries, newest first, with their state (?limit= 1–500, default 100; ?cursor=)',
      parameters: [limitQuery(100, 500), cursorQuery],
      responses: { 200: { description: 'One page of deliveries', schema: webhookDeliveryList } },
      errors: ['VALIDATION_FAILED', 'NOT_FOUND'],
      handler: async (req, res) => {
        const id = endpointIdOf(req.params['id']);
        const limit = readLimit(req.query['limit'], 100, 500);
        const after = decodeCursor(req.query['cursor'], ENDPOINT_DELIVERIES_CURSOR.list, ENDPOINT_DELIVERIES_CURSOR.shape);
        const page = await endpoints.deliveries(req.client!.id, id, { limit, after });
        res.json({ deliveries: page.rows, nextCursor: page.nextCursor });
      },
    },
    {
      method: 'POST', path: '/v1/webhooks/:id/test', access: platform, summary: 'Send a `webhook.test` ping to the endpoint (signed like every event)',
      responses: { 202: { description: 'Queued', schema: webhookTestAnswer } },
      errors: ['VALIDATION_FAILED', 'NOT_FOUND', 'CONFLICT'],
      handler: async (req, res) => {
        const answer = await endpoints.test(req.client!.id, endpointIdOf(req.params['id']));
        deps.onWork?.();
        res.status(202).json(answer);
      },
    },
  ];
}
