/**
 * Trace pushes (轨迹推送) from the logistics service: verified with the
 * adapter (app key, timestamp, HMAC over the callback path and body),
 * matched to the posting by order number (a push may arrive before the
 * answer that created its waybill was stored), de-duplicated by event id
 * and applied in sequence order (postings.ts).
 */
import type { LogisticsService as LogisticsAdapter } from '../domain/logistics.js';
import { PushVerificationError } from '../domain/logistics.js';
import { TongbanError } from '../errors/index.js';
import type { Store } from '../store/index.js';
import { applyTraces } from './postings.js';

/** The path the service posts pushes to: part of their signature. */
export const LOGISTICS_PUSH_PATH = '/v1/logistics/pushes';

/**
 * Verifies and applies one push.
 * @throws TongbanError LOGISTICS_PUSH_INVALID (401) naming the header or member at fault; NOT_FOUND for an order Tongban never placed.
 */
export async function receivePush(store: Store, logistics: LogisticsAdapter, headers: Readonly<Record<string, string | string[] | undefined>>, rawBody: Buffer, at = Date.now()) {
  let event;
  try {
    event = logistics.verifyPush(headers, rawBody);
  } catch (error) {
    if (error instanceof PushVerificationError) throw new TongbanError('LOGISTICS_PUSH_INVALID', error.message, { errors: [{ pointer: error.field, message: error.message }] });
    throw error;
  }
  return store.transaction(async (tx) => {
    const { rows } = await tx.query<{ id: string }>('SELECT id FROM postings WHERE order_no = $1', [event.orderNo]);
    const posting = rows[0];
    if (!posting) throw new TongbanError('NOT_FOUND', `No posting with order number ${event.orderNo}`);
    const outcome = await applyTraces(tx, posting.id, [event], 'push', at, store.capabilities.skipLocked);
    return { eventId: event.eventId, applied: outcome?.applied ?? 0, status: outcome?.status };
  });
}
