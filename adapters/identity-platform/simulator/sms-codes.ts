/**
 * SMS verification codes (短信验证码): six digits, valid five minutes, one
 * login each; a newer code replaces the older one. The simulator hands the
 * code back as `debugCode` instead of texting a phone.
 */
import { randomInt } from 'node:crypto';

/** Lifetime of an SMS code (ms). */
export const SMS_CODE_TTL_MS = 5 * 60_000;
/** Wrong guesses after which a code is void. */
const MAX_ATTEMPTS = 5;

export class SmsCodes {
  private readonly codes = new Map<string, { code: string; expiresAt: number; attempts: number }>();

  constructor(private readonly clock: () => number) {}

  /** A new code for the person with this ID number. */
  send(idNumber: string): string {
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    this.codes.set(idNumber, { code, expiresAt: this.clock() + SMS_CODE_TTL_MS, attempts: 0 });
    return code;
  }

  /** Whether `code` is the person's live code; a right one is consumed. */
  check(idNumber: string, code: string): boolean {
    const sent = this.codes.get(idNumber);
    if (sent === undefined || this.clock() >= sent.expiresAt) return false;
    if (sent.code !== code) {
      sent.attempts += 1;
      if (sent.attempts >= MAX_ATTEMPTS) this.codes.delete(idNumber);
      return false;
    }
    this.codes.delete(idNumber);
    return true;
  }
}

/** `135****3223`. */
export function maskPhone(phone: string): string {
  return `${phone.slice(0, 3)}****${phone.slice(-4)}`;
}
