/**
 * Ways personal data is written in logs (full-width, percent- and
 * \u-escaped), and an oracle that undoes them all, independent of the
 * redactor under test.
 */

/** ASCII letters, digits and `+` as their full-width forms (`４４０１…`). */
export const fullWidth = (text: string): string => text.replace(/[0-9A-Za-z+]/g, (character) => String.fromCharCode(character.charCodeAt(0) + 0xfee0));

/** Every UTF-8 byte percent-encoded, even ASCII digits (`%34%34…`). */
export const percentAll = (text: string): string => [...new TextEncoder().encode(text)].map((byte) => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`).join('');

/** Every character as a JSON `\uXXXX` escape. */
export const unicodeEscaped = (text: string): string => [...text].map((character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`).join('');

/** `text` with every escape undone (repeatedly), NFKC-normalised, separators dropped and upper-cased: PII in any encoding shows up plain. */
export function flattenForPiiSearch(text: string): string {
  let current = text;
  for (let pass = 0; pass < 4; pass++) {
    current = current
      .replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) => { try { return decodeURIComponent(run); } catch { return run; } })
      .replace(/\\u([0-9A-Fa-f]{4})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
  }
  return current.normalize('NFKC').replace(/[\s\-.+()\\"]/g, '').toUpperCase();
}
