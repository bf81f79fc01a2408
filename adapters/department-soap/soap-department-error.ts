/**
 * Everything that can go wrong with a SOAP delivery, as one UpstreamError
 * (system `department`, operation `deliver`).
 */
import { isTongbanError } from '../../src/errors/index.js';
import { UpstreamError } from '../../src/domain/upstream-error.js';
import { statusError } from '../common/http-client.js';
import { kindOfFault } from './map-fault.js';
import type { SoapFault } from './soap-envelope.js';

const SYSTEM = 'department';
const OPERATION = 'deliver';

/** A SOAP Fault: `upstreamCode` is the detail code when given, else the fault code. */
export function faultError(departmentCode: string, status: number, fault: SoapFault): UpstreamError {
  const kind = kindOfFault(fault.faultcode, fault.code);
  return new UpstreamError(`department ${departmentCode} answered the delivery with SOAP fault ${fault.faultcode}${fault.code ? ` (${fault.code})` : ''}: ${fault.faultstring}`, {
    system: SYSTEM, operation: OPERATION, kind, status, upstreamCode: fault.code ?? fault.faultcode,
  });
}

/** A non-2xx answer that is not a SOAP fault (a proxy's 503 page, …). */
export function httpError(departmentCode: string, status: number): UpstreamError {
  const error = statusError(SYSTEM, OPERATION, status);
  error.message = `department ${departmentCode}: ${error.message}`;
  return error;
}

/** An answer that is not the SOAP receipt we expect. */
export function malformedError(departmentCode: string, status: number, detail: string, cause?: unknown): UpstreamError {
  return new UpstreamError(`department ${departmentCode} answered the delivery with ${detail}`, {
    system: SYSTEM, operation: OPERATION, kind: 'malformed', status, cause,
  });
}

/** The receipt's signature element did not verify, or does not cover what the receipt says. */
export function signatureError(departmentCode: string, status: number, detail: string, cause?: unknown): UpstreamError {
  const code = isTongbanError(cause) ? cause.code : undefined;
  return new UpstreamError(`department ${departmentCode} receipt signature ${detail}${code ? ` (${code})` : ''}`, {
    system: SYSTEM, operation: OPERATION, kind: 'signature', status, cause, ...(code ? { upstreamCode: code } : {}),
  });
}
