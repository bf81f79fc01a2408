/**
 * The seal platform's result codes as UpstreamErrors (system `seal-platform`).
 * Authentication codes are `auth` (never retried: a retry with the same
 * credentials and clock fails the same way); platform trouble is
 * `unavailable` (retried); everything else is a definite `rejected`.
 */
import { UpstreamError, type UpstreamErrorKind } from '../../src/domain/upstream-error.js';
import { statusError } from '../common/http-client.js';
import { RESULT_CODES } from './seal-platform-api.js';

const SYSTEM = 'seal-platform';

/** Result code → kind and what it means. */
export const ERROR_CODES: Readonly<Record<number, { kind: UpstreamErrorKind; meaning: string }>> = {
  [RESULT_CODES.unknownApp]: { kind: 'auth', meaning: 'unknown application id' },
  [RESULT_CODES.badSignature]: { kind: 'auth', meaning: 'request signature rejected (wrong app secret?)' },
  [RESULT_CODES.timestampSkew]: { kind: 'auth', meaning: 'request timestamp outside the allowed clock skew' },
  [RESULT_CODES.nonceReused]: { kind: 'auth', meaning: 'request nonce already used' },
  [RESULT_CODES.badParameters]: { kind: 'rejected', meaning: 'invalid request parameters' },
  [RESULT_CODES.unknownEndpoint]: { kind: 'rejected', meaning: 'unknown endpoint' },
  [RESULT_CODES.unknownSeal]: { kind: 'rejected', meaning: 'unknown seal' },
  [RESULT_CODES.sealRevoked]: { kind: 'rejected', meaning: 'seal revoked or suspended' },
  [RESULT_CODES.sealExpired]: { kind: 'rejected', meaning: 'seal expired' },
  [RESULT_CODES.unknownDepartment]: { kind: 'rejected', meaning: 'unknown department' },
  [RESULT_CODES.noUsableSeal]: { kind: 'rejected', meaning: 'department has no usable seal' },
  [RESULT_CODES.notPdf]: { kind: 'rejected', meaning: 'document is not a PDF' },
  [RESULT_CODES.documentTooLarge]: { kind: 'rejected', meaning: 'document too large' },
  [RESULT_CODES.badPosition]: { kind: 'rejected', meaning: 'seal position outside the document' },
  [RESULT_CODES.alreadySigned]: { kind: 'rejected', meaning: 'document already signed' },
  [RESULT_CODES.verificationFailed]: { kind: 'rejected', meaning: 'verification failed' },
  [RESULT_CODES.internalError]: { kind: 'unavailable', meaning: 'platform internal error' },
  [RESULT_CODES.busy]: { kind: 'unavailable', meaning: 'platform busy' },
};

/** An envelope whose `code` is not 0. Unknown codes are `rejected`. */
export function resultCodeError(operation: string, code: number, message: string, status: number): UpstreamError {
  const known = ERROR_CODES[code];
  const said = message.length > 200 ? `${message.slice(0, 200)}…` : message;
  return new UpstreamError(`seal-platform refused ${operation}: ${known?.meaning ?? 'unknown result code'} (code ${code}: ${said})`, {
    system: SYSTEM, operation, kind: known?.kind ?? 'rejected', status, upstreamCode: String(code),
  });
}

/** A non-2xx answer without a readable envelope (a proxy's 502, an injected 503). */
export function httpStatusError(operation: string, status: number): UpstreamError {
  return statusError(SYSTEM, operation, status);
}

/** An answer off the wire schema. */
export function malformedError(operation: string, status: number, detail: string, cause?: unknown): UpstreamError {
  return new UpstreamError(`seal-platform answered ${operation} with ${detail}`, { system: SYSTEM, operation, kind: 'malformed', status, cause });
}

/** A sealed document that does not carry a valid signature by the expected seal. */
export function sealSignatureError(operation: string, detail: string): UpstreamError {
  return new UpstreamError(`seal-platform returned a sealed document that fails verification: ${detail}`, { system: SYSTEM, operation, kind: 'signature' });
}
