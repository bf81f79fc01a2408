/**
 * Waybill numbers in the UPU S10 form: two letters (`E` + a service letter),
 * eight serial digits, one check digit, the country code `CN` — 13 characters.
 *
 * Check digit: the serial digits weighted 8 6 4 2 3 5 9 7 and summed;
 * check = 11 − (sum mod 11), with 10 → 0 and 11 → 5.
 */

const WEIGHTS = [8, 6, 4, 2, 3, 5, 9, 7] as const;
const FORM = /^E[A-Z]\d{9}CN$/;

/** The S10 check digit of eight serial digits. @throws RangeError when `serial` is not eight digits. */
export function s10CheckDigit(serial: string): number {
  if (!/^\d{8}$/.test(serial)) throw new RangeError(`S10 serial must be eight digits, got "${serial}"`);
  const sum = WEIGHTS.reduce((total, weight, index) => total + weight * Number(serial[index]), 0);
  const check = 11 - (sum % 11);
  return check === 10 ? 0 : check === 11 ? 5 : check;
}

/** True when `waybillNo` is `E` + letter + 8 digits + a correct check digit + `CN`. */
export function isValidWaybillNo(waybillNo: string): boolean {
  if (typeof waybillNo !== 'string' || !FORM.test(waybillNo)) return false;
  return s10CheckDigit(waybillNo.slice(2, 10)) === Number(waybillNo[10]);
}

/** The waybill number of a serial (0 … 99 999 999) under service letter `letter`. */
export function formatWaybillNo(letter: string, serial: number): string {
  if (!/^[A-Z]$/.test(letter)) throw new RangeError(`service letter must be one upper-case letter, got "${letter}"`);
  if (!Number.isInteger(serial) || serial < 0 || serial > 99_999_999) throw new RangeError(`serial out of range: ${serial}`);
  const digits = String(serial).padStart(8, '0');
  return `E${letter}${digits}${s10CheckDigit(digits)}CN`;
}
