import type { Request } from 'express';
import { TongbanError, validationError } from '../../errors/index.js';
import type { IdentityService } from '../../identity/index.js';
import { holderTypeOf, isAuthorizationId, type Authorization, type AuthorizationService } from '../../licences/index.js';
import { idTokenHeader, limitQuery, query } from '../openapi/parameters.js';
import { authorization, authorizationExample, authorizationList, authorizationRequest } from '../openapi/schemas/licences.js';
import { ACTING_FOR_ERRORS } from './identity.js';
import type { Route } from './route.js';
import { readLimit } from './read-limit.js';

export interface AuthorizationRouteDependencies {
  authorizations: AuthorizationService;
  identity: IdentityService;
}

/** The caller's own authorisation, or 404 (another client's is reported as unknown). */
async function ownAuthorization(deps: AuthorizationRouteDependencies, req: Request): Promise<Authorization> {
  const id = String(req.params['id']);
  if (!isAuthorizationId(id)) throw validationError([{ pointer: '/id', message: 'must be an authorisation id (a UUID)' }]);
  const authorization = await deps.authorizations.get(id);
  if (!authorization || authorization.clientId !== req.client!.id) throw new TongbanError('NOT_FOUND', `No authorisation "${id}" recorded by client "${req.client!.id}"`);
  return authorization;
}

/**
 * `POST /v1/authorizations` records an applicant's consent to use their
 * licences, given in their verified identity (the Tongban-Id-Token) as the
 * holder, guardian or agent; `GET` lists and reads the caller's own;
 * `…/revoke` ends one. Only the platform that recorded an authorisation can
 * see or use it, and only for the same person.
 */
export function authorizationRoutes(deps: AuthorizationRouteDependencies): Route[] {
  return [
    {
      method: 'POST', path: '/v1/authorizations', access: { roles: ['platform'] },
      summary: 'Record an applicant\'s authorisation (holder, licence types, theme/matters, expiry, consent) to use their licences, with their ID token',
      description: 'Needs the applicant\'s ID token from the identity platform (`Tongban-Id-Token`, bound to the signature by `idt`). The applicant must be the holder (a citizen, or an enterprise\'s legal representative), a minor holder\'s guardian, or an agent under the holder\'s delegation; the answer\'s `actor` records who and in which capacity. Only that person can use the authorisation.',
      parameters: [idTokenHeader],
      request: { schema: authorizationRequest, example: authorizationExample },
      responses: { 201: { description: 'Recorded', schema: authorization, headers: { Location: '`/v1/authorizations/{id}`' } } },
      errors: ['VALIDATION_FAILED', 'NOT_FOUND', ...ACTING_FOR_ERRORS],
      handler: async (req, res) => {
        // Who is asking comes first: without a verified identity nothing about the request is looked at.
        const actor = await deps.identity.actorOf(req);
        const authorization = await deps.authorizations.create(req.client!.id, req.body, actor);
        res.status(201).location(`/v1/authorizations/${authorization.id}`).json(authorization);
      },
    },
    {
      method: 'GET', path: '/v1/authorizations', access: { roles: ['platform'] },
      summary: 'The caller\'s authorisations, newest first (?holderCode=, ?limit= 1–500, default 100)',
      parameters: [query('holderCode', 'Only this holder\'s (ID number or credit code)'), limitQuery(100, 500)],
      responses: { 200: { description: 'The caller\'s authorisations', schema: authorizationList } },
      errors: ['VALIDATION_FAILED'],
      handler: async (req, res) => {
        const holderCode = req.query['holderCode'];
        if (holderCode !== undefined) {
          const holder = holderTypeOf(holderCode);
          if ('problem' in holder) throw validationError([{ pointer: '/holderCode', message: holder.problem }]);
        }
        const limit = readLimit(req.query['limit'], 100, 500);
        const authorizations = await deps.authorizations.list(req.client!.id, { limit, ...(holderCode !== undefined ? { holderCode: String(holderCode) } : {}) });
        res.json({ authorizations });
      },
    },
    {
      method: 'GET', path: '/v1/authorizations/:id', access: { roles: ['platform'] }, summary: 'One of the caller\'s authorisations, with its status',
      responses: { 200: { description: 'The authorisation', schema: authorization } },
      errors: ['VALIDATION_FAILED'],
      handler: async (req, res) => {
        res.json(await ownAuthorization(deps, req));
      },
    },
    {
      method: 'POST', path: '/v1/authorizations/:id/revoke', access: { roles: ['platform'] }, summary: 'Revoke one of the caller\'s authorisations (idempotent)',
      responses: { 200: { description: 'The authorisation, now revoked', schema: authorization } },
      errors: ['VALIDATION_FAILED'],
      handler: async (req, res) => {
        const authorization = await ownAuthorization(deps, req);
        res.json(await deps.authorizations.revoke(req.client!.id, authorization.id));
      },
    },
  ];
}
