/**
 * A department system that takes sub-applications over REST: verifies
 * Tongban's signature on every request, de-duplicates by idempotency key,
 * issues 受理号, answers a receipt signed with the department's key, and later
 * sends status/result events. Takes batched pushes too (`…/batch`): each
 * delivery checked, de-duplicated and answered exactly as if pushed alone,
 * all in one signed answer. Faults via `faults` or `/__control/faults` (for
 * the whole request), `refuseItems` (for single deliveries of a batch).
 */
import type { NextFunction, Request, Response } from 'express';
import { isTongbanError } from '../../../src/errors/index.js';
import type { SubApplicationDelivery } from '../../../src/domain/department-channel.js';
import { signResponse } from '../../../src/trust/index.js';
import { corruptBody, type AnswerFault } from '../../common/faults.js';
import { checkDelivery } from '../../common/department/delivery-schema.js';
import { corruptSignature } from '../../common/department/receipt-token.js';
import type { BookedReceipt } from '../../common/department/simulator/department-book.js';
import { pushDepartmentParts, type PushDepartmentSimulator, type PushDepartmentSimulatorOptions } from '../../common/department/simulator/push-department.js';
import { BATCH_PATH, MAX_BATCH, SUBMIT_PATH, type RestBatchItem } from '../rest-department-api.js';

export type RestDepartmentSimulatorOptions = PushDepartmentSimulatorOptions;

/** A request the simulator refused, for tests. */
export interface RefusedRequest {
  status: number;
  code: string;
  message: string;
}

/** How the department answers one delivery on its own (within a batch, or alone). */
type ItemAnswer = { status: 200 | 201; receipt: BookedReceipt } | { status: number; code: string; message: string };

/** Decides that the department refuses a delivery alone (e.g. 503 SYSTEM_BUSY for one matter), for tests. */
export type ItemRefusal = (delivery: SubApplicationDelivery) => { status: number; code: string } | undefined;

export interface RestDepartmentSimulator extends PushDepartmentSimulator {
  /** Requests refused (bad signature, invalid delivery, …), and deliveries refused inside a batch. */
  refused(): RefusedRequest[];
  /** Batched pushes received (their sizes, in order). */
  batches(): number[];
  /** From now on, refuse the deliveries `refusal` picks (nothing applied for them); undefined stops it. */
  refuseItems(refusal: ItemRefusal | undefined): void;
}

