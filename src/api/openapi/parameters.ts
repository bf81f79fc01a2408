/**
 * Parameters several routes declare. Those with a `component` name are
 * published once under `components.parameters`.
 */
import { USE_CAUSE_PARAMETER } from '../../licences/use-cause.js';
import type { RouteParameter } from '../routes/route.js';

export const idempotencyKeyHeader: RouteParameter = {
  name: 'Idempotency-Key', in: 'header', required: true, component: 'IdempotencyKey',
  description: 'Makes the submission safe to retry: 8–200 visible ASCII characters chosen by the platform (a UUID is fine). The same key with the same body answers the first answer again (`Idempotent-Replayed: true`), never a second application; the same key with a different body is 422 `IDEMPOTENCY_KEY_REUSED`. Keys are per client.',
  schema: { type: 'string', pattern: '^[\\x21-\\x7e]{8,200}$' },
  example: '0f8e7c1a-5b2d-4c3e-9a8f-7d6c5b4a3e21',
};

/** The applicant's ID token, on every route that acts on a person's data (docs/identity.md). */
export const idTokenHeader: RouteParameter = {
  name: 'Tongban-Id-Token', in: 'header', required: true, component: 'TongbanIdToken',
  description: 'The ID token the identity platform (统一身份认证) issued to the login of the person acting (the applicant, their guardian or agent, or the counter officer), after a login started with a nonce from `POST /v1/identity/nonces` and with `aud` containing the calling client\'s id. The request signature must carry `idt` = base64url(SHA-256(this value)). Missing: 401 `ID_TOKEN_MISSING`; unbound, malformed or badly signed: `ID_TOKEN_INVALID`; unknown key `ID_TOKEN_UNKNOWN_KEY`; expired `ID_TOKEN_EXPIRED`; another client\'s `ID_TOKEN_AUDIENCE`; level below the minimum `ID_TOKEN_LEVEL`; nonce not Tongban\'s `ID_TOKEN_NONCE`; login already used by another token `ID_TOKEN_REPLAYED`; no identity platform 503 `IDENTITY_UNAVAILABLE`.',
  schema: { type: 'string', maxLength: 16384, pattern: '^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$' },
};

export const useCauseQuery: RouteParameter = {
  name: USE_CAUSE_PARAMETER, in: 'query', required: true, component: 'UseCause',
  description: 'The reason for use (用证事由), 1–200 characters, percent-encoded UTF-8 in the query like any value, recorded in the licence-use ledger and sent to the licence library. In the query so that the request signature covers it (`htu`). Normalised (NFC, trimmed) before it is recorded or sent. Missing, blank, too long, or holding a control, bidirectional formatting or noncharacter (or an unpaired surrogate): 400 `USE_CAUSE_REQUIRED`; so is the former `Tongban-Use-Cause` header on its own (no signature covers a header), or one that differs from this parameter.',
  schema: { type: 'string', minLength: 1, maxLength: 200 },
  example: '办理婴儿出生一件事',
};

/** Sent on every request; not declared by routes. */
export const traceHeaders: readonly RouteParameter[] = [
  {
    name: 'X-Request-Id', in: 'header', component: 'XRequestId',
    description: 'Trace id of the request when there is no `traceparent` (e.g. `4bf92f3577b34da6a3ce929d0e0e4736`). Returned as `X-Request-Id`, in every problem (`traceId`) and on every log line written while serving it; generated when absent.',
    schema: { type: 'string', maxLength: 128 },
  },
  {
    name: 'traceparent', in: 'header', component: 'Traceparent',
    description: 'W3C Trace Context; its trace id wins over `X-Request-Id`.',
    schema: { type: 'string', pattern: '^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$' },
    example: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
  },
];

/** `?cursor=`: where a keyset-paginated list continues (src/ops/cursor.ts). */
export const cursorQuery: RouteParameter = {
  name: 'cursor', in: 'query', component: 'Cursor',
  description: 'Where the list continues: the `nextCursor` of the previous page, unchanged (opaque). Absent: the first page. A cursor that is not one of this list is 400 `VALIDATION_FAILED` naming `/cursor`. Rows that do not change during a walk are listed exactly once; a row whose sort key changes between two pages moves (the delivery lists sort by the last change, so a delivery changed during the walk moves to the head, behind the walk).',
  schema: { type: 'string', maxLength: 512, pattern: '^[A-Za-z0-9_-]+$' },
};

/** `?limit=` with its bounds. */
export function limitQuery(defaultValue: number, maximum: number): RouteParameter {
  return { name: 'limit', in: 'query', description: `How many items at most (1–${maximum}, default ${defaultValue})`, schema: { type: 'integer', minimum: 1, maximum, default: defaultValue } };
}

export function query(name: string, description: string, schema: RouteParameter['schema'] = { type: 'string' }, required = false): RouteParameter {
  return { name, in: 'query', description, schema, ...(required ? { required } : {}) };
}

/** Descriptions of path parameters by name, used when a route does not describe its own. */
export const PATH_PARAMETERS: Readonly<Record<string, { description: string; schema: RouteParameter['schema'] }>> = {
  themeCode: { description: 'Theme code (一件事), e.g. `MX-T05`', schema: { type: 'string', pattern: '^[A-Za-z0-9._-]{1,64}$' } },
  id: { description: 'Identifier of the resource', schema: { type: 'string' } },
  applicationId: { description: 'Application id (from the submission answer)', schema: { type: 'string', format: 'uuid' } },
  documentId: { description: 'Result document id (from the sub-application\'s `results`)', schema: { type: 'string' } },
  dept: { description: 'Department code; a department client may only use its own', schema: { type: 'string', pattern: '^[a-z0-9]{1,32}$' } },
  deliveryId: { description: 'Delivery id (from the inbox item)', schema: { type: 'string' } },
  identifier: { description: 'Licence identifier (电子证照标识, GB/T 36904)', schema: { type: 'string' } },
  holderCode: { description: 'ID number (公民身份号码) or unified social credit code (统一社会信用代码) of the holder', schema: { type: 'string', maxLength: 32 } },
  file: { description: 'File name', schema: { type: 'string' } },
};
