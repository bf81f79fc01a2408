/**
 * A real HTTP server speaking the data-sharing exchange's protocol
 * (README.md in this adapter): token endpoint, query and verification of
 * shared resources over the synthetic population, a per-app rate limit, and
 * the common fault controls.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import express, { type ErrorRequestHandler } from 'express';
import { SHARED_RESOURCES, sharedResourceKeyOf } from '../../../src/domain/shared-data.js';
import { createPopulation, type Population } from '../../common/population/index.js';
import {
  createSimulatorApp, simulatorFaults, type SimulatorFaultOptions, type SimulatorHandle, type SimulatorListenOptions,
} from '../../common/simulator-app.js';
import { listenSimulator } from '../../common/simulator-server.js';
import { ACCESS_TOKEN_HEADER, RESOURCES_PATH, TOKEN_PATH } from '../data-sharing-api.js';
import { signatureMatches, tokenSignature } from '../data-sharing-signature.js';
import { answer } from './answer.js';
import { checkQuery } from './check-query.js';
import { SharedRecords } from './shared-records.js';

export interface DataSharingCredentials {
  readonly appKey: string;
  readonly appSecret: string;
  /** Shared-catalogue codes the app is granted (共享申请已批准). Default: every resource. */
  readonly resources?: readonly string[];
}

/** Development credentials the simulator accepts unless told otherwise (not a secret: simulators are development tools). */
export const DEFAULT_DATA_SHARING_CREDENTIALS: DataSharingCredentials = Object.freeze({ appKey: 'tongban-dev', appSecret: 'tongban-dev-dsep-secret' });

export interface DataSharingSimulatorOptions extends SimulatorListenOptions, SimulatorFaultOptions {
  readonly credentials?: readonly DataSharingCredentials[];
  /** Default: the sandbox population (createPopulation()). */
  readonly population?: Population;
  /** Lifetime of an access token (s). Default 7200. */
  readonly tokenTtlSeconds?: number;
  /** At most `requests` resource calls per app key per `windowMs` (42900 beyond). Default: no limit. */
  readonly rateLimit?: { readonly requests: number; readonly windowMs: number };
  readonly now?: () => number;
}

/** One resource call the exchange received (after authentication). */
export interface ReceivedCall {
  readonly appKey: string;
  readonly operation: 'query' | 'verify';
  readonly resourceCode: string;
  readonly holderCode: string | undefined;
  readonly purpose: string | undefined;
  readonly authorizationRef: string | undefined;
}

export interface DataSharingSimulator extends SimulatorHandle {
  readonly records: SharedRecords;
  /** Resource calls received (authenticated), in order. */
  calls(): readonly ReceivedCall[];
  /** Answers the next `count` API requests with 50000 (系统繁忙). */
  busyNext(count?: number): void;
  /** Every token issued so far expires now (10003 on its next use). */
  expireTokens(): void;
}

