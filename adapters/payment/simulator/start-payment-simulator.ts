/**
 * A real HTTP server speaking the payment platform's protocol (README.md in
 * this adapter): notices, payment by the applicant (a control: payment
 * happens outside the gateway), signed notifications to each app id's
 * callback URL, refunds, daily reconciliation files.
 */
import express from 'express';
import { BusySwitch, CallbackAccounts, callbackControls, type CallbackCredentials } from '../../common/callback-accounts.js';
import {
  simulatorFaults, startSignedApiSimulator, type SimulatorFaultOptions, type SimulatorHandle, type SimulatorListenOptions,
} from '../../common/simulator-app.js';
import { beijingTime, type WireNotification } from '../payment-api.js';
import { answer } from './answer.js';
import { authenticate } from './authenticate.js';
import { NoticeBook, PayError, toWireNotice, type BookedNotice } from './notice-book.js';
import { Notifier, type NotificationRecord } from './notifier.js';
import { REVENUE_ITEMS } from './revenue-items.js';
import { paymentRouter } from './routes.js';

/** An app id, its secret and where payment notifications of its notices are sent. */
export interface PaymentCredentials extends CallbackCredentials {
  readonly appId: string;
}

/** Development credentials the simulator accepts unless told otherwise (simulators are development tools). */
export const DEFAULT_PAYMENT_CREDENTIALS: PaymentCredentials = Object.freeze({ appId: 'tongban-dev', appSecret: 'tongban-dev-fee-secret' });

export interface PaymentSimulatorOptions extends SimulatorListenOptions, SimulatorFaultOptions {
  /** Default: {@link DEFAULT_PAYMENT_CREDENTIALS}. */
  readonly credentials?: readonly PaymentCredentials[];
  /** Allowed clock skew of request timestamps (s). Default 300. */
  readonly skewSeconds?: number;
  readonly now?: () => number;
  /** Area code in notice numbers. Default 441403. */
  readonly areaCode?: string;
  /** Waits before each notification retry (ms). Default [1000, 5000, 30000]. */
  readonly notifyRetryDelaysMs?: readonly number[];
  /** Time allowed for one notification (ms). Default 5000. */
  readonly notifyTimeoutMs?: number;
  /** How long a refund stays PROCESSING (ms). Default 0: it succeeds at once (queried: SUCCESS). */
  readonly refundDelayMs?: number;
  /** Sandbox: pay every new notice (its total, channel WECHAT) after N ms. Default: off. */
  readonly autoPayMs?: number;
}

export interface PaymentSimulator extends SimulatorHandle {
  /** The wire view of a notice, or undefined. */
  notice(noticeNo: string): Record<string, unknown> | undefined;
  /** The notice of an order (first app id that has it). */
  noticeOfOrder(orderNo: string): Record<string, unknown> | undefined;
  /** The applicant pays the notice (`amountFen` defaults to its total; `paidAtMs` backdates it): notifies the callback. @throws PayError */
  pay(noticeNo: string, amountFen?: number, channel?: string, paidAtMs?: number): Record<string, unknown>;
  /** Answers the next `count` API requests with E999. */
  busyNext(count?: number): void;
  setCallbackUrl(appId: string, callbackUrl: string | undefined): void;
  notifications(): readonly NotificationRecord[];
  notificationsSettled(): Promise<void>;
}

