/**
 * `POST /v1/shared-data/query` (a holder's records from the data-sharing
 * exchange) and `POST /v1/shared-data/verify` (在线核验: does a statement
 * hold?). Both need the ID token of the person the authorisation was
 * recorded for (the holder, an agent, a counter officer), an authorisation
 * naming the resources, and a reason; docs/shared-data.md.
 */
import { validationError, type FieldError } from '../../errors/index.js';
import type { IdentityService } from '../../identity/index.js';
import type { LicenceHolderType } from '../../domain/licence-library.js';
import type { SharedDataAccess, SharedDataUse } from '../../data-sharing/index.js';
import { idTokenHeader } from '../openapi/parameters.js';
import { sharedDataQueryRequest, sharedDataRecords, sharedDataVerdict, sharedDataVerifyRequest } from '../openapi/schemas/shared-data.js';
import { ACTING_FOR_ERRORS } from './identity.js';
import type { Route } from './route.js';

export interface SharedDataRouteDependencies {
  sharedData: SharedDataAccess;
  identity: IdentityService;
}

const ERRORS = ['VALIDATION_FAILED', 'USE_CAUSE_REQUIRED', 'AUTHORIZATION_REQUIRED', 'AUTHORIZATION_EXPIRED', 'AUTHORIZATION_REVOKED', 'AUTHORIZATION_NOT_COVERING',
  'SERVICE_UNAVAILABLE', 'UPSTREAM_ERROR', 'UPSTREAM_TIMEOUT', ...ACTING_FOR_ERRORS] as const;

/** The body's common members; shape errors collected in `errors`. */
function readUse(body: unknown, errors: FieldError[]): Omit<SharedDataUse, 'clientId' | 'actor'> & { body: Record<string, unknown> } {
  const value = (typeof body === 'object' && body !== null && !Array.isArray(body) ? body : {}) as Record<string, unknown>;
  const holder = value['holder'] as { code?: unknown; type?: unknown } | undefined;
  if (typeof holder?.code !== 'string') errors.push({ pointer: '/holder/code', message: 'is required' });
  if (holder?.type !== 'citizen' && holder?.type !== 'organization') errors.push({ pointer: '/holder/type', message: 'must be "citizen" or "organization"' });
  if (typeof value['themeCode'] !== 'string') errors.push({ pointer: '/themeCode', message: 'is required' });
  const matterCodes = value['matterCodes'];
  if (matterCodes !== undefined && (!Array.isArray(matterCodes) || !matterCodes.every((code) => typeof code === 'string'))) errors.push({ pointer: '/matterCodes', message: 'must be an array of matter codes' });
  return {
    body: value,
    holder: { code: String(holder?.code ?? ''), type: (holder?.type ?? 'citizen') as LicenceHolderType },
    authorizationId: typeof value['authorizationId'] === 'string' ? value['authorizationId'] : undefined,
    themeCode: String(value['themeCode'] ?? ''),
    ...(Array.isArray(matterCodes) ? { matterCodes: matterCodes as string[] } : {}),
    useCause: typeof value['useCause'] === 'string' ? value['useCause'] : undefined,
  };
}

export function sharedDataRoutes(deps: SharedDataRouteDependencies): Route[] {
  return [
    {
      method: 'POST', path: '/v1/shared-data/query', access: { roles: ['platform', 'counter'] },
      summary: 'A holder\'s records of shared-data resources (户籍, 婚姻登记, 社保参保, 住房公积金) from the data-sharing exchange',
      description: 'Needs the ID token of the person the authorisation was recorded for. Nothing is asked of the exchange unless the authorisation names every resource; each record handed out is written to the holder\'s ledger (action `shared-data`). A resource the source holds nothing about is left out.',
      parameters: [idTokenHeader],
      request: { schema: sharedDataQueryRequest },
      responses: { 200: { description: 'The records the sources hold', schema: sharedDataRecords } },
      errors: [...ERRORS],
      handler: async (req, res) => {
        const actor = await deps.identity.actorOf(req);
        const errors: FieldError[] = [];
        const { body, ...use } = readUse(req.body, errors);
        const resources = body['resources'];
        if (!Array.isArray(resources) || !resources.every((key) => typeof key === 'string')) errors.push({ pointer: '/resources', message: 'must name shared-data resources, e.g. ["householdRegistration"]' });
        if (errors.length > 0) throw validationError(errors);
        const records = await deps.sharedData.fetchForHolder({ ...use, clientId: req.client!.id, actor, resources: resources as string[] });
        res.json({ records });
      },
    },
    {
      method: 'POST', path: '/v1/shared-data/verify', access: { roles: ['platform', 'counter'] },
      summary: 'Whether a statement about a holder holds (在线核验): yes or no, never the data',
      description: 'The same rules as the query; the verification is written to the holder\'s ledger (action `shared-data-verify`, outcome `refused-invalid` when it does not hold).',
      parameters: [idTokenHeader],
      request: { schema: sharedDataVerifyRequest, example: { holder: { code: '44142119990620338X', type: 'citizen' }, authorizationId: '0b6f1a9e-0000-4000-8000-000000000001', themeCode: 'MX-T30', useCause: '公租房申请核验参保', resource: 'socialInsuranceEnrolment', claims: { CBZT: '参保缴费', CBDQ: '梅州市' } } },
      responses: { 200: { description: 'The verdict', schema: sharedDataVerdict } },
      errors: [...ERRORS],
      handler: async (req, res) => {
        const actor = await deps.identity.actorOf(req);
        const errors: FieldError[] = [];
        const { body, ...use } = readUse(req.body, errors);
        const claims = body['claims'];
        if (typeof body['resource'] !== 'string') errors.push({ pointer: '/resource', message: 'is required' });
        if (typeof claims !== 'object' || claims === null || Array.isArray(claims) || !Object.values(claims).every((value) => typeof value === 'string')) {
          errors.push({ pointer: '/claims', message: 'must map the resource\'s fields to the values claimed' });
        }
        if (errors.length > 0) throw validationError(errors);
        res.json(await deps.sharedData.verify({ ...use, clientId: req.client!.id, actor, resource: body['resource'] as string, claims: claims as Record<string, string> }));
      },
    },
  ];
}
