import { validationError } from '../../errors/index.js';
import { ISSUANCE_STATES, listIssuances, replayIssuance } from '../../licence-issuance/ops-issuances.js';
import type { OpsReader, Store } from '../../store/index.js';
import { limitQuery, query } from '../openapi/parameters.js';
import { openObject } from '../openapi/schemas/common.js';
import { readLimit } from './read-limit.js';
import { type Route, OPS_READ } from './route.js';

export interface OpsLicenceIssuanceRouteDependencies {
  store: Store;
  /** Where ops lists read (never the intake's connections). */
  reader: OpsReader;
  /** A job was replayed (wakes the issuance worker). */
  onReplay?: () => void;
}

/** Ops on the issuance of results as licences (docs/licence-issuance.md): jobs by state, replay of dead ones. */
export function opsLicenceIssuanceRoutes(deps: OpsLicenceIssuanceRouteDependencies): Route[] {
  return [
    {
      method: 'GET', path: '/v1/ops/licence-issuances', access: OPS_READ,
      summary: 'Issuance jobs of results as licences by state (`dead`: refused by the library, with its code, or out of attempts), newest first',
      parameters: [query('state', `One of ${ISSUANCE_STATES.join(', ')} (default dead)`, { enum: [...ISSUANCE_STATES] }), limitQuery(50, 200)],
      responses: { 200: { description: 'The jobs', schema: openObject({ issuances: { type: 'array', items: { type: 'object' } } }, ['issuances']) } },
      errors: ['VALIDATION_FAILED'],
      handler: async (req, res) => {
        const state = String(req.query['state'] ?? 'dead');
        if (!ISSUANCE_STATES.includes(state as typeof ISSUANCE_STATES[number])) {
          throw validationError([{ pointer: '/state', message: `must be one of ${ISSUANCE_STATES.join(', ')}` }]);
        }
        res.json({ issuances: await listIssuances(deps.reader, state as typeof ISSUANCE_STATES[number], readLimit(req.query['limit'], 50, 200)) });
      },
    },
    {
      method: 'POST', path: '/v1/ops/licence-issuances/:issuanceId/replay', access: { roles: ['ops'] },
      summary: 'Put a dead issuance (or revocation) back in the queue with fresh attempts and the same business number (audited)',
      responses: { 200: { description: 'Queued again', schema: openObject({ id: { type: 'string' }, state: { const: 'pending' } }, ['id', 'state']) } },
      errors: ['NOT_FOUND', 'CONFLICT'],
      handler: async (req, res) => {
        const answer = await replayIssuance(deps.store, String(req.params['issuanceId']), req.client!.id);
        deps.onReplay?.();
        res.json(answer);
      },
    },
  ];
}
