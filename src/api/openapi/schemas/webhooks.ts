/** Shapes of platform notifications (`/v1/webhooks…`, `/v1/ops/webhooks…`). See docs/notifications.md. */
import { PLATFORM_EVENT_TYPES } from '../../../notifications/platform-events.js';
import { MAX_URL_LENGTH } from '../../../notifications/webhook-url.js';
import { component } from '../components.js';
import { instant, nextCursor, nullableInstant, openObject } from './common.js';

const eventType = { enum: [...PLATFORM_EVENT_TYPES], description: 'A platform event type (docs/notifications.md)' } as const;

export const webhookEndpointRequest = component('WebhookEndpointRequest', {
  type: 'object', additionalProperties: false, required: ['url'],
  properties: {
    url: { type: 'string', format: 'uri', maxLength: MAX_URL_LENGTH, description: 'Absolute http(s) URL events are POSTed to; never the gateway\'s own address' },
    eventTypes: { type: 'array', minItems: 1, maxItems: PLATFORM_EVENT_TYPES.length, uniqueItems: true, items: eventType, description: 'Event types to receive; omitted: every type' },
    description: { type: 'string', maxLength: 200 },
  },
});

export const webhookEndpointExample = { url: 'https://platform.example.cn/tongban/events', eventTypes: ['application.received', 'sub_application.accepted', 'sub_application.completed'], description: '粤省事 办件通知' };

export const webhookEndpoint = component('WebhookEndpoint', openObject({
  id: { type: 'string', pattern: '^ep_', description: '`ep_<uuid>`' },
  url: { type: 'string' },
  eventTypes: { type: ['array', 'null'], items: { type: 'string' }, description: 'null: every type' },
  description: { type: ['string', 'null'] },
  status: { enum: ['active', 'disabled'] },
  createdAt: instant,
  disabledAt: nullableInstant,
}, ['id', 'url', 'eventTypes', 'description', 'status', 'createdAt', 'disabledAt']));

export const webhookEndpointList = component('WebhookEndpointList', openObject({ endpoints: { type: 'array', items: webhookEndpoint } }, ['endpoints']));

const deliveryProperties = {
  id: { type: 'string', description: 'The delivery (`whd_<uuid>`): one message to one endpoint' },
  messageId: { type: 'string', description: 'The `webhook-id` (`msg_<uuid>`), stable across retries and replays' },
  type: { type: 'string' },
  applicationId: { type: ['string', 'null'] },
  sequence: { type: ['integer', 'null'], description: 'Per application, from 1' },
  state: { enum: ['pending', 'in_flight', 'delivered', 'dead'] },
  attempts: { type: 'integer' },
  nextAttemptAt: nullableInstant,
  lastStatus: { type: ['integer', 'null'], description: 'HTTP status of the last attempt' },
  lastError: { type: ['string', 'null'] },
  deliveredAt: nullableInstant,
  createdAt: instant,
};
const deliveryRequired = Object.keys(deliveryProperties);

export const webhookDeliveryList = component('WebhookDeliveryList', openObject({
  deliveries: { type: 'array', items: openObject(deliveryProperties, deliveryRequired) }, nextCursor,
}, ['deliveries', 'nextCursor']));

export const webhookTestAnswer = component('WebhookTestAnswer', openObject({ messageId: { type: 'string' } }, ['messageId']));

export const opsWebhookDeliveryList = component('OpsWebhookDeliveryList', openObject({
  deliveries: { type: 'array', items: openObject({ ...deliveryProperties, endpointId: { type: 'string' }, clientId: { type: 'string' }, url: { type: 'string' }, updatedAt: instant }, [...deliveryRequired, 'endpointId', 'clientId', 'url', 'updatedAt']) },
  nextCursor,
}, ['deliveries', 'nextCursor']));

export const webhookReplayAnswer = component('WebhookReplayAnswer', openObject({ id: { type: 'string' }, messageId: { type: 'string' }, previousState: { type: 'string' } }, ['id', 'messageId', 'previousState']));
