/**
 * A small HTTP client for integrators: signs every request with the client's
 * key and checks the signature on Tongban's answers.
 */
import { randomUUID } from 'node:crypto';
import type { JWK } from 'jose';
import { TongbanError, isTongbanError } from '../errors/index.js';
import type { PrivateJwk } from './algorithms.js';
import { ID_TOKEN_HEADER, SIGNATURE_HEADER } from './claims.js';
import { signRequest } from './sign-request.js';
import { verifyResponse } from './verify-response.js';

/** The `fetch` the client sends with (the global one by default). */
export type FetchFunction = typeof globalThis.fetch;

/** Settings of {@link createSigningClient}. */
export interface SigningClientOptions {
  /** Tongban's base URL, e.g. `https://tongban.example.gov.cn`; a path prefix is kept. */
  baseUrl: string;
  /** This client's id (`iss`). */
  clientId: string;
  /** This client's private JWK (with `kid` and `alg`). */
  key: PrivateJwk;
  /**
   * Tongban's public keys, or a function fetching them (e.g. `() => jwks(baseUrl)`),
   * called once and again when an answer names an unknown `kid` (key rotation).
   * Without them answers are not verified.
   */
  tongbanKeys?: readonly JWK[] | (() => Promise<readonly JWK[]>);
  /** `fetch` to use; default the global one. */
  fetch?: FetchFunction;
  /** `aud` of requests; default "tongban". */
  audience?: string;
}

/** Per-request options. */
export interface SigningRequestOptions {
  /** Body: bytes are sent as they are, anything else as JSON. */
  body?: unknown;
  /** Extra request headers. */
  headers?: Readonly<Record<string, string>>;
  /** The applicant's ID token: sent as `Tongban-Id-Token` and bound to the signature (`idt`). */
  idToken?: string;
}

/** An answer as the client returns it. */
export interface SigningClientResponse {
  status: number;
  /** Answer headers, names lower-case. */
  headers: Record<string, string>;
  /** Parsed JSON when the answer is JSON, else the text; undefined when empty. */
  body: unknown;
  /** Raw body bytes, as signed. */
  raw: Buffer;
  /** Whether the answer's Tongban-Signature was verified. */
  verified: boolean;
  /** `jti` the request was signed with (the answer's `rjti`). */
  requestJti: string;
}

/** A client bound to one Tongban instance and one signing key. */
export interface SigningClient {
  /** The client id requests are signed as (`iss`). */
  readonly clientId: string;
  /**
   * Sends a signed request. `pathAndQuery` starts with `/` (e.g. `/v1/themes?x=1`).
   * @throws TongbanError when keys are configured and the answer's signature is
   *   invalid, or missing on a 2xx answer (an unsigned error answer, e.g. from a
   *   proxy, comes back with `verified: false`).
   */
  request(method: string, pathAndQuery: string, options?: SigningRequestOptions): Promise<SigningClientResponse>;
}

