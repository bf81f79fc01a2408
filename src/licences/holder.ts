/**
 * Holder codes (持证主体代码): a citizen's ID number (公民身份号码) or an
 * organisation's unified social credit code (统一社会信用代码), checked with
 * the validators of src/domain/identifiers (docs/domain.md#identifiers).
 */
import { validateCreditCode, validateIdNumber } from '../domain/identifiers/index.js';
import type { LicenceHolderType } from '../domain/licence-library.js';

export const HOLDER_TYPES: readonly LicenceHolderType[] = ['citizen', 'organization'];

/** Why `code` is not a valid holder code of `type`, or `undefined` when it is. */
export function holderCodeProblem(code: unknown, type: LicenceHolderType): string | undefined {
  const result = type === 'citizen' ? validateIdNumber(code) : validateCreditCode(code);
  return result.ok ? undefined : result.reason;
}

/** The holder type a valid code belongs to (ID number → citizen, credit code → organisation), or the reason it is neither. */
export function holderTypeOf(code: unknown): { type: LicenceHolderType } | { problem: string } {
  const idNumber = validateIdNumber(code);
  if (idNumber.ok) return { type: 'citizen' };
  const creditCode = validateCreditCode(code);
  if (creditCode.ok) return { type: 'organization' };
  return { problem: `is neither a valid ID number (${idNumber.reason}) nor a valid credit code (${creditCode.reason})` };
}
