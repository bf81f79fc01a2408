/**
 * Wire schemas of the REST department API (only the fields Tongban reads).
 *
 * `POST {baseUrl}/api/sub-applications` with the delivery as JSON, signed
 * with Tongban signature v1 (`aud` = the department code) and an
 * `Idempotency-Key` header. Answers:
 * - 201 (new) or 200 (repeat of a known key) `{ receipt: {…} }`, signed by the
 *   department: `Tongban-Signature` (`typ` tongban-res+jwt, `iss` the
 *   department code, `aud` "tongban", `rjti` the request's `jti`) and
 *   `Content-Digest` over the answer body;
 * - 4xx/5xx `{ error: { code, message } }` (unsigned errors are accepted:
 *   they are only classified, never trusted).
 *
 * Batched push, for a department that implements it (its `batch` setting):
 * `POST {baseUrl}/api/sub-applications/batch` with
 * `{ deliveries: [delivery, …] }` (1 to {@link MAX_BATCH} deliveries,
 * distinct idempotency keys), signed as above, no `Idempotency-Key` header
 * (each delivery carries its own key and is de-duplicated by it, exactly as
 * if pushed alone). Answers:
 * - 200 `{ results: [item, …] }`, one item per delivery in the same order,
 *   signed like a single answer: `{ deliveryId, status: 201 | 200, receipt }`
 *   for a delivery taken (new or known key), `{ deliveryId, status, error:
 *   { code, message } }` for one refused alone (400 INVALID_DELIVERY,
 *   409 IDEMPOTENCY_KEY_CONFLICT, 503 SYSTEM_BUSY, … as a single push would
 *   answer it);
 * - 4xx/5xx `{ error }` when the request as a whole is refused (signature,
 *   400 INVALID_BATCH, 503): nothing of it was applied.
 */
import { Ajv } from 'ajv';
import { MAX_BATCH, type ReceiptFields } from '../../src/domain/department-channel.js';

/** Path of the submit operation, under the department's base URL. */
export const SUBMIT_PATH = '/api/sub-applications';

/** Path of the batched submit operation. */
export const BATCH_PATH = '/api/sub-applications/batch';

/** Most deliveries one batched push may carry. */
export { MAX_BATCH };

/** The receipt fields of a 2xx answer. */
export interface RestReceiptAnswer {
  receipt: ReceiptFields;
}

/** A department's error answer. */
export interface RestErrorAnswer {
  error: { code: string; message?: string };
}

const text = { type: 'string', minLength: 1, maxLength: 200 } as const;

const receiptAnswerSchema = {
  type: 'object', required: ['receipt'],
  properties: {
    receipt: {
      type: 'object',
      required: ['departmentCode', 'deliveryId', 'subApplicationId', 'idempotencyKey', 'acceptanceNumber', 'receivedAt', 'duplicate'],
      properties: {
        departmentCode: text, deliveryId: text, subApplicationId: text, idempotencyKey: text,
        acceptanceNumber: { type: 'string', pattern: '^[0-9A-Za-z-]{4,64}$' },
        receivedAt: text,
        duplicate: { type: 'boolean' },
      },
    },
  },
} as const;

/** One item of a batch answer: a receipt, or that delivery's own error. */
export type RestBatchItem =
  | { deliveryId: string; status: number; receipt: ReceiptFields; error?: undefined }
  | { deliveryId: string; status: number; error: { code: string; message?: string }; receipt?: undefined };

/** The 200 answer of a batched push. */
export interface RestBatchAnswer {
  results: RestBatchItem[];
}

const errorSchema = { type: 'object', required: ['code'], properties: { code: { type: 'string', maxLength: 100 }, message: { type: 'string' } } } as const;

const batchAnswerSchema = {
  type: 'object', required: ['results'],
  properties: {
    results: {
      type: 'array', maxItems: MAX_BATCH,
      items: {
        type: 'object', required: ['deliveryId', 'status'],
        properties: { deliveryId: text, status: { type: 'integer', minimum: 200, maximum: 599 }, receipt: receiptAnswerSchema.properties.receipt, error: errorSchema },
        oneOf: [{ required: ['receipt'] }, { required: ['error'] }],
      },
    },
  },
} as const;

const errorAnswerSchema = {
  type: 'object', required: ['error'],
  properties: { error: errorSchema },
} as const;

const ajv = new Ajv();
export const isReceiptAnswer = ajv.compile<RestReceiptAnswer>(receiptAnswerSchema);
export const isErrorAnswer = ajv.compile<RestErrorAnswer>(errorAnswerSchema);
export const isBatchAnswer = ajv.compile<RestBatchAnswer>(batchAnswerSchema);
