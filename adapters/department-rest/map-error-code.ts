/**
 * The REST department's own error codes → what kind of failure they are.
 * Unknown codes fall back to the HTTP status (see rest-department-error.ts).
 */
import type { UpstreamErrorKind } from '../../src/domain/upstream-error.js';

/** Codes a department answers when Tongban's signature fails its checks: our credentials or clock are wrong. */
const SIGNATURE_CODES = [
  'SIGNATURE_MISSING', 'SIGNATURE_MALFORMED', 'SIGNATURE_INVALID', 'SIGNATURE_EXPIRED', 'SIGNATURE_NOT_YET_VALID',
  'CLIENT_UNKNOWN', 'KEY_UNKNOWN', 'ALGORITHM_NOT_ALLOWED', 'CLAIM_INVALID', 'REPLAY_DETECTED',
  'METHOD_MISMATCH', 'PATH_MISMATCH', 'DIGEST_MISSING', 'DIGEST_MISMATCH',
] as const;

export const ERROR_CODE_KINDS: Readonly<Record<string, UpstreamErrorKind>> = Object.freeze({
  ...Object.fromEntries(SIGNATURE_CODES.map((code) => [code, 'auth' as const])),
  /** The delivery failed the department's schema. */
  INVALID_DELIVERY: 'rejected',
  /** Sent to the wrong department (misrouted). */
  WRONG_DEPARTMENT: 'rejected',
  IDEMPOTENCY_KEY_MISSING: 'rejected',
  /** The key was used before for a different sub-application. */
  IDEMPOTENCY_KEY_CONFLICT: 'rejected',
  /** 系统繁忙: the department's own "try later". */
  SYSTEM_BUSY: 'unavailable',
  /** The department could not download a material's file from Tongban: it will try again with the next push. */
  MATERIAL_DOWNLOAD_FAILED: 'unavailable',
  /** A material's file did not hash to what the delivery states. */
  MATERIAL_HASH_MISMATCH: 'rejected',
});

/** Kind of a department error code; undefined when the code is unknown (classify by status). */
export function kindOfErrorCode(code: string | undefined): UpstreamErrorKind | undefined {
  return code !== undefined && Object.hasOwn(ERROR_CODE_KINDS, code) ? ERROR_CODE_KINDS[code] : undefined;
}
