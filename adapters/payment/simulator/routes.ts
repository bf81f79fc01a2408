/** The platform's API routes (`/fee/v1`), after authentication. */
import { createHash } from 'node:crypto';
import express, { type Router } from 'express';
import { NOTICES_PATH, RECONCILIATIONS_PATH, RECONCILIATION_HEADER, REFUNDS_PATH, beijingTime } from '../payment-api.js';
import { answer } from './answer.js';
import { beijingDate, toWireNotice, toWireRefund, type NoticeBook } from './notice-book.js';
import { checkNotice } from './validate-notice.js';

export interface RouteHooks {
  readonly book: NoticeBook;
  readonly knownItems: Readonly<Record<string, string>>;
  readonly now: () => number;
  /** True when this request should be answered E999. */
  readonly busy: () => boolean;
  readonly onCreated: (noticeNo: string) => void;
  /** How long a refund stays PROCESSING (ms). */
  readonly refundDelayMs: number;
}

function parseBody(req: express.Request): unknown {
  try {
    return JSON.parse(Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '');
  } catch {
    return undefined;
  }
}

export function paymentRouter(hooks: RouteHooks): Router {
  const router = express.Router();
  router.use((_req, res, next) => (hooks.busy() ? answer(res, 'BUSY') : next()));
  const appIdOf = (res: express.Response) => res.locals['appId'] as string;

  router.post(NOTICES_PATH, (req, res) => {
    const check = checkNotice(parseBody(req), hooks.knownItems, beijingDate(hooks.now()));
    if (!check.ok) return answer(res, check.result, undefined, check.field);
    const existing = hooks.book.byOrderNo(appIdOf(res), check.request.orderNo);
    if (existing) return answer(res, 'DUPLICATE_ORDER', toWireNotice(existing));
    const notice = hooks.book.create(appIdOf(res), check.request);
    hooks.onCreated(notice.noticeNo);
    answer(res, 'OK', toWireNotice(notice));
  });

  router.get(`${NOTICES_PATH}/:noticeNo`, (req, res) => {
    const notice = hooks.book.get(String(req.params['noticeNo']), appIdOf(res));
    if (!notice) return answer(res, 'NOTICE_NOT_FOUND', undefined, String(req.params['noticeNo']));
    answer(res, 'OK', toWireNotice(notice));
  });

  router.post(REFUNDS_PATH, (req, res) => {
    const body = (parseBody(req) ?? {}) as Record<string, unknown>;
    const refundNo = body['refundNo'];
    if (typeof refundNo !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(refundNo)) return answer(res, 'BAD_PARAMETER', undefined, 'refundNo');
    if (typeof body['noticeNo'] !== 'string') return answer(res, 'BAD_PARAMETER', undefined, 'noticeNo');
    if (!Number.isSafeInteger(body['amount']) || (body['amount'] as number) <= 0) return answer(res, 'BAD_PARAMETER', undefined, 'amount');
    if (typeof body['reason'] !== 'string' || body['reason'].trim() === '') return answer(res, 'BAD_PARAMETER', undefined, 'reason');
    hooks.book.settleRefunds(hooks.refundDelayMs);
    const existing = hooks.book.refundOf(refundNo, appIdOf(res));
    if (existing) return answer(res, 'DUPLICATE_REFUND', toWireRefund(existing));
    const notice = hooks.book.get(body['noticeNo'], appIdOf(res));
    if (!notice) return answer(res, 'NOTICE_NOT_FOUND', undefined, body['noticeNo']);
    if (!notice.payment) return answer(res, 'NOT_PAID', undefined, notice.noticeNo);
    const pending = [...refundedAmounts(hooks.book, notice.noticeNo)].reduce((sum, amount) => sum + amount, 0);
    if ((body['amount'] as number) > notice.payment.amount - pending) return answer(res, 'REFUND_TOO_LARGE', undefined, `可退 ${notice.payment.amount - pending} 分`);
    const refund = { appId: appIdOf(res), refundNo, noticeNo: notice.noticeNo, amount: body['amount'] as number, reason: body['reason'], status: 'PROCESSING' as const, requestedAtMs: hooks.now() };
    hooks.book.addRefund(refund);
    hooks.book.settleRefunds(hooks.refundDelayMs);
    answer(res, 'OK', toWireRefund(hooks.book.refundOf(refundNo)!));
  });

  router.get(`${REFUNDS_PATH}/:refundNo`, (req, res) => {
    hooks.book.settleRefunds(hooks.refundDelayMs);
    const refund = hooks.book.refundOf(String(req.params['refundNo']), appIdOf(res));
    if (!refund) return answer(res, 'REFUND_NOT_FOUND', undefined, String(req.params['refundNo']));
    answer(res, 'OK', toWireRefund(refund));
  });

  router.get(`${RECONCILIATIONS_PATH}/:date`, (req, res) => {
    const date = String(req.params['date']);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(Date.parse(date))) return answer(res, 'BAD_PARAMETER', undefined, 'date');
    // A day's file exists once the day is over (Beijing time).
    if (date >= beijingDate(hooks.now())) return answer(res, 'FILE_NOT_READY', undefined, date);
    const lines = hooks.book.paidOn(appIdOf(res), date).map((notice) => [
      notice.noticeNo, notice.request.orderNo, notice.payment!.amount, beijingTime(notice.payment!.paidAtMs), notice.payment!.channel].join(','));
    const content = [RECONCILIATION_HEADER, ...lines].join('\n') + '\n';
    answer(res, 'OK', { billDate: date, fileName: `DZ_${appIdOf(res)}_${date.replaceAll('-', '')}.csv`, content, digest: createHash('sm3').update(content, 'utf8').digest('hex') });
  });
  return router;
}

/** Amounts of the refunds of a notice that are not failed. */
function* refundedAmounts(book: NoticeBook, noticeNo: string): Iterable<number> {
  for (const refund of book.refundsOf(noticeNo)) if (refund.status !== 'FAIL') yield refund.amount;
}