/** Starts the simulator on a real socket (port 0 = any free port). */
export async function startRestDepartmentSimulator(options: RestDepartmentSimulatorOptions): Promise<RestDepartmentSimulator> {
  const { departmentCode } = options;
  const tongbanClientId = options.tongbanClientId ?? 'tongban';
  const { book, events, materials, verify, app, listen } = pushDepartmentParts(options);
  const refusals: RefusedRequest[] = [];
  const batchSizes: number[] = [];
  let itemRefusal: ItemRefusal | undefined;

  const refuse = (res: Response, status: number, code: string, message: string) => {
    refusals.push({ status, code, message });
    res.status(status).json({ error: { code, message } });
  };

  /** What a single push and each item of a batch go through alike: the schema, the addressee, the key, the book. */
  const take = async (value: unknown, headerKey: string | undefined | null): Promise<ItemAnswer> => {
    const checked = checkDelivery(value);
    if (!checked.ok) return { status: 400, code: 'INVALID_DELIVERY', message: checked.problems.join('; ') };
    const delivery: SubApplicationDelivery = checked.delivery;
    if (headerKey !== null) {
      if (headerKey === undefined || headerKey === '') return { status: 400, code: 'IDEMPOTENCY_KEY_MISSING', message: 'Idempotency-Key header is missing' };
      if (headerKey !== delivery.idempotencyKey) return { status: 400, code: 'INVALID_DELIVERY', message: 'Idempotency-Key header differs from "idempotencyKey"' };
    }
    if (delivery.departmentCode !== departmentCode) {
      return { status: 400, code: 'WRONG_DEPARTMENT', message: `sub-application is for department ${delivery.departmentCode}, this is ${departmentCode}` };
    }
    const refusal = itemRefusal?.(delivery);
    if (refusal) return { ...refusal, message: `delivery ${delivery.deliveryId} refused` };
    // A sub-application new to the department: its files are downloaded and checked before any receipt.
    if (!book.knows(delivery.idempotencyKey)) {
      const checked = await materials.check(delivery);
      if (!checked.ok) return { status: checked.status, code: checked.code, message: checked.message };
    }
    const entry = book.receive(delivery);
    if (entry.outcome === 'conflict') {
      return { status: 409, code: 'IDEMPOTENCY_KEY_CONFLICT', message: `Idempotency-Key was used for different content (受理号 ${entry.receipt.acceptanceNumber})` };
    }
    if (entry.outcome === 'new') events.schedule(delivery, entry.receipt.acceptanceNumber);
    return { status: entry.outcome === 'new' ? 201 : 200, receipt: entry.receipt };
  };

  /** Sends `answer` signed by the department (with the answer faults the fault middleware drew). */
  const sendSigned = async (res: Response, status: number, answer: string, requestJti: string) => {
    const fault = res.locals['fault'] as AnswerFault;
    if (fault.malformed) answer = corruptBody(answer); // the department's serialiser broke; its signer signs what goes out
    const signature = await signResponse({ body: answer, clientId: tongbanClientId, requestJti, key: options.departmentKey, issuer: departmentCode });
    if (fault.badSignature) signature['tongban-signature'] = corruptSignature(signature['tongban-signature']);
    res.status(status).set(signature).type('application/json; charset=utf-8').send(answer);
  };

  /** The request's JSON body once Tongban's signature over it verified; undefined when it was refused (401, or 400 `notJson`). */
  const signedJson = async (req: Request, res: Response, notJson: string): Promise<{ requestJti: string; parsed: unknown } | undefined> => {
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    let requestJti: string;
    try {
      ({ claims: { jti: requestJti } } = await verify({ method: req.method, pathAndQuery: req.originalUrl, body, headers: req.headers }));
    } catch (error) {
      if (!isTongbanError(error)) throw error;
      refuse(res, 401, error.code, error.message);
      return undefined;
    }
    try {
      return { requestJti, parsed: JSON.parse(body.toString('utf8')) as unknown };
    } catch {
      refuse(res, 400, notJson, 'body is not JSON');
      return undefined;
    }
  };

  app.post(BATCH_PATH, async (req: Request, res: Response) => {
    const request = await signedJson(req, res, 'INVALID_BATCH');
    if (!request) return;
    const { requestJti, parsed } = request;
    const deliveries = (parsed as { deliveries?: unknown } | null)?.deliveries;
    if (!Array.isArray(deliveries) || deliveries.length === 0 || deliveries.length > MAX_BATCH) {
      return refuse(res, 400, 'INVALID_BATCH', `/deliveries: must be an array of 1 to ${MAX_BATCH} deliveries`);
    }
    // A key twice would make one of them unanswerable; a delivery without a key is refused alone, by the schema.
    const firstWithKey = new Map<string, number>();
    for (const [index, delivery] of deliveries.entries()) {
      const key = (delivery as { idempotencyKey?: unknown } | null)?.idempotencyKey;
      if (typeof key !== 'string') continue;
      const first = firstWithKey.get(key);
      if (first !== undefined) return refuse(res, 400, 'INVALID_BATCH', `/deliveries/${index}/idempotencyKey: the key of /deliveries/${first} again`);
      firstWithKey.set(key, index);
    }
    batchSizes.push(deliveries.length);
    const results = await Promise.all(deliveries.map(async (delivery: unknown): Promise<RestBatchItem> => {
      const deliveryId = String((delivery as { deliveryId?: unknown } | null)?.deliveryId ?? '');
      const answer = await take(delivery, null);
      if ('receipt' in answer) return { deliveryId, status: answer.status, receipt: answer.receipt };
      refusals.push({ status: answer.status, code: answer.code, message: answer.message });
      return { deliveryId, status: answer.status, error: { code: answer.code, message: answer.message } };
    }));
    await sendSigned(res, 200, JSON.stringify({ results }), requestJti);
  });

  app.post(SUBMIT_PATH, async (req: Request, res: Response) => {
    const request = await signedJson(req, res, 'INVALID_DELIVERY');
    if (!request) return;
    const { requestJti, parsed } = request;
    const answer = await take(parsed, req.get('idempotency-key'));
    if (!('receipt' in answer)) return refuse(res, answer.status, answer.code, answer.message);
    await sendSigned(res, answer.status, JSON.stringify({ receipt: answer.receipt }), requestJti);
  });

  app.use((req: Request, res: Response) => { refuse(res, 404, 'NOT_FOUND', `no operation ${req.method} ${req.path}`); });
  app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const status = (error as { status?: number }).status ?? 500;
    refuse(res, status, status === 413 ? 'PAYLOAD_TOO_LARGE' : 'SYSTEM_ERROR', status === 413 ? 'body too large' : 'internal error');
  });

  return {
    ...await listen(() => { itemRefusal = undefined; }),
    refused: () => [...refusals],
    batches: () => [...batchSizes],
    refuseItems: (refusal) => { itemRefusal = refusal; },
  };
}
