/**
 * How the OpenAPI description explains Tongban signature v1: the security
 * schemes, and `info.description` with a worked example whose digest and
 * encoded JWS parts are computed here, so they are exact.
 */
import { contentDigest } from '../../trust/content-digest.js';
import { REQUEST_TYP, RESPONSE_TYP, TONGBAN_AUDIENCE } from '../../trust/claims.js';

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

const exampleBody = '{"kind":"incremental"}';
const exampleDigest = contentDigest(exampleBody);
const exampleHeader = { alg: 'EdDSA', kid: 'ops-1', typ: REQUEST_TYP };
const exampleClaims = {
  iss: 'ops', aud: TONGBAN_AUDIENCE, iat: 1795500000, exp: 1795500300, jti: '7c9e6679-7425-40de-944b-e07fc1f90ae7',
  htm: 'POST', htu: '/v1/ops/sync-runs', cdg: exampleDigest,
};
const answerClaims = { iss: TONGBAN_AUDIENCE, aud: 'ops', iat: 1795500001, jti: 'e0c4a8f2-…', cdg: 'sha-256=:…:', rjti: exampleClaims.jti };

export const SIGNATURE_SCHEME = 'TongbanSignature';
export const DIGEST_SCHEME = 'ContentDigest';

/** `components.securitySchemes`: both headers are required together (one security requirement naming both). */
export const securitySchemes = {
  [SIGNATURE_SCHEME]: {
    type: 'apiKey', in: 'header', name: 'Tongban-Signature',
    description: `Tongban signature v1: a compact JWS (protected header \`{alg, kid, typ: "${REQUEST_TYP}"}\`) over the claims \`iss\`, \`aud\`, \`iat\`, \`exp\`, \`jti\`, \`htm\`, \`htu\`, \`cdg\`. Not a static key: sign every request (see the description of this API).`,
  },
  [DIGEST_SCHEME]: {
    type: 'apiKey', in: 'header', name: 'Content-Digest',
    description: 'RFC 9530 `sha-256=:<base64>:` of the raw request body (the empty string when there is none); the same value as the signed `cdg` claim.',
  },
} as const;

/** Answer headers of signed routes. */
export const answerSignatureHeaders = {
  'Tongban-Signature': `Tongban's signature of this answer: compact JWS (\`typ: "${RESPONSE_TYP}"\`, \`iss: "tongban"\`, \`aud\` the client, \`rjti\` the request's \`jti\`, \`cdg\` the answer's digest). Verify it with the keys at \`/.well-known/jwks.json\`. Errors are signed too.`,
  'Content-Digest': 'RFC 9530 `sha-256=:<base64>:` of the answer body.',
} as const;

export const API_DESCRIPTION = `Tongban (通办) is the integration gateway behind 一件事一次办 ("one thing, done once"): one merged form (一表), one set of materials, handed in once, while each department handles its own matter behind it.

Every \`/v1\` request is **signed by its client** and every \`/v1\` answer is **signed by Tongban** (Tongban signature v1). Public endpoints (\`/healthz\`, \`/readyz\`, \`/metrics\`, \`/.well-known/jwks.json\`, \`/openapi.json\`, \`/docs\`) need no signature. Errors are RFC 9457 \`application/problem+json\` with a stable \`code\` (schema \`Problem\`; one example per code under \`components.examples\`). Each operation lists the roles that may call it in \`x-tongban-roles\` (\`platform\`, \`department\`, \`ops\`).

## Tongban signature v1

A signed request carries two headers:

- \`Content-Digest\`: \`sha-256=:<base64 of SHA-256 of the raw body>:\` (RFC 9530); a request without a body hashes the empty string.
- \`Tongban-Signature\`: a compact JWS. Protected header \`{"alg", "kid", "typ": "${REQUEST_TYP}"}\`; claims:

| claim | value |
|---|---|
| \`iss\` | the client id (registered with Tongban, with its role and public keys) |
| \`aud\` | \`"${TONGBAN_AUDIENCE}"\` |
| \`iat\`, \`exp\` | seconds since the epoch; \`exp\` at most 300 s after \`iat\`; \`iat\` within the allowed clock skew (default ±300 s) |
| \`jti\` | unique per request: a \`jti\` is accepted once within its lifetime, across restarts and replicas |
| \`htm\` | the HTTP method, upper case |
| \`htu\` | the path and query exactly as sent |
| \`cdg\` | the \`Content-Digest\` header value |

Algorithms: \`EdDSA\` (Ed25519), \`ES256\`, \`RS256\`, and \`SM2\` (SM2 with SM3, user id \`1234567812345678\`, signature as 64-byte r‖s) — as allowed for each client. Each failure has its own 401 code (\`SIGNATURE_MISSING\`, \`SIGNATURE_MALFORMED\`, \`CLIENT_UNKNOWN\`, \`KEY_UNKNOWN\`, \`ALGORITHM_NOT_ALLOWED\`, \`SIGNATURE_INVALID\`, \`SIGNATURE_EXPIRED\`, \`SIGNATURE_NOT_YET_VALID\`, \`CLAIM_INVALID\`, \`REPLAY_DETECTED\`, \`METHOD_MISMATCH\`, \`PATH_MISMATCH\`, \`DIGEST_MISSING\`, \`DIGEST_MISMATCH\`); a role the route does not allow is 403 \`ROLE_NOT_ALLOWED\`, a department client naming another department's path is 403 \`DEPARTMENT_MISMATCH\`.

### Worked example

The ops client \`ops\` (key \`ops-1\`, Ed25519) runs an incremental catalogue sync:

\`\`\`http
POST /v1/ops/sync-runs HTTP/1.1
Content-Type: application/json
Content-Digest: ${exampleDigest}
Tongban-Signature: ${base64url(exampleHeader)}.${base64url(exampleClaims)}.<Ed25519 signature, base64url>

${exampleBody}
\`\`\`

The JWS parts decode to

\`\`\`json
${JSON.stringify(exampleHeader)}
${JSON.stringify(exampleClaims, null, 2)}
\`\`\`

and the signature is over \`<header>.<claims>\` (both base64url) with the client's private key. Tongban answers with its own \`Content-Digest\` and \`Tongban-Signature\` (\`typ: "${RESPONSE_TYP}"\`), whose claims are

\`\`\`json
${JSON.stringify(answerClaims, null, 2)}
\`\`\`

A client verifies the answer with Tongban's keys (\`/.well-known/jwks.json\`, re-fetched on an unknown \`kid\`: keys rotate without downtime), checks \`rjti\` is its request's \`jti\` and \`cdg\` the digest of the body it received.

Do not hand-roll this: \`createSigningClient\` in \`src/trust\` signs requests and verifies answers (see the README). The "Try it out" button of these docs cannot sign requests; use it against public endpoints only.

## Conventions

- **Tracing**: send \`traceparent\` (W3C) or \`X-Request-Id\`; the trace id comes back as \`X-Request-Id\` and in every problem's \`traceId\`.
- **Idempotency**: \`POST /v1/applications\` requires \`Idempotency-Key\`; a retry answers the first answer again.
- **Reasons for use** (用证事由) are signed: licence reads carry them in the \`useCause\` query parameter (covered by \`htu\`), prefills in the body's \`useCause\` (covered by \`cdg\`).
- **Bodies**: \`application/json\` in UTF-8 (else 415), at most \`TONGBAN_BODY_LIMIT_BYTES\` (else 413).
`;
