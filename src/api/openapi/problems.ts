/**
 * Errors in the OpenAPI description: the `Problem` schema (RFC 9457 with
 * Tongban's `code`), one example and one reusable response per catalogue
 * code, and the codes every route of a kind can answer.
 */
import { ERROR_CATALOGUE, ERROR_CODES, problemType, type ErrorCode } from '../../errors/index.js';
import type { Route } from '../routes/route.js';

/** A realistic `detail` per code; a code without one shows its title. */
const DETAILS: Partial<Record<ErrorCode, string>> = {
  MALFORMED_JSON: 'Unexpected end of JSON input',
  VALIDATION_FAILED: '/applicant/idNumber: check character should be X',
  UNSUPPORTED_MEDIA_TYPE: 'Content-Type application/x-www-form-urlencoded is not supported; send application/json',
  UNSUPPORTED_CONTENT_ENCODING: 'Content-Encoding "gzip" is not accepted; send the body unencoded (identity): signatures cover the bytes on the wire',
  PAYLOAD_TOO_LARGE: 'Request body is larger than the limit of 1048576 bytes',
  REQUEST_HEADERS_TOO_LARGE: 'The request line and header fields exceed 16384 bytes; the path and the signature that repeats it are the usual cause',
  NOT_FOUND: 'No application 0d1f… for this client',
  METHOD_NOT_ALLOWED: 'DELETE is not allowed on /v1/applications; allowed: POST',
  CONFLICT: 'The lease on this delivery is no longer yours; it will be handed out again',
  IDEMPOTENCY_KEY_REUSED: 'Idempotency-Key "0f8e7c1a-5b2d-4c3e-9a8f-7d6c5b4a3e21" was used for a different submission',
  RATE_LIMITED: 'Too many requests from client "platform"; retry after 2 s',
  SIGNATURE_MISSING: 'This endpoint requires a signed request (Tongban-Signature header)',
  SIGNATURE_MALFORMED: 'Tongban-Signature is not a compact JWS with three parts',
  CLIENT_UNKNOWN: '"iss" names no active client: "platform-x"',
  KEY_UNKNOWN: '"kid" "platform-2" is not a key of client "platform"',
  ALGORITHM_NOT_ALLOWED: '"alg" HS256 is not allowed for client "platform" (allowed: EdDSA)',
  SIGNATURE_INVALID: 'The signature does not verify with key "platform-1"',
  SIGNATURE_EXPIRED: '"exp" claim is in the past',
  SIGNATURE_NOT_YET_VALID: '"iat" claim is 412 s in the future (allowed skew 300 s)',
  CLAIM_INVALID: '"aud" claim must be "tongban"',
  REPLAY_DETECTED: '"jti" 7c9e6679-7425-40de-944b-e07fc1f90ae7 was already used by client "platform"',
  METHOD_MISMATCH: '"htm" claim is GET, the request is POST',
  PATH_MISMATCH: '"htu" claim is /v1/themes, the request is /v1/themes/MX-T05',
  DIGEST_MISSING: 'Content-Digest header is missing',
  DIGEST_MISMATCH: 'Content-Digest does not match the body',
  MATERIAL_TYPE_NOT_ALLOWED: 'The bytes are a PNG image, the Content-Type says application/pdf',
  ROLE_NOT_ALLOWED: 'Role "department" may not GET /v1/ops/deliveries; allowed: ops',
  DEPARTMENT_MISMATCH: 'Client "dept-gaj" acts for department "gaj", not "ybj"',
  OPS_LOGIN_REQUIRED: 'Log in to the ops dashboard first',
  THEME_NOT_MAPPED: 'Theme MX-T30 has matters without mapping files: 000123456000',
  AUTHORIZATION_REQUIRED: 'No authorisation of holder 441421…338X recorded by client "platform" covers this use',
  AUTHORIZATION_EXPIRED: 'Authorisation 0b6f5f5e-… expired at 2027-05-24T00:00:00.000Z',
  AUTHORIZATION_NOT_COVERING: 'Authorisation 0b6f5f5e-… does not include licence types: drivingLicence',
  AUTHORIZATION_REVOKED: 'Authorisation 0b6f5f5e-… was revoked at 2026-11-24T08:00:00.000Z',
  USE_CAUSE_REQUIRED: 'A reason for use (用证事由) is required in a signed place: the useCause query parameter of licence reads, the useCause field of a prefill',
  LICENCE_NOT_FOUND: 'The authorising holder has no licence 1100000000100010010000000000000000000000X',
  LICENCE_NOT_VALID: 'Licence … failed verification: the licence was revoked',
  LICENCE_TYPE_NOT_DECLARED: 'The matters of theme MX-T05 do not use 机动车驾驶证 (drivingLicence)',
  PREFILL_EVIDENCE_INVALID: 'The evidence token was issued to another client',
  SERVICE_UNAVAILABLE: 'No licence library is configured (TONGBAN_LICENCE_LIBRARY_URL)',
  DATABASE_UNAVAILABLE: 'The database is unavailable; nothing was written',
  GATEWAY_BUSY: 'The gateway is working on 32 submissions and this one waited 10000 ms for a turn; nothing was stored — send it again with the same Idempotency-Key',
  SHUTTING_DOWN: 'The gateway is shutting down; retry on another replica',
  UPSTREAM_ERROR: 'licence-library queryByHolder answered 503 (unavailable)',
  UPSTREAM_TIMEOUT: 'licence-library queryByHolder did not answer within 5000 ms',
  INTERNAL_ERROR: 'An internal error occurred; quote the traceId when reporting it',
};

