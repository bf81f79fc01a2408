/**
 * Stable choices for what a simulated department assigns when it completes a
 * matter (a credit code, a permit or card number, a bank account): drawn
 * from a hash of the sub-application id, so a sub-application always gets
 * the same values — a redelivered or replayed one, a rerun test — and two
 * sub-applications almost never collide.
 */
import { createHash } from 'node:crypto';

/** Draws values from the sub-application id's hash, in order (SHA-256, extended as needed). */
export class ResultValues {
  private bytes: Buffer;
  private position = 0;

  constructor(private readonly subApplicationId: string) {
    this.bytes = createHash('sha256').update(subApplicationId).digest();
  }

  /** `count` decimal digits. */
  digits(count: number): string {
    let text = '';
    while (text.length < count) text += String(this.next() % 10);
    return text;
  }

  /** `count` characters of `alphabet`. */
  characters(alphabet: string, count: number): string {
    let text = '';
    while (text.length < count) text += alphabet.charAt(this.next() % alphabet.length);
    return text;
  }

  /** One of `options`. */
  pick<T>(options: readonly T[]): T {
    return options[this.next() % options.length]!;
  }

  private next(): number {
    if (this.position === this.bytes.length) {
      this.bytes = createHash('sha256').update(this.bytes).update(this.subApplicationId).digest();
      this.position = 0;
    }
    return this.bytes[this.position++]!;
  }
}
