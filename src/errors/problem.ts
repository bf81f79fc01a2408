import type { ErrorRequestHandler, Request, Response } from 'express';
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

// body-parser / raw-body / router errors carry a `type` or a 4xx `status`; map the ones a client causes.
function fromBodyParser(error: { type?: unknown; limit?: unknown; status?: unknown; encoding?: unknown }): TongbanError | undefined {
  switch (error.type) {
    case 'entity.too.large':
      return new TongbanError('PAYLOAD_TOO_LARGE', `Request body is larger than the limit of ${String(error.limit)} bytes`);
    case 'parameters.too.many':
      return new TongbanError('PAYLOAD_TOO_LARGE', 'Request body has more form parameters than allowed');
    case 'encoding.unsupported':
      return new TongbanError('UNSUPPORTED_CONTENT_ENCODING', `Content-Encoding "${String(error.encoding).slice(0, 64)}" is not accepted; send the body unencoded (identity)`);
    case 'charset.unsupported':
      return new TongbanError('UNSUPPORTED_MEDIA_TYPE', 'Request body encoding or charset is not supported; send UTF-8 JSON');
    case 'request.aborted':
    case 'request.size.invalid':
    case 'stream.encoding.set':
      return new TongbanError('MALFORMED_JSON', 'Request body was incomplete');
    default:
  }
  // A path segment that is not percent-encoded UTF-8 (the router's decodeURIComponent failed): it names nothing.
  if (error instanceof URIError && error.status === 400) return new TongbanError('NOT_FOUND', 'The path is not valid percent-encoded UTF-8');
  // Any other body reading or parsing failure (http-errors, status 4xx): the client's body, never a 500.
  if (typeof error.status === 'number' && error.status >= 400 && error.status < 500) return new TongbanError('MALFORMED_JSON', 'Request body could not be read');
  return undefined;
}

/** Normalises anything thrown into a TongbanError; unknown errors become INTERNAL_ERROR. */
export function asTongbanError(error: unknown): TongbanError {
  if (error instanceof TongbanError) return error;
  if (typeof error === 'object' && error !== null) {
    const mapped = fromBodyParser(error as { type?: unknown; status?: unknown });
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
    answerProblem(logger, error, req, res);
  };
}

/** Answers `error` as problem+json (logged when it is the gateway's fault: 5xx). Headers must not be sent yet. */
export function answerProblem(logger: Logger, error: unknown, req: Request, res: Response): void {
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
  const retryAfter = ERROR_CATALOGUE[tongbanError.code].retryAfterSeconds;
  if (retryAfter !== undefined) res.setHeader('Retry-After', String(retryAfter));
  res.status(problem.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem));
}
