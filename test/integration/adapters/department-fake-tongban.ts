/**
 * Test doubles of Tongban's department-facing endpoints (the gateway's own
 * routes come with the delivery engine): the events receiver and the pull
 * inbox with leases. Both verify the department's Tongban signature v1 and
 * sign their answers like the gateway does.
 */
import { randomUUID } from 'node:crypto';
import express, { type Request, type Response } from 'express';
import { verifyInboxAck } from '../../../adapters/department-inbox/index.js';
import { listenSimulator } from '../../../adapters/common/simulator-server.js';
import { isTongbanError } from '../../../src/errors/index.js';
import type { DeliveryReceipt, DepartmentEvent, SubApplicationDelivery } from '../../../src/domain/department-channel.js';
import { makeIdNumber, makeLicenceIdentifier } from '../../../src/domain/identifiers/index.js';
import { generateKeyPair, signResponse, verifyRequest, type PrivateJwk, type PublicJwk, type VerifyingClient } from '../../../src/trust/index.js';

export interface FakeDepartment {
  code: string;
  publicKey: PublicJwk;
}

interface InboxEntry {
  delivery: SubApplicationDelivery;
  lease?: { token: string; expiresAt: number };
  receipt?: DeliveryReceipt;
  offers: number;
}

export interface FakeTongban {
  url: string;
  /** Tongban's key (answers are signed with it); `publicKeys` is its JWKS. */
  key: PrivateJwk;
  publicKeys: PublicJwk[];
  /** Every event received (repeats included), with the client that signed it. */
  events(): { clientId: string; event: DepartmentEvent }[];
  /** Distinct event ids received. */
  eventIds(): Set<string>;
  /** Requests refused, with their error code. */
  refusals(): { path: string; status: number; code: string }[];
  /** Inbox: puts a delivery into the department's inbox. */
  enqueue(delivery: SubApplicationDelivery): void;
  /** Inbox: lets every current lease run out (a fake clock, so no test waits for real time). */
  expireLeases(): void;
  /** Inbox: how often each delivery was handed out. */
  offers(deliveryId: string): number;
  /** Inbox: the verified receipt of an acknowledged delivery. */
  receipt(deliveryId: string): DeliveryReceipt | undefined;
  /** Inbox: acknowledgement attempts (accepted or not). */
  acks(): { deliveryId: string; status: number; code?: string }[];
  /** Answer events with this status for the next N event requests (Tongban having trouble). */
  failNextEvents(count: number, status?: number): void;
  close(): Promise<void>;
}

