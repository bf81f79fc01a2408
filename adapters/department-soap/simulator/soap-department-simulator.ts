/**
 * A legacy department system with a SOAP 1.1 service: verifies Tongban's
 * signature (HTTP headers over the exact XML bytes), de-duplicates by the
 * idempotency key element, issues 受理号, answers a receipt with a signature
 * element by the department's key, refuses with SOAP Faults, and later sends
 * status/result events. HTTP-level faults via `faults`; SOAP faults via `scriptFault`.
 */
import type { NextFunction, Request, Response } from 'express';
import { isTongbanError } from '../../../src/errors/index.js';
import { corruptBody, type AnswerFault } from '../../common/faults.js';
import { checkDelivery } from '../../common/department/delivery-schema.js';
import { corruptSignature, signReceiptToken } from '../../common/department/receipt-token.js';
import { pushDepartmentParts, type PushDepartmentSimulator, type PushDepartmentSimulatorOptions } from '../../common/department/simulator/push-department.js';
import { SERVICE_PATH, SUBMIT_ACTION, readSubmitRequest, submitResponseXml } from '../soap-department-api.js';
import { buildFault, parseEnvelope, type FaultCode } from '../soap-envelope.js';

export interface SoapDepartmentSimulatorOptions extends PushDepartmentSimulatorOptions {
  /** Default `/services/SubApplicationService`. */
  servicePath?: string;
}

/** A SOAP fault the next call gets instead of being applied. */
export interface ScriptedSoapFault {
  faultcode: FaultCode;
  /** Detail code, e.g. `SYSTEM_BUSY`, `INVALID_REQUEST`. */
  code?: string;
  faultstring?: string;
  /** HTTP status; default 500 (SOAP 1.1). */
  status?: number;
}

/** A fault the simulator answered. */
export interface AnsweredFault {
  status: number;
  faultcode: FaultCode;
  code: string;
  faultstring: string;
}

export interface SoapDepartmentSimulator extends PushDepartmentSimulator {
  /** The service endpoint (`url` + service path). */
  readonly endpoint: string;
  /** Makes the next calls answer these SOAP faults, in order (nothing is applied). */
  scriptFault(...faults: ScriptedSoapFault[]): void;
  /** Faults answered (signature refusals, invalid requests, scripted ones). */
  answeredFaults(): AnsweredFault[];
}

/** Starts the simulator on a real socket (port 0 = any free port). */
export async function startSoapDepartmentSimulator(options: SoapDepartmentSimulatorOptions): Promise<SoapDepartmentSimulator> {
  const { departmentCode } = options;
  const servicePath = options.servicePath ?? SERVICE_PATH;
  const { book, events, materials, verify, app, listen } = pushDepartmentParts(options);
  const script: ScriptedSoapFault[] = [];
  const answered: AnsweredFault[] = [];

  const fault = (res: Response, faultcode: FaultCode, code: string, faultstring: string, status = 500) => {
    answered.push({ status, faultcode, code, faultstring });
    res.status(status).type('text/xml; charset=utf-8').send(buildFault({ faultcode, faultstring, code }));
  };

  app.post(servicePath, async (req: Request, res: Response) => {
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    let requestJti: string;
    try {
      ({ claims: { jti: requestJti } } = await verify({ method: req.method, pathAndQuery: req.originalUrl, body, headers: req.headers }));
    } catch (error) {
      if (!isTongbanError(error)) throw error;
      return fault(res, 'Client', error.code, `Tongban signature refused: ${error.message}`);
    }
    if (!/^text\/xml\b/i.test(req.get('content-type') ?? '')) return fault(res, 'Client', 'INVALID_CONTENT_TYPE', 'SOAP 1.1 messages are text/xml', 415);
    const action = req.get('soapaction')?.replace(/^"(.*)"$/, '$1');
    if (action !== SUBMIT_ACTION) return fault(res, 'Client', 'INVALID_ACTION', `unknown SOAPAction ${JSON.stringify(action ?? null)}`);
    const envelope = parseEnvelope(body.toString('utf8'));
    if (!envelope.ok) return fault(res, envelope.versionMismatch ? 'VersionMismatch' : 'Client', 'INVALID_REQUEST', envelope.problem);
    let candidate: unknown;
    try {
      candidate = readSubmitRequest(envelope.body);
    } catch (error) {
      return fault(res, 'Client', 'INVALID_REQUEST', (error as Error).message);
    }
    const checked = checkDelivery(candidate);
    if (!checked.ok) return fault(res, 'Client', 'INVALID_REQUEST', checked.problems.join('; '));
    const delivery = checked.delivery;
    if (delivery.departmentCode !== departmentCode) {
      return fault(res, 'Client', 'WRONG_DEPARTMENT', `sub-application is for department ${delivery.departmentCode}, this is ${departmentCode}`);
    }
    const scripted = script.shift();
    if (scripted) return fault(res, scripted.faultcode, scripted.code ?? (scripted.faultcode === 'Server' ? 'SYSTEM_BUSY' : 'INVALID_REQUEST'), scripted.faultstring ?? '系统繁忙，请稍后再试', scripted.status);

    // A sub-application new to the department: its files are downloaded and checked before any receipt.
    if (!book.knows(delivery.idempotencyKey)) {
      const checked = await materials.check(delivery);
      if (!checked.ok) return fault(res, checked.status >= 500 ? 'Server' : 'Client', checked.code, checked.message);
    }
    const entry = book.receive(delivery);
    if (entry.outcome === 'conflict') {
      return fault(res, 'Client', 'IDEMPOTENCY_KEY_CONFLICT', `idempotencyKey was used for different content (受理号 ${entry.receipt.acceptanceNumber})`);
    }
    if (entry.outcome === 'new') events.schedule(delivery, entry.receipt.acceptanceNumber);

    const answerFault = res.locals['fault'] as AnswerFault;
    let token = await signReceiptToken({ ...entry.receipt, rjti: requestJti }, options.departmentKey);
    if (answerFault.badSignature) token = corruptSignature(token);
    let xml = submitResponseXml(entry.receipt, { token, algorithm: options.departmentKey.alg, keyId: options.departmentKey.kid });
    if (answerFault.malformed) xml = corruptBody(xml);
    res.status(200).type('text/xml; charset=utf-8').send(xml);
  });

  app.use((req: Request, res: Response) => { fault(res, 'Client', 'NOT_FOUND', `no service at ${req.method} ${req.path}`, 404); });
  app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const status = (error as { status?: number }).status;
    if (status === 413) return fault(res, 'Client', 'PAYLOAD_TOO_LARGE', 'message too large', 413);
    fault(res, 'Server', 'SYSTEM_ERROR', 'internal error');
  });

  const simulator = await listen(() => { script.length = 0; });
  return {
    ...simulator,
    endpoint: `${simulator.url}${servicePath}`,
    scriptFault: (...scripted) => { script.push(...scripted); },
    answeredFaults: () => [...answered],
  };
}
