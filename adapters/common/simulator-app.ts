/**
 * The start of every simulator's express app: no fingerprinting headers or
 * ETags, a count of API requests (`/__control` excluded), then the fault
 * controls (and the simulator's own controls, which faults never hit) and the
 * fault middleware. Simulators of a signed API (the mail service, the payment
 * platform, the matter system) are the rest of their start-up, too:
 * {@link startSignedApiSimulator}.
 */
import express, { type ErrorRequestHandler, type Express, type Request, type RequestHandler, type Response, type Router } from 'express';
import { FaultController } from './faults.js';
import { listenSimulator } from './simulator-server.js';

export function createSimulatorApp(faults: FaultController, options: { readonly controls?: Router } = {}): { app: Express; requestCount: () => number } {
  let requests = 0;
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use((req, _res, next) => {
    if (!req.path.startsWith('/__control')) requests += 1;
    next();
  });
  app.use(faults.controlRouter());
  if (options.controls) app.use(options.controls);
  app.use(faults.middleware());
  return { app, requestCount: () => requests };
}

/** Where a simulator listens. */
export interface SimulatorListenOptions {
  /** Default 0 (any free port). */
  readonly port?: number;
  /** Default 127.0.0.1. */
  readonly host?: string;
}

/** Options of simulators with a standing latency. */
export interface SimulatorFaultOptions {
  /** Added to every request (ms), like the fault controller's `latencyMs`. Default 0. */
  readonly latencyMs?: number;
  /** Seed of the fault controller's random rolls. Default 1. */
  readonly faultSeed?: number;
}

/** The fault controller of a simulator: seeded (default 1), with the standing latency asked for. */
export function simulatorFaults(options: SimulatorFaultOptions): FaultController {
  const faults = new FaultController(options.faultSeed ?? 1);
  if (options.latencyMs) faults.set({ latencyMs: options.latencyMs });
  return faults;
}

/** What every simulator handle offers. */
export interface SimulatorHandle {
  readonly url: string;
  readonly faults: FaultController;
  /** API requests received so far (`/__control` excluded). */
  requestCount(): number;
  close(): Promise<void>;
}

/** The parts of a signed API simulator that are its own. */
export interface SignedApi {
  /** The simulator's `/__control` routes, mounted before the faults apply. */
  readonly controls?: Router;
  /** The largest request body (express' `limit`); the signature covers the raw bytes, so they are kept as bytes. */
  readonly bodyLimit: string;
  /** Checks the request's signature (answers the refusal itself). */
  readonly authenticate: RequestHandler;
  readonly routes: RequestHandler;
  /** Answers a path no route serves. */
  readonly notFound: (req: Request, res: Response) => void;
  /** Answers a body over `bodyLimit` (the caller's fault); without it, `failed` does. */
  readonly tooLarge?: (res: Response) => void;
  /** Answers anything else that broke (the simulator's fault). */
  readonly failed: (res: Response) => void;
}

/**
 * Starts a simulator of a signed JSON API: the common start of the app, the
 * raw body, authentication, the routes, a not-found answer and an error
 * answer, listening on `options`' host and port.
 */
export async function startSignedApiSimulator(
  faults: FaultController, options: SimulatorListenOptions, api: SignedApi,
): Promise<{ url: string; requestCount: () => number; close: () => Promise<void> }> {
  const { app, requestCount } = createSimulatorApp(faults, api.controls ? { controls: api.controls } : {});
  app.use(express.raw({ type: () => true, limit: api.bodyLimit }));
  app.use(api.authenticate);
  app.use(api.routes);
  app.use((req, res) => api.notFound(req, res));
  const onError: ErrorRequestHandler = (error: { type?: string }, _req, res, _next) => (
    api.tooLarge && error.type === 'entity.too.large' ? api.tooLarge(res) : api.failed(res));
  app.use(onError);
  const running = await listenSimulator(app, { port: options.port ?? 0, ...(options.host ? { host: options.host } : {}) });
  return { url: running.url, requestCount, close: () => running.close() };
}
