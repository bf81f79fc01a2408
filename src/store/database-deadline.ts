import { AsyncLocalStorage } from 'node:async_hooks';
import { TongbanError } from '../errors/index.js';

/**
 * The moment (epoch ms) by which every database wait of the current request
 * must end. A request is given one budget for all its waits together (a free
 * connection, each statement), so a database that stops answering cannot hold
 * it longer than that, however many statements it runs one after another.
 */
const storage = new AsyncLocalStorage<{ readonly deadline: number }>();

/** Runs `fn` (and everything it starts) with database waits bounded by `deadline` (epoch ms). */
export function runWithDatabaseDeadline<T>(deadline: number, fn: () => T): T {
  return storage.run({ deadline }, fn);
}

/**
 * Runs `fn` (and everything it starts) outside the current request's budget:
 * for a file streamed to or from the database at the client's pace, which
 * may rightly take longer than the budget in all. Each wait stays bounded by
 * the store's own limits (a connection, each statement's answer).
 */
export function runOutsideDatabaseDeadline<T>(fn: () => T): T {
  return storage.exit(fn);
}

/** The deadline of the current request, if it runs under one (background work does not). */
export function databaseDeadline(): number | undefined {
  return storage.getStore()?.deadline;
}

/**
 * How long the next database wait may last (ms): `limit` (undefined: none),
 * cut to what is left of the current request's budget.
 * @throws TongbanError DATABASE_UNAVAILABLE when the budget is spent
 */
export function waitLimit(limit: number | undefined, now = Date.now()): number | undefined {
  const deadline = databaseDeadline();
  if (deadline === undefined) return limit;
  const left = deadline - now;
  if (left <= 0) throw budgetSpent();
  return limit === undefined ? left : Math.min(limit, left);
}

/** The error of a request whose database budget ran out before its database answered. */
export function budgetSpent(): TongbanError {
  return new TongbanError('DATABASE_UNAVAILABLE', 'The database did not answer within this request\'s time budget; retry later', {
    cause: new Error('request database budget spent'),
  });
}
