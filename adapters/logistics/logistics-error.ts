/**
 * Translates the mail service's failures into `UpstreamError`.
 *
 * Authentication codes (1xxx) are `auth`: the same key, secret or clock fails
 * again. Business codes (2xxx, 3xxx) are definite refusals, never retryable.
 * 9999 (系统繁忙) is `unavailable` and retryable. Unknown codes fall back to the
 * HTTP status. The upstream's `msg` (which names the refused field for 2001)
 * goes into the message: it is the carrier's wording about Tongban's own request.
 */
import { UpstreamError, type UpstreamErrorKind } from '../../src/domain/upstream-error.js';
import { statusError } from '../common/http-client.js';

const SYSTEM = 'logistics';

interface CodeMeaning {
  readonly kind: UpstreamErrorKind;
  readonly meaning: string;
}

/** What each envelope code means to Tongban. Codes not listed fall back to the HTTP status. */
export const UPSTREAM_CODES: Readonly<Record<string, CodeMeaning>> = {
  1000: { kind: 'auth', meaning: 'authentication headers are missing' },
  1001: { kind: 'auth', meaning: 'the request signature does not verify (wrong app secret?)' },
  1002: { kind: 'auth', meaning: 'the request timestamp is out of the window (check the clock)' },
  1003: { kind: 'auth', meaning: 'the request nonce was already used (replayed request)' },
  1004: { kind: 'auth', meaning: 'the app key is unknown' },
  2001: { kind: 'rejected', meaning: 'a parameter is missing or invalid' },
  2002: { kind: 'rejected', meaning: 'the address is not serviceable' },
  3001: { kind: 'rejected', meaning: 'the waybill does not exist' },
  3002: { kind: 'rejected', meaning: 'the waybill was picked up and can no longer be cancelled' },
  4004: { kind: 'rejected', meaning: 'the endpoint does not exist' },
  9999: { kind: 'unavailable', meaning: 'the mail service is busy' },
};

/** The UpstreamError for an envelope code other than success (and 2003, which the adapter treats as success). */
export function envelopeError(operation: string, httpStatus: number, code: string, upstreamMessage: string): UpstreamError {
  const known = UPSTREAM_CODES[code];
  const cause = new Error(`mail service answered code ${code}: ${upstreamMessage}`);
  if (!known) {
    const fallback = statusError(SYSTEM, operation, httpStatus, code);
    return new UpstreamError(`mail service refused ${operation} with code ${code} (HTTP ${httpStatus})`, {
      system: SYSTEM, operation, kind: fallback.kind, status: httpStatus, upstreamCode: code, cause,
    });
  }
  return new UpstreamError(`mail service refused ${operation}: ${known.meaning} (code ${code}: ${upstreamMessage})`, {
    system: SYSTEM, operation, kind: known.kind, status: httpStatus, upstreamCode: code, cause,
  });
}

/** The UpstreamError for an answer that is not what the wire schema promises. */
export function malformedError(operation: string, detail: string, httpStatus?: number): UpstreamError {
  return new UpstreamError(`mail service answered ${operation} with a malformed body: ${detail}`, {
    system: SYSTEM, operation, kind: 'malformed', ...(httpStatus === undefined ? {} : { status: httpStatus }),
  });
}

export { PushVerificationError } from '../../src/domain/logistics.js';
