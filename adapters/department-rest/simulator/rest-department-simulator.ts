/**
 * A department system that takes sub-applications over REST: verifies
 * Tongban's signature on every request, de-duplicates by idempotency key,
 * issues 受理号, answers a receipt signed with the department's key, and later
 * sends status/result events. Faults via `faults` or `/__control/faults`.
 */
import type { NextFunction, Request, Response } from 'express';
import { isTongbanError } from '../../../src/errors/index.js';
import type { SubApplicationDelivery } from '../../../src/spec/department-channel.js';
import { signResponse } from '../../../src/trust/index.js';
import { corruptBody, type AnswerFault } from '../../shared/faults.js';
import { checkDelivery } from '../../shared/department/delivery-schema.js';
import { corruptSignature } from '../../shared/department/receipt-token.js';
import { pushDepartmentParts, type PushDepartmentSimulator, type PushDepartmentSimulatorOptions } from '../../shared/department/simulator/push-department.js';
import { SUBMIT_PATH } from '../rest-department-api.js';

export type RestDepartmentSimulatorOptions = PushDepartmentSimulatorOptions;

/** A request the simulator refused, for tests. */
export interface RefusedRequest {
  status: number;
  code: string;
  message: string;
}

export interface RestDepartmentSimulator extends PushDepartmentSimulator {
  /** Requests refused (bad signature, invalid delivery, …). */
  refused(): RefusedRequest[];
}

/** Starts the simulator on a real socket (port 0 = any free port). */
export async function startRestDepartmentSimulator(options: RestDepartmentSimulatorOptions): Promise<RestDepartmentSimulator> {
  const { departmentCode } = options;
  const tongbanClientId = options.tongbanClientId ?? 'tongban';
  const { book, events, verify, app, listen } = pushDepartmentParts(options);
  const refusals: RefusedRequest[] = [];

  const refuse = (res: Response, status: number, code: string, message: string) => {
    refusals.push({ status, code, message });
    res.status(status).json({ error: { code, message } });
  };

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

  return { ...await listen(), refused: () => [...refusals] };
}
