import type { PaymentPlatform } from '../../domain/payment.js';
import { TongbanError, validationError } from '../../errors/index.js';
import { beijingDate } from '../../payments/beijing-date.js';
import { listDifferences } from '../../payments/read-payments.js';
import { reconcile } from '../../payments/reconcile.js';
import { PAYMENT_NOTIFICATION_PATH, receiveNotification } from '../../payments/receive-notification.js';
import type { OpsReader, Store } from '../../store/index.js';
import { limitQuery, query } from '../openapi/parameters.js';
import { openObject } from '../openapi/schemas/common.js';
import { readLimit } from './read-limit.js';
import { PUBLIC, type Route, OPS_READ } from './route.js';

export interface PaymentRouteDependencies {
  store: Store;
  reader: OpsReader;
  /** The payment platform, when configured (notifications and reconciliations answer 503 without it). */
  platform: PaymentPlatform | undefined;
  /** A payment was confirmed and its held delivery released. */
  onReleased?: () => void;
}

const notificationBody = openObject({
  notifyId: { type: 'string' }, noticeNo: { type: 'string', pattern: '^\\d{20}$' }, orderNo: { type: 'string' }, paidAmount: { type: 'integer', minimum: 0 },
  paidTime: { type: 'string' }, payChannel: { type: 'string' },
}, ['notifyId', 'noticeNo', 'orderNo', 'paidAmount', 'paidTime', 'payChannel'], 'A payment notification as the platform sends it (adapters/payment/README.md)');

const reconciliation = openObject({
  date: { type: 'string', format: 'date' }, status: { enum: ['matched', 'differences', 'failed'] }, lines: { type: 'integer' }, matched: { type: 'integer' },
  differences: { type: 'integer' }, error: { type: 'string' },
}, ['date', 'status', 'lines', 'matched', 'differences']);

function requirePlatform(platform: PaymentPlatform | undefined): PaymentPlatform {
  if (!platform) throw new TongbanError('SERVICE_UNAVAILABLE', 'No payment platform is configured (TONGBAN_PAYMENT_URL)');
  return platform;
}

/** Fees: the platform's payment notifications, and ops' reconciliation and differences. */
export function paymentRoutes(deps: PaymentRouteDependencies): Route[] {
  return [
    {
      method: 'POST', path: PAYMENT_NOTIFICATION_PATH, access: PUBLIC,
      summary: 'Payment notifications of the payment platform (缴费通知), signed with its x-fee-* HMAC-SM3 headers',
      description: 'Verified with the payment app secret over this path and the raw body; a nonce used before is a replay. Either is 401 PAYMENT_NOTIFICATION_INVALID and changes nothing. '
        + 'A verified notification whose amount is not the notice\'s total is recorded as a difference (never paid); one for an unknown notice too. Answers 200 to acknowledge.',
      request: { schema: notificationBody },
      responses: { 200: { description: 'Acknowledged', schema: openObject({ received: { const: true }, outcome: { enum: ['paid', 'already', 'difference', 'unknown_notice'] } }, ['received', 'outcome']) } },
      errors: ['PAYMENT_NOTIFICATION_INVALID', 'SERVICE_UNAVAILABLE'],
      handler: async (req, res) => {
        const outcome = await receiveNotification(deps.store, requirePlatform(deps.platform), req.headers, req.rawBody ?? Buffer.alloc(0));
        if (outcome.released) deps.onReleased?.();
        res.json({ received: true, outcome: outcome.outcome });
      },
    },
    {
      method: 'POST', path: '/v1/ops/payments/reconciliations', access: { roles: ['ops'] },
      summary: 'Reconcile one past day (对账): fetch the platform\'s file and compare it with Tongban\'s payments; differences are recorded, never taken as paid',
      request: { schema: openObject({ date: { type: 'string', format: 'date' } }, ['date']), example: { date: '2026-12-05' } },
      responses: { 200: { description: 'The day\'s outcome (also stored; the daily job skips a day done)', schema: reconciliation } },
      errors: ['VALIDATION_FAILED', 'SERVICE_UNAVAILABLE'],
      handler: async (req, res) => {
        const date = (req.body as { date?: unknown } | undefined)?.date;
        if (typeof date !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(Date.parse(date))) {
          throw validationError([{ pointer: '/date', message: 'must be a date YYYY-MM-DD' }]);
        }
        if (date >= beijingDate(Date.now())) throw validationError([{ pointer: '/date', message: 'must be a past day (Beijing time): the platform\'s file of a day exists once it is over' }]);
        const outcome = await reconcile(deps.store, requirePlatform(deps.platform), date, Date.now());
        if (outcome.released) deps.onReleased?.();
        const { released: _released, ...answer } = outcome;
        res.json(answer);
      },
    },
    {
      method: 'GET', path: '/v1/ops/payments/differences', access: OPS_READ,
      summary: 'Payment differences (差异): amounts or notices that do not match, from notifications and reconciliations, most recent first',
      parameters: [query('date', 'Only those of this reconciliation day (YYYY-MM-DD)', { type: 'string', format: 'date' }), limitQuery(50, 500)],
      responses: { 200: { description: 'The differences', schema: openObject({ differences: { type: 'array', items: { type: 'object' } } }, ['differences']) } },
      errors: ['VALIDATION_FAILED'],
      handler: async (req, res) => {
        const date = req.query['date'];
        if (date !== undefined && (typeof date !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(date))) throw validationError([{ pointer: '/date', message: 'must be a date YYYY-MM-DD' }]);
        res.json({ differences: await listDifferences(deps.reader, { ...(typeof date === 'string' ? { date } : {}), limit: readLimit(req.query['limit'], 50, 500) }) });
      },
    },
  ];
}
