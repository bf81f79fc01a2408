/** The mail service's API routes (`/ems/v1`), after authentication. */
import express, { type Router } from 'express';
import { ORDERS_PATH, WAYBILLS_PATH, type WireTrace } from '../logistics-api.js';
import { answer } from './answer.js';
import { checkOrder } from './validate-order.js';
import { toWireWaybill, type BookedWaybill, type WaybillBook } from './waybill-book.js';

export interface RouteHooks {
  readonly book: WaybillBook;
  readonly unserviceableCounties: ReadonlySet<string>;
  /** True when this request should be answered 9999 (系统繁忙). */
  readonly busy: () => boolean;
  readonly onCreated: (waybill: BookedWaybill) => void;
  readonly onEvents: (waybill: BookedWaybill, events: readonly WireTrace[]) => void;
}

export function logisticsRouter(hooks: RouteHooks): Router {
  const router = express.Router();
  router.use((_req, res, next) => (hooks.busy() ? answer(res, 'BUSY') : next()));

  router.post(ORDERS_PATH, (req, res) => {
    let body: unknown;
    try {
      body = JSON.parse(Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '');
    } catch {
      return answer(res, 'BAD_PARAMETER', undefined, 'body');
    }
    const check = checkOrder(body, hooks.unserviceableCounties);
    if (!check.ok) return answer(res, check.result, undefined, check.field);
    const appKey = res.locals['appKey'] as string;
    const existing = hooks.book.byOrderNo(appKey, check.order.orderNo);
    if (existing) return answer(res, 'DUPLICATE_ORDER', toWireWaybill(existing));
    const waybill = hooks.book.create(appKey, check.order);
    hooks.onCreated(waybill);
    answer(res, 'OK', toWireWaybill(waybill));
  });

  const find = (req: express.Request, res: express.Response): BookedWaybill | undefined => {
    const waybill = hooks.book.get(String(req.params['waybillNo']), res.locals['appKey'] as string);
    if (!waybill) answer(res, 'WAYBILL_NOT_FOUND', undefined, String(req.params['waybillNo']));
    return waybill;
  };

  router.get(`${WAYBILLS_PATH}/:waybillNo`, (req, res) => {
    const waybill = find(req, res);
    if (waybill) answer(res, 'OK', toWireWaybill(waybill));
  });

  router.get(`${WAYBILLS_PATH}/:waybillNo/traces`, (req, res) => {
    const waybill = find(req, res);
    if (waybill) answer(res, 'OK', { waybillNo: waybill.waybillNo, traces: waybill.traces });
  });

  router.post(`${WAYBILLS_PATH}/:waybillNo/cancel`, (req, res) => {
    const waybill = find(req, res);
    if (!waybill) return;
    const event = hooks.book.cancel(waybill);
    if (event === undefined) return answer(res, 'NOT_CANCELLABLE', undefined, `${waybill.waybillNo} is ${waybill.status}`);
    if (event) hooks.onEvents(waybill, [event]);
    answer(res, 'OK', toWireWaybill(waybill));
  });
  return router;
}