/** Creates a {@link SigningClient}. */
export function createSigningClient(options: SigningClientOptions): SigningClient {
  const fetchFunction = options.fetch ?? globalThis.fetch;
  const keys = keyProvider(options.tongbanKeys);

  async function verifyAnswer(answer: AnswerToCheck): Promise<boolean> {
    if (keys === undefined) return false;
    const is2xx = answer.status >= 200 && answer.status <= 299;
    if (answer.headers[SIGNATURE_HEADER] === undefined && !is2xx) return false;
    const received = { body: answer.raw, headers: answer.headers };
    const expected = { audience: options.clientId, requestJti: answer.requestJti };
    try {
      try {
        await verifyResponse(received, { ...expected, keys: await keys(false) });
      } catch (error) {
        if (!isTongbanError(error) || error.code !== 'KEY_UNKNOWN') throw error;
        await verifyResponse(received, { ...expected, keys: await keys(true) }); // Tongban may have rotated its key
      }
      return true;
    } catch (error) {
      if (!isTongbanError(error)) throw error;
      throw new TongbanError(error.code, `answer to ${answer.request} (status ${answer.status}): ${error.message}`, { cause: error });
    }
  }

  async function request(method: string, pathAndQuery: string, requestOptions: SigningRequestOptions = {}): Promise<SigningClientResponse> {
    const url = joinUrl(options.baseUrl, pathAndQuery);
    const sentPath = `${url.pathname}${url.search}`; // what the server will see, after URL normalisation
    const body = serialiseBody(requestOptions.body);
    const requestJti = randomUUID();
    const signature = await signRequest({
      method,
      pathAndQuery: sentPath,
      body: body ?? '',
      clientId: options.clientId,
      key: options.key,
      audience: options.audience,
      jti: requestJti,
      ...(requestOptions.idToken !== undefined ? { idToken: requestOptions.idToken } : {}),
    });
    const headers: Record<string, string> = { accept: 'application/json', ...requestOptions.headers, ...signature };
    if (requestOptions.idToken !== undefined) headers[ID_TOKEN_HEADER] = requestOptions.idToken;
    if (body !== undefined && !Object.keys(headers).some((name) => name.toLowerCase() === 'content-type')) {
      headers['content-type'] = requestOptions.body instanceof Uint8Array ? 'application/octet-stream' : 'application/json';
    }
    const response = await fetchFunction(url, { method: method.toUpperCase(), headers, body });
    const raw = Buffer.from(await response.arrayBuffer());
    const responseHeaders = Object.fromEntries(response.headers);
    const request = `${method.toUpperCase()} ${sentPath}`;
    const verified = await verifyAnswer({ status: response.status, headers: responseHeaders, raw, requestJti, request });
    return { status: response.status, headers: responseHeaders, body: parseBody(raw, responseHeaders['content-type']), raw, verified, requestJti };
  }

  return { clientId: options.clientId, request };
}

interface AnswerToCheck {
  status: number;
  headers: Record<string, string>;
  raw: Buffer;
  requestJti: string;
  /** "METHOD /path", for messages. */
  request: string;
}

/**
 * Fetches Tongban's published public keys from `<baseUrl>/.well-known/jwks.json`.
 * @throws Error when the answer is not 200 with a JWKS.
 */
export async function jwks(baseUrl: string, fetchFunction: FetchFunction = globalThis.fetch): Promise<JWK[]> {
  const url = joinUrl(baseUrl, '/.well-known/jwks.json');
  const response = await fetchFunction(url, { headers: { accept: 'application/json' } });
  if (response.status !== 200) throw new Error(`GET ${url.href} answered ${response.status}`);
  const document = (await response.json()) as { keys?: unknown };
  if (!Array.isArray(document.keys)) throw new Error(`GET ${url.href} did not answer a JWKS ("keys" is missing)`);
  return document.keys as JWK[];
}

function keyProvider(source: SigningClientOptions['tongbanKeys']): ((refresh: boolean) => Promise<readonly JWK[]>) | undefined {
  if (source === undefined) return undefined;
  if (typeof source !== 'function') return async () => source;
  let cached: readonly JWK[] | undefined;
  return async (refresh) => {
    if (cached === undefined || refresh) cached = await source();
    return cached;
  };
}

function joinUrl(baseUrl: string, pathAndQuery: string): URL {
  if (!pathAndQuery.startsWith('/')) throw new TypeError(`path must start with "/": ${pathAndQuery}`);
  const base = new URL(baseUrl);
  return new URL(`${base.origin}${base.pathname.replace(/\/+$/, '')}${pathAndQuery}`);
}

function serialiseBody(body: unknown): Buffer | undefined {
  if (body === undefined) return undefined;
  if (body instanceof Uint8Array) return Buffer.from(body);
  return Buffer.from(JSON.stringify(body), 'utf8');
}

function parseBody(raw: Buffer, contentType: string | undefined): unknown {
  if (raw.length === 0) return undefined;
  const text = raw.toString('utf8');
  if (contentType !== undefined && /[/+]json\b/i.test(contentType)) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
  }
  return text;
}
