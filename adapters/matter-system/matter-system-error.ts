/**
 * Translates the matter system's failures into `UpstreamError`.
 *
 * Envelope codes are the upstream's own (see RESULT_CODES in
 * matter-system-api.ts). Authentication failures are `auth` and never
 * retryable: the same credentials, secret or clock will fail again. Each has
 * its own `upstreamCode` and message, so a wrong secret (40102) is told apart
 * from a skewed clock (40103) in logs and ops views. The upstream's `msg` is
 * kept as the error's cause (logged), never in the message (answered to clients).
 */
import { UpstreamError, type UpstreamErrorKind } from '../../src/domain/upstream-error.js';
import { statusError } from '../common/http-client.js';

const SYSTEM = 'matter-system';

interface CodeMeaning {
  readonly kind: UpstreamErrorKind;
  readonly meaning: string;
}

/** What each envelope code means to Tongban. Codes not listed fall back to the HTTP status ({@link statusError}). */
export const UPSTREAM_CODES: Readonly<Record<number, CodeMeaning>> = {
  40001: { kind: 'rejected', meaning: 'a request parameter was refused' },
  40100: { kind: 'auth', meaning: 'authentication headers are missing' },
  40101: { kind: 'auth', meaning: 'the app key is unknown' },
  40102: { kind: 'auth', meaning: 'the request signature does not verify (wrong app secret?)' },
  40103: { kind: 'auth', meaning: 'the request timestamp is outside the allowed clock skew (check the clock)' },
  40104: { kind: 'auth', meaning: 'the request nonce was already used (replayed request)' },
  40401: { kind: 'rejected', meaning: 'the resource does not exist' },
  50001: { kind: 'unavailable', meaning: 'the matter system failed internally' },
};

/** The UpstreamError for a non-zero envelope code. */
export function envelopeError(operation: string, httpStatus: number, code: number, upstreamMessage: string): UpstreamError {
  const known = UPSTREAM_CODES[code];
  const cause = new Error(`matter system answered code ${code}: ${upstreamMessage}`);
  if (!known) {
    const fallback = statusError(SYSTEM, operation, httpStatus, String(code));
    return new UpstreamError(`matter system refused ${operation} with code ${code} (HTTP ${httpStatus})`, {
      system: SYSTEM, operation, kind: fallback.kind, status: httpStatus, upstreamCode: String(code), cause,
    });
  }
  return new UpstreamError(`matter system refused ${operation}: ${known.meaning} (code ${code})`, {
    system: SYSTEM, operation, kind: known.kind, status: httpStatus, upstreamCode: String(code), cause,
  });
}

/** The UpstreamError for an answer that is not what the wire schema promises. */
export function malformedError(operation: string, detail: string, httpStatus?: number): UpstreamError {
  return new UpstreamError(`matter system answered ${operation} with a malformed body: ${detail}`, {
    system: SYSTEM, operation, kind: 'malformed', ...(httpStatus === undefined ? {} : { status: httpStatus }),
  });
}

/** A value in an otherwise well-formed answer that Tongban cannot accept; `pointer` is relative to the record. */
export class WireValueError extends Error {
  constructor(readonly pointer: string, message: string) {
    super(message);
    this.name = 'WireValueError';
  }
}
