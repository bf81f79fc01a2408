/**
 * Verifying what an upstream posts to Tongban's callback URL, signed like
 * Tongban's own requests (the mail service's trace pushes, the payment
 * platform's notifications): the four headers present, the account Tongban's
 * own, the timestamp within ±skew, the signature over the callback's path and
 * the raw body, then the body JSON and on the schema — checked in that order,
 * each failure naming the header or JSON Pointer at fault. Each adapter brings
 * its header names, its signature scheme and its domain error.
 */
import type { ValidateFunction } from 'ajv';
import { signatureMatches } from './hmac-request-signature.js';
import { describeSchemaError } from './schema-errors.js';

/** What a signature covers, as received. */
export interface CallbackSignatureInput {
  readonly account: string;
  readonly timestamp: string;
  readonly nonce: string;
  readonly body: string;
}

export interface SignedCallbackCheck<T> {
  /** What the message is called in error messages (`push`, `notification`). */
  readonly noun: string;
  /** The four header names (lower-case). */
  readonly headers: { readonly account: string; readonly timestamp: string; readonly nonce: string; readonly signature: string };
  /** Tongban's own account (app key, app id), and what it is called in error messages. */
  readonly account: string;
  readonly accountNoun: string;
  /** Allowed clock difference of the timestamp (s); the timestamp is Unix seconds. */
  readonly skewSeconds: number;
  readonly now: () => number;
  /** The signature expected of this message. */
  readonly expectedSignature: (input: CallbackSignatureInput) => string;
  readonly validate: ValidateFunction<T>;
  /** The adapter's verification error: `field` is the header or JSON Pointer at fault. */
  readonly error: (field: string, message: string) => Error;
}

/** The verified body and the message's nonce. @throws what `check.error` makes, naming the first problem. */
export function verifySignedCallback<T>(
  check: SignedCallbackCheck<T>, headers: Readonly<Record<string, string | string[] | undefined>>, rawBody: Buffer | string,
): { body: T; nonce: string } {
  const { noun, error } = check;
  const header = (name: string): string => {
    const value = headers[name];
    const text = Array.isArray(value) ? value[0] : value;
    if (!text) throw error(name, `${noun} header "${name}" is missing`);
    return text;
  };
  const names = check.headers;
  const account = header(names.account);
  const timestamp = header(names.timestamp);
  const nonce = header(names.nonce);
  const signature = header(names.signature);
  if (account !== check.account) throw error(names.account, `${noun} "${names.account}" is not Tongban's ${check.accountNoun}`);
  if (!/^\d{1,12}$/.test(timestamp) || Math.abs(check.now() / 1000 - Number(timestamp)) > check.skewSeconds) {
    throw error(names.timestamp, `${noun} "${names.timestamp}" is outside ±${check.skewSeconds} s`);
  }
  const body = typeof rawBody === 'string' ? rawBody : rawBody.toString('utf8');
  if (!signatureMatches(signature, check.expectedSignature({ account, timestamp, nonce, body }))) throw error(names.signature, `${noun} "${names.signature}" does not verify`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw error('/', `${noun} body is not JSON`);
  }
  if (!check.validate(parsed)) {
    const detail = describeSchemaError(check.validate.errors);
    throw error(detail.split(':')[0]!, `${noun} body ${detail}`);
  }
  return { body: parsed, nonce };
}
