/**
 * The HTTP call of the upstreams that answer every request with a JSON
 * envelope (mail service, payment platform, matter system, data-sharing
 * exchange, 好差评 system): authenticate the request, send it, read the
 * envelope (json-envelope.ts), and tell success from the upstream's refusal.
 * What differs stays in each adapter: how it authenticates a request (its
 * signature scheme or token), what its envelope's fields are called, and what
 * its codes mean (its `envelopeError`, over its error-code table).
 */
import type { AxiosResponse } from 'axios';
import type { ValidateFunction } from 'ajv';
import type { UpstreamError, UpstreamSystem } from '../../src/domain/upstream-error.js';
import { createHttpClient, statusError, transportError } from './http-client.js';
import { readJsonEnvelope } from './json-envelope.js';

/** An upstream's base URL, split: requests go to `origin`, every path (as sent and as signed) starts with `pathPrefix`. */
export interface BaseUrl {
  readonly origin: string;
  /** The base URL's path without trailing slashes; empty for none. */
  readonly pathPrefix: string;
}

/** @throws RangeError naming `factory` when `baseUrl` is no http(s) URL. */
export function parseBaseUrl(factory: string, baseUrl: string): BaseUrl {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new RangeError(`${factory}: "baseUrl" is not a URL: "${baseUrl}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new RangeError(`${factory}: "baseUrl" must be http(s), got "${url.protocol}"`);
  return { origin: url.origin, pathPrefix: url.pathname.replace(/\/+$/, '') };
}

/** The per-call timeout (ms), 5000 unless set. @throws RangeError naming `factory` when it is not positive. */
export function timeoutSetting(factory: string, timeoutMs: number | undefined): number {
  const value = timeoutMs ?? 5000;
  if (!(value > 0)) throw new RangeError(`${factory}: "timeoutMs" must be positive, got ${value}`);
  return value;
}

/** One request as the upstream sees it: what its authentication covers. */
export interface EnvelopeRequest {
  readonly method: 'GET' | 'POST';
  /** Path (base-URL prefix included) and query, exactly as on the request line. */
  readonly pathWithQuery: string;
  /** The raw JSON body; empty without one. */
  readonly body: string;
}

/** An upstream's envelope, under the names it gives its fields. */
export interface EnvelopeShape<E, C> {
  readonly validate: ValidateFunction<E>;
  /** The envelope's result code, message and data. */
  readonly read: (envelope: E) => { readonly code: C; readonly message: string; readonly data: unknown };
  /** The result code of success. */
  readonly okCode: C;
}

/** Settings of {@link createEnvelopeClient}. */
export interface EnvelopeClientSettings<E, C> {
  readonly system: UpstreamSystem;
  readonly baseUrl: BaseUrl;
  /** Per-call timeout (ms). */
  readonly timeoutMs: number;
  readonly envelope: EnvelopeShape<E, C>;
  /** The authentication headers of one request (a signature over it, say); default none. */
  readonly authenticate?: (request: EnvelopeRequest) => Record<string, string>;
  /** The `accept` header of every request; without it, axios' default goes out. */
  readonly accept?: string;
  /** The `content-type` of a request with a body. */
  readonly contentType: string;
  /** The UpstreamError of an envelope whose code is neither success nor accepted (the adapter's error-code table). */
  readonly envelopeError: (operation: string, httpStatus: number, code: C, message: string) => UpstreamError;
  /** The UpstreamError of an answer that is not what the wire schema promises. */
  readonly malformedError: (operation: string, detail: string, httpStatus?: number) => UpstreamError;
}

/** An answer with a valid envelope, whatever its code. */
export interface EnvelopeAnswer<E> {
  readonly status: number;
  readonly envelope: E;
}

export interface EnvelopeClient<E, C> {
  /**
   * Sends one request (`path` below the base URL's prefix, query included;
   * `body` sent as JSON) and reads the envelope, whatever its code: the
   * caller decides. `headers` go out after the authentication headers.
   * @throws UpstreamError when there is no answer, or no valid envelope in it.
   */
  send(operation: string, method: 'GET' | 'POST', path: string, body?: unknown, headers?: Readonly<Record<string, string>>): Promise<EnvelopeAnswer<E>>;
  /**
   * {@link send}, then the envelope's code and data when the code is success
   * or one of `accept` (a duplicate, "not found", which may come with a 4xx);
   * any other code is the adapter's `envelopeError`, and an answer whose code
   * says success with a status that does not is that status's error.
   */
  call(operation: string, method: 'GET' | 'POST', path: string, body?: unknown, accept?: readonly C[]): Promise<{ code: C; data: unknown }>;
}

/** Creates the client. No call is made until one is asked for. */
export function createEnvelopeClient<E, C>(settings: EnvelopeClientSettings<E, C>): EnvelopeClient<E, C> {
  const { system, envelope } = settings;
  const http = createHttpClient({ baseUrl: settings.baseUrl.origin, timeoutMs: settings.timeoutMs });

  async function send(operation: string, method: 'GET' | 'POST', path: string, body?: unknown, extraHeaders: Readonly<Record<string, string>> = {}): Promise<EnvelopeAnswer<E>> {
    const pathWithQuery = `${settings.baseUrl.pathPrefix}${path}`;
    const text = body === undefined ? '' : JSON.stringify(body);
    const headers = {
      ...settings.authenticate?.({ method, pathWithQuery, body: text }), ...extraHeaders,
      ...(settings.accept === undefined ? {} : { accept: settings.accept }), ...(text ? { 'content-type': settings.contentType } : {}),
    };
    let response: AxiosResponse<string>;
    try {
      response = await http.request<string>({ method, url: pathWithQuery, data: text || undefined, headers });
    } catch (error) {
      throw transportError(system, operation, error);
    }
    return { status: response.status, envelope: readJsonEnvelope(system, operation, response, envelope.validate, settings.malformedError) };
  }

  async function call(operation: string, method: 'GET' | 'POST', path: string, body?: unknown, accept: readonly C[] = []): Promise<{ code: C; data: unknown }> {
    const answer = await send(operation, method, path, body);
    const { code, message, data } = envelope.read(answer.envelope);
    if (code !== envelope.okCode && !accept.includes(code)) throw settings.envelopeError(operation, answer.status, code, message);
    if ((answer.status < 200 || answer.status >= 300) && code === envelope.okCode) throw statusError(system, operation, answer.status);
    return { code, data };
  }

  return { send, call };
}
