/**
 * A real HTTP server speaking the government mail service's protocol
 * (README.md in this adapter): waybills, traces, cancellation, signed pushes
 * to each app key's callback URL, and controls to move waybills along.
 */
import express from 'express';
import { BusySwitch, CallbackAccounts, callbackControls, type CallbackCredentials } from '../../common/callback-accounts.js';
import {
  simulatorFaults, startSignedApiSimulator, type SimulatorFaultOptions, type SimulatorHandle, type SimulatorListenOptions,
} from '../../common/simulator-app.js';
import type { WireStatus, WireTrace } from '../logistics-api.js';
import { answer } from './answer.js';
import { NonceCache, authenticate } from './authenticate.js';
import { PushSender, type PushFaults, type PushRecord } from './push-sender.js';
import { logisticsRouter } from './routes.js';
import { AdvanceError, WaybillBook, toWireWaybill, type BookedWaybill, type Outcome } from './waybill-book.js';

/** An app key, its secret and where its waybills' trace events are pushed. */
export interface LogisticsCredentials extends CallbackCredentials {
  readonly appKey: string;
}

/** Development credentials the simulator accepts unless told otherwise (not a secret: simulators are development tools). */
export const DEFAULT_LOGISTICS_CREDENTIALS: LogisticsCredentials = Object.freeze({ appKey: 'tongban-dev', appSecret: 'tongban-dev-ems-secret' });

export interface LogisticsSimulatorOptions extends SimulatorListenOptions, SimulatorFaultOptions {
  /** Accepted app keys, secrets and callback URLs. Default: {@link DEFAULT_LOGISTICS_CREDENTIALS}. */
  readonly credentials?: readonly LogisticsCredentials[];
  /** Allowed clock skew of request timestamps (s). Default 300. */
  readonly skewSeconds?: number;
  /** Clock (epoch ms). Default `Date.now`. */
  readonly now?: () => number;
  /** Waits before each push retry (ms). Default [1000, 5000, 30000]. */
  readonly pushRetryDelaysMs?: readonly number[];
  /** Time allowed for one push (ms). Default 5000. */
  readonly pushTimeoutMs?: number;
  /** Sandbox: walk every new waybill one status further every N ms until it is final. Default: off. */
  readonly autoAdvanceMs?: number;
  /** Counties outside the service area (2002). Default none. */
  readonly unserviceableCounties?: readonly string[];
}

export interface LogisticsSimulator extends SimulatorHandle {
  /** The wire view of a waybill (as `GET /waybills/{no}` answers it), or `undefined`. */
  waybill(waybillNo: string): Record<string, unknown> | undefined;
  /** Trace events recorded for a waybill. */
  traces(waybillNo: string): WireTrace[];
  /** Moves a waybill to `to` (through the statuses in between) or one step; pushes each new event. @throws AdvanceError */
  advance(waybillNo: string, to?: WireStatus): WireTrace[];
  /** How a waybill, or the next one created (`'next'`), ends. @throws AdvanceError */
  scriptOutcome(target: string, outcome: Outcome, reason?: string): void;
  /** Answers the next `count` API requests with 9999 (系统繁忙). */
  busyNext(count?: number): void;
  setCallbackUrl(appKey: string, callbackUrl: string | undefined): void;
  setPushFaults(faults: Partial<PushFaults>): void;
  /** Every push so far, duplicates included, in sending order. */
  pushes(): readonly PushRecord[];
  /** Resolves once every queued push is delivered or given up. */
  pushesSettled(): Promise<void>;
}

