import { fail, notAString, succeed, type ValidationResult } from './result.js';

/**
 * Mainland China telephone numbers.
 *
 * - Mobile: 11 digits `1[3-9]XXXXXXXXX`, optionally prefixed by `+86` or
 *   `86` (a space or hyphen may follow the prefix).
 * - Landline: trunk `0` + area code, optional hyphen, 7–8 digit local number.
 *   Under the national numbering plan the 3-digit area codes are `010` and
 *   `020`–`029`; every other area code has 4 digits starting `03`–`09`. That
 *   rule splits `075512345678` unambiguously. A local number starting with
 *   `0` is refused (that `0` is a misplaced trunk prefix); one starting with
 *   `1` is accepted although the plan reserves `1` for special services,
 *   because placeholder numbers like `010-12345678` are common in test data.
 */

export type PhoneDetails =
  | {
    readonly kind: 'mobile';
    /** The 11 digits without any country prefix. */
    readonly number: string;
    /** `+86` followed by the 11 digits. */
    readonly e164: string;
  }
  | {
    readonly kind: 'landline';
    /** With the trunk `0`, e.g. `010`, `0755`. */
    readonly areaCode: string;
    /** 7–8 digits. */
    readonly localNumber: string;
    /** `areaCode-localNumber`. */
    readonly number: string;
  };

const MOBILE = /^(?:\+?86[ -]?)?(1[3-9]\d{9})$/;
const LANDLINE = /^(0(?:10|2\d|[3-9]\d{2}))-?([1-9]\d{6,7})$/;

/** Validates a mainland mobile or landline number and says which kind it is. */
export function validatePhone(value: unknown): ValidationResult<PhoneDetails> {
  if (typeof value !== 'string') return notAString('phone number', value);
  const mobile = MOBILE.exec(value);
  if (mobile) {
    const number = mobile[1]!;
    return succeed<PhoneDetails>({ kind: 'mobile', number, e164: `+86${number}` });
  }
  const landline = LANDLINE.exec(value);
  if (landline) {
    const areaCode = landline[1]!;
    const localNumber = landline[2]!;
    return succeed<PhoneDetails>({ kind: 'landline', areaCode, localNumber, number: `${areaCode}-${localNumber}` });
  }
  return fail('format', `phone number "${value}" is neither a mobile number (1[3-9] + 9 digits, optional +86) nor a landline (0 + area code, optional "-", 7–8 digits)`);
}