/** An example problem body for `code`. */
export function problemExample(code: ErrorCode): Record<string, unknown> {
  const spec = ERROR_CATALOGUE[code];
  return {
    type: problemType(code), title: spec.title, status: spec.status, detail: DETAILS[code] ?? spec.title, code, retryable: spec.retryable,
    instance: '/v1/applications', traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
    ...(code === 'VALIDATION_FAILED' ? { errors: [{ pointer: '/applicant/idNumber', message: 'check character should be X' }] } : {}),
    ...(code === 'METHOD_NOT_ALLOWED' ? { allow: 'POST' } : {}),
  };
}

/** `components.schemas.Problem`. */
export function problemSchema() {
  return {
    type: 'object',
    required: ['type', 'title', 'status', 'detail', 'code', 'retryable'],
    description: 'RFC 9457 problem details (`application/problem+json`). Switch on `code`, never on `title` or `detail`. Nothing internal (stack, SQL, upstream bodies) is ever part of a problem.',
    properties: {
      type: { type: 'string', format: 'uri', description: '`https://tongban.dev/problems/<code in kebab case>`' },
      title: { type: 'string', description: 'Stable human title of the code' },
      status: { type: 'integer', description: 'The HTTP status' },
      detail: { type: 'string', description: 'What went wrong with this request, naming the field at fault' },
      code: {
        type: 'string', enum: [...ERROR_CODES],
        description: `Stable error code:\n\n| code | status | retryable | title |\n|---|---|---|---|\n${ERROR_CODES.map((code) => `| \`${code}\` | ${ERROR_CATALOGUE[code].status} | ${ERROR_CATALOGUE[code].retryable ? 'yes' : 'no'} | ${ERROR_CATALOGUE[code].title} |`).join('\n')}`,
      },
      retryable: { type: 'boolean', description: 'Whether sending the same request again later may succeed' },
      instance: { type: 'string', description: 'The path and query of the request' },
      traceId: { type: 'string', description: 'Also the `X-Request-Id` answer header; quote it when reporting a problem' },
      errors: {
        type: 'array', description: 'Validation only: every field at fault',
        items: { type: 'object', required: ['pointer', 'message'], properties: { pointer: { type: 'string', description: 'RFC 6901 JSON Pointer into the request body (or `/<parameter>`)' }, message: { type: 'string' } } },
      },
      allow: { type: 'string', description: '`METHOD_NOT_ALLOWED` only: the allowed methods (also the `Allow` header)' },
    },
    additionalProperties: true,
  };
}

const AUTHENTICATION: readonly ErrorCode[] = ERROR_CODES.filter((code) => ERROR_CATALOGUE[code].status === 401 && code !== 'OPS_LOGIN_REQUIRED');
/** A body can be unparseable, repeat a member name (VALIDATION_FAILED), be of another type or too large. */
const BODY: readonly ErrorCode[] = ['MALFORMED_JSON', 'VALIDATION_FAILED', 'UNSUPPORTED_MEDIA_TYPE', 'PAYLOAD_TOO_LARGE'];

/** Every code `route` may answer: those of its kind (signed, with a body, with path parameters) and its own. */
export function routeErrorCodes(route: Route): ErrorCode[] {
  const codes = new Set<ErrorCode>(route.errors ?? []);
  if (!('public' in route.access)) {
    for (const code of AUTHENTICATION) codes.add(code);
    codes.add('ROLE_NOT_ALLOWED');
    if (route.access.departmentParam) codes.add('DEPARTMENT_MISMATCH');
    // The replay guard writes each jti to the database.
    codes.add('DATABASE_UNAVAILABLE');
  }
  // A streamed body (an upload) is no JSON: the route lists what it answers itself.
  if (route.request && route.body !== 'stream') for (const code of BODY) codes.add(code);
  if (route.path.includes(':')) codes.add('NOT_FOUND');
  // Any request with a Content-Encoding other than identity, body or not.
  codes.add('UNSUPPORTED_CONTENT_ENCODING');
  // Any request whose path, query and headers are beyond the HTTP server's limit.
  codes.add('REQUEST_HEADERS_TOO_LARGE');
  codes.add('SHUTTING_DOWN');
  codes.add('INTERNAL_ERROR');
  return ERROR_CODES.filter((code) => codes.has(code));
}
