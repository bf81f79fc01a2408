/**
 * The rules for free text Tongban accepts (names, addresses, places, codes,
 * reasons), before it is validated, stored or sent to a department: NFC,
 * trimmed, not empty, and none of the characters that are invisible,
 * reorder what a reader sees, cannot be carried as text (XML, databases)
 * or are not characters at all. docs/api.md "Text in requests" states them.
 */

export interface TextRuleOptions {
  /** May span lines: LF is kept (CRLF and CR become LF); single-line text refuses every line break. */
  readonly multiLine?: boolean;
  /** Refuse `<` and `>` (text a department may show unescaped: every merged-form field). */
  readonly noMarkup?: boolean;
}

/** Control characters: C0 (tab and line breaks too), DEL, C1. */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
// eslint-disable-next-line no-control-regex
const CONTROL_BUT_LF = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;
/** Bidirectional formatting: embeddings and overrides, isolates, and the LRM, RLM and ALM marks. */
const BIDI = /[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]/;
/** Noncharacters: U+FDD0–U+FDEF, and the last two code points of every plane. */
const NONCHARACTER = /[\ufdd0-\ufdef\ufffe\uffff]|[\ud83f\ud87f\ud8bf\ud8ff\ud93f\ud97f\ud9bf\ud9ff\uda3f\uda7f\udabf\udaff\udb3f\udb7f\udbbf\udbff][\udffe\udfff]/;
const MARKUP = /[<>]/;
/** A high surrogate not followed by a low one, or a low one not preceded by a high one. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * The text as stored: line breaks unified (multi-line text only), NFC,
 * leading and trailing white space removed. A string with unpaired
 * surrogates is returned as it is (NFC would replace them): {@link textFault} refuses it.
 */
export function normalizeText(value: string, options: TextRuleOptions = {}): string {
  if (LONE_SURROGATE.test(value)) return value;
  const lines = options.multiLine && value.includes('\r') ? value.replace(/\r\n?/g, '\n') : value;
  return lines.normalize('NFC').trim();
}

/**
 * What is wrong with an already normalised text, or undefined when nothing
 * is. Length is the caller's (field by field); emptiness is refused here.
 */
export function textFault(value: string, options: TextRuleOptions = {}): string | undefined {
  if (LONE_SURROGATE.test(value)) return 'contains an unpaired surrogate (not a character)';
  if (value === '') return 'must not be empty or only white space (leave an optional field out instead)';
  if ((options.multiLine ? CONTROL_BUT_LF : CONTROL).test(value)) {
    return options.multiLine ? 'contains a control character (only line feeds may break lines)' : 'contains a control character or a line break (one line of text)';
  }
  if (BIDI.test(value)) return 'contains a bidirectional formatting character (U+202A–U+202E, U+2066–U+2069, U+200E, U+200F, U+061C)';
  if (NONCHARACTER.test(value)) return 'contains a Unicode noncharacter';
  if (options.noMarkup && MARKUP.test(value)) return 'must not contain < or >';
  return undefined;
}

/** Normalises `value` and checks it: the text to keep, or the fault. */
export function readText(value: string, options: TextRuleOptions = {}): { text: string; fault?: undefined } | { fault: string; text?: undefined } {
  const text = normalizeText(value, options);
  const fault = textFault(text, options);
  return fault === undefined ? { text } : { fault };
}

/** Options of a text member of a request: the rules, and a bound in characters (code points) counted on the normalised text. */
export interface TextMemberOptions extends TextRuleOptions {
  readonly maxLength?: number;
}

/**
 * One text member of a request (a reason, a name, a 受理号): the normalised
 * text, or undefined once what is wrong is added to `errors` at `pointer`
 * (not a string, a fault of the rules, or longer than `maxLength`).
 */
export function readTextMember(value: unknown, pointer: string, errors: { pointer: string; message: string }[], options: TextMemberOptions = {}): string | undefined {
  if (typeof value !== 'string') {
    errors.push({ pointer, message: 'must be a string' });
    return undefined;
  }
  const read = readText(value, options);
  if (read.fault !== undefined) {
    errors.push({ pointer, message: read.fault });
    return undefined;
  }
  const length = options.maxLength === undefined ? 0 : [...read.text].length;
  if (options.maxLength !== undefined && length > options.maxLength) {
    errors.push({ pointer, message: `must be at most ${options.maxLength} characters (it has ${length})` });
    return undefined;
  }
  return read.text;
}

/**
 * The merged form with every string value normalised (a new object; other
 * values as they were), and every text at fault as a JSON Pointer
 * (`pointerPrefix` + `/group/member`).
 */
export function normalizeFormText(form: Readonly<Record<string, unknown>>, pointerPrefix: string): { form: Record<string, unknown>; errors: { pointer: string; message: string }[] } {
  const errors: { pointer: string; message: string }[] = [];
  const normalized: Record<string, unknown> = {};
  for (const [group, members] of Object.entries(form)) {
    if (typeof members !== 'object' || members === null || Array.isArray(members)) {
      normalized[group] = members;
      continue;
    }
    const copy: Record<string, unknown> = {};
    for (const [member, value] of Object.entries(members as Record<string, unknown>)) {
      if (typeof value !== 'string') {
        copy[member] = value;
        continue;
      }
      const read = readText(value, { noMarkup: true });
      if (read.fault !== undefined) errors.push({ pointer: `${pointerPrefix}/${escapeToken(group)}/${escapeToken(member)}`, message: read.fault });
      copy[member] = read.text ?? value;
    }
    normalized[group] = copy;
  }
  return { form: normalized, errors };
}

function escapeToken(token: string): string {
  return token.replaceAll('~', '~0').replaceAll('/', '~1');
}
