/**
 * The error catalogue: every stable error code Tongban answers with.
 *
 * A code never changes meaning once published; clients `switch` on it.
 * `docs/errors.md` documents every entry (a unit test enforces that).
 */
export interface ErrorSpec {
  /** HTTP status the code is answered with. */
  readonly status: number;
  /** Short, stable, human title (RFC 9457 `title`). */
  readonly title: string;
  /** Whether a client may retry the same request unchanged and hope for success. */
  readonly retryable: boolean;
  /** Seconds a client should wait before retrying, answered as `Retry-After`. */
  readonly retryAfterSeconds?: number;
}

const catalogue = {
  // --- request shape -------------------------------------------------------
  MALFORMED_JSON: { status: 400, title: 'Request body is not valid JSON', retryable: false },
  VALIDATION_FAILED: { status: 400, title: 'Request failed validation', retryable: false },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, title: 'Content type is not application/json', retryable: false },
  UNSUPPORTED_CONTENT_ENCODING: { status: 415, title: 'Content-Encoding is not accepted; send the body unencoded', retryable: false },
  PAYLOAD_TOO_LARGE: { status: 413, title: 'Request body exceeds the size limit', retryable: false },
  REQUEST_HEADERS_TOO_LARGE: { status: 431, title: 'Request line and header fields exceed the size limit', retryable: false },
  MATERIAL_TYPE_NOT_ALLOWED: { status: 415, title: 'A material must be a PDF, OFD, JPEG or PNG file, sent as its own type', retryable: false },
  NOT_FOUND: { status: 404, title: 'No such resource', retryable: false },
  METHOD_NOT_ALLOWED: { status: 405, title: 'Method not allowed on this resource', retryable: false },
  CONFLICT: { status: 409, title: 'Conflicting state', retryable: false },
  IDEMPOTENCY_KEY_REUSED: { status: 422, title: 'Idempotency-Key reused with a different request', retryable: false },
  RATE_LIMITED: { status: 429, title: 'Too many requests', retryable: true },

  // --- authentication (Tongban signature v1) ------------------------------
  SIGNATURE_MISSING: { status: 401, title: 'Tongban-Signature header is missing', retryable: false },
  SIGNATURE_MALFORMED: { status: 401, title: 'Tongban-Signature is not a well-formed compact JWS', retryable: false },
  CLIENT_UNKNOWN: { status: 401, title: 'Client is unknown or revoked', retryable: false },
  KEY_UNKNOWN: { status: 401, title: 'Signing key (kid) is unknown for this client', retryable: false },
  ALGORITHM_NOT_ALLOWED: { status: 401, title: 'Signature algorithm is not allowed for this client', retryable: false },
  SIGNATURE_INVALID: { status: 401, title: 'Signature does not verify', retryable: false },
  SIGNATURE_EXPIRED: { status: 401, title: 'Signature has expired', retryable: false },
  SIGNATURE_NOT_YET_VALID: { status: 401, title: 'Signature "iat" is in the future beyond the allowed skew', retryable: false },
  CLAIM_INVALID: { status: 401, title: 'A required signature claim is missing or invalid', retryable: false },
  REPLAY_DETECTED: { status: 401, title: 'Signature "jti" was already used', retryable: false },
  METHOD_MISMATCH: { status: 401, title: 'Signed method (htm) does not match the request', retryable: false },
  PATH_MISMATCH: { status: 401, title: 'Signed path (htu) does not match the request', retryable: false },
  DIGEST_MISSING: { status: 401, title: 'Content-Digest header is missing', retryable: false },
  DIGEST_MISMATCH: { status: 401, title: 'Content-Digest does not match the body or the signed digest', retryable: false },

  // --- the applicant's verified identity (ID token of the identity platform) --
  ID_TOKEN_MISSING: { status: 401, title: 'The applicant\'s ID token (Tongban-Id-Token) is required', retryable: false },
  ID_TOKEN_INVALID: { status: 401, title: 'The ID token is malformed, not from the identity platform, or not bound to the request signature', retryable: false },
  ID_TOKEN_UNKNOWN_KEY: { status: 401, title: 'The ID token is signed by a key the identity platform does not publish', retryable: false },
  ID_TOKEN_EXPIRED: { status: 401, title: 'The ID token has expired', retryable: false },
  ID_TOKEN_AUDIENCE: { status: 401, title: 'The ID token was issued to another client', retryable: false },
  ID_TOKEN_LEVEL: { status: 401, title: 'The ID token\'s real-name level is below the level this action requires', retryable: false },
  ID_TOKEN_NONCE: { status: 401, title: 'The ID token\'s nonce was not issued by Tongban to this client, or had expired', retryable: false },
  ID_TOKEN_REPLAYED: { status: 401, title: 'The ID token\'s login was already used by another token or client', retryable: false },
  IDENTITY_UNAVAILABLE: { status: 503, title: 'The identity platform is not configured or not reachable', retryable: true, retryAfterSeconds: 5 },

  // --- authorisation -------------------------------------------------------
  ROLE_NOT_ALLOWED: { status: 403, title: 'Client role may not call this endpoint', retryable: false },
  DEPARTMENT_MISMATCH: { status: 403, title: 'Department may only act on its own resources', retryable: false },
  DOWNLOAD_LINK_INVALID: { status: 403, title: 'Download link is not valid for this department and file', retryable: false },
  DOWNLOAD_LINK_EXPIRED: { status: 403, title: 'Download link has expired', retryable: false },
  OPS_LOGIN_REQUIRED: { status: 401, title: 'Ops dashboard login required', retryable: false },

  // --- merged forms, authorisations and licences -----------------------------
  HOLDER_MISMATCH: { status: 403, title: 'The authenticated person is not the holder, nor their guardian, agent or counter officer for this use', retryable: false },
  DELEGATION_EXPIRED: { status: 403, title: 'The holder\'s delegation to this agent has expired', retryable: false },
  DELEGATION_REVOKED: { status: 403, title: 'The holder revoked the delegation to this agent', retryable: false },
  COUNTER_CODE_USED: { status: 403, title: 'The counter QR code was already scanned', retryable: false },
  COUNTER_CODE_WRONG_HALL: { status: 403, title: 'The counter QR code was made for another service hall', retryable: false },
  COUNTER_CODE_EXPIRED: { status: 403, title: 'The counter QR code has expired', retryable: false },
  THEME_NOT_MAPPED: { status: 422, title: 'Theme or scenario has matters without mappings', retryable: false },
  AUTHORIZATION_REQUIRED: { status: 403, title: 'No authorisation from the holder covers this licence use', retryable: false },
  AUTHORIZATION_EXPIRED: { status: 403, title: 'The holder\'s authorisation has expired', retryable: false },
  AUTHORIZATION_REVOKED: { status: 403, title: 'The holder\'s authorisation was revoked', retryable: false },
  AUTHORIZATION_NOT_COVERING: { status: 403, title: 'The authorisation does not cover this holder, licence type or purpose', retryable: false },
  USE_CAUSE_REQUIRED: { status: 400, title: 'A reason for use (用证事由) is required', retryable: false },
  LICENCE_NOT_FOUND: { status: 404, title: 'No such licence for this holder', retryable: false },
  LICENCE_NOT_VALID: { status: 422, title: 'Licence failed verification (revoked, expired or bad signature)', retryable: false },
  SHARED_DATA_NOT_VERIFIED: { status: 422, title: 'A statement the matter requires does not hold at the data-sharing exchange (在线核验)', retryable: false },
  LICENCE_TYPE_NOT_DECLARED: { status: 403, title: 'The matters of this purpose do not use this licence type', retryable: false },
  PREFILL_EVIDENCE_INVALID: { status: 422, title: 'Prefill evidence token is invalid or does not match', retryable: false },
  SUPPLEMENT_DEADLINE_PASSED: { status: 409, title: 'The supplement request\'s deadline has passed', retryable: false },

  // --- how results reach the applicant (领证方式) ------------------------------
  RESULTS_NOT_AT_WINDOW: { status: 409, title: 'The application did not choose to collect its results at a window', retryable: false },
  HANDOVER_WRONG_HALL: { status: 403, title: 'The application collects its results at another service hall', retryable: false },
  RESULTS_NOT_READY: { status: 409, title: 'The application\'s results are not ready for collection', retryable: false },
  RESULTS_ALREADY_COLLECTED: { status: 409, title: 'The application\'s results were already collected', retryable: false },
  HANDOVER_COLLECTOR_MISMATCH: { status: 403, title: 'A collector recorded as the applicant is not an applicant of the application', retryable: false },
  LOGISTICS_PUSH_INVALID: { status: 401, title: 'The logistics push is not signed by the logistics service, or is malformed', retryable: false },
  PAYMENT_NOTIFICATION_INVALID: { status: 401, title: 'The payment notification is not signed by the payment platform, is replayed, or is malformed', retryable: false },
  PAYMENT_REQUIRED: { status: 402, title: 'An unpaid fee holds this', retryable: false },

  // --- platform state ------------------------------------------------------
  SERVICE_UNAVAILABLE: { status: 503, title: 'Service temporarily unavailable', retryable: true },
  DATABASE_UNAVAILABLE: { status: 503, title: 'Database unavailable', retryable: true, retryAfterSeconds: 5 },
  GATEWAY_BUSY: { status: 503, title: 'Too many submissions in progress', retryable: true, retryAfterSeconds: 1 },
  SHUTTING_DOWN: { status: 503, title: 'Gateway is shutting down', retryable: true },
  UPSTREAM_ERROR: { status: 502, title: 'Upstream system answered with an error', retryable: true },
  UPSTREAM_TIMEOUT: { status: 504, title: 'Upstream system did not answer in time', retryable: true },
  INTERNAL_ERROR: { status: 500, title: 'Internal error', retryable: true },
} as const satisfies Record<string, ErrorSpec>;

/** Every stable error code. */
export type ErrorCode = keyof typeof catalogue;

/** The catalogue, frozen. */
export const ERROR_CATALOGUE: Readonly<Record<ErrorCode, ErrorSpec>> = Object.freeze(catalogue);

/** All codes, in catalogue order. */
export const ERROR_CODES = Object.keys(catalogue) as ErrorCode[];

/** RFC 9457 `type` URI for a code: stable, resolvable in the served docs. */
export function problemType(code: ErrorCode): string {
  return `https://tongban.dev/problems/${code.toLowerCase().replaceAll('_', '-')}`;
}
