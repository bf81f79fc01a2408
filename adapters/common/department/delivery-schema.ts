/**
 * The JSON Schema of a {@link SubApplicationDelivery}: department simulators
 * check what Tongban sends them, and the inbox checks what it hands out.
 */
import { Ajv, type ErrorObject } from 'ajv';
import type { SubApplicationDelivery } from '../../../src/domain/department-channel.js';

/** ISO 8601 date-time with seconds and an offset (`Z` or `±hh:mm`). */
export const DATE_TIME_PATTERN = '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?(Z|[+-]\\d{2}:\\d{2})$';

const id = { type: 'string', minLength: 1, maxLength: 128 } as const;
const name = { type: 'string', minLength: 1, maxLength: 200 } as const;

export const deliverySchema = {
  type: 'object',
  required: ['deliveryId', 'idempotencyKey', 'applicationId', 'subApplicationId', 'matterCode', 'matterName', 'departmentCode', 'form', 'materials', 'submittedAt'],
  properties: {
    deliveryId: id,
    // Travels in an HTTP header (REST): visible ASCII only.
    idempotencyKey: { type: 'string', pattern: '^[\x21-\x7e]{1,200}$' },
    applicationId: id,
    subApplicationId: id,
    matterCode: { type: 'string', pattern: '^[0-9A-Za-z]{6,40}$' },
    matterName: name,
    departmentCode: { type: 'string', pattern: '^[a-z0-9]{1,32}$' },
    form: { type: 'object' },
    materials: {
      type: 'array', maxItems: 200,
      items: {
        type: 'object', required: ['name'],
        properties: {
          code: { type: 'string', minLength: 1, maxLength: 64 }, name, identity: { type: 'string', minLength: 1, maxLength: 64 },
          form: { enum: ['original', 'copy'] }, required: { type: 'boolean' },
          satisfiedBy: { enum: ['upload', 'licence', 'commitment', 'deferred', 'generated', 'prerequisite'] },
          version: { type: 'integer', minimum: 1 },
          licenceIdentifier: { type: 'string', minLength: 1 }, fileRef: { type: 'string', minLength: 1 },
          file: {
            type: 'object', required: ['sha256', 'size', 'mediaType'],
            properties: {
              sha256: { type: 'string', pattern: '^[0-9a-f]{64}$' }, size: { type: 'integer', minimum: 1 }, mediaType: { type: 'string', minLength: 1, maxLength: 100 },
              download: { type: 'object', required: ['path', 'expiresAt'], properties: { path: { type: 'string', pattern: '^/' }, expiresAt: { type: 'string', pattern: DATE_TIME_PATTERN } } },
            },
          },
          commitment: {
            type: 'object', required: ['text', 'consentMethod', 'committedAt', 'signature'],
            properties: { text: { type: 'string', minLength: 1, maxLength: 2000 }, consentMethod: { type: 'string', minLength: 1 }, committedAt: { type: 'string', pattern: DATE_TIME_PATTERN }, signature: { type: 'string', minLength: 1 } },
          },
          outstanding: {
            type: 'object', required: ['dueDate', 'days'],
            properties: { dueDate: { anyOf: [{ type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' }, { type: 'null' }] }, days: { type: 'integer', minimum: 1 } },
          },
        },
      },
    },
    prerequisiteResults: {
      type: 'array', maxItems: 50,
      items: {
        type: 'object', required: ['matterCode', 'subApplicationId', 'name'],
        properties: { matterCode: { type: 'string' }, subApplicationId: id, name, licenceIdentifier: { type: 'string' }, fileRef: { type: 'string' } },
      },
    },
    submittedAt: { type: 'string', pattern: DATE_TIME_PATTERN },
    version: { type: 'integer', minimum: 1 },
    supplement: {
      type: 'object', required: ['changedMaterials', 'changedFields'],
      properties: {
        requestId: id, reason: { type: 'string', minLength: 1, maxLength: 500 },
        changedMaterials: { type: 'array', maxItems: 200, items: { type: 'string', minLength: 1, maxLength: 64 } },
        changedFields: { type: 'array', maxItems: 500, items: { type: 'string', minLength: 1, maxLength: 128 } },
      },
    },
  },
} as const;

const validate = new Ajv({ allErrors: true }).compile(deliverySchema);

/** Checks a value against the delivery schema; `problems` names each JSON Pointer at fault. */
export function checkDelivery(value: unknown): { ok: true; delivery: SubApplicationDelivery } | { ok: false; problems: string[] } {
  if (validate(value)) return { ok: true, delivery: value as unknown as SubApplicationDelivery };
  return { ok: false, problems: (validate.errors ?? []).map((error: ErrorObject) => `${error.instancePath || '/'}: ${error.message ?? 'is invalid'}`) };
}
