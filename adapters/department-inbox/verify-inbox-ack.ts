/**
 * Tongban's side of an inbox acknowledgement: checks the department's signed
 * receipt and turns it into a {@link DeliveryReceipt}. The gateway's ack route
 * calls it after verifying the request signature and the lease.
 */
import type { JWK } from 'jose';
import { TongbanError, validationError } from '../../src/errors/index.js';
import type { DeliveryReceipt, ReceiptClaims, SubApplicationDelivery } from '../../src/spec/department-channel.js';
import { verifyReceiptToken } from '../shared/department/receipt-token.js';
import { isInboxAck, type InboxReceipt } from './inbox-api.js';

export interface InboxAckInput {
  /** Department in the path (already checked against the signing client). */
  departmentCode: string;
  /** Delivery id in the path. */
  deliveryId: string;
  /** The parsed acknowledgement body. */
  body: unknown;
  /** The delivery as Tongban stored it. */
  delivery: SubApplicationDelivery;
}

export interface VerifyInboxAckOptions {
  /** The department's registered public keys. */
  departmentPublicKeys: readonly JWK[];
  /** When set, the receipt must have been signed within this many seconds of now. */
  maxSkewSeconds?: number;
}

const SIGNED_FIELDS = ['departmentCode', 'deliveryId', 'subApplicationId', 'idempotencyKey', 'acceptanceNumber', 'receivedAt', 'duplicate'] as const;

/**
 * Verifies an acknowledgement and returns the receipt.
 * @throws TongbanError `VALIDATION_FAILED` (body shape, JSON Pointers listed), the
 *   signature codes of the receipt JWS (`SIGNATURE_INVALID`, `KEY_UNKNOWN`, …),
 *   `CLAIM_INVALID` (the signed fields differ from the body), `CONFLICT` (a receipt for another delivery).
 */
export async function verifyInboxAck(input: InboxAckInput, options: VerifyInboxAckOptions): Promise<DeliveryReceipt> {
  const { body, delivery } = input;
  if (!isInboxAck(body)) {
    throw validationError((isInboxAck.errors ?? []).map((error) => ({ pointer: error.instancePath, message: error.message ?? 'is invalid' })));
  }
  const { receipt } = body;
  if (body.acceptanceNumber !== receipt.acceptanceNumber) {
    throw validationError([{ pointer: '/acceptanceNumber', message: 'differs from /receipt/acceptanceNumber' }]);
  }
  const claims: ReceiptClaims = await verifyReceiptToken(receipt.signature, {
    keys: options.departmentPublicKeys, departmentCode: input.departmentCode,
    ...(options.maxSkewSeconds === undefined ? {} : { maxSkewSeconds: options.maxSkewSeconds }),
  });
  for (const field of SIGNED_FIELDS) {
    if (claims[field] !== receipt[field]) throw new TongbanError('CLAIM_INVALID', `"${field}" claim of the receipt signature differs from /receipt/${field}`);
  }
  const expected: Pick<InboxReceipt, 'departmentCode' | 'deliveryId' | 'subApplicationId' | 'idempotencyKey'> = {
    departmentCode: input.departmentCode, deliveryId: input.deliveryId, subApplicationId: delivery.subApplicationId, idempotencyKey: delivery.idempotencyKey,
  };
  for (const [field, value] of Object.entries(expected) as [keyof typeof expected, string][]) {
    if (receipt[field] !== value) throw new TongbanError('CONFLICT', `/receipt/${field} is not this delivery's (${value})`);
  }
  if (delivery.deliveryId !== input.deliveryId) throw new TongbanError('CONFLICT', 'the stored delivery is not the one in the path');
  return {
    departmentCode: receipt.departmentCode,
    deliveryId: receipt.deliveryId,
    subApplicationId: receipt.subApplicationId,
    idempotencyKey: receipt.idempotencyKey,
    acceptanceNumber: receipt.acceptanceNumber,
    receivedAt: receipt.receivedAt,
    duplicate: receipt.duplicate,
    signatureVerified: true,
    evidence: { format: 'receipt-jws', signature: receipt.signature, body: JSON.stringify(body) },
  };
}
