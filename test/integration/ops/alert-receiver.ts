/**
 * A webhook that receives Tongban's alerts over a real socket and verifies
 * each one like a real receiver would: Tongban signature v1 with Tongban's
 * public keys, audience "alerts", each jti once. Answers follow a script
 * (e.g. 503 twice, then 200); `hold()` keeps answers back until released.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { JWK } from 'jose';
import type { Alert } from '../../../src/ops/alerts.js';
import { verifyRequest } from '../../../src/trust/index.js';
import type { PublicJwk, SignatureAlgorithm } from '../../../src/trust/algorithms.js';

export interface ReceivedRequest {
  /** The body, when the signature verified. */
  alert: Alert | undefined;
  verified: boolean;
  /** Why verification failed. */
  error: string | undefined;
  jti: string | undefined;
  status: number;
}

export interface AlertReceiver {
  url: string;
  requests: ReceivedRequest[];
  /** Verified alerts that were answered 2xx. */
  accepted(): Alert[];
  /** Statuses for the next requests, in order (then 200). */
  script(...statuses: number[]): void;
  /** Holds answers until the returned function is called. */
  hold(): () => void;
  close(): Promise<void>;
}

async function body(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export async function startAlertReceiver(tongbanKeys: () => Promise<PublicJwk[]> | PublicJwk[]): Promise<AlertReceiver> {
  const requests: ReceivedRequest[] = [];
  const statuses: number[] = [];
  const seen = new Set<string>();
  let gate: Promise<void> | undefined;
  const server: Server = createServer((request, response) => {
    void (async () => {
      const raw = await body(request);
      const record: ReceivedRequest = { alert: undefined, verified: false, error: undefined, jti: undefined, status: 0 };
      requests.push(record);
      try {
        const keys = await tongbanKeys();
        const verified = await verifyRequest({ method: request.method!, pathAndQuery: request.url!, body: raw, headers: request.headers as Record<string, string> }, {
          audience: 'alerts',
          resolveClient: async (id) => (id === 'tongban'
            ? { id, algorithms: [...new Set(keys.map((key) => key.alg as SignatureAlgorithm))], keys: Object.fromEntries(keys.map((key) => [key.kid, key as JWK])) }
            : undefined),
          markJtiUsed: async (_client, jti) => (seen.has(jti) ? false : (seen.add(jti), true)),
        });
        record.verified = true;
        record.jti = verified.claims.jti;
        record.alert = JSON.parse(raw.toString('utf8')) as Alert;
      } catch (error) {
        record.error = (error as Error).message;
      }
      if (gate) await gate;
      record.status = record.verified ? statuses.shift() ?? 200 : 401;
      response.writeHead(record.status, { 'content-type': 'application/json' }).end('{}');
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/tongban?team=ops`,
    requests,
    accepted: () => requests.filter((request) => request.verified && request.status >= 200 && request.status < 300).map((request) => request.alert!),
    script: (...next) => { statuses.push(...next); },
    hold() {
      let release!: () => void;
      gate = new Promise((resolve) => { release = resolve; });
      return () => { gate = undefined; release(); };
    },
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
