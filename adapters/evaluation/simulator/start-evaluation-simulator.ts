/**
 * A simulated provincial 好差评 system: a real HTTP server with app-id /
 * timestamp / nonce / HMAC authentication, `{code, message, data}` envelopes,
 * in-memory evaluations with 一事一评 duplicate detection, the 整改回访 steps
 * of poor evaluations, and fault injection at `/__control/faults`.
 */
import express, { type NextFunction, type Request, type Response } from 'express';
import { FaultController } from '../../common/faults.js';
import { listenSimulator } from '../../common/simulator-server.js';
import type { WireEvaluation } from '../evaluation-api.js';
import { authenticate } from './authenticate.js';
import { reply } from './envelope.js';
import { evaluationRoutes } from './routes.js';
import { defaultServiceRegistry, type ServiceRegistry } from './service-registry.js';

/** The development application the sandbox and the tests use. */
export const DEV_EVALUATION_APP = { appId: 'tongban-dev', appSecret: 'tongban-dev-evaluation-secret' } as const;

/** Settings of {@link startEvaluationSimulator}. */
export interface EvaluationSimulatorOptions {
  port?: number;
  host?: string;
  /** App id → app secret; default {@link DEV_EVALUATION_APP}. */
  apps?: Readonly<Record<string, string>>;
  /** Allowed clock skew of request timestamps and stated times (s); default 300. */
  skewSeconds?: number;
  /** Latency added to every API request (ms), on top of any fault; default 0. */
  latencyMs?: number;
  /** Services and departments known; default from the repository's mappings. */
  registry?: ServiceRegistry;
  /** Clock (epoch ms); default `Date.now`. */
  now?: () => number;
  /** Seed of the fault controller's random draws. */
  faultSeed?: number;
}

/** One authenticated API request and the code it was answered with. */
export interface ReceivedRequest {
  readonly method: string;
  /** Path and query as received. */
  readonly path: string;
  /** Parsed JSON body (undefined for GET or unparsable). */
  readonly body: unknown;
  readonly code: number;
}

export interface EvaluationSimulator {
  readonly url: string;
  readonly faults: FaultController;
  /** Requests that passed authentication, oldest first, with the code answered. */
  received(): readonly ReceivedRequest[];
  /** Evaluations recorded, in the order received (live records: read, don't mutate). */
  evaluations(): readonly WireEvaluation[];
  /**
   * The next `count` authenticated requests are answered with the system's own
   * busy (5030, HTTP 503) or internal error (5000, HTTP 500) envelope, as the
   * province does under load. Also `PUT /__control/busy {count, code}`.
   */
  busy(count: number, code?: 5000 | 5030): void;
  close(): Promise<void>;
}

export async function startEvaluationSimulator(options: EvaluationSimulatorOptions = {}): Promise<EvaluationSimulator> {
  const now = options.now ?? Date.now;
  const skewSeconds = options.skewSeconds ?? 300;
  const registry = options.registry ?? defaultServiceRegistry();
  const faults = new FaultController(options.faultSeed ?? 1);
  const evaluations = new Map<string, WireEvaluation>();
  const received: ReceivedRequest[] = [];
  let busy = { count: 0, code: 5030 as 5000 | 5030 };
  const setBusy = (count: number, code: 5000 | 5030 = 5030) => {
    busy = { count: Math.max(0, Math.floor(count)), code };
  };

  const app = express();
  app.disable('x-powered-by');
  // Raw body: the signature covers the exact bytes. Read before the control router, whose JSON parser would consume it.
  const rawBody = express.raw({ type: () => true, limit: '64kb' });
  app.use((req, res, next) => (req.path.startsWith('/__control/') ? next() : rawBody(req, res, next)));
  app.use(faults.controlRouter());
  app.put('/__control/busy', (req, res) => {
    const body = req.body as { count?: number; code?: number };
    setBusy(Number(body.count ?? 1), body.code === 5000 ? 5000 : 5030);
    res.json(busy);
  });
  app.use(faults.middleware());
  if ((options.latencyMs ?? 0) > 0) app.use((_req, _res, next) => void setTimeout(next, options.latencyMs));
  app.use(authenticate({ apps: new Map(Object.entries(options.apps ?? { [DEV_EVALUATION_APP.appId]: DEV_EVALUATION_APP.appSecret })), skewSeconds, now }));
  app.use((req, res, next) => {
    res.on('finish', () => {
      let body: unknown;
      try {
        body = Buffer.isBuffer(req.body) && req.body.length > 0 ? JSON.parse(req.body.toString('utf8')) : undefined;
      } catch {
        body = undefined;
      }
      received.push({ method: req.method, path: req.originalUrl, body, code: Number(res.locals['answeredCode'] ?? 0) });
    });
    if (busy.count === 0) return next();
    busy.count -= 1;
    reply(res, busy.code === 5000 ? 'INTERNAL' : 'BUSY');
  });
  app.use(evaluationRoutes({ registry, now, skewMs: skewSeconds * 1000, evaluations }));
  app.use((_req: Request, res: Response) => res.status(404).type('application/json').send(JSON.stringify({ code: 404, message: '接口不存在' })));
  app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    if ((error as { type?: string }).type === 'entity.too.large') return res.status(413).type('application/json').send(JSON.stringify({ code: 413, message: '请求体过大' }));
    reply(res, 'INTERNAL');
  });

  const running = await listenSimulator(app, { ...(options.host === undefined ? {} : { host: options.host }), ...(options.port === undefined ? {} : { port: options.port }) });
  return {
    url: running.url,
    faults,
    received: () => [...received],
    evaluations: () => [...evaluations.values()],
    busy: setBusy,
    close: async () => {
      faults.reset();
      await running.close();
    },
  };
}
