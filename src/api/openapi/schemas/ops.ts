/** Shapes of the ops routes (deliveries, overdue matters) and of the public operational endpoints. */
import { DELIVERY_STATES } from '../../../delivery/ops-deliveries.js';
import { component } from '../components.js';
import { departmentCode, instant, nextCursor, nullableInstant, openObject, uuid } from './common.js';

export const deliveryState = { enum: [...DELIVERY_STATES], description: '`waiting` (for a prerequisite), `awaiting_payment` (a fee due before acceptance holds it), `pending`, `in_flight`, `delivered`, `dead` (dead letter), `cancelled`' } as const;

export const delivery = component('Delivery', openObject({
  id: { type: 'string' }, applicationId: uuid, subApplicationId: uuid, matterName: { type: 'string' }, department: departmentCode,
  channel: { enum: ['rest', 'soap', 'inbox'] }, state: deliveryState, attempts: { type: 'integer' },
  nextAttemptAt: nullableInstant, lastError: { type: ['string', 'null'] }, updatedAt: nullableInstant,
}, ['id', 'department', 'channel', 'state', 'attempts']));

export const deliveryList = component('DeliveryList', openObject({ deliveries: { type: 'array', items: delivery }, nextCursor }, ['deliveries', 'nextCursor']));

export const deliveryAttempts = component('DeliveryAttempts', openObject({
  attempts: {
    type: 'array',
    items: openObject({
      attempt: { type: 'integer' }, startedAt: nullableInstant, durationMs: { type: 'integer' },
      outcome: { enum: ['delivered', 'retry', 'dead', 'deferred'] }, errorCode: { type: ['string', 'null'] }, error: { type: ['string', 'null'] },
    }, ['attempt', 'outcome']),
  },
}, ['attempts']));

export const replayAnswer = component('ReplayAnswer', openObject({ id: { type: 'string' }, previousState: { type: 'string' } }, ['id', 'previousState']));

export const replayDepartmentRequest = component('ReplayDepartmentRequest', {
  type: 'object', required: ['department'],
  properties: { department: departmentCode },
});

export const replayDepartmentAnswer = component('ReplayDepartmentAnswer', openObject({ department: departmentCode, replayed: { type: 'integer', description: 'Dead deliveries put back in the queue' } }, ['department', 'replayed']));

export const overdueList = component('OverdueList', openObject({
  overdue: {
    type: 'array',
    items: openObject({
      subApplicationId: uuid, applicationId: uuid, matterName: { type: 'string' }, department: departmentCode,
      dueDate: { type: ['string', 'null'], format: 'date' }, dueStatus: { enum: ['computed', 'uncovered'], description: '`uncovered`: the working-day calendar does not reach the due date' }, acceptedAt: instant,
    }, ['subApplicationId', 'department', 'dueStatus']),
  },
  nextCursor,
}, ['overdue', 'nextCursor']));

export const health = openObject({ status: { const: 'ok' } }, ['status']);

export const readiness = component('Readiness', openObject({
  status: { enum: ['ready', 'unavailable'] },
  checks: { type: 'object', additionalProperties: openObject({ ok: { type: 'boolean' }, detail: { type: 'string' } }, ['ok', 'detail']) },
}, ['status', 'checks']));

export const jwks = component('JWKS', openObject({
  keys: { type: 'array', items: openObject({ kty: { type: 'string' }, kid: { type: 'string' }, alg: { type: 'string' }, use: { type: 'string' } }, ['kty', 'kid']) },
}, ['keys'], 'Tongban\'s public signing keys: the active key first, then previous keys that still verify'));
