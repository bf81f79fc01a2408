/**
 * A fast local department for the delivery benchmark: the REST department
 * wire protocol on bare `node:http`, doing what any department must do for a
 * push and nothing more —
 * - Tongban's signature verified (the simulators' own verifier: signature
 *   v1, `aud` the department, Content-Digest, each `jti` once);
 * - the body parsed, its `Idempotency-Key` header equal to the body's key and
 *   the delivery addressed to this department (else 400);
 * - de-duplicated by idempotency key: the same content again gets the first
 *   receipt with `duplicate: true` (200), other content under a used key 409;
 * - a 受理号 issued and the receipt signed with the department's key (201);
 * - the batched operation too (`…/batch`: each delivery checked and
 *   de-duplicated as above, one signed answer with every item's result).
 * It leaves out what the REST simulator adds for tests: the express app,
 * fault injection, the delivery schema check, the case book and scripted
 * events. `bench/delivery.ts` measures against both.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { JWK } from 'jose';
import { isTongbanError } from '../src/errors/index.js';
import type { ReceiptFields } from '../src/domain/department-channel.js';
import { signResponse, type SignResponseOptions } from '../src/trust/index.js';
import { createTongbanVerifier } from '../adapters/common/department/simulator/tongban-verifier.js';
import { AcceptanceNumbers } from '../adapters/common/department/simulator/department-book.js';
import { chinaIso } from '../adapters/common/department/simulator/china-time.js';
import { BATCH_PATH, MAX_BATCH, SUBMIT_PATH, type RestBatchItem } from '../adapters/department-rest/rest-department-api.js';

export interface FastDepartment {
  readonly url: string;
  /** Deliveries received, repeats included. */
  received(): number;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 4 * 1_048_576;

/** The fields of a delivery this department reads. */
interface Delivery { deliveryId?: unknown; subApplicationId?: unknown; idempotencyKey?: unknown; departmentCode?: unknown; form?: unknown }

export async function startFastDepartment(options: { departmentCode: string; departmentKey: SignResponseOptions['key']; tongbanPublicKeys: readonly JWK[] }): Promise<FastDepartment> {
  const { departmentCode, departmentKey } = options;
  const verify = createTongbanVerifier({ tongbanPublicKeys: options.tongbanPublicKeys, departmentCode });
  const receipts = new Map<string, { receipt: ReceiptFields; digest: string }>();
  const acceptanceNumbers = new AcceptanceNumbers(departmentCode);
  let received = 0;

  const answer = (res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers }).end(body);
  };
  const refuse = (res: ServerResponse, status: number, code: string, message: string) => answer(res, status, JSON.stringify({ error: { code, message } }));

  /** One delivery, alone or in a batch: addressed here, de-duplicated by key (`fingerprint` tells repeats from conflicts). */
  const take = (delivery: Delivery, key: string, fingerprint: string): { status: number; receipt: ReceiptFields } | { status: number; code: string; message: string } => {
    if (delivery.departmentCode !== departmentCode || typeof delivery.deliveryId !== 'string' || typeof delivery.subApplicationId !== 'string') {
      return { status: 400, code: 'WRONG_DEPARTMENT', message: `not a delivery for department ${departmentCode}` };
    }
    received += 1;
    const existing = receipts.get(key);
    if (existing && existing.digest !== fingerprint) return { status: 409, code: 'IDEMPOTENCY_KEY_CONFLICT', message: 'Idempotency-Key was used for different content' };
    const now = new Date();
    const receipt: ReceiptFields = existing ? { ...existing.receipt, duplicate: true } : {
      departmentCode, deliveryId: delivery.deliveryId, subApplicationId: delivery.subApplicationId, idempotencyKey: key,
      acceptanceNumber: acceptanceNumbers.next(now), receivedAt: chinaIso(now), duplicate: false,
    };
    if (!existing) receipts.set(key, { receipt, digest: fingerprint });
    return { status: existing ? 200 : 201, receipt };
  };

  const handleBatch = async (req: IncomingMessage, body: Buffer, res: ServerResponse) => {
    let requestJti: string;
    try {
      ({ claims: { jti: requestJti } } = await verify({ method: 'POST', pathAndQuery: String(req.url), body, headers: req.headers }));
    } catch (error) {
      if (!isTongbanError(error)) throw error;
      return refuse(res, 401, error.code, error.message);
    }
    let deliveries: unknown;
    try {
      deliveries = (JSON.parse(body.toString('utf8')) as { deliveries?: unknown }).deliveries;
    } catch {
      return refuse(res, 400, 'INVALID_BATCH', 'body is not JSON');
    }
    if (!Array.isArray(deliveries) || deliveries.length === 0 || deliveries.length > MAX_BATCH) return refuse(res, 400, 'INVALID_BATCH', '"deliveries" must be an array of 1 to 100');
    const results = (deliveries as Delivery[]).map((delivery): RestBatchItem => {
      const deliveryId = String(delivery.deliveryId);
      if (typeof delivery.idempotencyKey !== 'string' || delivery.idempotencyKey === '') return { deliveryId, status: 400, error: { code: 'INVALID_DELIVERY', message: '"idempotencyKey" missing' } };
      // A repeat must carry the same content: its serialisation is the fingerprint (Tongban sends a delivery identically every time).
      const result = take(delivery, delivery.idempotencyKey, JSON.stringify(delivery.form));
      return 'receipt' in result ? { deliveryId, status: result.status, receipt: result.receipt } : { deliveryId, status: result.status, error: { code: result.code, message: result.message } };
    });
    const text = JSON.stringify({ results });
    const signature = await signResponse({ body: text, clientId: 'tongban', requestJti, key: departmentKey, issuer: departmentCode });
    answer(res, 200, text, signature);
  };

  const handle = async (req: IncomingMessage, body: Buffer, res: ServerResponse) => {
    if (req.method === 'POST' && req.url === BATCH_PATH) return handleBatch(req, body, res);
    if (req.method !== 'POST' || req.url !== SUBMIT_PATH) return refuse(res, 404, 'NOT_FOUND', `no operation ${String(req.method)} ${String(req.url)}`);
    let requestJti: string;
    try {
      ({ claims: { jti: requestJti } } = await verify({ method: 'POST', pathAndQuery: req.url, body, headers: req.headers }));
    } catch (error) {
      if (!isTongbanError(error)) throw error;
      return refuse(res, 401, error.code, error.message);
    }
    let delivery: Delivery;
    try {
      delivery = JSON.parse(body.toString('utf8')) as Delivery;
    } catch {
      return refuse(res, 400, 'INVALID_DELIVERY', 'body is not JSON');
    }
    const key = req.headers['idempotency-key'];
    if (typeof key !== 'string' || key === '' || key !== delivery.idempotencyKey) return refuse(res, 400, 'INVALID_DELIVERY', 'Idempotency-Key header missing or different from "idempotencyKey"');
    const result = take(delivery, key, String(req.headers['content-digest']));
    if (!('receipt' in result)) return refuse(res, result.status, result.code, result.message);
    const text = JSON.stringify({ receipt: result.receipt });
    const signature = await signResponse({ body: text, clientId: 'tongban', requestJti, key: departmentKey, issuer: departmentCode });
    answer(res, result.status, text, signature);
  };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) req.destroy();
      else chunks.push(chunk);
    });
    req.on('end', () => {
      handle(req, chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks), res).catch(() => {
        if (!res.headersSent) refuse(res, 500, 'SYSTEM_ERROR', 'internal error');
      });
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received: () => received,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}
