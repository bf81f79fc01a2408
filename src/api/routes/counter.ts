import { TongbanError } from '../../errors/index.js';
import { COUNTER_QR_PREFIX, type CounterCodes, type IdentityService } from '../../identity/index.js';
import { HALL_CODE_PATTERN } from '../../trust/client-registry.js';
import { component } from '../openapi/components.js';
import { idTokenHeader, limitQuery } from '../openapi/parameters.js';
import { holder, instant, licenceTypeOrResourceKey, openObject, themeCode, uuid } from '../openapi/schemas/common.js';
import { ACTING_FOR_ERRORS, ID_TOKEN_ERRORS } from './identity.js';
import { readLimit } from './read-limit.js';
import type { Route } from './route.js';

export interface CounterRouteDependencies {
  identity: IdentityService;
  counterCodes: CounterCodes;
}

const hallCode = { type: 'string', pattern: HALL_CODE_PATTERN, description: 'Service hall code (办事大厅), as its counter clients are registered with', examples: ['meizhou-hall'] } as const;
const licenceTypes = {
  type: 'array', minItems: 1, maxItems: 20, uniqueItems: true, items: licenceTypeOrResourceKey,
  description: 'Licence types, and shared-data resources the staff member may read and verify for the holder under the scan\'s authorisation (docs/shared-data.md)',
} as const;

const masked = openObject({ name: { type: 'string' }, idNumber: { type: 'string', description: 'Masked (birth date hidden)' } }, ['name', 'idNumber']);

const counterCodeRequest = component('CounterCodeRequest', {
  type: 'object', additionalProperties: false, required: ['hallCode', 'themeCode', 'licenceTypes'],
  description: 'A QR code for the window (一窗受理): the staff member who scans it at a counter of `hallCode` may use these licence types of the holder for this theme, and read and verify (在线核验) the shared-data resources it names. Without `holder`, the holder is the applicant who logged in (a citizen, or the enterprise of a legal representative); another holder needs the applicant to be their guardian or agent.',
  properties: { hallCode, themeCode, licenceTypes, holder },
});

const counterCode = component('CounterCode', openObject({
  code: { type: 'string', description: '32 random bytes, base64url; shown once, never stored by Tongban' },
  qr: openObject({
    text: { type: 'string', description: `\`${COUNTER_QR_PREFIX}<code>\`: what the counter scans` },
    svg: { type: 'string', description: 'An SVG document of the QR code of `text`' },
  }, ['text', 'svg']),
  hallCode, themeCode, holder, licenceTypes, expiresAt: { ...instant, description: 'Scan before this (5 minutes)' },
}, ['code', 'qr', 'hallCode', 'themeCode', 'holder', 'licenceTypes', 'expiresAt']));

const scanRequest = component('CounterScanRequest', {
  type: 'object', additionalProperties: false, required: ['code'],
  properties: { code: { type: 'string', minLength: 1, maxLength: 128, description: `The scanned text (\`${COUNTER_QR_PREFIX}<code>\`) or the code alone` } },
});

const scan = component('CounterScan', openObject({
  authorizationId: { ...uuid, description: 'The staff member\'s authorisation: pass it to licence reads, prefill and the submission, each with the same staff member\'s ID token through this counter client' },
  holder, themeCode, licenceTypes, hallCode,
  expiresAt: { ...instant, description: 'When the authorisation ends (30 minutes after the scan)' },
  applicant: { ...masked, description: 'The person who made the code, to compare with the one at the window' },
}, ['authorizationId', 'holder', 'themeCode', 'licenceTypes', 'hallCode', 'expiresAt', 'applicant']));

const scanList = component('CounterScanList', openObject({
  scans: {
    type: 'array', items: openObject({
      authorizationId: { type: ['string', 'null'], format: 'uuid' }, scannedAt: instant, hallCode, themeCode,
      holder: openObject({ code: { type: 'string', description: 'ID numbers masked' }, type: { enum: ['citizen', 'organization'] } }, ['code', 'type']),
      licenceTypes, staff: masked, applicant: masked,
    }, ['authorizationId', 'scannedAt', 'hallCode', 'themeCode', 'holder', 'licenceTypes', 'staff', 'applicant']),
  },
}, ['scans']));

/**
 * The window (一窗受理): `POST /v1/counter-codes` makes a QR code for the
 * applicant's session; `POST /v1/counter/scans` is the counter terminal
 * scanning it with the staff member's own session. Both need an ID token.
 */
export function counterRoutes(deps: CounterRouteDependencies): Route[] {
  return [
    {
      method: 'POST', path: '/v1/counter-codes', access: { roles: ['platform'] },
      summary: 'A single-use QR code (5 minutes) for the applicant to show at a service-hall window; needs the applicant\'s ID token',
      parameters: [idTokenHeader],
      request: { schema: counterCodeRequest, example: { hallCode: 'meizhou-hall', themeCode: 'MX-T05', licenceTypes: ['residentIdCard', 'birthCertificate'] } },
      responses: { 201: { description: 'Made; the code is not kept and cannot be read again', schema: counterCode } },
      errors: ['VALIDATION_FAILED', 'NOT_FOUND', ...ACTING_FOR_ERRORS],
      handler: async (req, res) => {
        const actor = await deps.identity.actorOf(req);
        res.status(201).set('Cache-Control', 'no-store').json(await deps.counterCodes.make(req.client!.id, actor, req.body));
      },
    },
    {
      method: 'POST', path: '/v1/counter/scans', access: { roles: ['counter'] },
      summary: 'Scan an applicant\'s counter QR code: gives the staff member who logged in a 30-minute authorisation for its holder, theme and licence types',
      parameters: [idTokenHeader],
      request: { schema: scanRequest },
      responses: { 201: { description: 'Scanned; the authorisation is recorded', schema: scan } },
      errors: ['VALIDATION_FAILED', 'NOT_FOUND', 'HOLDER_MISMATCH', 'COUNTER_CODE_WRONG_HALL', 'COUNTER_CODE_EXPIRED', 'COUNTER_CODE_USED',
        ...ID_TOKEN_ERRORS],
      handler: async (req, res) => {
        const client = req.client!;
        if (client.hall === undefined) throw new TongbanError('ROLE_NOT_ALLOWED', `Client "${client.id}" is a counter without a service hall`);
        const staff = await deps.identity.actorOf(req);
        res.status(201).set('Cache-Control', 'no-store').json(await deps.counterCodes.scan({ id: client.id, hall: client.hall }, staff, req.body));
      },
    },
    {
      method: 'GET', path: '/v1/counter/scans', access: { roles: ['counter'] },
      summary: 'The scans made at this counter terminal, newest first (?limit= 1–100, default 20); needs a staff member\'s ID token; ID numbers masked',
      parameters: [idTokenHeader, limitQuery(20, 100)],
      responses: { 200: { description: 'The scans', schema: scanList } },
      errors: ['VALIDATION_FAILED', ...ID_TOKEN_ERRORS],
      handler: async (req, res) => {
        await deps.identity.actorOf(req);
        const limit = readLimit(req.query['limit'], 20, 100);
        res.set('Cache-Control', 'no-store').json({ scans: await deps.counterCodes.listScans(req.client!.id, limit) });
      },
    },
  ];
}