export async function startLogisticsSimulator(options: LogisticsSimulatorOptions = {}): Promise<LogisticsSimulator> {
  const now = options.now ?? Date.now;
  const accounts = new CallbackAccounts('app key', (options.credentials ?? [DEFAULT_LOGISTICS_CREDENTIALS]).map((entry) => [entry.appKey, entry]));
  const faults = simulatorFaults(options);
  const book = new WaybillBook(now);
  const pusher = new PushSender({
    targetOf: (appKey) => accounts.targetOf(appKey),
    retryDelaysMs: options.pushRetryDelaysMs ?? [1000, 5000, 30000], timeoutMs: options.pushTimeoutMs ?? 5000, now,
  });
  const autoTimers = new Set<NodeJS.Timeout>();
  const busy = new BusySwitch();

  const publish = (waybill: BookedWaybill, events: readonly WireTrace[]) => pusher.send(waybill.appKey, events.map((trace) => ({
    eventId: trace.eventId, waybillNo: waybill.waybillNo, orderNo: waybill.orderNo, businessType: waybill.businessType, trace,
  })));
  const advance = (waybillNo: string, to?: WireStatus) => {
    const events = book.advance(waybillNo, to);
    publish(book.get(waybillNo)!, events);
    return events;
  };
  const autoAdvance = (waybill: BookedWaybill) => {
    if (!options.autoAdvanceMs) return;
    const timer = setInterval(() => {
      if (book.remaining(waybill).length === 0) {
        clearInterval(timer);
        autoTimers.delete(timer);
        return;
      }
      advance(waybill.waybillNo);
    }, options.autoAdvanceMs);
    autoTimers.add(timer);
  };

  function controlRouter(): express.Router {
    const router = express.Router();
    router.use('/__control', express.json());
    const control = (run: (req: express.Request) => unknown): express.RequestHandler => (req, res) => {
      try {
        res.json(run(req) ?? { ok: true });
      } catch (error) {
        if (!(error instanceof AdvanceError)) throw error;
        res.status(error.reason === 'not-found' ? 404 : 409).json({ error: error.reason, message: error.message });
      }
    };
    const body = (req: express.Request) => (req.body ?? {}) as Record<string, unknown>;
    router.post('/__control/waybills/:no/advance', control((req) => {
      const events = advance(String(req.params['no']), body(req)['to'] as WireStatus | undefined);
      return { waybill: toWireWaybill(book.get(String(req.params['no']))!), events };
    }));
    router.post('/__control/waybills/:no/outcome', control((req) => {
      const outcome = body(req)['outcome'];
      if (outcome !== 'DELIVERED' && outcome !== 'FAILED' && outcome !== 'RETURNED') throw new AdvanceError('not-reachable', '"outcome" must be DELIVERED, FAILED or RETURNED');
      book.scriptOutcome(String(req.params['no']), outcome, body(req)['reason'] as string | undefined);
    }));
    router.put('/__control/push-faults', control((req) => { pusher.faults = { duplicate: body(req)['duplicate'] === true, reorder: body(req)['reorder'] === true }; }));
    router.get('/__control/pushes', control(() => ({ pushes: pusher.records })));
    router.use(callbackControls(accounts, busy));
    return router;
  }

  const running = await startSignedApiSimulator(faults, options, {
    controls: controlRouter(), bodyLimit: '256kb',
    authenticate: authenticate({ secretOf: (appKey) => accounts.secretOf(appKey), skewSeconds: options.skewSeconds ?? 300, now }, new NonceCache()),
    routes: logisticsRouter({
      book, unserviceableCounties: new Set(options.unserviceableCounties ?? []),
      busy: () => busy.take(), onCreated: autoAdvance, onEvents: publish,
    }),
    notFound: (req, res) => answer(res, 'NOT_FOUND', undefined, req.path),
    // A body over the limit is the caller's fault (2001 body); anything else that breaks is the service's (9999).
    tooLarge: (res) => answer(res, 'BAD_PARAMETER', undefined, 'body'),
    failed: (res) => answer(res, 'BUSY'),
  });

  return {
    url: running.url,
    faults,
    requestCount: running.requestCount,
    waybill: (waybillNo) => { const waybill = book.get(waybillNo); return waybill && toWireWaybill(waybill); },
    traces: (waybillNo) => [...(book.get(waybillNo)?.traces ?? [])],
    advance,
    scriptOutcome: (target, outcome, reason) => book.scriptOutcome(target, outcome, reason),
    busyNext: (count) => busy.next(count),
    setCallbackUrl: (appKey, callbackUrl) => accounts.setCallbackUrl(appKey, callbackUrl),
    setPushFaults: (settings) => { pusher.faults = { duplicate: false, reorder: false, ...settings }; },
    pushes: () => pusher.records,
    pushesSettled: () => pusher.settled(),
    close: async () => {
      for (const timer of autoTimers) clearInterval(timer);
      pusher.close();
      faults.reset();
      await running.close();
    },
  };
}