export async function startPaymentSimulator(options: PaymentSimulatorOptions = {}): Promise<PaymentSimulator> {
  const now = options.now ?? Date.now;
  const accounts = new CallbackAccounts('app id', (options.credentials ?? [DEFAULT_PAYMENT_CREDENTIALS]).map((entry) => [entry.appId, entry]));
  const faults = simulatorFaults(options);
  const book = new NoticeBook(options.areaCode ?? '441403', now);
  const notifier = new Notifier({
    targetOf: (appId) => accounts.targetOf(appId),
    retryDelaysMs: options.notifyRetryDelaysMs ?? [1000, 5000, 30000], timeoutMs: options.notifyTimeoutMs ?? 5000, now,
  });
  const timers = new Set<NodeJS.Timeout>();
  const busy = new BusySwitch();
  let notifySerial = 0;

  const notify = (notice: BookedNotice) => {
    const body: WireNotification = {
      notifyId: `N${notice.noticeNo}${String(++notifySerial).padStart(4, '0')}`, noticeNo: notice.noticeNo, orderNo: notice.request.orderNo,
      paidAmount: notice.payment!.amount, paidTime: beijingTime(notice.payment!.paidAtMs), payChannel: notice.payment!.channel,
    };
    notifier.send(notice.appId, body);
  };
  const pay = (noticeNo: string, amountFen?: number, channel?: string, paidAtMs?: number) => {
    const notice = book.pay(noticeNo, amountFen, channel, paidAtMs);
    notify(notice);
    return toWireNotice(notice) as unknown as Record<string, unknown>;
  };
  const onCreated = (noticeNo: string) => {
    if (!options.autoPayMs) return;
    const timer = setTimeout(() => {
      timers.delete(timer);
      try {
        pay(noticeNo, undefined, 'WECHAT');
      } catch {
        // paid meanwhile through the control: nothing to do
      }
    }, options.autoPayMs);
    timers.add(timer);
  };

  function controlRouter(): express.Router {
    const router = express.Router();
    router.use('/__control', express.json());
    router.post('/__control/notices/:no/pay', (req, res) => {
      const body = (req.body ?? {}) as { amountFen?: unknown; channel?: unknown; paidAt?: unknown };
      const paidAtMs = typeof body.paidAt === 'string' ? Date.parse(body.paidAt) : undefined;
      if (paidAtMs !== undefined && Number.isNaN(paidAtMs)) return void res.status(400).json({ error: 'bad-time', message: '"paidAt" must be an ISO 8601 time' });
      if (body.amountFen !== undefined && (!Number.isSafeInteger(body.amountFen) || (body.amountFen as number) <= 0)) {
        return void res.status(400).json({ error: 'bad-amount', message: '"amountFen" must be a positive integer (分)' });
      }
      try {
        res.json(pay(String(req.params['no']), body.amountFen as number | undefined, typeof body.channel === 'string' ? body.channel : undefined, paidAtMs));
      } catch (error) {
        if (!(error instanceof PayError)) throw error;
        res.status(error.reason === 'not-found' ? 404 : 409).json({ error: error.reason, message: error.message });
      }
    });
    router.get('/__control/notices', (_req, res) => { res.json({ notices: book.all().map(toWireNotice) }); });
    router.get('/__control/notifications', (_req, res) => { res.json({ notifications: notifier.records }); });
    router.use(callbackControls(accounts, busy));
    return router;
  }

  const running = await startSignedApiSimulator(faults, options, {
    controls: controlRouter(), bodyLimit: '256kb',
    authenticate: authenticate({ secretOf: (appId) => accounts.secretOf(appId), skewSeconds: options.skewSeconds ?? 300, now }),
    routes: paymentRouter({
      book, knownItems: REVENUE_ITEMS, now, busy: () => busy.take(), onCreated, refundDelayMs: options.refundDelayMs ?? 0,
    }),
    notFound: (req, res) => answer(res, 'NOT_FOUND', undefined, req.path),
    tooLarge: (res) => answer(res, 'BAD_PARAMETER', undefined, 'body'),
    failed: (res) => answer(res, 'BUSY'),
  });
  return {
    url: running.url,
    faults,
    requestCount: running.requestCount,
    notice: (noticeNo) => { const notice = book.get(noticeNo); return notice && (toWireNotice(notice) as unknown as Record<string, unknown>); },
    noticeOfOrder: (orderNo) => {
      const notice = book.all().find((candidate) => candidate.request.orderNo === orderNo);
      return notice && (toWireNotice(notice) as unknown as Record<string, unknown>);
    },
    pay,
    busyNext: (count) => busy.next(count),
    setCallbackUrl: (appId, callbackUrl) => accounts.setCallbackUrl(appId, callbackUrl),
    notifications: () => notifier.records,
    notificationsSettled: () => notifier.settled(),
    close: async () => {
      for (const timer of timers) clearTimeout(timer);
      notifier.close();
      faults.reset();
      await running.close();
    },
  };
}
