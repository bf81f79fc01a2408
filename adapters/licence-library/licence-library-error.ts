/**
 * Maps the library's answers to {@link UpstreamError}s (system
 * `licence-library`). Envelope statuses:
 *
 * | head.status | kind | retryable | why |
 * |---|---|---|---|
 * | 10 no matching licence | rejected | no | a definite "not found" (a holder query turns it into `[]`) |
 * | 11 authentication failed | auth | no | wrong accessId/secret: retrying cannot help |
 * | 12 token expired | auth | yes | the adapter refreshes and retries once; seen only if that fails too |
 * | 100 no permission | rejected | no | the account is not allowed this licence type |
 * | 101 useCause / 102 parameters / 103 holder type | rejected | no | the request was wrong |
 * | 200 unknown type / 201 holder mismatch / 202 bad data signature / 203 duplicate business number | rejected | no | an issuance the library refuses |
 * | 99 other | unavailable | yes | the library's own system error |
 * | anything else | rejected | no | explicit default: an unknown refusal is not retried |
 */
import { UpstreamError, type UpstreamErrorKind } from '../../src/domain/upstream-error.js';
import { STATUS } from './licence-library-api.js';

const SYSTEM = 'licence-library' as const;

interface StatusMapping { kind: UpstreamErrorKind; retryable: boolean; what: string }

export const ERROR_BY_STATUS: Readonly<Record<number, StatusMapping>> = {
  [STATUS.noMatchingLicence]: { kind: 'rejected', retryable: false, what: 'no matching licence (not found)' },
  [STATUS.authenticationFailed]: { kind: 'auth', retryable: false, what: 'authentication failed' },
  [STATUS.tokenExpired]: { kind: 'auth', retryable: true, what: 'access token expired' },
  [STATUS.noPermission]: { kind: 'rejected', retryable: false, what: 'no permission for this licence' },
  [STATUS.useCauseInvalid]: { kind: 'rejected', retryable: false, what: 'reason for use (useCause) missing or too long' },
  [STATUS.invalidParameters]: { kind: 'rejected', retryable: false, what: 'invalid request parameters' },
  [STATUS.invalidHolderType]: { kind: 'rejected', retryable: false, what: 'invalid holder type code' },
  [STATUS.unknownLicenceType]: { kind: 'rejected', retryable: false, what: 'unknown licence type' },
  [STATUS.holderMismatch]: { kind: 'rejected', retryable: false, what: 'holder mismatch' },
  [STATUS.badDataSignature]: { kind: 'rejected', retryable: false, what: 'data signature does not verify' },
  [STATUS.duplicateBusinessNumber]: { kind: 'rejected', retryable: false, what: 'business number issued before with other content' },
  [STATUS.other]: { kind: 'unavailable', retryable: true, what: 'library system error' },
};
export const DEFAULT_ERROR: StatusMapping = { kind: 'rejected', retryable: false, what: 'unknown refusal' };

/** The error for a non-zero `head.status`. */
export function envelopeError(operation: string, status: number, message: string | undefined): UpstreamError {
  const mapping = ERROR_BY_STATUS[status] ?? DEFAULT_ERROR;
  const quoted = message ? `: "${message.slice(0, 200)}"` : '';
  return new UpstreamError(`licence library refused ${operation} with status ${status}, ${mapping.what}${quoted}`, {
    system: SYSTEM, operation, kind: mapping.kind, retryable: mapping.retryable, status: 200, upstreamCode: String(status),
  });
}

/** The error for an answer that does not match the wire contract. */
export function malformedError(operation: string, why: string, status?: number): UpstreamError {
  return new UpstreamError(`licence library answered ${operation} with a malformed body: ${why}`, {
    system: SYSTEM, operation, kind: 'malformed', ...(status === undefined ? {} : { status }),
  });
}

/** Whether `error` is the library's "no matching licence" (status 10). */
export function isLicenceNotFound(error: unknown): boolean {
  return error instanceof UpstreamError && error.system === SYSTEM && error.upstreamCode === String(STATUS.noMatchingLicence);
}
