/**
 * The form of a logged text in which personal data is looked for: percent
 * escapes (`%E5%BC%A0`, also twice encoded `%25E5…`) and JSON `\uXXXX`
 * escapes decoded, every character NFKC-normalised (full-width `４` → `4`,
 * `＋` → `+`, ideographic space → space). Each unit of the result remembers
 * the span of the original it came from, so a match found here masks exactly
 * that span of the original and leaves the rest of the line as it was
 * (NFKC would otherwise rewrite `（` in a matter name to `(`).
 */

/** A text rewritten for matching, with where each of its UTF-16 units came from. */
export interface NormalisedText {
  readonly text: string;
  /** `start[i]`…`end[i]` (exclusive): the span of the original that unit `i` of `text` came from. */
  readonly start: readonly number[];
  readonly end: readonly number[];
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** Escapes decoded per pass; three passes undo an escape escaped twice (`%2525E5…`). */
const PASSES = 3;
const ESCAPE = /%[0-9A-Fa-f]{2}|\\u[0-9A-Fa-f]{4}/;
// Plain ASCII without escapes is its own normal form (NFKC leaves ASCII alone).
const NOTHING_TO_DO = /^[\x20-\x7e\t\r\n]*$/;

/** `text` decoded and normalised for matching, with the span map back to `text`. */
export function normaliseForMatching(text: string): NormalisedText {
  if (NOTHING_TO_DO.test(text) && !ESCAPE.test(text)) return identity(text);
  let current = decodeOnce(text);
  for (let pass = 1; pass < PASSES && ESCAPE.test(current.text); pass++) {
    const next = decodeOnce(current.text);
    current = { text: next.text, start: next.start.map((at) => current.start[at]!), end: next.end.map((at) => current.end[at - 1]!) };
  }
  return current;
}

function identity(text: string): NormalisedText {
  const start = Array.from({ length: text.length }, (_, index) => index);
  return { text, start, end: start.map((index) => index + 1) };
}

/** One pass: escapes decoded, characters NFKC-normalised; spans point into `text`. */
function decodeOnce(text: string): NormalisedText {
  let out = '';
  const start: number[] = [];
  const end: number[] = [];
  const emit = (characters: string, from: number, to: number): void => {
    // ASCII is its own NFKC form; normalize() is the costly part of a pass.
    const normal = characters.length === 1 && characters.charCodeAt(0) < 0x80 ? characters : characters.normalize('NFKC');
    out += normal;
    for (let unit = 0; unit < normal.length; unit++) {
      start.push(from);
      end.push(to);
    }
  };
  let index = 0;
  while (index < text.length) {
    const decoded = percentCharacterAt(text, index) ?? unicodeEscapeAt(text, index);
    if (decoded) {
      emit(decoded.character, index, index + decoded.length);
      index += decoded.length;
      continue;
    }
    const codePoint = text.codePointAt(index)!;
    const width = codePoint > 0xffff ? 2 : 1;
    emit(text.slice(index, index + width), index, index + width);
    index += width;
  }
  return { text: out, start, end };
}

/** The character a run of percent escapes at `index` encodes in UTF-8, or `undefined`. */
function percentCharacterAt(text: string, index: number): { character: string; length: number } | undefined {
  const first = hexByte(text, index, '%');
  if (first === undefined) return undefined;
  const count = first < 0x80 ? 1 : first >= 0xf0 && first < 0xf8 ? 4 : first >= 0xe0 ? 3 : first >= 0xc0 ? 2 : 0;
  if (count === 0) return undefined;
  const bytes = [first];
  for (let next = 1; next < count; next++) {
    const byte = hexByte(text, index + 3 * next, '%');
    if (byte === undefined || (byte & 0xc0) !== 0x80) return undefined;
    bytes.push(byte);
  }
  try {
    return { character: UTF8.decode(Uint8Array.from(bytes)), length: 3 * count };
  } catch {
    return undefined;
  }
}

/** A `\uXXXX` escape (a surrogate pair as two escapes) at `index`, or `undefined`. */
function unicodeEscapeAt(text: string, index: number): { character: string; length: number } | undefined {
  const unit = hexUnit(text, index);
  if (unit === undefined) return undefined;
  if (unit >= 0xd800 && unit < 0xdc00) {
    const low = hexUnit(text, index + 6);
    if (low !== undefined && low >= 0xdc00 && low < 0xe000) return { character: String.fromCharCode(unit, low), length: 12 };
    return undefined;
  }
  if (unit >= 0xdc00 && unit < 0xe000) return undefined;
  return { character: String.fromCharCode(unit), length: 6 };
}

function hexByte(text: string, index: number, marker: string): number | undefined {
  if (text.charAt(index) !== marker) return undefined;
  const digits = text.slice(index + 1, index + 3);
  return /^[0-9A-Fa-f]{2}$/.test(digits) ? Number.parseInt(digits, 16) : undefined;
}

function hexUnit(text: string, index: number): number | undefined {
  if (text.charAt(index) !== '\\' || text.charAt(index + 1) !== 'u') return undefined;
  const digits = text.slice(index + 2, index + 6);
  return /^[0-9A-Fa-f]{4}$/.test(digits) ? Number.parseInt(digits, 16) : undefined;
}
