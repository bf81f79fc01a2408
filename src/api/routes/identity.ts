import type { ErrorCode } from '../../errors/index.js';
import type { IdentityService } from '../../identity/index.js';
import type { Route } from './route.js';

/** What `IdentityService.actorOf` can answer: for the `errors` of every route that needs the applicant's ID token. */
export const ID_TOKEN_ERRORS: readonly ErrorCode[] = [
  'ID_TOKEN_MISSING', 'ID_TOKEN_INVALID', 'ID_TOKEN_UNKNOWN_KEY', 'ID_TOKEN_EXPIRED', 'ID_TOKEN_AUDIENCE', 'ID_TOKEN_LEVEL', 'ID_TOKEN_NONCE', 'ID_TOKEN_REPLAYED', 'IDENTITY_UNAVAILABLE',
];

/** What a use of a holder's data by the person acting can answer: {@link ID_TOKEN_ERRORS}, and not acting for the holder (any longer). */
export const ACTING_FOR_ERRORS: readonly ErrorCode[] = [...ID_TOKEN_ERRORS, 'HOLDER_MISMATCH', 'DELEGATION_EXPIRED', 'DELEGATION_REVOKED'];

export interface IdentityRouteDependencies {
  identity: IdentityService;
}

const nonceAnswer = {
  type: 'object', additionalProperties: false, required: ['nonce', 'expiresAt'],
  properties: {
    nonce: { type: 'string', description: 'Pass as `nonce` to the identity platform\'s authorization endpoint; the ID token must carry it' },
    expiresAt: { type: 'string', format: 'date-time', description: 'The login must happen before this (10 minutes)' },
  },
} as const;

const identityInfo = {
  type: 'object', additionalProperties: false, required: ['configured', 'issuer', 'minLevel', 'audience', 'header', 'claim'],
  properties: {
    configured: { type: 'boolean' },
    issuer: { type: ['string', 'null'], description: 'The identity platform\'s issuer URL (discovery at `<issuer>/.well-known/openid-configuration`)' },
    minLevel: { enum: ['L1', 'L2', 'L3'], description: 'Lowest real-name level (`acr`) accepted' },
    audience: { type: 'string', description: 'The `aud` an ID token must contain when this client presents it: the client\'s own id' },
    header: { type: 'string' },
    claim: { type: 'string' },
  },
} as const;

/**
 * `POST /v1/identity/nonces`: a nonce for an applicant's login at the
 * identity platform; `GET /v1/identity`: what an ID token must satisfy.
 */
export function identityRoutes(deps: IdentityRouteDependencies): Route[] {
  return [
    {
      method: 'POST', path: '/v1/identity/nonces', access: { roles: ['platform', 'counter'] },
      summary: 'A single-use nonce for the next login of an applicant (or counter officer) at the identity platform (统一身份认证), valid 10 minutes',
      responses: { 201: { description: 'Issued', schema: nonceAnswer } },
      errors: ['IDENTITY_UNAVAILABLE'],
      handler: async (req, res) => {
        deps.identity.requireConfigured();
        res.status(201).set('Cache-Control', 'no-store').json(await deps.identity.nonces.issue(req.client!.id));
      },
    },
    {
      method: 'GET', path: '/v1/identity', access: { roles: ['platform', 'counter'] },
      summary: 'The identity platform Tongban trusts, the lowest real-name level it accepts, and how to send an ID token',
      responses: { 200: { description: 'Identity settings', schema: identityInfo } },
      handler: (req, res) => {
        res.json({
          configured: deps.identity.issuer !== undefined, issuer: deps.identity.issuer ?? null, minLevel: deps.identity.minLevel,
          audience: req.client!.id, header: 'Tongban-Id-Token', claim: 'idt',
        });
      },
    },
  ];
}
