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
 */
import { Ajv } from 'ajv';
import type { ReceiptFields } from '../../src/spec/department-channel.js';

/** Path of the submit operation, under the department's base URL. */
export const SUBMIT_PATH = '/api/sub-applications';

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

const errorAnswerSchema = {
  type: 'object', required: ['error'],
  properties: { error: { type: 'object', required: ['code'], properties: { code: { type: 'string', maxLength: 100 }, message: { type: 'string' } } } },
} as const;

const ajv = new Ajv();
export const isReceiptAnswer = ajv.compile<RestReceiptAnswer>(receiptAnswerSchema);
export const isErrorAnswer = ajv.compile<RestErrorAnswer>(errorAnswerSchema);
