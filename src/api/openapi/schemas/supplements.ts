/** Schemas of 补正 and 容缺 supplies and of what the application view and ops show of them (docs/materials.md §7–9). */
import { component } from '../components.js';
import { departmentCode, instant, nextCursor, nullableInstant, openObject, uuid } from './common.js';

const code = { type: 'string', minLength: 1, maxLength: 128 } as const;
const day = { type: 'string', format: 'date', description: 'YYYY-MM-DD (China date)' } as const;

export const supply = component('Supply', {
  type: 'object', additionalProperties: false,
  description: 'A supply: answers a department\'s open 补正 request (every material and field it asks for, nothing else), or supplies deferred (容缺) materials. '
    + 'Without `subApplicationId`, materials that are all outstanding deferrals (and no `fields`) are a deferral supply, delivered to every department whose matter deferred them; otherwise the supply answers the application\'s one open request.',
  properties: {
    subApplicationId: { ...uuid, description: 'The sub-application whose open supplement request this answers (required when several are open)' },
    materials: {
      type: 'object', description: 'Material identity (`CL008`, as the guide and the application view name it; a material without identity goes by its matter\'s own code) → the upload that now satisfies it',
      additionalProperties: { type: 'object', additionalProperties: false, required: ['upload'], properties: { upload: { type: 'string', description: 'An upload id of this client (POST /v1/materials), unexpired' } } },
    },
    fields: {
      type: 'object', description: 'Canonical field of the merged form (`child.name`) → corrected value; mapped, and converted, to the department field(s) it fills in the matter\'s form. Text follows the merged form\'s text rules',
      additionalProperties: true,
    },
  },
});

export const supplyExample = { subApplicationId: '8d7e1a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b', materials: { CL008: { upload: '01JD3Q6Z4K5V8W9X0Y1Z2A3B4C' } }, fields: { 'child.birthPlace': '北京市东城区妇幼保健院' } };

export const supplyAnswer = component('SupplyAnswer', openObject({
  applicationId: uuid,
  requestId: { type: ['string', 'null'], description: 'The supplement request answered; null for deferred materials supplied' },
  subApplications: {
    type: 'array', description: 'Each sub-application re-opened: its department receives this version under a new idempotency key',
    items: openObject({
      id: uuid, departmentCode, version: { type: 'integer', minimum: 2 }, status: { type: 'string' },
      changedMaterials: { type: 'array', items: code, description: 'The matter\'s own material codes changed' },
      changedFields: { type: 'array', items: code, description: 'The department form\'s fields changed' },
    }, ['id', 'departmentCode', 'version', 'changedMaterials', 'changedFields']),
  },
  materials: { type: 'array', items: openObject({ code, version: { type: 'integer' }, sha256: { type: 'string' } }, ['code', 'version']), description: 'The application\'s materials, each as its new version' },
  fields: { type: 'array', items: { type: 'string' }, description: 'Canonical fields corrected' },
}, ['applicationId', 'requestId', 'subApplications', 'materials', 'fields']));

/** A 补正 request as the application view and ops show it. */
export const supplementRequest = component('SupplementRequest', openObject({
  id: { type: 'string' }, subApplicationId: uuid, departmentCode,
  materials: { type: 'array', items: openObject({ code, name: { type: 'string' }, identity: { type: ['string', 'null'] } }, ['code']), description: 'The matter\'s materials asked for, with the identity to supply each under' },
  fields: { type: 'array', items: openObject({ field: code, canonical: { type: ['string', 'null'] } }, ['field']), description: 'The department form\'s fields asked for, with the canonical field to supply each under' },
  reason: { type: 'string' }, deadline: day,
  status: { enum: ['open', 'supplied', 'expired'], description: '`expired`: the deadline passed unanswered; the department decides' },
  requestedAt: instant, suppliedAt: nullableInstant, version: { type: ['integer', 'null'], description: 'The version that carried the answer' },
}, ['id', 'subApplicationId', 'materials', 'fields', 'reason', 'deadline', 'status']));

export const outstandingMaterialList = component('OutstandingMaterialList', openObject({
  materials: {
    type: 'array', description: 'Deferred (容缺) materials past their due date and not supplied, earliest first',
    items: openObject({
      applicationId: uuid, code, dueDate: day, createdAt: instant,
      subApplications: { type: 'array', items: openObject({ id: uuid, departmentCode, matterName: { type: 'string' } }, ['id', 'departmentCode']) },
    }, ['applicationId', 'code', 'dueDate']),
  },
  nextCursor,
}, ['materials', 'nextCursor']));

export const supplementRequestList = component('SupplementRequestList', openObject({ requests: { type: 'array', items: supplementRequest }, nextCursor }, ['requests', 'nextCursor']));

export const commitmentReportList = component('CommitmentReportList', openObject({
  reports: {
    type: 'array', description: 'Commitments (告知承诺) departments reported untrue, newest first',
    items: openObject({
      applicationId: uuid, subApplicationId: uuid, departmentCode, eventId: { type: 'string' }, materialCode: code, identity: { type: ['string', 'null'] },
      reason: { type: 'string' }, reportedAt: instant,
    }, ['subApplicationId', 'departmentCode', 'materialCode', 'reason', 'reportedAt']),
  },
  nextCursor,
}, ['reports', 'nextCursor']));
