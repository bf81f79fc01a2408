/**
 * 缴款码 (payment notice numbers) as the simulated platform issues them: 20
 * digits — the 6-digit area code of the collecting body, the issue date
 * `YYMMDD` (Beijing), a 7-digit serial, and a check digit.
 *
 * Check digit: Luhn (ISO/IEC 7812-1) over the first 19 digits — from the
 * rightmost, every other digit doubled (a two-digit result has 9 taken off),
 * the check digit is `(10 − sum mod 10) mod 10`. Luhn catches every single
 * mistyped digit and most swaps of neighbours: what a payer reading the code
 * off a notice gets wrong. Example: `4414032612060000001` → check digit 7 (`44140326120600000017`).
 */

const BODY = /^\d{19}$/;
const NUMBER = /^\d{20}$/;

/** The Luhn check digit of 19 digits. @throws RangeError for anything but 19 digits. */
export function noticeCheckDigit(body: string): string {
  if (!BODY.test(body)) throw new RangeError(`noticeCheckDigit: expected 19 digits, got "${body}"`);
  let sum = 0;
  for (let index = 0; index < body.length; index++) {
    let digit = Number(body[body.length - 1 - index]);
    if (index % 2 === 0) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return String((10 - (sum % 10)) % 10);
}

/** Whether `value` is a 20-digit 缴款码 whose last digit checks. */
export function isValidNoticeNo(value: unknown): value is string {
  return typeof value === 'string' && NUMBER.test(value) && noticeCheckDigit(value.slice(0, 19)) === value[19];
}

/** A notice number: area code, issue date (`YYMMDD`), serial, check digit. */
export function formatNoticeNo(areaCode: string, yymmdd: string, serial: number): string {
  if (!/^\d{6}$/.test(areaCode) || !/^\d{6}$/.test(yymmdd) || !Number.isInteger(serial) || serial < 0 || serial > 9_999_999) {
    throw new RangeError(`formatNoticeNo: bad parts "${areaCode}", "${yymmdd}", ${serial}`);
  }
  const body = `${areaCode}${yymmdd}${String(serial).padStart(7, '0')}`;
  return `${body}${noticeCheckDigit(body)}`;
}
