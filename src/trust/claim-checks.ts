/**
 * Claim checks shared by request and answer verification. Each failure is a
 * TongbanError whose message quotes the claim at fault.
 */
import { TongbanError } from '../errors/index.js';

/** Longest string claim accepted, against oversized ids being stored. */
const MAX_CLAIM_LENGTH = 2048;

/** The claim as a non-empty string, else `CLAIM_INVALID`. */
export function stringClaim(payload: Record<string, unknown>, name: string): string {
  const value = payload[name];
  if (value === undefined) throw new TongbanError('CLAIM_INVALID', `"${name}" claim is missing`);
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_CLAIM_LENGTH) {
    throw new TongbanError('CLAIM_INVALID', `"${name}" claim must be a non-empty string`);
  }
  return value;
}

/** The claim as a NumericDate (integer seconds), else `CLAIM_INVALID`. */
export function timeClaim(payload: Record<string, unknown>, name: string): number {
  const value = payload[name];
  if (value === undefined) throw new TongbanError('CLAIM_INVALID', `"${name}" claim is missing`);
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new TongbanError('CLAIM_INVALID', `"${name}" claim must be a whole number of seconds`);
  }
  return value;
}

/** `aud` must be `expected` (or, as a JWT array, hold exactly it). */
export function checkAudience(payload: Record<string, unknown>, expected: string): string {
  const value = payload.aud;
  if (value === undefined) throw new TongbanError('CLAIM_INVALID', '"aud" claim is missing');
  const matches = value === expected || (Array.isArray(value) && value.length === 1 && value[0] === expected);
  if (!matches) throw new TongbanError('CLAIM_INVALID', `"aud" claim must be ${JSON.stringify(expected)}`);
  return expected;
}

/** `iat` must lie within ±`skewSeconds` of `now`. */
export function checkIssuedAt(iat: number, now: number, skewSeconds: number): void {
  if (iat > now + skewSeconds) throw new TongbanError('SIGNATURE_NOT_YET_VALID', '"iat" claim is in the future');
  if (iat < now - skewSeconds) throw new TongbanError('SIGNATURE_EXPIRED', '"iat" claim is too old');
}
