/**
 * The one result shape every identifier validator returns.
 *
 * Validators never throw on bad input (wrong type included): an identifier
 * arriving at the gateway is data, and a bad one becomes a `400` naming the
 * field, so the caller needs a value, not an exception. `reason` is the human
 * sentence quoting the part at fault; `code` is a stable literal so callers
 * and tests can `switch` on it without parsing English.
 */

/** Why a value was rejected; stable, never renamed once published. */
export type ValidationFailureCode =
  /** The value is not a string. */
  | 'not_a_string'
  /** Wrong number of characters. */
  | 'length'
  /** A character outside the identifier's alphabet. */
  | 'characters'
  /** Right characters, wrong arrangement (separators, part lengths). */
  | 'format'
  /** GB/T 2260 area code (or its province prefix) is not acceptable. */
  | 'area_code'
  /** Birth date in an ID number does not exist on the calendar. */
  | 'birth_date'
  /** Birth date in an ID number is after today (China time). */
  | 'birth_date_in_future'
  /** The check character does not match the one computed from the body. */
  | 'check_character'
  /** Credit code: positions 1–2 are not a registration authority and a category it assigns (GB 32100). */
  | 'authority_category'
  /** An identifier embedded in this one (e.g. a credit code) is invalid. */
  | 'embedded_identifier'
  /** Electronic licence identifier does not start with the GB/T 36904 root. */
  | 'root'
  /** Matter code: unknown matter type. */
  | 'matter_type'
  /** Matter code: sub-item part is not `000`, `00Y` or `001`–`999`. */
  | 'sub_item'
  /** Matter implementation code: exercise level is not 1–4. */
  | 'exercise_level';

/** A rejected value. */
export interface ValidationFailure {
  readonly ok: false;
  readonly code: ValidationFailureCode;
  /** Human sentence quoting the part at fault, e.g. `check character is "3", expected "X"`. */
  readonly reason: string;
}

/** An accepted value with the details read out of it. */
export type ValidationSuccess<T extends object> = { readonly ok: true } & { readonly [K in keyof T]: T[K] };

/** `{ ok: true, ...details } | { ok: false, code, reason }`. */
export type ValidationResult<T extends object> = ValidationSuccess<T> | ValidationFailure;

/** Builds a failure. */
export function fail(code: ValidationFailureCode, reason: string): ValidationFailure {
  return { ok: false, code, reason };
}

/** Builds a success. */
export function succeed<T extends object>(details: T): ValidationSuccess<T> {
  return { ok: true, ...details } as ValidationSuccess<T>;
}

/** The failure for a value that is not a string; `what` names the identifier. */
export function notAString(what: string, value: unknown): ValidationFailure {
  const got = value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
  return fail('not_a_string', `${what} must be a string, got ${got}`);
}

/**
 * First character of `value` outside `allowed`, with its 1-based position, or
 * `undefined` when every character is allowed.
 */
export function firstCharacterOutside(value: string, allowed: RegExp): { position: number; character: string } | undefined {
  for (let index = 0; index < value.length; index++) {
    const character = value.charAt(index);
    if (!allowed.test(character)) return { position: index + 1, character };
  }
  return undefined;
}
