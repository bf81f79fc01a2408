/**
 * Translates the exchange's failures into `UpstreamError`.
 *
 * 1xxxx are `auth` (10003, an expired token, is refreshed once by the adapter
 * before it surfaces); 2xxxx are definite refusals; 42900 (rate limited) and
 * 50000 (busy) are `unavailable` and retryable. Unknown codes fall back to
 * the HTTP status. 30001 (no data) is no error: the adapter answers `undefined`.
 */
import { UpstreamError, type UpstreamErrorKind } from '../../src/domain/upstream-error.js';
import { statusError } from '../common/http-client.js';

const SYSTEM = 'data-sharing';

/** What each envelope code means to Tongban. Codes not listed fall back to the HTTP status. */
export const UPSTREAM_CODES: Readonly<Record<string, { readonly kind: UpstreamErrorKind; readonly meaning: string }>> = {
  10001: { kind: 'auth', meaning: 'the app key or token request signature is invalid (wrong app secret or clock?)' },
  10002: { kind: 'auth', meaning: 'the access token is invalid' },
  10003: { kind: 'auth', meaning: 'the access token expired' },
  20001: { kind: 'rejected', meaning: 'a parameter is missing or invalid' },
  20002: { kind: 'rejected', meaning: 'the shared-catalogue code does not exist' },
  20003: { kind: 'rejected', meaning: 'Tongban is not granted this shared resource' },
  20004: { kind: 'rejected', meaning: 'the purpose or the authorisation reference is missing' },
  40400: { kind: 'rejected', meaning: 'the endpoint does not exist' },
  42900: { kind: 'unavailable', meaning: 'the call rate limit was exceeded' },
  50000: { kind: 'unavailable', meaning: 'the exchange is busy' },
};

/** The UpstreamError for an envelope code other than success and 30001. */
export function envelopeError(operation: string, httpStatus: number, code: string, upstreamMessage: string): UpstreamError {
  const known = UPSTREAM_CODES[code];
  const cause = new Error(`data-sharing exchange answered code ${code}: ${upstreamMessage}`);
  const kind = known?.kind ?? statusError(SYSTEM, operation, httpStatus, code).kind;
  const what = known ? `${known.meaning} (code ${code}: ${upstreamMessage})` : `code ${code} (HTTP ${httpStatus})`;
  return new UpstreamError(`data-sharing exchange refused ${operation}: ${what}`, { system: SYSTEM, operation, kind, status: httpStatus, upstreamCode: code, cause });
}

/** The UpstreamError for an answer that is not what the wire schema promises. */
export function malformedError(operation: string, detail: string, httpStatus?: number): UpstreamError {
  return new UpstreamError(`data-sharing exchange answered ${operation} with a malformed body: ${detail}`, {
    system: SYSTEM, operation, kind: 'malformed', ...(httpStatus === undefined ? {} : { status: httpStatus }),
  });
}
