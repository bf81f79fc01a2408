/**
 * Names and claim sets of Tongban signature v1, shared by signer and verifier.
 */

/** Header carrying the compact JWS (HTTP field names are case-insensitive; Node lower-cases them). */
export const SIGNATURE_HEADER = 'tongban-signature';
/** Header carrying the RFC 9530 digest of the body. */
export const CONTENT_DIGEST_HEADER = 'content-digest';
/** JWS `typ` of a signed request (and of a push to a department). */
export const REQUEST_TYP = 'tongban-req+jwt';
/** JWS `typ` of a signed answer. */
export const RESPONSE_TYP = 'tongban-res+jwt';
/** `aud` of requests and `iss` of answers. */
export const TONGBAN_AUDIENCE = 'tongban';

/** Claims of a signed request. Times are seconds since the epoch. */
export interface RequestClaims {
  /** Client id of the sender. */
  iss: string;
  /** Receiver; "tongban" for calls to Tongban. */
  aud: string;
  /** Issued at (s). */
  iat: number;
  /** Expires at (s); at most 300 s after `iat`. */
  exp: number;
  /** Unique id of this request; never reused. */
  jti: string;
  /** HTTP method, upper case. */
  htm: string;
  /** Path and query exactly as sent. */
  htu: string;
  /** The `Content-Digest` header value. */
  cdg: string;
  /**
   * With a `Tongban-Id-Token` header only: base64url (no padding) of the
   * SHA-256 of the header's value (ASCII), binding the applicant's ID token
   * to this signed request.
   */
  idt?: string;
}

/** Header carrying the applicant's ID token from the identity platform. */
export const ID_TOKEN_HEADER = 'tongban-id-token';

/** Claims of a signed answer. */
export interface ResponseClaims {
  /** "tongban". */
  iss: string;
  /** Client id the answer is for. */
  aud: string;
  /** Issued at (s). */
  iat: number;
  /** Unique id of this answer. */
  jti: string;
  /** The `Content-Digest` header value of the answer body. */
  cdg: string;
  /** `jti` of the request answered. */
  rjti: string;
}

/** The two headers a signer adds (a type alias, so it passes as a plain header record). */
export type SignatureHeaders = {
  'content-digest': string;
  'tongban-signature': string;
};

/** Incoming HTTP headers, as Node's `IncomingMessage.headers` holds them. */
export type HeaderMap = Readonly<Record<string, string | readonly string[] | undefined>>;

/**
 * A header's value by case-insensitive name. A repeated field is joined with
 * ", " (RFC 9110 §5.3) unless `single` is set, in which case repetition
 * yields `null` so the caller can refuse it.
 */
export function readHeader(headers: HeaderMap, name: string, single = false): string | undefined | null {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== wanted || value === undefined) continue;
    if (typeof value === 'string') return value;
    if (single && value.length > 1) return null;
    return value.join(', ');
  }
  return undefined;
}

/** Current time in whole seconds since the epoch. */
export function epochSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
