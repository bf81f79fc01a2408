/**
 * Shared HTTP plumbing for adapters: an axios instance with a timeout, a lean
 * keep-alive client for the department push path, and the translation of
 * transport failures into UpstreamError.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import type { Socket } from 'node:net';
import axios, { AxiosError, type AxiosInstance } from 'axios';
import { UpstreamError, type UpstreamSystem } from '../../src/domain/upstream-error.js';

export interface HttpClientSettings {
  baseUrl: string;
  /** Per-call timeout (ms). Default 5000. */
  timeoutMs?: number;
}

/** An axios instance that never throws on HTTP status (adapters read the envelope) and always times out. */
export function createHttpClient(settings: HttpClientSettings): AxiosInstance {
  return axios.create({
    baseURL: settings.baseUrl,
    timeout: settings.timeoutMs ?? 5000,
    validateStatus: () => true,
    // Adapters parse and validate bodies themselves: a malformed body must become an UpstreamError, not a crash.
    transformResponse: [(data: unknown) => data],
    responseType: 'text',
    maxRedirects: 0,
  });
}

/** Translates an axios, push client or socket error (no answer) into an UpstreamError. */
export function transportError(system: UpstreamSystem, operation: string, error: unknown): UpstreamError {
  if (error instanceof UpstreamError) return error;
  const code = error instanceof AxiosError ? error.code : (error as { code?: string } | undefined)?.code;
  if (code === 'ECONNABORTED' || code === 'ETIMEDOUT' || code === AxiosError.ETIMEDOUT) {
    return new UpstreamError(`${system} did not answer ${operation} in time`, { system, operation, kind: 'timeout', cause: error });
  }
  return new UpstreamError(`${system} connection failed during ${operation} (${code ?? 'unknown'})`, { system, operation, kind: 'connection', cause: error });
}

/** The UpstreamError for an HTTP status that is not a success. */
export function statusError(system: UpstreamSystem, operation: string, status: number, upstreamCode?: string): UpstreamError {
  const kind = status >= 500 || status === 408 || status === 429 ? 'unavailable' : status === 401 || status === 403 ? 'auth' : 'rejected';
  return new UpstreamError(`${system} answered ${operation} with HTTP ${status}`, { system, operation, kind, status, ...(upstreamCode ? { upstreamCode } : {}) });
}

/** The largest answer read from a department system (a receipt is under 1 KiB). */
export const DEPARTMENT_ANSWER_LIMIT_BYTES = 256 * 1024;

/** Settings of {@link createPushClient}. */
export interface PushClientSettings {
  /** Base URL (`http:` or `https:`); a path prefix is kept in front of every posted path. */
  baseUrl: string;
  /** Total time (ms) for one post — connecting, sending and reading the whole answer, retry included. Default 5000. */
  timeoutMs?: number;
  /** The largest answer body (bytes) read; a longer one fails with `ERR_ANSWER_TOO_LARGE`. Default 1 MiB. */
  maxAnswerBytes?: number;
  /** Open connections at most. Default 128. */
  maxSockets?: number;
  /**
   * How long (ms) an idle keep-alive connection is kept. Default 4000: below the
   * 5 s keep-alive timeout of Node and Apache servers and far below nginx's 75 s,
   * so Tongban usually gives up an idle connection before the department does.
   */
  idleSocketMs?: number;
}

/** A department's answer: any status (callers read it), headers lower-cased with repeated values joined by ", ". */
export interface PushAnswer {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/** A keep-alive HTTP client for one department system (see {@link createPushClient}). */
export interface PushClient {
  /** POSTs `body` to the base path + `path`; resolves with whatever status the department answered. */
  post(path: string, body: string | Buffer, headers: Readonly<Record<string, string>>): Promise<PushAnswer>;
  /** Destroys every connection, idle or busy; posts in flight fail with a connection error, not retried. A later post opens a new connection. */
  close(): void;
}

/**
 * A push client failure that is not the socket's own (those keep theirs:
 * ECONNREFUSED, ECONNRESET, ENOTFOUND, …): `ETIMEDOUT` when the post outlived
 * `timeoutMs` (→ {@link transportError} kind `timeout`), `ERR_ANSWER_TOO_LARGE`
 * when the answer outgrew `maxAnswerBytes`.
 */
export class PushClientError extends Error {
  readonly code: 'ETIMEDOUT' | 'ERR_ANSWER_TOO_LARGE';
  /** The status of the answer that was too large. */
  readonly status: number | undefined;

