/**
 * Which field names hold personal data in logged objects and in `key=value`
 * or `"key":"value"` text, and how such a value is masked.
 */
import { isIP } from 'node:net';

/**
 * Keys that name a person whoever holds them (`holderName`, `mother_name`,
 * `XM`/`MQXM` — 姓名 in licence surface data —, `姓名`, `申请人姓名`). The bare
 * `name` is in {@link BARE_NAME_KEY}: whether it is a person's depends on the object.
 */
const PERSON_NAME_KEY = /^(?:full_?name|real_?name|.*(?:holder|applicant|person|contact|citizen|legal|owner|spouse|mother|father|child|guardian|agent|representative|husband|wife|buyer|seller|operator|deceased|member|user_?real)_?name|[a-z]*xm|.*姓名)$/i;
const BARE_NAME_KEY = /^name$/i;
const ADDRESS_KEY = /(?:address|addr|domicile|residence|住址|地址|住所|居住地|户籍地)/i;
/** Secrets in objects (JWK private members included); dropped whole. */
export const SECRET_KEY = /^(?:password|passphrase|secret|token|access_?token|authorization|private_?key|d|p|q|dp|dq|qi)$/i;
/** Secrets in `key=value` text: no one-letter JWK names there (`p=2` is a page). */
const TEXT_SECRET_KEY = /^(?:password|passphrase|secret|token|access_?token|authorization|private_?key|client_?secret|app_?secret|access_?secret)$/i;

/**
 * Parents whose `name` is not a person's: the gateway's own entities (matter,
 * theme, department, seal, licence type, issuer…), organisations (their
 * names are public registration data) and software (client, system, collector…).
 */
const NON_PERSON_PARENT = /(?:matter|theme|department|dept|seal|licence|license|certificate_type|type|issuer|authority|organi[sz]ation|enterprise|company|client|system|upstream|service|collector|step|file|alert|job|route|material|field|form|error|cause|catalog(?:ue)?|mapping|key|channel|event)s?$/i;
/** Sibling keys that mark an object as one of those entities. */
const NON_PERSON_SIBLING = /^(?:matter_?code|theme_?code|department_?code|basic_?code|implementation_?code|seal_?(?:id|code)|type_?code|licence_?type|credit_?code|stack|message|kid|alg)$/i;
/** A class name such as `TypeError` or `UpstreamError`: never a person. */
const ERROR_CLASS_NAME = /^(?:[A-Z][A-Za-z0-9]*)?(?:Error|Exception)$/;

/** What a field holds, as far as masking is concerned. */
export type FieldKind = 'name' | 'address' | 'secret' | 'other';

/**
 * The kind of a field of an object: `key` with its `value`, the object's
 * other keys and the key under which the object itself was found.
 */
export function objectFieldKind(key: string, value: string, siblings: readonly string[], parentKey: string | undefined): FieldKind {
  if (SECRET_KEY.test(key)) return 'secret';
  if (PERSON_NAME_KEY.test(key)) return isPersonName(value) ? 'name' : 'other';
  if (BARE_NAME_KEY.test(key)) {
    if (parentKey !== undefined && NON_PERSON_PARENT.test(parentKey)) return 'other';
    if (siblings.some((sibling) => NON_PERSON_SIBLING.test(sibling))) return 'other';
    return isPersonName(value) ? 'name' : 'other';
  }
  if (ADDRESS_KEY.test(key)) return isIP(value.trim()) === 0 ? 'address' : 'other';
  return 'other';
}

/** The kind of a `key=value` or `"key":"value"` pair found in text (no object around it to judge by). */
export function textFieldKind(key: string, value: string): FieldKind {
  if (TEXT_SECRET_KEY.test(key)) return 'secret';
  if (PERSON_NAME_KEY.test(key) || BARE_NAME_KEY.test(key)) return isPersonName(value) ? 'name' : 'other';
  if (ADDRESS_KEY.test(key)) return isIP(value.trim()) === 0 ? 'address' : 'other';
  return 'other';
}

function isPersonName(value: string): boolean {
  return value.length > 0 && !ERROR_CLASS_NAME.test(value);
}

/** Already masked by this module (a field logged twice, a masked value quoted in a message). */
function isMasked(value: string): boolean {
  return /^.\*+$/u.test(value) || value === '[redacted]' || value.endsWith('***');
}

/** Masks a personal name: keeps the first character (`张**`). */
export function maskName(value: string): string {
  const chars = Array.from(value);
  if (chars.length <= 1) return '*';
  return chars[0] + '*'.repeat(chars.length - 1);
}

/** Masks an address: keeps up to its first six characters (province, city), a third of it at most. */
export function maskAddress(value: string): string {
  const chars = Array.from(value);
  return chars.slice(0, Math.min(6, Math.floor(chars.length / 3))).join('') + '***';
}

/** The masked form of a value of `kind` (a value masked already is left as it is). */
export function maskField(kind: Exclude<FieldKind, 'other'>, value: string): string {
  if (kind === 'secret') return '[redacted]';
  if (isMasked(value)) return value;
  return kind === 'name' ? maskName(value) : maskAddress(value);
}
