/**
 * PII redaction for logs. Personal data (ID numbers, unified social credit
 * codes, phone numbers, names and addresses) is masked wherever it appears:
 * inside free text and in any field of a logged object, at any depth.
 */

// 18-digit resident ID numbers (last may be X). Lookarounds instead of \b so
// that an ID inside a longer run of digits or letters is not half-masked.
const ID_NUMBER = /(?<![0-9A-Za-z])(\d{6})\d{8}(\d{3}[\dXx])(?![0-9A-Za-z])/g;
// Unified social credit codes: upper-case alphabet without I O S V Z; must
// contain at least one digit run of the area code (positions 3–8).
const CREDIT_CODE = /(?<![0-9A-Za-z])([0-9A-HJ-NPQRTUWXY]{2}\d{2})[0-9A-HJ-NPQRTUWXY]{10}([0-9A-HJ-NPQRTUWXY]{4})(?![0-9A-Za-z])/g;
// Mainland mobile numbers, optionally +86-prefixed.
const MOBILE = /(?<!\d)((?:\+?86[- ]?)?1[3-9]\d)\d{4}(\d{4})(?!\d)/g;

const NAME_KEY = /^(?:name|full_?name|real_?name|xm|.*(?:holder|applicant|person|contact|citizen|legal|owner|spouse|mother|father|child|guardian|agent|representative)_?name)$/i;
const ADDRESS_KEY = /(?:address|addr|domicile|residence|住址|地址)/i;
const SECRET_KEY = /^(?:password|passphrase|secret|token|access_?token|authorization|private_?key|d|p|q|dp|dq|qi)$/i;

/** Masks PII inside a string. */
export function redactText(text: string): string {
  return text
    .replace(ID_NUMBER, '$1********$2')
    .replace(CREDIT_CODE, '$1**********$2')
    .replace(MOBILE, '$1****$2');
}

/** Masks a personal name: keeps the first character (`张**`). */
export function maskName(value: string): string {
  const chars = Array.from(value);
  if (chars.length <= 1) return '*';
  return chars[0] + '*'.repeat(chars.length - 1);
}

function maskAddress(value: string): string {
  const chars = Array.from(value);
  return chars.slice(0, Math.min(6, Math.floor(chars.length / 3))).join('') + '***';
}

/**
 * Returns a redacted deep copy of a value: strings are scanned, fields named
 * like names/addresses are masked, secrets are dropped. Cycles and excessive
 * depth are cut rather than followed.
 */
export function redact(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (typeof value === 'string') return redactText(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth > 8) return '[depth]';
  if (seen.has(value)) return '[cycle]';
  seen.add(value);
  if (value instanceof Error) {
    return { name: value.name, message: redactText(value.message), code: (value as { code?: unknown }).code };
  }
  if (Buffer.isBuffer(value)) return `[${value.length} bytes]`;
  if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1, seen));
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    if (SECRET_KEY.test(key) && typeof field === 'string') out[key] = '[redacted]';
    else if (typeof field === 'string' && NAME_KEY.test(key)) out[key] = maskName(field);
    else if (typeof field === 'string' && ADDRESS_KEY.test(key)) out[key] = maskAddress(field);
    else out[key] = redact(field, depth + 1, seen);
  }
  return out;
}