  constructor(code: PushClientError['code'], message: string, status?: number) {
    super(message);
    this.name = 'PushClientError';
    this.code = code;
    this.status = status;
  }
}

/** The answer outgrew `maxAnswerBytes`: the department answered, but not with anything we read. */
export function isAnswerTooLarge(error: unknown): error is PushClientError {
  return error instanceof PushClientError && error.code === 'ERR_ANSWER_TOO_LARGE';
}

/** The peer closed a pooled connection just as a request went out on it (see `exchange`). */
class StaleConnectionError extends Error {
  constructor(cause: Error) {
    super(cause.message, { cause });
  }
}

/**
 * The department push path's HTTP client, on `node:http`/`node:https` without
 * axios' per-request config merging: one keep-alive agent per client, a total
 * timeout per post, a bounded answer. Idle connections are unref'd by the
 * agent, so they never keep the process alive.
 *
 * A post that fails with ECONNRESET/EPIPE on a *reused* connection before any
 * byte of answer arrived is sent once more on a fresh connection: that is the
 * keep-alive race (the department closed the idle connection as we wrote), and
 * the idempotency key every delivery carries makes the second send safe.
 */
export function createPushClient(settings: PushClientSettings): PushClient {
  const base = new URL(settings.baseUrl);
  if (base.protocol !== 'http:' && base.protocol !== 'https:') throw new TypeError(`push client: "baseUrl" must be http: or https:, got ${base.protocol}`);
  const secure = base.protocol === 'https:';
  const agentOptions: http.AgentOptions = {
    keepAlive: true, maxSockets: settings.maxSockets ?? 128, timeout: settings.idleSocketMs ?? 4000, scheduling: 'lifo',
  };
  const agent = secure ? new https.Agent(agentOptions) : new http.Agent(agentOptions);
  const request = secure ? https.request : http.request;
  const basePath = base.pathname.replace(/\/+$/, '');
  // URL keeps an IPv6 literal's brackets; sockets want the bare address.
  const hostname = base.hostname.replace(/^\[(.*)\]$/, '$1');
  const auth = base.username || base.password ? `${decodeURIComponent(base.username)}:${decodeURIComponent(base.password)}` : undefined;
  const timeoutMs = settings.timeoutMs ?? 5000;
  const maxAnswerBytes = settings.maxAnswerBytes ?? 1024 * 1024;
  let closed = false;

  async function post(path: string, body: string | Buffer, headers: Readonly<Record<string, string>>): Promise<PushAnswer> {
    const payload = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
    const deadline = Date.now() + timeoutMs;
    try {
      return await exchange(path, payload, headers, true, deadline);
    } catch (error) {
      if (!(error instanceof StaleConnectionError)) throw error;
      // agent: false is a one-off connection, never a pooled one that may be just as stale; its failures are final.
      return exchange(path, payload, headers, false, deadline);
    }
  }

  function exchange(path: string, payload: Buffer, headers: Readonly<Record<string, string>>, pooled: boolean, deadline: number): Promise<PushAnswer> {
    return new Promise((resolve, reject) => {
      const outgoing = request({
        protocol: base.protocol, hostname, port: base.port, auth, method: 'POST', path: `${basePath}${path}`,
        headers: { ...headers, 'content-length': String(payload.length) }, agent: pooled ? agent : false,
      });
      let socket: Socket | undefined;
      let bytesReadBefore = 0;
      let answered = false;
      let settled = false;
      const finish = (error: Error | undefined, answer?: PushAnswer) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (error) {
          outgoing.destroy();
          reject(error);
        } else {
          resolve(answer!);
        }
      };
      const timer = setTimeout(() => finish(new PushClientError('ETIMEDOUT', `no complete answer within ${timeoutMs} ms`)), Math.max(0, deadline - Date.now()));

      outgoing.on('socket', (assigned: Socket) => {
        socket = assigned;
        bytesReadBefore = assigned.bytesRead;
      });
      outgoing.on('error', (error: NodeJS.ErrnoException) => {
        // Reset by us (close()) is not the race; nor is a reset after the first byte of answer (the department may be mid-work).
        const stale = pooled && !closed && outgoing.reusedSocket && !answered && (error.code === 'ECONNRESET' || error.code === 'EPIPE')
          && socket !== undefined && socket.bytesRead === bytesReadBefore;
        finish(stale ? new StaleConnectionError(error) : error);
      });
      outgoing.on('response', (incoming: http.IncomingMessage) => {
        answered = true;
        const status = incoming.statusCode ?? 0;
        const tooLarge = () => new PushClientError('ERR_ANSWER_TOO_LARGE', `answer too large: more than ${maxAnswerBytes} bytes`, status);
        if (Number(incoming.headers['content-length']) > maxAnswerBytes) return finish(tooLarge());
        const chunks: Buffer[] = [];
        let size = 0;
        incoming.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxAnswerBytes) return finish(tooLarge());
          chunks.push(chunk);
        });
        incoming.on('error', finish);
        incoming.on('end', () => finish(undefined, { status, headers: flatHeaders(incoming.headers), body: Buffer.concat(chunks, size) }));
      });
      outgoing.end(payload);
    });
  }

  function close(): void {
    closed = true;
    agent.destroy();
  }

  return { post, close };
}

function flatHeaders(headers: http.IncomingHttpHeaders): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}
