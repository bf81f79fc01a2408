import type { CatalogStore } from '../../catalog/index.js';
import { validationError } from '../../errors/index.js';
import { buildGuide } from '../../forms/guide.js';
import type { Mappings } from '../../forms/mappings/types.js';
import { signEvidence } from '../../forms/prefill-evidence.js';
import { prefill, validatePrefillRequest, type FetchLicences, type FetchSharedData } from '../../forms/prefill.js';
import { loadThemeContext } from '../../forms/theme-context.js';
import type { Actor, IdentityService } from '../../identity/index.js';
import type { Keyring } from '../../trust/keyring.js';
import { idTokenHeader } from '../openapi/parameters.js';
import { guide, guideRequest, prefillAnswer, prefillExample, prefillRequest } from '../openapi/schemas/forms.js';
import { ACTING_FOR_ERRORS } from './identity.js';
import type { Route } from './route.js';
import { annotateResultOrigins, type ResultOrigins } from '../../licence-issuance/result-provenance.js';

export interface FormRouteDependencies {
  catalog: CatalogStore;
  mappings: Mappings;
  keyring: Keyring;
  identity: IdentityService;
  /** Licence fetching on behalf of a client and the person acting, for one theme and reason (authorisation + ledger inside). */
  licenceFetcher: (context: { clientId: string; actor: Actor; themeCode: string; useCause: string }) => FetchLicences;
  /** Which licences are results Tongban issued (src/licence-issuance): their fields' provenance names the application. */
  resultOrigins?: ResultOrigins;
  /** Shared-data fetching, the same way (docs/shared-data.md); absent: prefill from licences alone. */
  sharedDataFetcher?: (context: { clientId: string; actor: Actor; themeCode: string; useCause: string }) => FetchSharedData;
}

/** Guide and prefill: the merged form of a scenario, and that form filled from verified licences. */
export function formRoutes(deps: FormRouteDependencies): Route[] {
  return [
    {
      method: 'POST', path: '/v1/themes/:themeCode/guide', access: { roles: ['platform', 'counter', 'ops'] },
      summary: 'Scenario answers → applicable matters in order, one material list, the merged form (JSON Schema)',
      request: { schema: guideRequest, example: { answers: { enrolInsurance: true, applySocialSecurityCard: false } } },
      responses: { 200: { description: 'The guide of the scenario', schema: guide } },
      errors: ['VALIDATION_FAILED', 'THEME_NOT_MAPPED', 'SERVICE_UNAVAILABLE'],
      handler: async (req, res) => {
        const context = await loadThemeContext(String(req.params['themeCode']), deps.catalog, deps.mappings);
        const body = (req.body ?? {}) as { answers?: unknown };
        if (typeof body !== 'object' || Array.isArray(body)) throw validationError([{ pointer: '', message: 'body must be an object {"answers": {…}}' }]);
        res.json(buildGuide(context, body.answers, deps.mappings));
      },
    },
    {
      method: 'POST', path: '/v1/prefill', access: { roles: ['platform', 'counter'] },
      summary: 'The merged form prefilled from the holders\' verified licences, with per-field provenance and a signed evidence token',
      description: 'Needs the ID token of the person the holders\' authorisations were recorded for (`Tongban-Id-Token`). Each holder\'s licences are read under its authorisation, only of the types the scenario\'s matters declare, and every read is written to the licence-use ledger. A licence that fails verification is listed, never used. When the licence library is unavailable the answer is still 200, with `partial: true` and the source in `missingSources`.',
      parameters: [idTokenHeader],
      request: { schema: prefillRequest, example: prefillExample },
      responses: { 200: { description: 'The prefilled form', schema: prefillAnswer } },
      errors: ['VALIDATION_FAILED', 'USE_CAUSE_REQUIRED', 'NOT_FOUND', 'THEME_NOT_MAPPED', 'AUTHORIZATION_REQUIRED', 'AUTHORIZATION_EXPIRED', 'AUTHORIZATION_REVOKED', 'AUTHORIZATION_NOT_COVERING', 'LICENCE_TYPE_NOT_DECLARED', 'SERVICE_UNAVAILABLE', ...ACTING_FOR_ERRORS],
      handler: async (req, res) => {
        const actor = await deps.identity.actorOf(req);
        const request = validatePrefillRequest(req.body);
        const context = await loadThemeContext(request.themeCode, deps.catalog, deps.mappings);
        const clientId = req.client!.id;
        const fetchContext = { clientId, actor, themeCode: request.themeCode, useCause: request.useCause };
        const result = await prefill(context, request, deps.mappings, deps.licenceFetcher(fetchContext), deps.sharedDataFetcher?.(fetchContext));
        if (deps.resultOrigins) await annotateResultOrigins(result, deps.resultOrigins);
        const { evidence, ...answer } = result;
        const evidenceToken = await signEvidence(deps.keyring, {
          aud: clientId, theme: request.themeCode, matters: result.matters.map((matter) => matter.code),
          holders: Object.fromEntries(Object.entries(request.holders).map(([subject, holder]) => [subject, holder.code])), fields: evidence,
          materials: Object.fromEntries(result.materials.flatMap((material) => (material.satisfiedBy && material.licence
            ? [[material.code, { licenceIdentifier: material.satisfiedBy, licenceType: material.licence.licenceType, subject: material.licence.subject }]] : []))),
        });
        const { sharedDataProvenance, ...licenceAnswer } = answer;
        res.json({ ...licenceAnswer, provenance: { ...answer.provenance, ...sharedDataProvenance }, evidenceToken });
      },
    },
  ];
}
