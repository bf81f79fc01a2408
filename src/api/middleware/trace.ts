import type { RequestHandler } from 'express';
import { runWithTrace, traceIdFrom, type Logger } from '../../log/index.js';

/**
 * Gives each request a trace id (returned as `X-Request-Id`), runs the rest of
 * the chain inside its trace context, and writes one access-log line when the
 * answer is finished.
 */
export function traceMiddleware(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const traceId = traceIdFrom(req.get('traceparent'), req.get('x-request-id'));
    req.traceId = traceId;
    res.setHeader('X-Request-Id', traceId);
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
      runWithTrace({ traceId }, () => logger.http('access', {
        method: req.method,
        // With its query, as received: the logger masks the personal data in it, percent-encoded or not.
        path: req.originalUrl,
        status: res.statusCode,
        durationMs: Math.round(durationMs * 1000) / 1000,
        bytes: Number(res.getHeader('content-length') ?? 0),
        client: (req as { client?: { id?: string } }).client?.id,
      }));
    });
    runWithTrace({ traceId }, next);
  };
}