export async function startDataSharingSimulator(options: DataSharingSimulatorOptions = {}): Promise<DataSharingSimulator> {
  const now = options.now ?? Date.now;
  const accounts = new Map((options.credentials ?? [DEFAULT_DATA_SHARING_CREDENTIALS]).map((entry) => [entry.appKey, entry]));
  const records = new SharedRecords(options.population ?? createPopulation());
  const faults = simulatorFaults(options);
  const ttlMs = (options.tokenTtlSeconds ?? 7200) * 1000;
  const tokens = new Map<string, { appKey: string; expiresAt: number }>();
  const windows = new Map<string, { start: number; count: number }>();
  const received: ReceivedCall[] = [];
  let busy = 0;

  const { app, requestCount } = createSimulatorApp(faults);
  app.use((_req, res, next) => (busy > 0 ? (busy -= 1, answer(res, 'BUSY')) : next()));
  app.use(express.json({ limit: '64kb', type: () => true }));

  app.post(TOKEN_PATH, (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const { appKey, timestamp, signature } = body;
    if (typeof appKey !== 'string' || typeof timestamp !== 'string' || typeof signature !== 'string') return answer(res, 'BAD_PARAMETER', undefined, 'appKey, timestamp, signature');
    const account = accounts.get(appKey);
    if (!account || !/^\d{1,12}$/.test(timestamp) || Math.abs(now() / 1000 - Number(timestamp)) > 300
      || !signatureMatches(signature, tokenSignature(account.appSecret, appKey, timestamp))) return answer(res, 'BAD_CREDENTIALS');
    const accessToken = randomBytes(24).toString('hex');
    tokens.set(accessToken, { appKey, expiresAt: now() + ttlMs });
    answer(res, 'OK', { accessToken, expiresIn: Math.floor(ttlMs / 1000) });
  });

  app.post(`${RESOURCES_PATH}/:code/:operation`, (req, res) => {
    const operation = req.params['operation'];
    if (operation !== 'query' && operation !== 'verify') return answer(res, 'NOT_FOUND', undefined, req.path);
    const token = tokens.get(req.get(ACCESS_TOKEN_HEADER) ?? '');
    if (!token) return answer(res, 'BAD_TOKEN');
    if (token.expiresAt <= now()) return answer(res, 'TOKEN_EXPIRED');
    if (options.rateLimit) {
      const window = windows.get(token.appKey);
      if (!window || now() - window.start >= options.rateLimit.windowMs) windows.set(token.appKey, { start: now(), count: 1 });
      else if (++window.count > options.rateLimit.requests) return answer(res, 'RATE_LIMITED');
    }
    const code = String(req.params['code']);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const conditions = body['conditions'] as Record<string, unknown> | undefined;
    received.push({
      appKey: token.appKey, operation, resourceCode: code, holderCode: typeof conditions?.['GMSFHM'] === 'string' ? conditions['GMSFHM'] : undefined,
      purpose: typeof body['purpose'] === 'string' ? body['purpose'] : undefined, authorizationRef: typeof body['authorizationRef'] === 'string' ? body['authorizationRef'] : undefined,
    });
    const key = sharedResourceKeyOf(code);
    if (!key) return answer(res, 'UNKNOWN_RESOURCE', undefined, code);
    const granted = accounts.get(token.appKey)?.resources;
    if (granted && !granted.includes(code)) return answer(res, 'NOT_GRANTED', undefined, code);
    const check = checkQuery(body, key, operation === 'verify');
    if (!check.ok) return answer(res, check.result, undefined, check.field);
    const resource = SHARED_RESOURCES[key];
    const record = records.record(key, check.holderCode);
    if (operation === 'verify') {
      const matched = record !== undefined && Object.entries(check.claims).every(([field, value]) => record.fields[field] === value);
      return answer(res, 'OK', { resourceCode: code, sourceDepartment: resource.sourceDepartment, matched, verificationId: randomUUID() });
    }
    if (!record) return answer(res, 'NO_DATA');
    answer(res, 'OK', {
      resourceCode: code, resourceName: resource.name, sourceDepartment: resource.sourceDepartment,
      dataTime: `${record.updatedOn}T00:00:00+08:00`, records: [record.fields],
    });
  });

  app.use((req, res) => answer(res, 'NOT_FOUND', undefined, req.path));
  // A body that is no JSON or too large is the caller's fault (20001); anything else that breaks is the exchange's (50000).
  const onError: ErrorRequestHandler = (error: { type?: string }, _req, res, _next) => (
    error.type === 'entity.too.large' || error.type === 'entity.parse.failed' ? answer(res, 'BAD_PARAMETER', undefined, 'body') : answer(res, 'BUSY'));
  app.use(onError);

  const running = await listenSimulator(app, { port: options.port ?? 0, ...(options.host ? { host: options.host } : {}) });
  return {
    url: running.url,
    faults,
    records,
    requestCount,
    calls: () => [...received],
    busyNext: (count = 1) => { busy += count; },
    expireTokens: () => { for (const token of tokens.values()) token.expiresAt = now(); },
    close: async () => {
      faults.reset();
      await running.close();
    },
  };
}
