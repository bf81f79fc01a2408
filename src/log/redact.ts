/**
 * PII redaction for logs. Personal data (ID numbers, mobile numbers, bank
 * cards, e-mail addresses, credit codes of sole traders, names and
 * addresses) is masked wherever it appears: inside free text, URLs and JSON
 * held in strings, and in any field of a logged object, at any depth.
 *
 * Text is matched in a normalised form (percent and `\u` escapes decoded,
 * NFKC), and only the spans found are rewritten: everything else of a line
 * is written exactly as it was logged. What counts as personal is listed in
 * find-personal-data.ts; which fields hold names and addresses in
 * personal-data-keys.ts.
 */
import { findPersonalData } from './find-personal-data.js';
import { normaliseForMatching } from './normalise-text.js';
import { maskField, objectFieldKind } from './personal-data-keys.js';

export { maskName } from './personal-data-keys.js';

/** Masks PII inside a string; a string without any is returned as it is. */
export function redactText(text: string): string {
  const normal = normaliseForMatching(text);
  const found = findPersonalData(normal.text);
  if (found.length === 0) return text;
  let out = '';
  let at = 0;
  for (const { index, length, replacement } of found) {
    const from = normal.start[index]!;
    if (from < at) continue;
    out += text.slice(at, from) + replacement;
    at = normal.end[index + length - 1]!;
  }
  return out + text.slice(at);
}

const MAX_DEPTH = 8;

/**
 * Returns a redacted deep copy of a value: strings are scanned, fields that
 * hold names/addresses are masked, secrets are dropped. Whether a field
 * called `name` is a person's depends on its object: an error's, a matter's,
 * a theme's or a department's is not. Cycles and excessive depth are cut
 * rather than followed.
 */
export function redact(value: unknown): unknown {
  return redactValue(value, undefined, 0, new WeakSet<object>());
}

function redactValue(value: unknown, parentKey: string | undefined, depth: number, seen: WeakSet<object>): unknown {
  if (typeof value === 'string') return redactText(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth > MAX_DEPTH) return '[depth]';
  if (seen.has(value)) return '[cycle]';
  seen.add(value);
  if (value instanceof Error) {
    return { name: value.name, message: redactText(value.message), code: (value as { code?: unknown }).code };
  }
  if (Buffer.isBuffer(value)) return `[${value.length} bytes]`;
  if (Array.isArray(value)) return value.map((item) => redactValue(item, parentKey, depth + 1, seen));
  const keys = Object.keys(value);
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    const kind = typeof field === 'string' ? objectFieldKind(key, field, keys, parentKey) : 'other';
    out[key] = kind === 'other' ? redactValue(field, key, depth + 1, seen) : maskField(kind, field as string);
  }
  return out;
}
