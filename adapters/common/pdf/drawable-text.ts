/**
 * Text that the PDF standard fonts can draw.
 *
 * The standard 14 fonts only know WinAnsiEncoding, so pdf-lib throws on any
 * Chinese character. No CJK font ships on the machines Tongban runs on (and
 * embedding one would also need `@pdf-lib/fontkit`), so characters outside
 * WinAnsi are drawn as `\uXXXX` escapes: lossless, readable by a person with
 * a code table, and never a crash. The exact text always travels as a JSON
 * file attachment as well (see make-pdf.ts), which is what machines read.
 */

/** Printable ASCII and Latin-1: the part of WinAnsiEncoding that maps one-to-one to Unicode. */
const DRAWABLE = /^[\x20-\x7e\xa0-\xff]$/u;

/** Replaces every character the standard fonts cannot draw with its `\uXXXX` (or `\u{XXXXX}`) escape. */
export function toDrawableText(text: string): string {
  let out = '';
  for (const character of text) {
    if (DRAWABLE.test(character)) {
      out += character;
      continue;
    }
    if (character === '\t') {
      out += '    ';
      continue;
    }
    const codePoint = character.codePointAt(0)!;
    out += codePoint > 0xffff ? `\\u{${codePoint.toString(16)}}` : `\\u${codePoint.toString(16).padStart(4, '0')}`;
  }
  return out;
}

/** Whether `text` draws as itself with the standard fonts. */
export function isDrawable(text: string): boolean {
  for (const character of text) if (!DRAWABLE.test(character)) return false;
  return true;
}
