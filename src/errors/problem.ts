import type { ErrorRequestHandler } from 'express';
import type { Logger } from '../log/index.js';
import { ERROR_CATALOGUE, problemType, type ErrorCode } from './catalogue.js';
import { TongbanError, type FieldError } from './tongban-error.js';

/** RFC 9457 problem details as Tongban answers them. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ErrorCode;
  retryable: boolean;
  instance?: string;
  traceId?: string;
  errors?: readonly FieldError[];
  [extension: string]: unknown;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** Builds the problem body for a Tongban error. */
export function toProblem(error: TongbanError, instance?: string, traceId?: string): Problem {
  const spec = ERROR_CATALOGUE[error.code];
  return {
    ...error.extensions,
    type: problemType(error.code),
    title: spec.title,
    status: spec.status,
    detail: error.message,
    code: error.code,
    retryable: error.retryable,
    ...(instance ? { instance } : {}),
    ...(traceId ? { traceId } : {}),
    ...(error.errors ? { errors: error.errors } : {}),
  };
}

// body-parser / raw-body errors carry a `type`; map the ones a client causes.
function fromBodyParser(error: { type?: unknown; limit?: unknown }): TongbanError | undefined {
  switch (error.type) {
    case 'entity.too.large':
      return new TongbanError('PAYLOAD_TOO_LARGE', `Request body is larger than the limit of ${String(error.limit)} bytes`);
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new TongbanError('UNSUPPORTED_MEDIA_TYPE', 'Request body encoding or charset is not supported; send UTF-8 JSON');
    case 'request.aborted':
    case 'request.size.invalid':
    case 'stream.encoding.set':
      return new TongbanError('MALFORMED_JSON', 'Request body was incomplete');
    default:
      return undefined;
  }
}

/** Normalises anything thrown into a TongbanError; unknown errors become INTERNAL_ERROR. */
export function asTongbanError(error: unknown): TongbanError {
  if (error instanceof TongbanError) return error;
  if (typeof error === 'object' && error !== null) {
    const mapped = fromBodyParser(error as { type?: unknown });
    if (mapped) return mapped;
  }
  return new TongbanError('INTERNAL_ERROR', 'An internal error occurred; quote the traceId when reporting it', { cause: error });
}

/**
 * Express error middleware: renders every error as problem+json. Internal
 * details (stack, SQL, upstream bodies) go to the log only.
 */
export function problemMiddleware(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    const tongbanError = asTongbanError(error);
    if (tongbanError.status >= 500) {
      const cause = tongbanError.code === 'INTERNAL_ERROR' ? error : tongbanError.cause;
      logger.error('request failed', {
        code: tongbanError.code,
        method: req.method,
        path: req.path,
        error: cause instanceof Error ? { name: cause.name, message: cause.message, stack: cause.stack } : cause,
      });
    }
    const problem = toProblem(tongbanError, req.originalUrl, req.traceId);
    if (tongbanError.extensions?.['allow']) res.setHeader('Allow', String(tongbanError.extensions['allow']));
    res.status(problem.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem));
  };
}
