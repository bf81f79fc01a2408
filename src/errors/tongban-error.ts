import { ERROR_CATALOGUE, type ErrorCode } from './catalogue.js';

/** One field at fault: an RFC 6901 JSON Pointer into the request and what is wrong there. */
export interface FieldError {
  readonly pointer: string;
  readonly message: string;
}

export interface TongbanErrorOptions {
  /** Fields at fault (validation errors). */
  errors?: readonly FieldError[];
  /** Underlying cause; logged, never sent to a client. */
  cause?: unknown;
  /** Extra members for the problem body; must not hold anything internal. */
  extensions?: Record<string, unknown>;
  /** Overrides the catalogue's `retryable` (upstream errors know better). */
  retryable?: boolean;
}

/**
 * The one error base class. `code` is a stable literal from the catalogue, so
 * `switch (error.code)` narrows; `message` is the human `detail`, quoting the
 * field at fault.
 */
export class TongbanError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly retryable: boolean;
  readonly errors: readonly FieldError[] | undefined;
  readonly extensions: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, detail: string, options: TongbanErrorOptions = {}) {
    super(detail, options.cause === undefined ? undefined : { cause: options.cause });
    const spec = ERROR_CATALOGUE[code];
    this.name = 'TongbanError';
    this.code = code;
    this.status = spec.status;
    this.retryable = options.retryable ?? spec.retryable;
    this.errors = options.errors;
    this.extensions = options.extensions;
  }
}

/** Shorthand for a validation error listing every field at fault. */
export function validationError(errors: readonly FieldError[], detail?: string): TongbanError {
  const first = errors[0];
  const summary = detail ?? (errors.length === 1 && first ? `${first.pointer || '/'}: ${first.message}` : `${errors.length} fields are invalid`);
  return new TongbanError('VALIDATION_FAILED', summary, { errors });
}

export function isTongbanError(error: unknown): error is TongbanError {
  return error instanceof TongbanError;
}