/** Starts the fake on a real socket. `leaseMs` is how long a lease lasts (default 30 s; tests expire leases explicitly). */
export async function startFakeTongban(departments: readonly FakeDepartment[], options: { leaseMs?: number } = {}): Promise<FakeTongban> {
  const { privateJwk: key, publicJwk } = await generateKeyPair('EdDSA');
  const leaseMs = options.leaseMs ?? 30_000;
  const clients = new Map<string, VerifyingClient & { department: string }>(departments.map((department) => [`dept-${department.code}`, {
    id: `dept-${department.code}`, department: department.code, algorithms: [department.publicKey.alg], keys: { [department.publicKey.kid]: department.publicKey },
  }]));
  const publicKeysOf = new Map(departments.map((department) => [department.code, [department.publicKey]]));
  const usedJtis = new Set<string>();
  const received: { clientId: string; event: DepartmentEvent }[] = [];
  const refused: { path: string; status: number; code: string }[] = [];
  const ackLog: { deliveryId: string; status: number; code?: string }[] = [];
  const inbox = new Map<string, InboxEntry>();
  let failEvents = { count: 0, status: 503 };

  const app = express();
  app.use(express.raw({ type: () => true }));

  /** Verifies the request and the department in the path; answers 401/403 itself and resolves undefined then. */
  async function authenticate(req: Request, res: Response): Promise<string | undefined> {
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    try {
      const { client, claims } = await verifyRequest({ method: req.method, pathAndQuery: req.originalUrl, body, headers: req.headers }, {
        resolveClient: async (id) => clients.get(id),
        markJtiUsed: async (clientId, jti) => !usedJtis.has(`${clientId}:${jti}`) && Boolean(usedJtis.add(`${clientId}:${jti}`)),
      });
      if (client.department !== req.params['dept']) {
        await answer(req, res, claims.jti, client.id, 403, { code: 'DEPARTMENT_MISMATCH' });
        return undefined;
      }
      res.locals['jti'] = claims.jti;
      res.locals['client'] = client.id;
      return client.id;
    } catch (error) {
      if (!isTongbanError(error)) throw error;
      refused.push({ path: req.path, status: 401, code: error.code });
      res.status(401).json({ code: error.code, detail: error.message });
      return undefined;
    }
  }

  async function answer(req: Request, res: Response, jti: string, clientId: string, status: number, body: unknown) {
    if (status >= 400) refused.push({ path: req.path, status, code: (body as { code: string }).code });
    const text = JSON.stringify(body);
    res.status(status).set(await signResponse({ body: text, clientId, requestJti: jti, key })).type('application/json').send(text);
  }

  app.post('/v1/departments/:dept/events', async (req, res) => {
    const clientId = await authenticate(req, res);
    if (clientId === undefined) return;
    if (failEvents.count > 0) {
      failEvents.count -= 1;
      return answer(req, res, res.locals['jti'] as string, clientId, failEvents.status, { code: 'SERVICE_UNAVAILABLE' });
    }
    const event = JSON.parse((req.body as Buffer).toString('utf8')) as DepartmentEvent;
    const duplicate = received.some((seen) => seen.event.eventId === event.eventId);
    received.push({ clientId, event });
    await answer(req, res, res.locals['jti'] as string, clientId, 202, { eventId: event.eventId, duplicate });
  });

  app.get('/v1/departments/:dept/inbox', async (req, res) => {
    const clientId = await authenticate(req, res);
    if (clientId === undefined) return;
    const limit = Math.min(Number(req.query['limit'] ?? 10) || 10, 100);
    const now = Date.now();
    const items = [];
    for (const [deliveryId, entry] of inbox) {
      if (items.length >= limit) break;
      if (entry.delivery.departmentCode !== req.params['dept'] || entry.receipt || (entry.lease && entry.lease.expiresAt > now)) continue;
      entry.lease = { token: randomUUID(), expiresAt: now + leaseMs };
      entry.offers += 1;
      items.push({ deliveryId, leaseToken: entry.lease.token, leaseExpiresAt: new Date(entry.lease.expiresAt).toISOString(), delivery: entry.delivery });
    }
    await answer(req, res, res.locals['jti'] as string, clientId, 200, { items });
  });

  app.post('/v1/departments/:dept/inbox/:deliveryId/ack', async (req, res) => {
    const clientId = await authenticate(req, res);
    if (clientId === undefined) return;
    const jti = res.locals['jti'] as string;
    const deliveryId = req.params['deliveryId']!;
    const entry = inbox.get(deliveryId);
    const reply = async (status: number, body: { code?: string } & Record<string, unknown>) => {
      ackLog.push({ deliveryId, status, ...(body.code ? { code: body.code } : {}) });
      await answer(req, res, jti, clientId, status, body);
    };
    if (entry === undefined || entry.delivery.departmentCode !== req.params['dept']) return reply(404, { code: 'NOT_FOUND' });
    let body: unknown;
    try {
      body = JSON.parse((req.body as Buffer).toString('utf8'));
    } catch {
      return reply(400, { code: 'MALFORMED_JSON' });
    }
    const leaseToken = (body as { leaseToken?: unknown }).leaseToken;
    if (entry.receipt) return reply(200, { acknowledged: true, acceptanceNumber: entry.receipt.acceptanceNumber, repeated: true });
    if (!entry.lease || entry.lease.token !== leaseToken || entry.lease.expiresAt <= Date.now()) return reply(409, { code: 'CONFLICT', detail: 'lease expired or not yours' });
    try {
      entry.receipt = await verifyInboxAck({ departmentCode: req.params['dept']!, deliveryId, body, delivery: entry.delivery }, { departmentPublicKeys: publicKeysOf.get(req.params['dept']!) ?? [] });
    } catch (error) {
      if (!isTongbanError(error)) throw error;
      return reply(error.status, { code: error.code, detail: error.message });
    }
    entry.lease = undefined;
    return reply(200, { acknowledged: true, acceptanceNumber: entry.receipt.acceptanceNumber });
  });

  const server = await listenSimulator(app);
  return {
    url: server.url,
    key,
    publicKeys: [publicJwk],
    events: () => [...received],
    eventIds: () => new Set(received.map((seen) => seen.event.eventId)),
    refusals: () => [...refused],
    enqueue: (delivery) => { inbox.set(delivery.deliveryId, { delivery, offers: 0 }); },
    expireLeases: () => { for (const entry of inbox.values()) if (entry.lease) entry.lease.expiresAt = Date.now() - 1; },
    offers: (deliveryId) => inbox.get(deliveryId)?.offers ?? 0,
    receipt: (deliveryId) => inbox.get(deliveryId)?.receipt,
    acks: () => [...ackLog],
    failNextEvents: (count, status = 503) => { failEvents = { count, status }; },
    close: () => server.close(),
  };
}

let sequence = 0;

/** A realistic sub-application: 出生登记 (birth registration) at 公安局, with licences and a file. */
export function sampleDelivery(overrides: Partial<SubApplicationDelivery> = {}): SubApplicationDelivery {
  sequence += 1;
  const id = `${Date.now().toString(36)}${sequence}`;
  const departmentCode = overrides.departmentCode ?? 'gaj';
  return {
    deliveryId: `dlv-${id}`,
    idempotencyKey: `sub-${id}:${departmentCode}`,
    applicationId: `app-${id}`,
    subApplicationId: `sub-${id}`,
    matterCode: '11441403007128371X3000107001000',
    matterName: '出生登记',
    departmentCode,
    form: {
      申报人姓名: '张三',
      申报人公民身份号码: makeIdNumber({ areaCode: '441403', birthDate: '1990-03-07', sequence: 123 }),
      新生儿姓名: '张小明',
      新生儿性别: '男',
      出生日期: '2026-11-20',
      胎次: 1,
      是否独生子女: true,
      备注: null,
      'remarks & <notes>': '  特殊字符 <>&"\' 保留  ',
      家庭成员: [{ 姓名: '李四', 关系: '母亲' }],
    },
    materials: [
      { name: '出生医学证明', licenceIdentifier: makeLicenceIdentifier({ typeCode: '11100000000013338W032', issuerCreditCode: '11220000013544541J', serial: `BMC${sequence}2026`, version: 1 }) },
      { name: '结婚证', fileRef: `file-${id}-marriage.pdf` },
    ],
    submittedAt: '2026-11-24T09:30:00+08:00',
    ...overrides,
  };
}
