/** Shapes of the shared-data routes (`/v1/shared-data/…`, docs/shared-data.md). */
import { component } from '../components.js';
import { holder, matterCode, openObject, sharedResourceKey, themeCode, uuid } from './common.js';

const use = {
  holder,
  authorizationId: { ...uuid, description: 'The holder\'s authorisation naming the resources among its `licenceTypes`' },
  themeCode,
  matterCodes: { type: 'array', maxItems: 100, items: matterCode },
  useCause: { type: 'string', minLength: 1, maxLength: 200, description: '用途: sent to the exchange and kept in the ledger' },
} as const;

export const sharedDataQueryRequest = component('SharedDataQueryRequest', {
  type: 'object', additionalProperties: false, required: ['holder', 'authorizationId', 'themeCode', 'useCause', 'resources'],
  properties: { ...use, resources: { type: 'array', minItems: 1, maxItems: 4, uniqueItems: true, items: sharedResourceKey } },
});

export const sharedDataVerifyRequest = component('SharedDataVerifyRequest', {
  type: 'object', additionalProperties: false, required: ['holder', 'authorizationId', 'themeCode', 'useCause', 'resource', 'claims'],
  properties: {
    ...use, resource: sharedResourceKey,
    claims: { type: 'object', minProperties: 1, additionalProperties: { type: 'string', maxLength: 200 }, description: 'The resource\'s fields and the values claimed, e.g. {"CBZT": "参保缴费", "CBDQ": "梅州市"}' },
  },
});

const record = openObject({
  resource: sharedResourceKey, resourceCode: { type: 'string' }, resourceName: { type: 'string' }, sourceDepartment: { type: 'string' },
  dataTime: { type: 'string' }, data: { type: 'object', additionalProperties: { type: 'string' } }, ledgerSeq: { type: 'integer' },
}, ['resource', 'resourceCode', 'sourceDepartment', 'dataTime', 'data', 'ledgerSeq']);

export const sharedDataRecords = component('SharedDataRecords', openObject({ records: { type: 'array', items: record } }, ['records']));

export const sharedDataVerdict = component('SharedDataVerdict', openObject({
  holds: { type: 'boolean' }, resource: sharedResourceKey, resourceCode: { type: 'string' }, sourceDepartment: { type: 'string' },
  verificationId: { type: 'string' }, ledgerSeq: { type: 'integer' },
}, ['holds', 'resource', 'resourceCode', 'sourceDepartment', 'verificationId', 'ledgerSeq']));
