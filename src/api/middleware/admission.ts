/**
 * Admission control for submissions: at most `limit` of them are worked on
 * at once; the others wait, in arrival order, once their body is read
 * (bounded by the body limit; a slow sender holds no turn) and before
 * anything else is done for them (signature, ID token, form, database).
 *
 * Why: the gateway has one event loop. With many submissions in flight,
 * each turn of the loop carries the ready work of all of them, and a
 * request that needs several turns — an operator's dashboard read waits for
 * the ops reader's thread and comes back — waits behind every submission's
 * work at each turn. Holding the excess back keeps a turn short, so ops
 * reads, look-ups and health checks stay fast while intake saturates the
 * gateway; intake's own rate is the same (the loop was already full), and
 * the group commit still gathers up to `limit` submissions.
 *
 * A submission that waits longer than `maxWaitMs`, or arrives when
 * `maxWaiting` already wait, is answered 503 `GATEWAY_BUSY` with
 * `Retry-After: 1` (nothing was stored: it never started), and one whose
 * client goes away while it waits leaves the queue.
 * The wait counts against the request's database budget, which starts
 * before it (keep `maxWaitMs` well below the budget).
 */
import { AsyncResource } from 'node:async_hooks';
import type { RequestHandler } from 'express';
import { TongbanError } from '../../errors/index.js';

export interface AdmissionOptions {
  /** Submissions worked on at once. */
  limit: number;
  /** Longest wait for a turn (ms) before 503. */
  maxWaitMs: number;
  /** Most submissions waiting at once (their bodies are held in memory); one more is 503 at once. Default 1,024 or 8 × `limit`, whichever is more. */
  maxWaiting?: number;
}

/** What the limiter is doing, for /metrics and tests. */
export interface AdmissionState {
  readonly active: number;
  readonly waiting: number;
  /** Submissions refused with 503 (waited `maxWaitMs`, or the queue was full), since start. */
  readonly refused: number;
}

export interface Admission {
  readonly middleware: RequestHandler;
  state(): AdmissionState;
}

interface Waiter {
  admit: () => void;
  timer: NodeJS.Timeout;
}

export function admission(options: AdmissionOptions): Admission {
  if (!Number.isInteger(options.limit) || options.limit < 1) throw new RangeError('admission limit must be a positive integer');
  const maxWaiting = options.maxWaiting ?? Math.max(1024, 8 * options.limit);
  let active = 0;
  let refused = 0;
  const waiting: Waiter[] = [];

  const admitNext = (): void => {
    const next = waiting.shift();
    if (!next) return;
    clearTimeout(next.timer);
    next.admit();
  };

  const middleware: RequestHandler = (req, res, next) => {
    const start = (): void => {
      active += 1;
      let released = false;
      // 'close' follows the answer (or a connection lost before it): the turn goes to the next in line.
      res.once('close', () => {
        if (released) return;
        released = true;
        active -= 1;
        admitNext();
      });
      next();
    };
    if (active < options.limit && waiting.length === 0) {
      start();
      return;
    }
    if (waiting.length >= maxWaiting) {
      refused += 1;
      next(new TongbanError('GATEWAY_BUSY', `The gateway is working on ${options.limit} submissions and ${maxWaiting} more wait for a turn; nothing was stored — send it again with the same Idempotency-Key`));
      return;
    }
    // Admitted from another request's 'close': run in this request's own context (trace id, database budget). Not
    // AsyncResource.bind, which defines deprecated accessors on every function it binds (12 µs a waiting request).
    const context = new AsyncResource('tongban.admission');
    const waiter: Waiter = {
      admit: () => context.runInAsyncScope(() => {
        res.off('close', gone);
        start();
      }),
      timer: setTimeout(() => {
        const index = waiting.indexOf(waiter);
        if (index >= 0) waiting.splice(index, 1);
        res.off('close', gone);
        refused += 1;
        next(new TongbanError('GATEWAY_BUSY', `The gateway is working on ${options.limit} submissions and this one waited ${options.maxWaitMs} ms for a turn; nothing was stored — send it again with the same Idempotency-Key`));
      }, options.maxWaitMs),
    };
    const gone = (): void => {
      const index = waiting.indexOf(waiter);
      if (index >= 0) {
        waiting.splice(index, 1);
        clearTimeout(waiter.timer);
      }
    };
    res.once('close', gone);
    waiting.push(waiter);
  };

  return { middleware, state: () => ({ active, waiting: waiting.length, refused }) };
}
