import type { CatalogStore } from '../../catalog/index.js';
import { readApplication } from '../../cases/read-application.js';
import { findPrevious, readSubmission, submitApplication, type SubmitOptions } from '../../cases/submit-application.js';
import { loadThemeContext } from '../../forms/theme-context.js';
import type { Route } from './route.js';

export interface ApplicationRouteDependencies extends SubmitOptions {
  catalog: CatalogStore;
  /** A submission was committed (wakes the dispatcher). */
  onSubmitted?: () => void;
}

const UNIQUE_VIOLATION = /UNIQUE constraint failed|duplicate key value violates unique constraint/;

/** `POST /v1/applications` (one submission, Idempotency-Key) and `GET /v1/applications/{id}` (aggregate status). */
export function applicationRoutes(deps: ApplicationRouteDependencies): Route[] {
  return [
    {
      method: 'POST', path: '/v1/applications', access: { roles: ['platform'] },
      summary: 'Submit the merged form once (Idempotency-Key required); answers 202 with the application and its sub-applications',
      handler: async (req, res) => {
        const key = req.get('idempotency-key');
        const submission = readSubmission(req.body, key);
        const request = { clientId: req.client!.id, idempotencyKey: key!, rawBody: req.rawBody ?? Buffer.alloc(0) };
        const previous = await findPrevious(deps.store, request.clientId, request.idempotencyKey, request.rawBody);
        if (previous) {
          res.status(202).setHeader('Idempotent-Replayed', 'true').json(previous);
          return;
        }
        const context = await loadThemeContext(submission.themeCode, deps.catalog, deps.mappings);
        try {
          const answer = await submitApplication(context, submission, request, deps);
          deps.onSubmitted?.();
          res.status(202).setHeader('Location', `/v1/applications/${answer.applicationId}`).json(answer);
        } catch (error) {
          // Two copies of the same submission raced: the loser answers what the winner stored.
          if (!UNIQUE_VIOLATION.test(String((error as Error).message))) throw error;
          const winner = await findPrevious(deps.store, request.clientId, request.idempotencyKey, request.rawBody);
          if (!winner) throw error;
          res.status(202).setHeader('Idempotent-Replayed', 'true').json(winner);
        }
      },
    },
    {
      method: 'GET', path: '/v1/applications/:applicationId', access: { roles: ['platform', 'ops'] },
      summary: 'The application with each sub-application\'s state, delivery attempts, receipt, results and deadline',
      handler: async (req, res) => {
        res.json(await readApplication(deps.store, String(req.params['applicationId']), { clientId: req.client!.id, role: req.client!.role }));
      },
    },
  ];
}
