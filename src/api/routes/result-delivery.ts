import type { LogisticsService as LogisticsAdapter } from '../../domain/logistics.js';
import { TongbanError, validationError } from '../../errors/index.js';
import type { IdentityService } from '../../identity/index.js';
import { readHandover, recordHandover } from '../../results-delivery/handover.js';
import { readMailing, recordMailing } from '../../results-delivery/mailings.js';
import { LOGISTICS_PUSH_PATH, receivePush } from '../../results-delivery/receive-push.js';
import { listPostings, POSTING_STATES, replayPosting } from '../../results-delivery/ops-postings.js';
import type { OpsReader } from '../../store/index.js';
import { limitQuery, query } from '../openapi/parameters.js';
import { readLimit } from './read-limit.js';
import type { Store } from '../../store/index.js';
import { idTokenHeader } from '../openapi/parameters.js';
import { openObject } from '../openapi/schemas/common.js';
import { handover, handoverRequest, mailingRequest } from '../openapi/schemas/result-delivery.js';
import { ID_TOKEN_ERRORS } from './identity.js';
import { PUBLIC, type Route, OPS_READ } from './route.js';

export interface ResultDeliveryRouteDependencies {
  store: Store;
  /** Where ops lists read (never the intake's connections). */
  reader: OpsReader;
  identity: IdentityService;
  /** The mail service, when configured (mailings then wait for it; pushes answer 503). */
  logistics: LogisticsAdapter | undefined;
  /** A posting was recorded (wakes the posting worker). */
  onPosting?: () => void;
}

const pushBody = openObject({
  eventId: { type: 'string' }, waybillNo: { type: 'string' }, orderNo: { type: 'string' }, businessType: { enum: ['RESULT', 'MATERIAL'] }, trace: { type: 'object' },
}, ['eventId', 'waybillNo', 'orderNo', 'businessType', 'trace'], 'A trace push as the mail service sends it (adapters/logistics/README.md)');

/**
 * How results reach the applicant: the window hand-over (一窗出件), mailings
 * of originals (双向寄递) and the mail service's trace pushes.
 */
