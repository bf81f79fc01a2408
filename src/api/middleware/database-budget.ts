import type { RequestHandler } from 'express';
import { runWithDatabaseDeadline } from '../../store/index.js';

/**
 * Gives each request `budgetMs` from its arrival for all its database waits
 * together: a database that stops answering (a black hole, a long lock)
 * holds a request no longer than that — it answers 503
 * DATABASE_UNAVAILABLE — however many statements it would have run.
 */
export function databaseBudget(budgetMs: number): RequestHandler {
  return (_req, _res, next) => runWithDatabaseDeadline(Date.now() + budgetMs, next);
}
