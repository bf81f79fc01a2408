import { TongbanError } from '../errors/index.js';

/** The upstream government systems Tongban wraps. */
export type UpstreamSystem = 'matter-system' | 'licence-library' | 'seal-platform' | 'department' | 'logistics' | 'evaluation' | 'data-sharing' | 'payment';

/**
 * What went wrong with an upstream call:
 * - `timeout`: no answer in time; `connection`: refused or reset;
 * - `unavailable`: 5xx / 429 / 408 or the system's own "busy" code;
 * - `auth`: credentials or token refused; `signature`: the answer's signature did not verify;
 * - `malformed`: the answer did not match the wire schema;
 * - `rejected`: a definite business refusal (4xx, an error code in the envelope).
 */
export type UpstreamErrorKind = 'timeout' | 'connection' | 'unavailable' | 'auth' | 'signature' | 'malformed' | 'rejected';

const RETRYABLE: Record<UpstreamErrorKind, boolean> = {
  timeout: true, connection: true, unavailable: true, auth: false, signature: false, malformed: false, rejected: false,
};

export interface UpstreamErrorDetails {
  system: UpstreamSystem;
  /** Adapter operation, e.g. `listMatters`, `queryByHolder`. */
  operation: string;
  kind: UpstreamErrorKind;
  /** HTTP status the upstream answered, if it answered. */
  status?: number;
  /** The upstream's own error code (envelope `head.status`, SOAP faultcode, …). */
  upstreamCode?: string;
  /** Override the default retryability of `kind` (e.g. an expired token is retryable after refresh). */
  retryable?: boolean;
  cause?: unknown;
}

/**
 * One error type for every upstream failure: `{system, operation, status,
 * retryable}`. Answered to clients as 504 UPSTREAM_TIMEOUT or 502
 * UPSTREAM_ERROR without the upstream body.
 */
export class UpstreamError extends TongbanError {
  readonly system: UpstreamSystem;
  readonly operation: string;
  readonly kind: UpstreamErrorKind;
  readonly upstreamStatus: number | undefined;
  readonly upstreamCode: string | undefined;

  constructor(message: string, details: UpstreamErrorDetails) {
    super(details.kind === 'timeout' ? 'UPSTREAM_TIMEOUT' : 'UPSTREAM_ERROR', message, {
      cause: details.cause,
      retryable: details.retryable ?? RETRYABLE[details.kind],
      extensions: { system: details.system, operation: details.operation },
    });
    this.name = 'UpstreamError';
    this.system = details.system;
    this.operation = details.operation;
    this.kind = details.kind;
    this.upstreamStatus = details.status;
    this.upstreamCode = details.upstreamCode;
  }
}

export function isUpstreamError(error: unknown): error is UpstreamError {
  return error instanceof UpstreamError;
}
