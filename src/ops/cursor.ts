/**
 * Keyset (cursor) pagination of ops lists. A page ends with the sort key of
 * its last row; the next page starts strictly after it, through the list's
 * index, so every page costs what it returns however deep the walk goes.
 *
 * The cursor is opaque to callers: base64url of a JSON array whose first
 * element names the list (a cursor of one list is refused by another) and
 * whose others are the sort key's values. Rows that do not change during a
 * walk are returned exactly once; a row whose sort key changes between two
 * pages moves (it may be seen again or missed in that walk: the delivery
 * lists sort by the last change, so a row changed during the walk moves to
 * the head, which the walk has passed).
 */
import { validationError } from '../errors/index.js';

/** The type of each value of a list's sort key. */
export type CursorShape = readonly ('number' | 'string')[];

/** One page of a list: its rows and the cursor of the next page (null at the end). */
export interface Page<Row> {
  readonly rows: Row[];
  readonly nextCursor: string | null;
}

/** The cursor after `key`, for list `list`. */
export function encodeCursor(list: string, key: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify([list, ...key]), 'utf8').toString('base64url');
}

/**
 * The sort key a cursor carries, or undefined when there is none.
 * @throws TongbanError VALIDATION_FAILED naming `/cursor` (or `pointer`) when the text is not a cursor of this list.
 */
export function decodeCursor(text: unknown, list: string, shape: CursorShape, pointer = '/cursor'): (string | number)[] | undefined {
  if (text === undefined || text === '') return undefined;
  const refuse = () => validationError([{ pointer, message: 'is not a cursor of this list: pass the nextCursor of the previous page unchanged' }]);
  if (typeof text !== 'string' || text.length > 512 || !/^[A-Za-z0-9_-]+$/.test(text)) throw refuse();
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    throw refuse();
  }
  if (!Array.isArray(value) || value.length !== shape.length + 1 || value[0] !== list) throw refuse();
  const key = value.slice(1) as unknown[];
  for (const [index, type] of shape.entries()) {
    const item = key[index];
    if (type === 'number' ? !Number.isSafeInteger(item) : typeof item !== 'string' || item.length > 200) throw refuse();
  }
  return key as (string | number)[];
}

/**
 * A page from `limit + 1` rows read: the first `limit`, and the cursor after
 * the last of them when there was one more.
 */
export function pageOf<Row>(rows: Row[], limit: number, list: string, keyOf: (row: Row) => readonly (string | number)[]): Page<Row> {
  if (rows.length <= limit) return { rows, nextCursor: null };
  const kept = rows.slice(0, limit);
  return { rows: kept, nextCursor: encodeCursor(list, keyOf(kept[kept.length - 1]!)) };
}