export function resultDeliveryRoutes(deps: ResultDeliveryRouteDependencies): Route[] {
  return [
    {
      method: 'POST', path: '/v1/counter/handovers', access: { roles: ['counter'] },
      summary: 'Record results handed over at this counter\'s hall (一窗出件): who collected them, their ID checked; needs the staff member\'s ID token',
      description: 'Only for an application that chose the window at this counter terminal\'s hall, once its results are ready (every sub-application finished, one at least completed), and once. '
        + 'The collector is the applicant (`self`: their ID number one of the application\'s holders) or an `agent`. Records the staff member, the hall, the time and the results handed over, and sends `result_delivery.updated` (collected).',
      parameters: [idTokenHeader],
      request: { schema: handoverRequest, example: { applicationId: '0192f3a0-0000-7000-8000-000000000001', collector: { name: '李芳', idNumber: '110101199403080025', idChecked: true, relation: 'self' } } },
      responses: { 201: { description: 'Recorded', schema: handover } },
      errors: ['VALIDATION_FAILED', 'NOT_FOUND', 'RESULTS_NOT_AT_WINDOW', 'HANDOVER_WRONG_HALL', 'RESULTS_NOT_READY', 'RESULTS_ALREADY_COLLECTED', 'HANDOVER_COLLECTOR_MISMATCH', ...ID_TOKEN_ERRORS],
      handler: async (req, res) => {
        const client = req.client!;
        if (client.hall === undefined) throw new TongbanError('ROLE_NOT_ALLOWED', `Client "${client.id}" is a counter without a service hall`);
        const staff = await deps.identity.actorOf(req);
        const answer = await recordHandover(deps.store, { id: client.id, hall: client.hall }, staff, readHandover(req.body));
        res.status(201).set('Cache-Control', 'no-store').json(answer);
      },
    },
    {
      method: 'POST', path: '/v1/applications/:applicationId/mailings', access: { roles: ['platform'] },
      summary: 'The applicant posts paper originals in (双向寄递): a waybill to the hall, tracked until received; needs the applicant\'s ID token',
      description: 'The parcel goes to the window hall the applicant chose for the results, else to the hall serving the application\'s first department (mappings/halls.yaml). '
        + 'The waybill is made by the posting worker (retried; without a mail service configured it waits, `waiting_for_logistics`) and tracked to `delivered` (received by the hall); every step sends `material_mailing.updated` and shows in the application\'s `mailings`.',
      parameters: [idTokenHeader],
      request: { schema: mailingRequest, example: { items: ['出生医学证明原件'], sender: { name: '李芳', mobile: '13800138000', province: '广东省', city: '梅州市', county: '梅江区', detail: '江南路1号' } } },
      responses: { 201: { description: 'Recorded; the waybill follows', schema: openObject({ id: { type: 'string' }, hallCode: { type: 'string' } }, ['id', 'hallCode']), headers: { Location: '`/v1/applications/{id}` (see `mailings`)' } } },
      errors: ['VALIDATION_FAILED', 'NOT_FOUND', 'HOLDER_MISMATCH', 'CONFLICT', ...ID_TOKEN_ERRORS],
      handler: async (req, res) => {
        const actor = await deps.identity.actorOf(req);
        const applicationId = String(req.params['applicationId']);
        const answer = await recordMailing(deps.store, req.client!.id, actor, applicationId, readMailing(req.body), deps.logistics !== undefined);
        deps.onPosting?.();
        res.status(201).setHeader('Location', `/v1/applications/${applicationId}`).json(answer);
      },
    },
    {
      method: 'GET', path: '/v1/ops/postings', access: OPS_READ,
      summary: 'Waybill jobs (results posted, originals posted in) by state, most recently changed first; `?state=dead` for those to replay',
      parameters: [query('state', `One of ${POSTING_STATES.join(', ')} (default dead)`, { enum: [...POSTING_STATES] }), limitQuery(50, 200)],
      responses: { 200: { description: 'The postings (no addresses)', schema: openObject({ postings: { type: 'array', items: { type: 'object' } } }, ['postings']) } },
      errors: ['VALIDATION_FAILED'],
      handler: async (req, res) => {
        const state = req.query['state'] ?? 'dead';
        if (!POSTING_STATES.includes(state as typeof POSTING_STATES[number])) {
          throw validationError([{ pointer: '/state', message: `must be one of ${POSTING_STATES.join(', ')}` }]);
        }
        res.json({ postings: await listPostings(deps.reader, state as typeof POSTING_STATES[number], readLimit(req.query['limit'], 50, 200)) });
      },
    },
    {
      method: 'POST', path: '/v1/ops/postings/:postingId/replay', access: { roles: ['ops'] },
      summary: 'Put a dead posting (its waybill refused or out of attempts) back in the queue with fresh attempts and the same order number (audited)',
      responses: { 200: { description: 'Queued again', schema: openObject({ id: { type: 'string' }, state: { const: 'pending' } }, ['id', 'state']) } },
      errors: ['NOT_FOUND', 'CONFLICT'],
      handler: async (req, res) => {
        const answer = await replayPosting(deps.store, String(req.params['postingId']), req.client!.id);
        deps.onPosting?.();
        res.json(answer);
      },
    },
    {
      method: 'POST', path: LOGISTICS_PUSH_PATH, access: PUBLIC,
      summary: 'Trace pushes of the mail service (轨迹推送), signed with its x-ems-* HMAC headers',
      description: 'Verified with the logistics app secret over this path and the raw body (401 LOGISTICS_PUSH_INVALID naming the header or member), de-duplicated by `eventId`, applied in `sequence` order (a gap waits for the missing event, pulled soon). Answers 200 to acknowledge.',
      request: { schema: pushBody },
      responses: { 200: { description: 'Acknowledged (also for a duplicate, which changes nothing)', schema: openObject({ received: { const: true }, applied: { type: 'integer' } }, ['received', 'applied']) } },
      errors: ['LOGISTICS_PUSH_INVALID', 'NOT_FOUND', 'SERVICE_UNAVAILABLE'],
      handler: async (req, res) => {
        if (!deps.logistics) throw new TongbanError('SERVICE_UNAVAILABLE', 'No mail service is configured (TONGBAN_LOGISTICS_URL)');
        const outcome = await receivePush(deps.store, deps.logistics, req.headers, req.rawBody ?? Buffer.alloc(0));
        res.json({ received: true, applied: outcome.applied });
      },
    },
  ];
}
