/**
 * The licence-use ledger's hash rule (docs/licences.md), kept in one small
 * file so an auditor can re-implement it from here alone:
 *
 *   hash = hex( SHA-256( UTF-8( prev_hash ‖ canonical(entry) ) ) )
 *
 * where `canonical(entry)` is the JSON of exactly the fields in
 * {@link HASHED_FIELDS}, keys sorted, no white space, `at` as Unix
 * milliseconds, `matterCodes` as an array of strings — plus, only for an
 * entry that records who acted (from migration 012), `actor`: the recorded
 * actor as an object whose keys are sorted at every depth (members without a
 * value left out). The first entry's `prev_hash` is {@link GENESIS_HASH}.
 * Entries without an actor hash exactly as before the actor existed.
 */
import { createHash } from 'node:crypto';
import type { ActorRecord } from '../identity/actor.js';

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
  /** Who acted (absent on entries recorded before migration 012). */
  readonly actor?: ActorRecord;
}

/** The canonical JSON of an entry: the fixed field list (and `actor` when present), keys sorted at every depth, no white space. */
export function canonicalEntry(entry: HashedEntry): string {
  const ordered: Record<string, unknown> = {};
  for (const field of HASHED_FIELDS) {
    // `actor` sorts between `action` and `at`.
    if (field === 'at' && entry.actor !== undefined) ordered['actor'] = sortedKeys(entry.actor);
    ordered[field] = field === 'matterCodes' ? [...entry.matterCodes] : entry[field];
  }
  return JSON.stringify(ordered);
}

/** A copy of a JSON value with every object's keys in sorted order (code unit order, as `Array.prototype.sort`). */
function sortedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedKeys);
  if (value === null || typeof value !== 'object') return value;
  const sorted: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) sorted[key] = sortedKeys((value as Record<string, unknown>)[key]);
  return sorted;
}

/** The hash of an entry chained to `prevHash` (lower-case hex). */
export function entryHash(prevHash: string, entry: HashedEntry): string {
  return createHash('sha256').update(prevHash + canonicalEntry(entry), 'utf8').digest('hex');
}
