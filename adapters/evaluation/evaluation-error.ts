/**
 * The 好差评 system's failures as `UpstreamError` (system `evaluation`).
 * Authentication codes are `auth` (never retried: the same secret and clock
 * fail again); 5000/5030 are `unavailable` (retried); every business code is
 * a definite `rejected`. 4091 (duplicate) reaches here only when the recorded
 * evaluation differs from ours: the adapter answers a repeat of its own push
 * as a success. The upstream's `message` is kept as the cause (logged), the
 * field it names (4001, `data.field`) in the error's message.
 */
import { UpstreamError, type UpstreamErrorKind } from '../../src/domain/upstream-error.js';
import { statusError } from '../common/http-client.js';

const SYSTEM = 'evaluation';

/** What each envelope code means to Tongban. Codes not listed fall back to the HTTP status ({@link statusError}), or `rejected` with HTTP 200. */
export const UPSTREAM_CODES: Readonly<Record<number, { readonly kind: UpstreamErrorKind; readonly meaning: string }>> = {
  401: { kind: 'auth', meaning: 'the request signature does not verify (wrong app secret?)' },
  4010: { kind: 'auth', meaning: 'authentication headers are missing' },
  4011: { kind: 'auth', meaning: 'the app id is unknown' },
  4012: { kind: 'auth', meaning: 'the request timestamp is outside the allowed clock skew (check the clock)' },
  4013: { kind: 'auth', meaning: 'the request nonce was already used (replayed request)' },
  4001: { kind: 'rejected', meaning: 'a field is missing or invalid' },
  4002: { kind: 'rejected', meaning: 'the service (matter or theme) code is unknown' },
  4003: { kind: 'rejected', meaning: 'the evaluation level is outside 1–5' },
  4004: { kind: 'rejected', meaning: 'the evaluation does not exist' },
  4091: { kind: 'rejected', meaning: 'a different evaluation of the same application, service and scope is already recorded' },
  4094: { kind: 'rejected', meaning: 'the rectification step is out of order' },
  4095: { kind: 'rejected', meaning: 'only a poor evaluation (level 1 or 2) is rectified' },
  5000: { kind: 'unavailable', meaning: 'the evaluation system failed internally' },
  5030: { kind: 'unavailable', meaning: 'the evaluation system is busy' },
};

/** The UpstreamError of an envelope whose code is not success; `field` is what 4001 names. */
export function envelopeError(operation: string, httpStatus: number, code: number, upstreamMessage: string, field?: string): UpstreamError {
  const known = UPSTREAM_CODES[code];
  const cause = new Error(`evaluation system answered code ${code}: ${upstreamMessage}`);
  const details = { system: SYSTEM, operation, status: httpStatus, upstreamCode: String(code), cause } as const;
  if (!known) {
    const kind = httpStatus >= 200 && httpStatus < 300 ? 'rejected' : statusError(SYSTEM, operation, httpStatus).kind;
    return new UpstreamError(`evaluation system refused ${operation} with code ${code} (HTTP ${httpStatus})`, { ...details, kind });
  }
  const naming = code === 4001 && field ? ` ("${field}")` : '';
  return new UpstreamError(`evaluation system refused ${operation}: ${known.meaning}${naming} (code ${code})`, { ...details, kind: known.kind });
}

/** An answer that is not what the wire schema promises; `detail` names the JSON Pointer at fault. */
export function malformedError(operation: string, detail: string, httpStatus?: number): UpstreamError {
  return new UpstreamError(`evaluation system answered ${operation} with a malformed body: ${detail}`, {
    system: SYSTEM, operation, kind: 'malformed', ...(httpStatus === undefined ? {} : { status: httpStatus }),
  });
}
