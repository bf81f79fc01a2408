import type { Store } from '../../store/index.js';
import { appliedVersion, latestVersion } from '../../store/index.js';
import { health, readiness } from '../openapi/schemas/ops.js';
import { PUBLIC, type Route } from './route.js';

export interface HealthDependencies {
  store: Store;
  /** True once shutdown has begun: readiness turns 503 so load balancers drain. */
  isShuttingDown: () => boolean;
  /** Upper bound for the database check (ms). Default 2000. */
  checkTimeoutMs?: number;
}

interface Check {
  ok: boolean;
  detail: string;
}

/** `/healthz` (the process is alive) and `/readyz` (it can serve: database reachable and migrated). */
export function healthRoutes(deps: HealthDependencies): Route[] {
  const expected = latestVersion(deps.store.dialect);
  return [
    {
      method: 'GET', path: '/healthz', access: PUBLIC, summary: 'Liveness: the process is running',
      responses: { 200: { description: 'Alive', schema: health, example: { status: 'ok' } } },
      handler: (_req, res) => { res.json({ status: 'ok' }); },
    },
    {
      method: 'GET', path: '/readyz', access: PUBLIC, summary: 'Readiness: database reachable and migrated',
      responses: {
        200: { description: 'Ready', schema: readiness, example: { status: 'ready', checks: { database: { ok: true, detail: 'sqlite reachable' }, migrations: { ok: true, detail: 'schema at version 5' } } } },
        503: { description: 'Not ready (database unreachable or not migrated, or shutting down): load balancers should drain', schema: readiness },
      },
      handler: async (_req, res) => {
        const checks: Record<string, Check> = {};
        if (deps.isShuttingDown()) checks['shutdown'] = { ok: false, detail: 'gateway is shutting down' };
        try {
          // ping: on SQLite it also fails once the jti journal could not make a record durable.
          const applied = await withTimeout(deps.store.ping().then(() => appliedVersion(deps.store)), deps.checkTimeoutMs ?? 2000);
          checks['database'] = { ok: true, detail: `${deps.store.dialect} reachable` };
          checks['migrations'] = applied >= expected
            ? { ok: true, detail: `schema at version ${applied}` }
            : { ok: false, detail: `schema at version ${applied}, expected ${expected}; run "tongban migrate"` };
        } catch (error) {
          checks['database'] = { ok: false, detail: `${deps.store.dialect} unreachable: ${(error as Error).message}` };
        }
        const ready = Object.values(checks).every((check) => check.ok);
        res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'unavailable', checks });
      },
    },
  ];
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
