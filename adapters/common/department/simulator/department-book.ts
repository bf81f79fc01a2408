/**
 * A simulated department's case book: de-duplicates deliveries by idempotency
 * key, issues 受理号 (acceptance numbers), and records everything received so
 * tests can assert "one effect per key".
 */
import { createHash } from 'node:crypto';
import type { ReceiptFields, SubApplicationDelivery } from '../../../../src/domain/department-channel.js';
import { chinaDate, chinaIso } from './china-time.js';

/** The receipt fields a department answers with. */
export type BookedReceipt = ReceiptFields;

/** One delivery as it arrived (repeats included). */
export interface ReceivedDelivery {
  /** When it arrived (ISO 8601, China time). */
  at: string;
  delivery: SubApplicationDelivery;
  /** It repeated an idempotency key already applied. */
  duplicate: boolean;
  acceptanceNumber: string;
}

/** What {@link DepartmentBook.receive} decided. */
export type BookEntry =
  | { outcome: 'new' | 'duplicate'; receipt: BookedReceipt }
  /** The key was used before for a different sub-application content: refused, nothing applied. */
  | { outcome: 'conflict'; receipt: BookedReceipt };

export class DepartmentBook {
  private readonly byKey = new Map<string, { receipt: BookedReceipt; fingerprint: string; effects: number }>();
  private readonly log: ReceivedDelivery[] = [];
  private readonly acceptanceNumbers: AcceptanceNumbers;

  /** @param now clock, for acceptance-number dates and `receivedAt` (default the real one). */
  constructor(readonly departmentCode: string, private readonly now: () => Date = () => new Date()) {
    this.acceptanceNumbers = new AcceptanceNumbers(departmentCode);
  }

  /**
   * Applies a delivery once per idempotency key: the first time it gets a
   * new 受理号; a repeat gets the same receipt with `duplicate: true`.
   */
  /** Whether a delivery with this idempotency key was received before. */
  knows(idempotencyKey: string): boolean {
    return this.byKey.has(idempotencyKey);
  }

  receive(delivery: SubApplicationDelivery): BookEntry {
    const at = this.now();
    const fingerprint = fingerprintOf(delivery);
    const existing = this.byKey.get(delivery.idempotencyKey);
    if (existing !== undefined) {
      if (existing.fingerprint !== fingerprint) return { outcome: 'conflict', receipt: { ...existing.receipt, duplicate: true } };
      this.log.push({ at: chinaIso(at), delivery, duplicate: true, acceptanceNumber: existing.receipt.acceptanceNumber });
      return { outcome: 'duplicate', receipt: { ...existing.receipt, duplicate: true } };
    }
    const receipt: BookedReceipt = {
      departmentCode: this.departmentCode,
      deliveryId: delivery.deliveryId,
      subApplicationId: delivery.subApplicationId,
      idempotencyKey: delivery.idempotencyKey,
      acceptanceNumber: this.acceptanceNumbers.next(at),
      receivedAt: chinaIso(at),
      duplicate: false,
    };
    this.byKey.set(delivery.idempotencyKey, { receipt, fingerprint, effects: 1 });
    this.log.push({ at: receipt.receivedAt, delivery, duplicate: false, acceptanceNumber: receipt.acceptanceNumber });
    return { outcome: 'new', receipt };
  }

  /** Every delivery received, in order, repeats included. */
  received(): ReceivedDelivery[] {
    return [...this.log];
  }

  /** How many times each idempotency key took effect (always 1: repeats are not applied). */
  effectsByKey(): Map<string, number> {
    return new Map([...this.byKey].map(([key, entry]) => [key, entry.effects]));
  }

  /** The receipt of a key, if it was applied. */
  receiptOf(idempotencyKey: string): BookedReceipt | undefined {
    return this.byKey.get(idempotencyKey)?.receipt;
  }

}

/** A department's 受理号: `GAJ` + yyyyMMdd (China date) + a 5-digit daily sequence, e.g. `GAJ2026112400001`. */
export class AcceptanceNumbers {
  private day = '';
  private sequence = 0;

  constructor(private readonly departmentCode: string) {}

  next(at: Date): string {
    const day = chinaDate(at).replaceAll('-', '');
    if (day !== this.day) {
      this.day = day;
      this.sequence = 0;
    }
    this.sequence += 1;
    return `${this.departmentCode.toUpperCase()}${day}${String(this.sequence).padStart(5, '0')}`;
  }
}

/** What must not change between retries of one key (the delivery id, submit time and download links may). */
function fingerprintOf(delivery: SubApplicationDelivery): string {
  const { subApplicationId, matterCode, departmentCode, form, prerequisiteResults } = delivery;
  const materials = delivery.materials.map((material) => (material.file ? { ...material, file: { ...material.file, download: undefined } } : material));
  return createHash('sha256').update(canonicalJson({ subApplicationId, matterCode, departmentCode, form, materials, prerequisiteResults: prerequisiteResults ?? [] })).digest('base64url');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, member]) => member !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, member]) => `${JSON.stringify(key)}:${canonicalJson(member)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
