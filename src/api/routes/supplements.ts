/** `POST /v1/applications/{id}/supplements`: 补正 answered, 容缺 supplied (docs/materials.md §7, §9). */
import { findPreviousSupply, readSupply, supplyApplication, supplyDigest } from '../../cases/supply-application.js';
import type { Mappings } from '../../forms/mappings/types.js';
import type { Store } from '../../store/index.js';
import { supply, supplyAnswer, supplyExample } from '../openapi/schemas/supplements.js';
import type { Route } from './route.js';

export interface SupplementRouteDependencies {
  store: Store;
  mappings: Mappings;
  /** A supply was committed (wakes the dispatcher for the re-opened deliveries). */
  onSupplied?: () => void;
}

export function supplementRoutes(deps: SupplementRouteDependencies): Route[] {
  return [{
    method: 'POST', path: '/v1/applications/:applicationId/supplements', access: { roles: ['platform'] },
    summary: 'Answer a department\'s 补正 request, or supply deferred (容缺) materials (Idempotency-Key required); answers 202 with the versions re-opened',
    description: 'One transaction: each material supplied becomes the application\'s next version of it (the upload is then kept with the application), '
      + 'and each sub-application concerned gets its next version — its materials and department form changed as supplied, its delivery re-opened for its department alone under a new idempotency key, listing what changed. '
      + 'Answering a request resumes the working-day clock (the working days it stood still push the due date out) and puts the sub-application back to `accepted` (or `delivered` before acceptance). '
      + 'A request past its deadline is 409 `SUPPLEMENT_DEADLINE_PASSED`. Another client\'s application is 404. A retry with the same key and body answers the first answer again; a different body with the same key is 422 `IDEMPOTENCY_KEY_REUSED`.',
    parameters: [{
      name: 'Idempotency-Key', in: 'header', required: true,
      description: 'Makes the supply safe to retry: 8–200 visible ASCII characters chosen by the platform. The same key with the same body (for the same application) answers the first answer again (`Idempotent-Replayed: true`); with a different body, 422 `IDEMPOTENCY_KEY_REUSED`. Keys are per client.',
      schema: { type: 'string', pattern: '^[\\x21-\\x7e]{8,200}$' },
    }],
    request: { schema: supply, example: supplyExample },
    responses: {
      202: {
        description: 'Supplied: the sub-applications re-opened (a replay of the first answer carries `Idempotent-Replayed: true`)', schema: supplyAnswer,
        headers: { 'Idempotent-Replayed': '`true` when this is the stored answer to an earlier request with the same key' },
      },
    },
    errors: ['VALIDATION_FAILED', 'IDEMPOTENCY_KEY_REUSED', 'SUPPLEMENT_DEADLINE_PASSED', 'CONFLICT'],
    handler: async (req, res) => {
      const key = req.get('idempotency-key');
      const body = readSupply(req.body, key);
      const request = { applicationId: String(req.params['applicationId']), clientId: req.client!.id, idempotencyKey: key!, rawBody: req.rawBody ?? Buffer.alloc(0) };
      let result: Awaited<ReturnType<typeof supplyApplication>>;
      try {
        result = await supplyApplication(deps.store, deps.mappings, body, request);
      } catch (error) {
        // Two copies raced and this one lost: the winner's answer is the answer.
        const previous = await findPreviousSupply(deps.store, request.clientId, request.idempotencyKey, supplyDigest(request.applicationId, request.rawBody)).catch(() => undefined);
        if (!previous) throw error;
        result = { answer: previous, replayed: true };
      }
      if (result.replayed) {
        res.status(202).setHeader('Idempotent-Replayed', 'true').json(result.answer);
        return;
      }
      deps.onSupplied?.();
      res.status(202).json(result.answer);
    },
  }];
}
