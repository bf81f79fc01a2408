/**
 * Translates the payment platform's failures into `UpstreamError`.
 * Authentication codes (E1xx) are `auth`; business codes (E2xx, E3xx)
 * definite refusals; E999 (系统繁忙) `unavailable` and retryable. Unknown
 * codes fall back to the HTTP status.
 */
import { UpstreamError, type UpstreamErrorKind } from '../../src/domain/upstream-error.js';
import { statusError } from '../common/http-client.js';

const SYSTEM = 'payment';

/** What each envelope code means to Tongban. */
export const UPSTREAM_CODES: Readonly<Record<string, { kind: UpstreamErrorKind; meaning: string }>> = {
  E101: { kind: 'auth', meaning: 'authentication headers are missing' },
  E102: { kind: 'auth', meaning: 'the request signature does not verify (wrong app secret?)' },
  E103: { kind: 'auth', meaning: 'the request timestamp is out of the window (check the clock)' },
  E104: { kind: 'auth', meaning: 'the request nonce was already used (replayed request)' },
  E105: { kind: 'auth', meaning: 'the app id is unknown' },
  E201: { kind: 'rejected', meaning: 'a parameter is missing or invalid' },
  E202: { kind: 'rejected', meaning: 'a 执收项目 code is unknown to the platform' },
  E204: { kind: 'rejected', meaning: 'the total differs from the sum of the items' },
  E301: { kind: 'rejected', meaning: 'the notice does not exist' },
  E302: { kind: 'rejected', meaning: 'the notice is not paid: nothing to refund' },
  E303: { kind: 'rejected', meaning: 'the refund exceeds what can be refunded' },
  E304: { kind: 'rejected', meaning: 'the refund does not exist' },
  E306: { kind: 'rejected', meaning: 'the reconciliation file of that day is not ready' },
  E404: { kind: 'rejected', meaning: 'the endpoint does not exist' },
  E999: { kind: 'unavailable', meaning: 'the payment platform is busy' },
};

/** The UpstreamError for an envelope code other than success (and the duplicates, which the adapter treats as success). */
export function envelopeError(operation: string, httpStatus: number, code: string, upstreamMessage: string): UpstreamError {
  const known = UPSTREAM_CODES[code];
  const cause = new Error(`payment platform answered ${code}: ${upstreamMessage}`);
  if (!known) {
    const fallback = statusError(SYSTEM, operation, httpStatus, code);
    return new UpstreamError(`payment platform refused ${operation} with code ${code} (HTTP ${httpStatus})`, {
      system: SYSTEM, operation, kind: fallback.kind, status: httpStatus, upstreamCode: code, cause,
    });
  }
  return new UpstreamError(`payment platform refused ${operation}: ${known.meaning} (code ${code}: ${upstreamMessage})`, {
    system: SYSTEM, operation, kind: known.kind, status: httpStatus, upstreamCode: code, cause,
  });
}

/** The UpstreamError for an answer that is not what the wire schema promises. */
export function malformedError(operation: string, detail: string, httpStatus?: number): UpstreamError {
  return new UpstreamError(`payment platform answered ${operation} with a malformed body: ${detail}`, {
    system: SYSTEM, operation, kind: 'malformed', ...(httpStatus === undefined ? {} : { status: httpStatus }),
  });
}

export { NotificationVerificationError } from '../../src/domain/payment.js';
