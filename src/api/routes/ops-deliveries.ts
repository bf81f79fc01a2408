import { chinaDate } from '../../cases/working-days.js';
import { DELIVERY_CURSOR, DELIVERY_STATES, deliveryAttempts, listDeliveries, OVERDUE_CURSOR, overdueSubApplications, replayDelivery, replayDepartment, type DeliveryState } from '../../delivery/ops-deliveries.js';
import { validationError } from '../../errors/index.js';
import { decodeCursor } from '../../ops/cursor.js';
import type { Queryable, Store } from '../../store/index.js';
import { cursorQuery, limitQuery, query } from '../openapi/parameters.js';
import { deliveryAttempts as attemptsSchema, deliveryList, deliveryState, overdueList, replayAnswer, replayDepartmentAnswer, replayDepartmentRequest } from '../openapi/schemas/ops.js';
import { type Route, OPS_READ } from './route.js';
import { readLimit } from './read-limit.js';

const ops = { roles: ['ops'] as const };

/**
 * The ops delivery routes. Reads go to `reader` (the ops reader: off the
 * request loop, never delaying intake; default `store`), replays to `store`.
 */
export function opsDeliveryRoutes(deps: { store: Store; reader?: Queryable; onReplay?: () => void }): Route[] {
  const reader = deps.reader ?? deps.store;
  return [
    {
      method: 'GET', path: '/v1/ops/deliveries', access: OPS_READ, summary: 'Deliveries by state and department (?state=dead&department=gaj)',
      parameters: [query('state', 'Only deliveries in this state', deliveryState), query('department', 'Only this department\'s', { type: 'string', pattern: '^[a-z0-9]{1,32}$' }), limitQuery(100, 1000), cursorQuery],
      responses: { 200: { description: 'One page of deliveries, most recently changed first (updated_at, then id, descending)', schema: deliveryList } },
      errors: ['VALIDATION_FAILED'],
      handler: async (req, res) => {
        const state = req.query['state'] === undefined ? undefined : String(req.query['state']);
        if (state !== undefined && !DELIVERY_STATES.includes(state as DeliveryState)) throw validationError([{ pointer: '/state', message: `must be one of ${DELIVERY_STATES.join(', ')}` }]);
        const department = req.query['department'] === undefined ? undefined : String(req.query['department']);
        if (department !== undefined && !/^[a-z0-9]{1,32}$/.test(department)) throw validationError([{ pointer: '/department', message: 'must be a department code' }]);
        const limit = readLimit(req.query['limit'], 100, 1000);
        const after = decodeCursor(req.query['cursor'], DELIVERY_CURSOR.list, DELIVERY_CURSOR.shape);
        res.json(await listDeliveries(reader, { ...(state ? { state: state as DeliveryState } : {}), ...(department ? { department } : {}), ...(after ? { after } : {}), limit }));
      },
    },
    {
      method: 'GET', path: '/v1/ops/deliveries/:id/attempts', access: OPS_READ, summary: 'Every attempt of a delivery (time, duration, outcome, error)',
      responses: { 200: { description: 'Attempts in order (empty for an unknown delivery)', schema: attemptsSchema } },
      handler: async (req, res) => { res.json({ attempts: await deliveryAttempts(reader, String(req.params['id'])) }); },
    },
    {
      method: 'POST', path: '/v1/ops/deliveries/:id/replay', access: ops, summary: 'Replay a dead delivery (audited)',
      responses: { 200: { description: 'Back in the queue with fresh attempts', schema: replayAnswer } },
      errors: ['CONFLICT'],
      handler: async (req, res) => {
        const result = await replayDelivery(deps.store, String(req.params['id']), req.client!.id);
        deps.onReplay?.();
        res.json(result);
      },
    },
    {
      method: 'POST', path: '/v1/ops/deliveries/replay', access: ops, summary: 'Replay every dead delivery of a department ({"department":"gaj"}; audited)',
      request: { schema: replayDepartmentRequest, example: { department: 'gaj' } },
      responses: { 200: { description: 'How many dead deliveries went back in the queue', schema: replayDepartmentAnswer } },
      errors: ['VALIDATION_FAILED'],
      handler: async (req, res) => {
        const department = (req.body as { department?: unknown } | undefined)?.department;
        if (typeof department !== 'string' || !/^[a-z0-9]{1,32}$/.test(department)) throw validationError([{ pointer: '/department', message: 'must be a department code' }]);
        const replayed = await replayDepartment(deps.store, department, req.client!.id);
        deps.onReplay?.();
        res.json({ department, replayed });
      },
    },
    {
      method: 'GET', path: '/v1/ops/overdue', access: OPS_READ, summary: 'Accepted sub-applications past their working-day deadline, and deadlines the calendar cannot compute',
      parameters: [limitQuery(100, 1000), cursorQuery],
      responses: { 200: { description: 'One page of overdue sub-applications: deadlines the calendar cannot compute first, then by due date and id', schema: overdueList } },
      errors: ['VALIDATION_FAILED'],
      handler: async (req, res) => {
        const limit = readLimit(req.query['limit'], 100, 1000);
        const after = decodeCursor(req.query['cursor'], OVERDUE_CURSOR.list, OVERDUE_CURSOR.shape);
        res.json(await overdueSubApplications(reader, chinaDate(), { limit, after }));
      },
    },
  ];
}
