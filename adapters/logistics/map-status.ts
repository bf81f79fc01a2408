/** Wire ↔ domain translation tables of the mail service. */
import type { PostingDirection, TraceEventCode, WaybillStatus } from '../../src/domain/logistics.js';
import type { WireBusinessType, WireStatus } from './logistics-api.js';

const STATUS: Readonly<Record<WireStatus, WaybillStatus>> = {
  CREATED: 'created', ACCEPTED: 'accepted', IN_TRANSIT: 'in-transit', ARRIVED: 'arrived', OUT_FOR_DELIVERY: 'out-for-delivery',
  DELIVERED: 'delivered', FAILED: 'failed', RETURNED: 'returned', CANCELLED: 'cancelled',
};

/** The domain status of a wire status; default `undefined` (the caller refuses the answer as malformed). */
export function mapStatus(wire: string): WaybillStatus | undefined {
  return Object.hasOwn(STATUS, wire) ? STATUS[wire as WireStatus] : undefined;
}

/** The domain code of a trace event; `created` is no event, so it maps to `undefined` like an unknown code. */
export function mapTraceCode(wire: string): TraceEventCode | undefined {
  const status = mapStatus(wire);
  return status === 'created' ? undefined : status;
}

const BUSINESS_TYPE: Readonly<Record<WireBusinessType, PostingDirection>> = { RESULT: 'result', MATERIAL: 'material' };

/** The direction of a wire business type; default `undefined` (refused as malformed). */
export function mapBusinessType(wire: string | undefined): PostingDirection | undefined {
  return wire !== undefined && Object.hasOwn(BUSINESS_TYPE, wire) ? BUSINESS_TYPE[wire as WireBusinessType] : undefined;
}

/** The wire business type of a direction. */
export function toBusinessType(direction: PostingDirection): WireBusinessType {
  return direction === 'result' ? 'RESULT' : 'MATERIAL';
}
