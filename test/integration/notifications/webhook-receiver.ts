/**
 * A platform's webhook receiver over real HTTP: verifies every request's
 * Standard Webhooks signature with Tongban's JWKS (the key named by
 * `webhook-key-id`), answers as told (200 by default, or 503 while "down"),
 * and keeps what arrived: every request, and the events it accepted (2xx)
 * de-duplicated by `webhook-id`, as a real receiver would.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { JWK } from 'jose';
import type { PlatformEventPayload } from '../../../src/notifications/platform-events.js';
import { verifyWebhook } from '../../../src/notifications/webhook-signature.js';
import type { SignatureAlgorithm } from '../../../src/trust/algorithms.js';

export interface ReceivedWebhook {
  id: string;
  timestamp: string;
  keyId: string;
  verified: boolean;
  event: PlatformEventPayload;
  /** What the receiver answered. */
  status: number;
}

export interface WebhookReceiver {
  readonly url: string;
  /** Every request, in arrival order. */
  requests(): ReceivedWebhook[];
  /** Events answered 2xx, first arrival per webhook-id only (de-duplicated), in arrival order. */
  events(): PlatformEventPayload[];
  /** Requests of a webhook-id answered 2xx more than once (a real receiver would drop them). */
  duplicates(): string[];
  /** The status answered from now on; with `count`, to the next `count` requests only, then 200 again. */
  answer(status: number, count?: number): void;
  close(): Promise<void>;
}

/**
 * @param jwksUrl Tongban's JWKS (a function: the gateway may move, e.g. restarted on another port)
 * @param options.delayMs answer each request this much later (a slow platform: sends are in flight for a while)
 */
export async function startWebhookReceiver(jwksUrl: string | (() => string), path = '/events', options: { delayMs?: number } = {}): Promise<WebhookReceiver> {
  const requests: ReceivedWebhook[] = [];
  let status = 200;
  let remaining = Infinity;
  const keys = async (): Promise<(JWK & { alg: SignatureAlgorithm; kid: string })[]> => ((await (await fetch(typeof jwksUrl === 'string' ? jwksUrl : jwksUrl())).json()) as { keys: (JWK & { alg: SignatureAlgorithm; kid: string })[] }).keys;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      void (async () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const header = (name: string) => String(req.headers[name] ?? '');
        const key = (await keys()).find((candidate) => candidate.kid === header('webhook-key-id'));
        const verified = req.method === 'POST' && req.url === path && key !== undefined
          && verifyWebhook(key, { id: header('webhook-id'), timestamp: header('webhook-timestamp'), signature: header('webhook-signature'), body });
        const answered = verified ? status : 401;
        if (verified && (remaining -= 1) <= 0) { status = 200; remaining = Infinity; }
        requests.push({ id: header('webhook-id'), timestamp: header('webhook-timestamp'), keyId: header('webhook-key-id'), verified, event: JSON.parse(body || '{}') as PlatformEventPayload, status: answered });
        if (options.delayMs) await new Promise((resolve) => setTimeout(resolve, options.delayMs));
        res.writeHead(answered, { 'content-type': 'text/plain' }).end(answered < 300 ? 'ok' : 'down');
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const ok = () => requests.filter((request) => request.status >= 200 && request.status < 300);
  return {
    url: `http://127.0.0.1:${port}${path}`,
    requests: () => [...requests],
    events() {
      const seen = new Set<string>();
      return ok().filter((request) => !seen.has(request.id) && seen.add(request.id)).map((request) => request.event);
    },
    duplicates() {
      const counts = new Map<string, number>();
      for (const request of ok()) counts.set(request.id, (counts.get(request.id) ?? 0) + 1);
      return [...counts].filter(([, count]) => count > 1).map(([id]) => id);
    },
    answer(next, count) { status = next; remaining = count ?? Infinity; },
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
