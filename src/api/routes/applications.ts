import type { CatalogStore } from '../../catalog/index.js';
import { isTongbanError } from '../../errors/index.js';
import type { IdentityService } from '../../identity/index.js';
import { readApplication } from '../../cases/read-application.js';
import { findPrevious, readSubmission, submitApplication, type SubmissionRequest, type SubmitOptions } from '../../cases/submit-application.js';
import { loadThemeContext } from '../../forms/theme-context.js';
import { idempotencyKeyHeader, idTokenHeader } from '../openapi/parameters.js';
import { application, submission, submissionAnswer, submissionExample } from '../openapi/schemas/applications.js';
import { ACTING_FOR_ERRORS } from './identity.js';
import type { Route } from './route.js';

export interface ApplicationRouteDependencies extends SubmitOptions {
  catalog: CatalogStore;
  identity: IdentityService;
  /** A submission was committed (wakes the dispatcher). */
  onSubmitted?: () => void;
}

/** Whether `error` refuses the person submitting (not a holder, or not under the authorisation named). */
function refusesActor(error: unknown): boolean {
  return isTongbanError(error) && (error.code === 'HOLDER_MISMATCH' || error.code.startsWith('AUTHORIZATION_') || error.code.startsWith('DELEGATION_'));
}

/** `POST /v1/applications` (one submission, Idempotency-Key) and `GET /v1/applications/{id}` (aggregate status). */
export function applicationRoutes(deps: ApplicationRouteDependencies): Route[] {
  return [
    {
      method: 'POST', path: '/v1/applications', access: { roles: ['platform', 'counter'], replayCheck: 'in-transaction' },
      summary: 'Submit the merged form once (Idempotency-Key required); answers 202 with the application and its sub-applications',
      description: 'The form is validated against the scenario\'s merged form and the prefill evidence, split into one sub-application per applicable matter (each in its department\'s form) and queued for delivery, in one transaction. Sub-applications with a prerequisite matter (前置事项) wait for its result. A retry with the same `Idempotency-Key` and body answers the first answer again. '
        + 'Needs the ID token (`Tongban-Id-Token`) of one of the form\'s holders (a person whose `idNumber` is in the form, or the legal representative of an enterprise whose `creditCode` is), '
        + 'or of the person an authorisation of the caller was recorded for (a guardian, agent or counter officer), named in `authorizationId`: for this theme, in force, its holder one of the form\'s. Else 403 `HOLDER_MISMATCH`. The application records who submitted it.',
      parameters: [idempotencyKeyHeader, idTokenHeader],
      request: { schema: submission, example: submissionExample },
      responses: {
        202: {
          description: 'Received: the application and its sub-applications (a replay of the first answer carries `Idempotent-Replayed: true`)', schema: submissionAnswer,
          headers: { Location: '`/v1/applications/{applicationId}` (first answer)', 'Idempotent-Replayed': '`true` when this is the stored answer to an earlier request with the same key' },
        },
      },
      errors: ['VALIDATION_FAILED', 'IDEMPOTENCY_KEY_REUSED', 'NOT_FOUND', 'THEME_NOT_MAPPED', 'PREFILL_EVIDENCE_INVALID', 'SERVICE_UNAVAILABLE', 'GATEWAY_BUSY', 'SHARED_DATA_NOT_VERIFIED', 'AUTHORIZATION_NOT_COVERING',
        ...ACTING_FOR_ERRORS, 'AUTHORIZATION_REQUIRED', 'AUTHORIZATION_EXPIRED', 'AUTHORIZATION_REVOKED'],
      handler: async (req, res) => {
        // The jti and the rows share the intake transaction (on PostgreSQL sent with its COMMIT: one round trip); a stored answer to the key is read only on a collision.
        const jti = req.deferredJti!;
        const key = req.get('idempotency-key');
        let request: SubmissionRequest | undefined;
        let result: Awaited<ReturnType<typeof submitApplication>>;
        try {
          const actor = await deps.identity.actorOf(req);
          const submission = readSubmission(req.body, key);
          request = { clientId: req.client!.id, actor, idempotencyKey: key!, rawBody: req.rawBody ?? Buffer.alloc(0), recordJti: (tx) => jti.insertIn(tx) };
          const context = await loadThemeContext(submission.themeCode, deps.catalog, deps.mappings);
          result = await submitApplication(context, submission, request, deps);
          jti.committed();
        } catch (error) {
          // Any other answer consumes the jti too: a replayed request gets 401, whatever else is wrong with it.
          await jti.settle();
          // An answer stored for this key wins over what failed now (the theme withdrawn since; two copies raced and this one lost),
          // but not over a refusal of the person: someone else's answer is not theirs to see.
          const previous = request && !refusesActor(error) ? await findPrevious(deps.store, request.clientId, request.idempotencyKey, request.rawBody) : undefined;
          if (!previous) throw error;
          result = { answer: previous, replayed: true };
        }
        if (result.replayed) {
          res.status(202).setHeader('Idempotent-Replayed', 'true').json(result.answer);
          return;
        }
        deps.onSubmitted?.();
        res.status(202).setHeader('Location', `/v1/applications/${result.answer.applicationId}`).json(result.answer);
      },
    },
    {
      method: 'GET', path: '/v1/applications/:applicationId', access: { roles: ['platform', 'counter', 'ops'] },
      summary: 'The application with each sub-application\'s state, delivery attempts, receipt, results and deadline',
      responses: { 200: { description: 'The application (a platform or counter terminal sees only its own; ops see all)', schema: application } },
      handler: async (req, res) => {
        res.json(await readApplication(deps.store, String(req.params['applicationId']), { clientId: req.client!.id, role: req.client!.role }, { mappings: deps.mappings }));
      },
    },
  ];
}
