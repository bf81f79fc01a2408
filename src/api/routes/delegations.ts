import type { Request } from 'express';
import { validationError } from '../../errors/index.js';
import type { Actor, IdentityService } from '../../identity/index.js';
import { holderOf, isDelegationId, type DelegationService } from '../../identity/delegations.js';
import { decodeCursor, encodeCursor } from '../../ops/cursor.js';
import { cursorQuery, idTokenHeader, limitQuery } from '../openapi/parameters.js';
import { delegation, delegationExample, delegationList, delegationRequest } from '../openapi/schemas/delegations.js';
import { ID_TOKEN_ERRORS } from './identity.js';
import type { Route } from './route.js';
import { readLimit } from './read-limit.js';

export interface DelegationRouteDependencies {
  identity: IdentityService;
  delegations: DelegationService;
}

const DELEGATIONS_CURSOR = { list: 'delegations', shape: ['number', 'string'] } as const;

/** The `:id` path parameter, checked. */
function delegationIdOf(req: Request): string {
  const id = String(req.params['id']);
  if (!isDelegationId(id)) throw validationError([{ pointer: '/id', message: 'must be a delegation id (a UUID)' }]);
  return id;
}

/**
 * `POST /v1/delegations` records a holder's delegation to an agent (帮代办);
 * `GET` lists and reads the holder's own; `…/revoke` ends one. Every call
 * carries the holder's ID token: the holder is whoever it authenticates (a
 * citizen, or an enterprise through its legal representative), on whichever
 * platform they recorded the delegation.
 */
export function delegationRoutes(deps: DelegationRouteDependencies): Route[] {
  const holderAt = async (req: Request): Promise<{ actor: Actor; holder: ReturnType<typeof holderOf> }> => {
    const actor = await deps.identity.actorOf(req);
    return { actor, holder: holderOf(actor) };
  };
  return [
    {
      method: 'POST', path: '/v1/delegations', access: { roles: ['platform'] },
      summary: 'Record the holder\'s delegation (委托) to an agent — a person or a 帮代办 service — for named themes and licence types (shared-data resources too), until a time',
      description: 'Needs the holder\'s ID token (`Tongban-Id-Token`): a citizen delegates for themselves, an enterprise through its legal representative (`org_role` legalRepresentative). The session that granted it is recorded as `grantedBy`. `licenceTypes` may name shared-data resources beside licence types, validated as an authorisation\'s: an agent may read and verify (在线核验) the holder\'s shared data only under a delegation naming the resource (docs/shared-data.md).',
      parameters: [idTokenHeader],
      request: { schema: delegationRequest, example: delegationExample },
      responses: { 201: { description: 'Recorded', schema: delegation, headers: { Location: '`/v1/delegations/{id}`' } } },
      errors: ['VALIDATION_FAILED', ...ID_TOKEN_ERRORS, 'HOLDER_MISMATCH'],
      handler: async (req, res) => {
        const actor = await deps.identity.actorOf(req);
        const created = await deps.delegations.create(req.client!.id, actor, req.body);
        res.status(201).location(`/v1/delegations/${created.id}`).json(created);
      },
    },
    {
      method: 'GET', path: '/v1/delegations', access: { roles: ['platform'] },
      summary: 'The delegations the ID token\'s holder gave, newest first (?limit= 1–500, default 100; ?cursor=)',
      parameters: [limitQuery(100, 500), cursorQuery, idTokenHeader],
      responses: { 200: { description: 'The holder\'s delegations', schema: delegationList } },
      errors: ['VALIDATION_FAILED', ...ID_TOKEN_ERRORS, 'HOLDER_MISMATCH'],
      handler: async (req, res) => {
        const limit = readLimit(req.query['limit'], 100, 500);
        const after = decodeCursor(req.query['cursor'], DELEGATIONS_CURSOR.list, DELEGATIONS_CURSOR.shape);
        const { holder } = await holderAt(req);
        const page = await deps.delegations.list(holder, { limit, ...(after ? { after: { createdAt: Number(after[0]), id: String(after[1]) } } : {}) });
        res.json({ delegations: page.delegations, nextCursor: page.last ? encodeCursor(DELEGATIONS_CURSOR.list, [page.last.createdAt, page.last.id]) : null });
      },
    },
    {
      method: 'GET', path: '/v1/delegations/:id', access: { roles: ['platform'] }, summary: 'One of the holder\'s delegations, with its status',
      parameters: [idTokenHeader],
      responses: { 200: { description: 'The delegation', schema: delegation } },
      errors: ['VALIDATION_FAILED', ...ID_TOKEN_ERRORS, 'HOLDER_MISMATCH'],
      handler: async (req, res) => {
        const id = delegationIdOf(req);
        const { holder } = await holderAt(req);
        res.json(await deps.delegations.getOwn(holder, id));
      },
    },
    {
      method: 'POST', path: '/v1/delegations/:id/revoke', access: { roles: ['platform'] },
      summary: 'Revoke one of the holder\'s delegations (idempotent): every later use under it is 403 DELEGATION_REVOKED',
      parameters: [idTokenHeader],
      responses: { 200: { description: 'The delegation, now revoked', schema: delegation } },
      errors: ['VALIDATION_FAILED', ...ID_TOKEN_ERRORS, 'HOLDER_MISMATCH'],
      handler: async (req, res) => {
        const id = delegationIdOf(req);
        const { holder } = await holderAt(req);
        res.json(await deps.delegations.revoke(holder, id));
      },
    },
  ];
}
