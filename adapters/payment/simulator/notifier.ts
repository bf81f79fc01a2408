/**
 * Sends payment notifications to each app id's callback URL, one at a time,
 * signed like requests (over the callback's path), through the simulators'
 * common sender (adapters/common/callback-sender.ts: retried after each delay,
 * then given up; the callback is looked up again before each retry). A retry
 * is a new message (fresh nonce) with the same `notifyId`.
 */
import { CallbackSender, type CallbackRecord, type CallbackTarget } from '../../common/callback-sender.js';
import type { WireNotification } from '../payment-api.js';
import { feeSignatureHeaders } from '../payment-signature.js';

export interface NotificationRecord extends CallbackRecord {
  readonly notifyId: string;
  readonly noticeNo: string;
}

export class Notifier {
  private readonly sender: CallbackSender<NotificationRecord>;

  constructor(options: {
    targetOf: (appId: string) => CallbackTarget | undefined;
    retryDelaysMs: readonly number[]; timeoutMs: number; now: () => number;
  }) {
    this.sender = new CallbackSender<NotificationRecord>({
      ...options, lookup: 'attempt',
      sign: ({ account, appSecret, pathWithQuery, body, nowMs }) => feeSignatureHeaders({ appId: account, appSecret, method: 'POST', pathWithQuery, body, nowMs }),
    });
  }

  get records(): readonly NotificationRecord[] {
    return this.sender.records;
  }

  send(appId: string, body: WireNotification): void {
    this.sender.send(appId, [{ body, record: { notifyId: body.notifyId, noticeNo: body.noticeNo, statuses: [], outcome: 'pending' } }]);
  }

  settled(): Promise<void> {
    return this.sender.settled();
  }

  close(): void {
    this.sender.close();
  }
}
