import express, { type Express, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { problemMiddleware, TongbanError } from '../errors/index.js';
import type { Logger } from '../log/index.js';
import './request-context.js';
import { refuseContentEncoding } from './middleware/content-encoding.js';
import { databaseBudget } from './middleware/database-budget.js';
import { jsonBody } from './middleware/json-body.js';
import { securityHeaders } from './middleware/security-headers.js';
import { traceMiddleware } from './middleware/trace.js';
import { mountRoutes, notFound } from './routes/mount.js';
import type { AccessGuard, Route } from './routes/route.js';

export interface AppOptions {
  logger: Logger;
  routes: readonly Route[];
  /** Enforces each route's access rule. Until trust is wired, non-public routes are refused. */
  guard?: AccessGuard;
  bodyLimitBytes: number;
  /** While true, new requests get 503 SHUTTING_DOWN with `Connection: close`. */
  isShuttingDown?: () => boolean;
  /** Signs answers under `/v1` (Tongban signature v1). */
  answerSigner?: RequestHandler;
  /** Sees every request first, right after tracing (metrics). */
  requestObserver?: RequestHandler;
  /** Longest each request may wait on the database in all (ms); unset: each wait bounded only by the store's own limits. */
  databaseBudgetMs?: number;
  /** Admission control for `POST /v1/applications` (middleware/admission.ts); absent: no limit. */
  intakeAdmission?: RequestHandler;
  /** Pages for people (the ops dashboard), mounted before the JSON body parser: they read their own form bodies and check their own sessions. */
  pages?: readonly { readonly path: string; readonly handler: RequestHandler }[];
}

const refuseAll: AccessGuard = () => [(_req, _res, next) => next(new TongbanError('SIGNATURE_MISSING', 'This endpoint requires a signed request'))];

/** Builds the express application: trace → hardening → no Content-Encoding → body (unless the route streams it) → routes → 404 → problem+json. */
export function createApp(options: AppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('query parser', 'simple');
  app.use(parseQueryOnce);
  app.use(traceMiddleware(options.logger));
  if (options.databaseBudgetMs !== undefined) app.use(databaseBudget(options.databaseBudgetMs));
  if (options.requestObserver) app.use(options.requestObserver);
  app.use(securityHeaders());
  if (options.answerSigner) app.use('/v1', options.answerSigner);
  if (options.isShuttingDown) app.use(drain(options.isShuttingDown));
  app.use(refuseContentEncoding());
  for (const pages of options.pages ?? []) app.use(pages.path, pages.handler);
  for (const route of options.routes) if (route.body === 'stream') app.use(route.path, markStreamed(route.method));
  app.use(...jsonBody(options.bodyLimitBytes));
  // After the answer signer (a 503 GATEWAY_BUSY is signed too) and the body (a slow sender holds no turn), before the signature check.
  // A router of its own: it matches the path exactly as the route does, and is not a second route.
  if (options.intakeAdmission) app.use(express.Router().post('/v1/applications', options.intakeAdmission));
  mountRoutes(app, options.routes, options.guard ?? refuseAll);
  app.use(notFound);
  app.use(problemMiddleware(options.logger));
  return app;
}

/**
 * Express 5's `req.query` is a getter that parses the query string again on
 * every read; a route reading six parameters parsed it six times. This
 * parses it once, when the request comes in, and keeps that object on the
 * request (the same parser, the same result).
 */
function parseQueryOnce(req: Request, _res: Response, next: NextFunction): void {
  if (req.url.includes('?')) Object.defineProperty(req, 'query', { value: req.query, writable: true, configurable: true, enumerable: true });
  next();
}

/**
 * Marks a request whose route reads the body itself, so the JSON body parser
 * leaves it unread. Mounted with `use` (a prefix, not a route: only the path
 * itself and the route's method are marked).
 */
function markStreamed(method: string): RequestHandler {
  return (req, _res, next) => {
    if (req.method === method && (req.path === '/' || req.path === '')) req.streamedBody = true;
    next();
  };
}

function drain(isShuttingDown: () => boolean): RequestHandler {
  return (_req, res, next) => {
    if (!isShuttingDown()) return next();
    res.setHeader('Connection', 'close');
    next(new TongbanError('SHUTTING_DOWN', 'The gateway is shutting down; retry on another replica'));
  };
}
