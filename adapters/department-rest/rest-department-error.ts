/**
 * Everything that can go wrong with a REST delivery, as one UpstreamError
 * (system `department`, operation `deliver`).
 */
import { isTongbanError } from '../../src/errors/index.js';
import { UpstreamError, type UpstreamErrorKind } from '../../src/domain/upstream-error.js';
import { statusError } from '../common/http-client.js';
import { isErrorAnswer } from './rest-department-api.js';
import { kindOfErrorCode } from './map-error-code.js';

const SYSTEM = 'department';
const OPERATION = 'deliver';

/**
 * A non-2xx answer. The department's error code decides when known;
 * otherwise the status: 5xx, 408, 429 retryable; 401/403 auth; other 4xx rejected.
 */
export function answerError(departmentCode: string, status: number, raw: Buffer): UpstreamError {
  return codedError(departmentCode, status, errorCodeOf(raw));
}

/**
 * One delivery of a batched push refused alone: its item's status and code
 * classify it exactly as a single push answered with them would be.
 */
export function itemError(departmentCode: string, status: number, code: string): UpstreamError {
  return codedError(departmentCode, status, code);
}

function codedError(departmentCode: string, status: number, code: string | undefined): UpstreamError {
  const kind: UpstreamErrorKind | undefined = kindOfErrorCode(code);
  if (kind === undefined) return withDepartment(statusError(SYSTEM, OPERATION, status, code), departmentCode);
  return new UpstreamError(`department ${departmentCode} refused the delivery: HTTP ${status} ${code}`, {
    system: SYSTEM, operation: OPERATION, kind, status, ...(code ? { upstreamCode: code } : {}),
  });
}

/** A 2xx answer that is not the receipt we expect. */
export function malformedError(departmentCode: string, status: number, detail: string, cause?: unknown): UpstreamError {
  return new UpstreamError(`department ${departmentCode} answered the delivery with ${detail}`, {
    system: SYSTEM, operation: OPERATION, kind: 'malformed', status, cause,
  });
}

/** The receipt's signature did not verify: never trusted, never retried. */
export function signatureError(departmentCode: string, status: number, cause: unknown): UpstreamError {
  const code = isTongbanError(cause) ? cause.code : undefined;
  return new UpstreamError(`department ${departmentCode} receipt signature did not verify${code ? ` (${code})` : ''}`, {
    system: SYSTEM, operation: OPERATION, kind: 'signature', status, cause, ...(code ? { upstreamCode: code } : {}),
  });
}

function errorCodeOf(raw: Buffer): string | undefined {
  try {
    const body: unknown = JSON.parse(raw.toString('utf8'));
    return isErrorAnswer(body) ? body.error.code : undefined;
  } catch {
    return undefined;
  }
}

function withDepartment(error: UpstreamError, departmentCode: string): UpstreamError {
  error.message = `department ${departmentCode}: ${error.message}`;
  return error;
}
