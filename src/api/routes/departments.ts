import { applyDepartmentEvent, precheckDepartmentEvent, readDepartmentEvent } from '../../cases/apply-department-event.js';
import { sealResultDocuments } from '../../cases/seal-results.js';
import type { InboxAckVerifier } from '../../domain/department-channel.js';
import type { Mappings } from '../../forms/mappings/types.js';
import type { SealService } from '../../domain/seal-service.js';
import { acknowledgeInbox, takeInbox } from '../../delivery/inbox.js';
import type { DeliveryFiles } from '../../materials/delivery-files.js';
import type { Store } from '../../store/index.js';
import type { ClientRegistry } from '../../trust/client-registry.js';
import { limitQuery } from '../openapi/parameters.js';
import { departmentEvent, departmentEventExample, eventOutcome, inboxAck, inboxAckAnswer, inboxAckExample, inboxPage } from '../openapi/schemas/departments.js';
import type { Route } from './route.js';
import { readLimit } from './read-limit.js';

export interface DepartmentRouteDependencies {
  store: Store;
  clients: ClientRegistry;
  /** How long an inbox lease lasts (ms). */
  inboxLeaseMs: number;
  /** Checks an inbox acknowledgement's signed receipt (the inbox adapter's). */
  verifyInboxAck: InboxAckVerifier;
  /** Makes a leased item's files ready: generated documents, fresh signed download links. */
  files?: DeliveryFiles;
  /** Seals result documents; absent when no e-seal platform is configured. */
  sealService?: SealService;
  /** The matters' mappings: a supplement request's fields must be fields of the matter's department form. */
  mappings?: Pick<Mappings, 'matters'>;
  /** A department's event was applied (to wake the dispatcher when it released waiting matters). */
  onEvent?: (released: readonly string[]) => void;
}

const departmentOnly = { roles: ['department'] as const, departmentParam: 'dept' };

/** What departments call: their inbox (pull channel) and their status/result events. */
export function departmentRoutes(deps: DepartmentRouteDependencies): Route[] {
  return [
    {
      method: 'GET', path: '/v1/departments/:dept/inbox', access: departmentOnly,
      summary: 'Lease up to `limit` sub-applications waiting for this department (pull channel)',
      description: 'Each item is leased to the caller until `leaseExpiresAt`; acknowledge it with its `leaseToken` and a signed receipt, or it is handed out again (same delivery, same idempotency key, new lease).',
      parameters: [limitQuery(10, 100)],
      responses: { 200: { description: 'Items now leased to the caller (empty when nothing waits)', schema: inboxPage } },
      errors: ['VALIDATION_FAILED'],
      handler: async (req, res) => {
        const limit = readLimit(req.query['limit'], 10, 100);
        res.json({ items: await takeInbox(deps.store, String(req.params['dept']), { limit, leaseMs: deps.inboxLeaseMs, ...(deps.files ? { files: deps.files } : {}) }) });
      },
    },
    {
      method: 'POST', path: '/v1/departments/:dept/inbox/:deliveryId/ack', access: departmentOnly,
      summary: 'Acknowledge a leased delivery with the department\'s signed receipt (受理号)',
      request: { schema: inboxAck, example: inboxAckExample },
      responses: { 200: { description: 'Acknowledged (a repeated acknowledgement answers the recorded 受理号 with `duplicate: true`)', schema: inboxAckAnswer } },
      errors: ['VALIDATION_FAILED', 'CONFLICT', 'SIGNATURE_INVALID', 'SIGNATURE_MALFORMED', 'KEY_UNKNOWN', 'ALGORITHM_NOT_ALLOWED', 'CLAIM_INVALID'],
      handler: async (req, res) => {
        const department = String(req.params['dept']);
        const client = await deps.clients.resolve(req.client!.id);
        const answer = await acknowledgeInbox(deps.store, deps.verifyInboxAck, department, String(req.params['deliveryId']), req.body, client ? Object.values(client.keys) : []);
        res.json(answer);
      },
    },
    {
      method: 'POST', path: '/v1/departments/:dept/events', access: departmentOnly,
      summary: 'Status and result events (受理 accepted, 办结 completed, 不予受理 rejected, 补正 supplement_requested, commitment_false), de-duplicated by event id',
      request: { schema: departmentEvent, example: departmentEventExample },
      responses: {
        201: { description: 'Applied', schema: eventOutcome },
        200: { description: 'A repeat of an event already applied (`duplicate: true`): nothing changed', schema: eventOutcome },
      },
      errors: ['VALIDATION_FAILED', 'CONFLICT', 'SERVICE_UNAVAILABLE', 'UPSTREAM_ERROR', 'UPSTREAM_TIMEOUT'],
      handler: async (req, res) => {
        const department = String(req.params['dept']);
        const event = readDepartmentEvent(req.body);
        // Ownership and repeats are settled before sealing: a resent event is not sealed twice, a foreign one never.
        const repeated = await precheckDepartmentEvent(deps.store, department, event);
        if (repeated) {
          res.status(200).json(repeated);
          return;
        }
        const sealed = await sealResultDocuments(deps.sealService, department, event);
        const outcome = await applyDepartmentEvent(deps.store, department, sealed.event, Date.now(), sealed.documents, deps.mappings);
        if (outcome.released.length > 0) deps.onEvent?.(outcome.released);
        res.status(outcome.duplicate ? 200 : 201).json(outcome);
      },
    },
  ];
}
