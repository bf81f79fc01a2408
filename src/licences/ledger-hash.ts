/**
 * The licence-use ledger's hash rule (docs/licences.md), kept in one small
 * file so an auditor can re-implement it from here alone:
 *
 *   hash = hex( SHA-256( UTF-8( prev_hash ‖ canonical(entry) ) ) )
 *
 * where `canonical(entry)` is the JSON of exactly the fields in
 * {@link HASHED_FIELDS}, keys sorted, no white space, `at` as Unix
 * milliseconds, `matterCodes` as an array of strings. The first entry's
 * `prev_hash` is {@link GENESIS_HASH}.
 */
import { createHash } from 'node:crypto';

/** `prev_hash` of the first entry: 64 zeros. */
export const GENESIS_HASH = '0'.repeat(64);

/** The fields an entry's hash covers, in sorted order. */
export const HASHED_FIELDS = [
  'action', 'at', 'authorizationId', 'clientId', 'holderCode', 'holderType', 'licenceIdentifier', 'licenceType',
  'matterCodes', 'outcome', 'seq', 'themeCode', 'useCause',
] as const;

/** The hashed content of one entry. */
export interface HashedEntry {
  readonly action: string;
  /** Unix ms. */
  readonly at: number;
  readonly authorizationId: string;
  readonly clientId: string;
  readonly holderCode: string;
  readonly holderType: string;
  readonly licenceIdentifier: string;
  readonly licenceType: string;
  readonly matterCodes: readonly string[];
  readonly outcome: string;
  readonly seq: number;
  readonly themeCode: string;
  readonly useCause: string;
}

/** The canonical JSON of an entry: the fixed field list, keys sorted, no white space. */
export function canonicalEntry(entry: HashedEntry): string {
  const ordered: Record<string, unknown> = {};
  for (const field of HASHED_FIELDS) ordered[field] = field === 'matterCodes' ? [...entry.matterCodes] : entry[field];
  return JSON.stringify(ordered);
}

/** The hash of an entry chained to `prevHash` (lower-case hex). */
export function entryHash(prevHash: string, entry: HashedEntry): string {
  return createHash('sha256').update(prevHash + canonicalEntry(entry), 'utf8').digest('hex');
}
