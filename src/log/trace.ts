import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

/** Per-request context carried through async calls, so every log line has the trace id. */
export interface TraceContext {
  readonly traceId: string;
}

const storage = new AsyncLocalStorage<TraceContext>();

/** Runs `fn` with the given trace context. */
export function runWithTrace<T>(context: TraceContext, fn: () => T): T {
  return storage.run(context, fn);
}

/** The current trace id, if running inside a traced request or job. */
export function currentTraceId(): string | undefined {
  return storage.getStore()?.traceId;
}

/** A new W3C-compatible trace id (32 lower-case hex characters). */
export function newTraceId(): string {
  // randomUUID draws from a pooled entropy buffer (randomBytes asks the system each call); 122 random bits.
  return randomUUID().replaceAll('-', '');
}

const TRACEPARENT = /^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$/;
const REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/;

/**
 * The trace id of an incoming request: the trace id of a valid `traceparent`,
 * else a well-formed `X-Request-Id`, else a new one.
 */
export function traceIdFrom(traceparent: string | undefined, requestId: string | undefined): string {
  const match = traceparent ? TRACEPARENT.exec(traceparent.trim()) : null;
  if (match?.[1] && !/^0+$/.test(match[1])) return match[1];
  if (requestId && REQUEST_ID.test(requestId)) return requestId;
  return newTraceId();
}
