/**
 * Payment notifications (缴费通知) from the platform: verified with the
 * adapter (app id, timestamp, HMAC-SM3 over the callback path and body), then
 * refused as a replay when their nonce was seen before — a replayed or forged
 * notification is 401 and changes nothing. A retry of the platform carries a
 * fresh nonce and the same notification id: applied again, it changes nothing.
 */
import { NotificationVerificationError, type PaymentPlatform } from '../domain/payment.js';
import { TongbanError } from '../errors/index.js';
import type { Store } from '../store/index.js';
import { applyReportedPayment, type PaymentOutcome } from './apply-payment.js';

/** The path the platform posts notifications to: part of their signature. */
export const PAYMENT_NOTIFICATION_PATH = '/v1/payments/notifications';

/**
 * Verifies and applies one notification.
 * @throws TongbanError PAYMENT_NOTIFICATION_INVALID (401) naming the header or member at fault, or the replay.
 */
export async function receiveNotification(store: Store, platform: PaymentPlatform, headers: Readonly<Record<string, string | string[] | undefined>>, rawBody: Buffer, at = Date.now()): Promise<{ outcome: PaymentOutcome; released: boolean }> {
  let notification;
  try {
    notification = platform.verifyNotification(headers, rawBody);
  } catch (error) {
    if (error instanceof NotificationVerificationError) throw new TongbanError('PAYMENT_NOTIFICATION_INVALID', error.message, { errors: [{ pointer: error.field, message: error.message }] });
    throw error;
  }
  return store.transaction(async (tx) => {
    const { rowCount } = await tx.query(
      "INSERT INTO payment_notifications (nonce, notification_id, notice_no, outcome, received_at) VALUES ($1, $2, $3, 'received', $4) ON CONFLICT (nonce) DO NOTHING",
      [notification.nonce, notification.notificationId, notification.noticeNo, at]);
    if (rowCount === 0) {
      throw new TongbanError('PAYMENT_NOTIFICATION_INVALID', 'The notification was received before (its x-fee-nonce is used): a replay', {
        errors: [{ pointer: 'x-fee-nonce', message: 'already used' }],
      });
    }
    const applied = await applyReportedPayment(tx, { ...notification, source: 'notification' }, at, store.capabilities.skipLocked);
    await tx.query('UPDATE payment_notifications SET outcome = $2 WHERE nonce = $1', [notification.nonce, applied.outcome]);
    return applied;
  });
}
