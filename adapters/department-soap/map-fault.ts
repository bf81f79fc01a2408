/**
 * SOAP faults → what kind of failure they are. SOAP 1.1 says a `Client`
 * fault means "the message was wrong: do not resend it unchanged" and a
 * `Server` fault "the message may succeed later" — that is the retry rule.
 * The service's detail code refines it (a signature refusal is `auth`).
 */
import type { UpstreamErrorKind } from '../../src/domain/upstream-error.js';
import { localName } from './soap-envelope.js';

/** Detail codes the department answers when Tongban's signature fails its checks. */
const SIGNATURE_CODES = [
  'SIGNATURE_MISSING', 'SIGNATURE_MALFORMED', 'SIGNATURE_INVALID', 'SIGNATURE_EXPIRED', 'SIGNATURE_NOT_YET_VALID',
  'CLIENT_UNKNOWN', 'KEY_UNKNOWN', 'ALGORITHM_NOT_ALLOWED', 'CLAIM_INVALID', 'REPLAY_DETECTED',
  'METHOD_MISMATCH', 'PATH_MISMATCH', 'DIGEST_MISSING', 'DIGEST_MISMATCH',
] as const;

/** Detail codes that override the fault code's default kind. */
export const DETAIL_CODE_KINDS: Readonly<Record<string, UpstreamErrorKind>> = Object.freeze({
  ...Object.fromEntries(SIGNATURE_CODES.map((code) => [code, 'auth' as const])),
  /** 系统繁忙, even when a sloppy service files it under Client. */
  SYSTEM_BUSY: 'unavailable',
});

/** Fault code (local part, before any `.` refinement such as `Client.Authentication`) → kind. */
export const FAULT_CODE_KINDS: Readonly<Record<string, UpstreamErrorKind>> = Object.freeze({
  Client: 'rejected',
  Server: 'unavailable',
  /** We sent SOAP the service does not speak: resending will not help. */
  VersionMismatch: 'rejected',
  MustUnderstand: 'rejected',
});

/** Default for a fault code nobody knows: treat as the service's problem, like `Server`. */
export const UNKNOWN_FAULT_KIND: UpstreamErrorKind = 'unavailable';

/** The kind of a fault. */
export function kindOfFault(faultcode: string, detailCode: string | undefined): UpstreamErrorKind {
  if (detailCode !== undefined && Object.hasOwn(DETAIL_CODE_KINDS, detailCode)) return DETAIL_CODE_KINDS[detailCode]!;
  const base = localName(faultcode.trim()).split('.')[0]!;
  return Object.hasOwn(FAULT_CODE_KINDS, base) ? FAULT_CODE_KINDS[base]! : UNKNOWN_FAULT_KIND;
}
