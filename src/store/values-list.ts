/**
 * Placeholders of a multi-row `VALUES` list, so that several rows go to the
 * database in one statement (one round trip on PostgreSQL) instead of one
 * statement each. Both dialects accept `VALUES (…), (…)`.
 */
import type { SqlValue } from './store.js';

/** `$first, $first+1, …`: `count` numbered placeholders, as in `IN (…)` (count ≥ 1). */
export function placeholders(count: number, first = 1): string {
  return Array.from({ length: count }, (_, index) => `$${first + index}`).join(', ');
}

/**
 * `($first, …), (…)` for `rows`, each row's values numbered in order, and
 * the values flattened in the same order.
 * @param first number of the first placeholder (default 1), for statements with parameters before the list
 * @throws Error when `rows` is empty or the rows differ in length
 */
export function valuesList(rows: readonly (readonly SqlValue[])[], first = 1): { sql: string; params: SqlValue[] } {
  const width = rows[0]?.length ?? 0;
  if (width === 0) throw new Error('valuesList needs at least one row with at least one value');
  const params: SqlValue[] = [];
  for (const row of rows) {
    if (row.length !== width) throw new Error(`valuesList rows differ in length: ${row.length} and ${width}`);
    for (const value of row) params.push(value);
  }
  return { sql: listSql(rows.length, width, first), params };
}

/** The text of a list depends only on its shape, and intake asks for the same few shapes again and again. */
const listTexts = new Map<string, string>();
const KEPT_LIST_TEXTS = 512;

function listSql(count: number, width: number, first: number): string {
  const key = `${count} ${width} ${first}`;
  let sql = listTexts.get(key);
  if (sql === undefined) {
    sql = Array.from({ length: count }, (_, row) => `(${placeholders(width, first + row * width)})`).join(', ');
    if (listTexts.size >= KEPT_LIST_TEXTS) listTexts.clear();
    listTexts.set(key, sql);
  }
  return sql;
}
