/**
 * Shared HTTP plumbing for adapters: an axios instance with a timeout, and
 * the translation of transport failures into UpstreamError.
 */
import axios, { AxiosError, type AxiosInstance } from 'axios';
import { UpstreamError, type UpstreamSystem } from '../../src/spec/upstream-error.js';

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

/** Translates an axios/transport error (no answer) into an UpstreamError. */
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
