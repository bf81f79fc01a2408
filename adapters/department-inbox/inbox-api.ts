/**
 * Wire format of Tongban's department inbox (the pull channel for departments
 * behind a front-end processor 前置机). Tongban serves it; departments call it
 * with Tongban signature v1 as client `dept-<code>`:
 *
 * - `GET /v1/departments/{dept}/inbox?limit=N` → `{ items: InboxItem[] }`:
 *   deliveries not yet acknowledged whose lease is free or expired, each now
 *   leased to the caller until `leaseExpiresAt`. An item not acknowledged in
 *   time is handed out again (same delivery, same idempotency key, new lease).
 * - `POST /v1/departments/{dept}/inbox/{deliveryId}/ack` with {@link InboxAck}:
 *   the department's signed receipt; refused with 409 when the lease is no
 *   longer the caller's (the item was or will be handed out again).
 */
import { Ajv } from 'ajv';
import type { ReceiptFields, SubApplicationDelivery } from '../../src/domain/department-channel.js';

/** Paths, relative to Tongban's base URL. */
export const inboxPath = (departmentCode: string) => `/v1/departments/${encodeURIComponent(departmentCode)}/inbox`;
export const ackPath = (departmentCode: string, deliveryId: string) => `${inboxPath(departmentCode)}/${encodeURIComponent(deliveryId)}/ack`;

/** One leased delivery. */
export interface InboxItem {
  deliveryId: string;
  /** Proves the lease at acknowledgement; a new one at each hand-out. */
  leaseToken: string;
  /** ISO 8601; after it the item may be handed out again. */
  leaseExpiresAt: string;
  delivery: SubApplicationDelivery;
}

export interface InboxPage {
  items: InboxItem[];
}

/** The receipt in an acknowledgement: its fields, and `signature`, a JWS (typ tongban-receipt+jwt) over them by the department's key. */
export interface InboxReceipt extends ReceiptFields {
  signature: string;
}

/** Body of `POST …/inbox/{deliveryId}/ack`. */
export interface InboxAck {
  leaseToken: string;
  /** The department's 受理号 (also in the receipt). */
  acceptanceNumber: string;
  receipt: InboxReceipt;
}

const text = { type: 'string', minLength: 1, maxLength: 200 } as const;

export const inboxPageSchema = {
  type: 'object', required: ['items'],
  properties: {
    items: {
      type: 'array', maxItems: 1000,
      items: {
        type: 'object', required: ['deliveryId', 'leaseToken', 'leaseExpiresAt', 'delivery'],
        properties: { deliveryId: text, leaseToken: text, leaseExpiresAt: text, delivery: { type: 'object' } },
      },
    },
  },
} as const;

export const inboxAckSchema = {
  type: 'object', required: ['leaseToken', 'acceptanceNumber', 'receipt'],
  properties: {
    leaseToken: text,
    acceptanceNumber: text,
    receipt: {
      type: 'object',
      required: ['departmentCode', 'deliveryId', 'subApplicationId', 'idempotencyKey', 'acceptanceNumber', 'receivedAt', 'duplicate', 'signature'],
      properties: {
        departmentCode: text, deliveryId: text, subApplicationId: text, idempotencyKey: text, acceptanceNumber: text, receivedAt: text,
        duplicate: { type: 'boolean' },
        signature: { type: 'string', minLength: 1, maxLength: 16_384 },
      },
    },
  },
} as const;

const ajv = new Ajv({ allErrors: true });
/** Shape of a page (items' deliveries are checked one by one, so one bad item does not hide the others). */
export const isInboxPage = ajv.compile<InboxPage>(inboxPageSchema);
export const isInboxAck = ajv.compile<InboxAck>(inboxAckSchema);
