/**
 * A department system that takes sub-applications over REST: verifies
 * Tongban's signature on every request, de-duplicates by idempotency key,
 * issues 受理号, answers a receipt signed with the department's key, and later
 * sends status/result events. Faults via `faults` or `/__control/faults`.
 */
import type { NextFunction, Request, Response } from 'express';
import { isTongbanError } from '../../../src/errors/index.js';
import type { SubApplicationDelivery } from '../../../src/spec/department-channel.js';
import { signResponse, type PrivateJwk } from '../../../src/trust/index.js';
import { FaultController, corruptBody, type AnswerFault } from '../../shared/faults.js';
import { listenSimulator } from '../../shared/simulator-server.js';
import { departmentSimulatorApp } from '../../shared/department/simulator/simulator-app.js';
import { checkDelivery } from '../../shared/department/delivery-schema.js';
import { corruptSignature } from '../../shared/department/receipt-token.js';
import { DepartmentBook, type ReceivedDelivery } from '../../shared/department/simulator/department-book.js';
import { DepartmentEvents, type DepartmentEventOptions, type SentEvent } from '../../shared/department/simulator/department-events.js';
import { createTongbanVerifier, type TongbanKeySource } from '../../shared/department/simulator/tongban-verifier.js';
import { SUBMIT_PATH } from '../rest-department-api.js';

export interface RestDepartmentSimulatorOptions extends DepartmentEventOptions {
  departmentCode: string;
  /** The department's private key (algorithm as in mappings/departments.json: gaj signs with SM2). */
  departmentKey: PrivateJwk;
  /** Tongban's public keys (or its JWKS fetcher): every request must verify with one. */
  tongbanPublicKeys: TongbanKeySource;
  /** Client id Tongban signs as; default "tongban". */
  tongbanClientId?: string;
  host?: string;
  port?: number;
  /** Seed of the fault controller's random rates. */
  faultSeed?: number;
  /** Clock for 受理号 dates and times. */
  now?: () => Date;
}

/** A request the simulator refused, for tests. */
export interface RefusedRequest {
  status: number;
  code: string;
  message: string;
}

export interface RestDepartmentSimulator {
  readonly url: string;
  readonly faults: FaultController;
  /** Every delivery accepted (repeats included, flagged `duplicate`). */
  received(): ReceivedDelivery[];
  /** Effects per idempotency key (one each, however often it was sent). */
  effectsByKey(): Map<string, number>;
  /** Requests refused (bad signature, invalid delivery, …). */
  refused(): RefusedRequest[];
  /** Sends pending events now. */
  flushEvents(): Promise<SentEvent[]>;
  sentEvents(): SentEvent[];
  pendingEvents(): ReturnType<DepartmentEvents['pending']>;
  close(): Promise<void>;
}

/** Starts the simulator on a real socket (port 0 = any free port). */
export async function startRestDepartmentSimulator(options: RestDepartmentSimulatorOptions): Promise<RestDepartmentSimulator> {
  const { departmentCode } = options;
  const tongbanClientId = options.tongbanClientId ?? 'tongban';
  const faults = new FaultController(options.faultSeed);
  const book = new DepartmentBook(departmentCode, options.now);
  const events = new DepartmentEvents(departmentCode, options, options.now);
  const verify = createTongbanVerifier({ tongbanPublicKeys: options.tongbanPublicKeys, departmentCode, tongbanClientId });
  const refusals: RefusedRequest[] = [];

  const refuse = (res: Response, status: number, code: string, message: string) => {
    refusals.push({ status, code, message });
    res.status(status).json({ error: { code, message } });
  };

  const app = departmentSimulatorApp(faults);

  app.post(SUBMIT_PATH, async (req: Request, res: Response) => {
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    let requestJti: string;
    try {
      ({ claims: { jti: requestJti } } = await verify({ method: req.method, pathAndQuery: req.originalUrl, body, headers: req.headers }));
    } catch (error) {
      if (!isTongbanError(error)) throw error;
      return refuse(res, 401, error.code, error.message);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch {
      return refuse(res, 400, 'INVALID_DELIVERY', 'body is not JSON');
    }
    const checked = checkDelivery(parsed);
    if (!checked.ok) return refuse(res, 400, 'INVALID_DELIVERY', checked.problems.join('; '));
    const delivery: SubApplicationDelivery = checked.delivery;
    const key = req.get('idempotency-key');
    if (key === undefined || key === '') return refuse(res, 400, 'IDEMPOTENCY_KEY_MISSING', 'Idempotency-Key header is missing');
    if (key !== delivery.idempotencyKey) return refuse(res, 400, 'INVALID_DELIVERY', 'Idempotency-Key header differs from "idempotencyKey"');
    if (delivery.departmentCode !== departmentCode) {
      return refuse(res, 400, 'WRONG_DEPARTMENT', `sub-application is for department ${delivery.departmentCode}, this is ${departmentCode}`);
    }

    const entry = book.receive(delivery);
    if (entry.outcome === 'conflict') {
      return refuse(res, 409, 'IDEMPOTENCY_KEY_CONFLICT', `Idempotency-Key was used for different content (受理号 ${entry.receipt.acceptanceNumber})`);
    }
    if (entry.outcome === 'new') events.schedule(delivery, entry.receipt.acceptanceNumber);

    const fault = res.locals['fault'] as AnswerFault;
    let answer = JSON.stringify({ receipt: entry.receipt });
    if (fault.malformed) answer = corruptBody(answer); // the department's serialiser broke; its signer signs what goes out
    const signature = await signResponse({ body: answer, clientId: tongbanClientId, requestJti, key: options.departmentKey, issuer: departmentCode });
    if (fault.badSignature) signature['tongban-signature'] = corruptSignature(signature['tongban-signature']);
    res.status(entry.outcome === 'new' ? 201 : 200).set(signature).type('application/json; charset=utf-8').send(answer);
  });

  app.use((req: Request, res: Response) => { refuse(res, 404, 'NOT_FOUND', `no operation ${req.method} ${req.path}`); });
  app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const status = (error as { status?: number }).status ?? 500;
    refuse(res, status, status === 413 ? 'PAYLOAD_TOO_LARGE' : 'SYSTEM_ERROR', status === 413 ? 'body too large' : 'internal error');
  });

  const server = await listenSimulator(app, { ...(options.host ? { host: options.host } : {}), ...(options.port !== undefined ? { port: options.port } : {}) });
  return {
    url: server.url,
    faults,
    received: () => book.received(),
    effectsByKey: () => book.effectsByKey(),
    refused: () => [...refusals],
    flushEvents: () => events.flush(),
    sentEvents: () => events.sent(),
    pendingEvents: () => events.pending(),
    close: async () => {
      await events.close();
      faults.reset();
      await server.close();
    },
  };
}
