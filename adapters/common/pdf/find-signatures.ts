/**
 * Finds the signatures of a PDF the way verifiers do: every /ByteRange array,
 * the /Contents hex string in the gap it leaves, and the text fields of the
 * signature dictionary around it. Byte-level on purpose: a signature covers
 * bytes, and a damaged file must still be inspectable.
 */

/** One signature dictionary as found in the file. */
export interface FoundSignature {
  /** [offset1, length1, offset2, length2] as written in /ByteRange. */
  byteRange: [number, number, number, number];
  /** The CMS bytes from /Contents (trailing zero padding kept), or undefined when the gap holds no hex string. */
  contents: Buffer | undefined;
  /** /SubFilter, e.g. `adbe.pkcs7.detached`. */
  subFilter?: string;
  reason?: string;
  location?: string;
  name?: string;
  contactInfo?: string;
  /** /M as written (PDF date string). */
  signingTimeText?: string;
  /** Problems with the dictionary itself (impossible byte range, no hex string). */
  problems: string[];
}

const BYTE_RANGE = /\/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]/g;

/** Decodes PDF string bytes: UTF-16BE with BOM, UTF-8 with BOM, else PDFDocEncoding (read as Latin-1). */
function decodePdfText(bytes: Buffer): string {
  if (bytes[0] === 0xfe && bytes[1] === 0xff) {
    const swapped = Buffer.from(bytes.subarray(2));
    if (swapped.length % 2 === 1) return '';
    return swapped.swap16().toString('utf16le');
  }
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return bytes.subarray(3).toString('utf8');
  return bytes.toString('latin1');
}

const LITERAL_ESCAPES: Record<string, number> = { n: 0x0a, r: 0x0d, t: 0x09, b: 0x08, f: 0x0c, '(': 0x28, ')': 0x29, '\\': 0x5c };

/** Reads a literal `( … )` string starting at `start` (the open parenthesis) in a Latin-1 view of the bytes. */
function readLiteral(text: string, start: number): Buffer | undefined {
  const out: number[] = [];
  let depth = 0;
  for (let index = start; index < text.length; index += 1) {
    const character = text[index]!;
    if (character === '\\') {
      const next = text[index + 1] ?? '';
      if (next in LITERAL_ESCAPES) {
        out.push(LITERAL_ESCAPES[next]!);
        index += 1;
      } else if (/[0-7]/.test(next)) {
        const octal = /^[0-7]{1,3}/.exec(text.slice(index + 1, index + 4))![0];
        out.push(Number.parseInt(octal, 8) & 0xff);
        index += octal.length;
      } else if (next === '\r' || next === '\n') {
        index += next === '\r' && text[index + 2] === '\n' ? 2 : 1; // line continuation
      } else {
        index += 1;
        out.push(next.charCodeAt(0));
      }
      continue;
    }
    if (character === '(') {
      depth += 1;
      if (depth === 1) continue;
    } else if (character === ')') {
      depth -= 1;
      if (depth === 0) return Buffer.from(out);
    }
    out.push(character.charCodeAt(0) & 0xff);
  }
  return undefined;
}

/** The text value of `/key` in a dictionary's source (literal or hex string), or undefined. */
function stringField(dictionary: string, key: string): string | undefined {
  const match = new RegExp(`/${key}(?![A-Za-z0-9_.#-])\\s*(\\(|<(?!<))`).exec(dictionary);
  if (match === null) return undefined;
  const start = match.index + match[0].length - 1;
  if (match[1] === '(') {
    const bytes = readLiteral(dictionary, start);
    return bytes === undefined ? undefined : decodePdfText(bytes);
  }
  const end = dictionary.indexOf('>', start);
  if (end < 0) return undefined;
  const hex = dictionary.slice(start + 1, end).replace(/\s+/g, '');
  if (!/^[0-9a-fA-F]*$/.test(hex)) return undefined;
  return decodePdfText(Buffer.from(hex.length % 2 === 1 ? `${hex}0` : hex, 'hex'));
}

/** Every signature dictionary (every /ByteRange) in the file, in file order. */
export function findSignatures(pdf: Buffer): FoundSignature[] {
  const text = pdf.toString('latin1');
  const found: FoundSignature[] = [];
  for (const match of text.matchAll(BYTE_RANGE)) {
    const byteRange = match.slice(1, 5).map(Number) as [number, number, number, number];
    const [offset1, length1, offset2, length2] = byteRange;
    const problems: string[] = [];
    let contents: Buffer | undefined;
    if (offset1 !== 0) problems.push('/ByteRange does not start at the beginning of the file');
    if (offset1 + length1 > offset2 || offset2 + length2 > pdf.length) {
      problems.push(`/ByteRange [${byteRange.join(' ')}] does not fit the file (${pdf.length} bytes)`);
    } else {
      const gap = text.slice(offset1 + length1, offset2);
      const hex = /^<([0-9a-fA-F\s]*)>$/.exec(gap)?.[1]?.replace(/\s+/g, '');
      if (hex === undefined || hex.length % 2 === 1) problems.push('the gap left by /ByteRange is not exactly the /Contents hex string');
      else contents = Buffer.from(hex, 'hex');
    }
    // The signature dictionary is the object around the /ByteRange.
    const objectStart = Math.max(0, text.lastIndexOf(' obj', match.index));
    const objectEnd = text.indexOf('endobj', match.index);
    const dictionary = text.slice(objectStart, objectEnd < 0 ? text.length : objectEnd);
    const fields = {
      subFilter: /\/SubFilter\s*\/([^\s/<>[\]()]+)/.exec(dictionary)?.[1],
      reason: stringField(dictionary, 'Reason'),
      location: stringField(dictionary, 'Location'),
      name: stringField(dictionary, 'Name'),
      contactInfo: stringField(dictionary, 'ContactInfo'),
      signingTimeText: stringField(dictionary, 'M'),
    };
    const defined = Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
    found.push({ byteRange, contents, ...defined, problems });
  }
  return found;
}
