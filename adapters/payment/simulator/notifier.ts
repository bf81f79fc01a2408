/**
 * Sends payment notifications to each app id's callback URL, one at a time,
 * signed like requests (over the callback's path). Anything but 2xx — or no
 * answer within the timeout — is retried after each delay, then given up.
 * A retry is a new message (fresh nonce) with the same `notifyId`.
 */
import type { WireNotification } from '../payment-api.js';
import { feeSignatureHeaders } from '../payment-signature.js';

export interface NotificationRecord {
  readonly notifyId: string;
  readonly noticeNo: string;
  /** HTTP status of each attempt (0: no answer). */
  readonly statuses: number[];
  outcome: 'pending' | 'delivered' | 'gave-up';
}

export class Notifier {
  private readonly queue: { appId: string; body: WireNotification; record: NotificationRecord }[] = [];
  private running: Promise<void> | undefined;
  private closed = false;
  private readonly timers = new Set<NodeJS.Timeout>();
  readonly records: NotificationRecord[] = [];

  constructor(private readonly options: {
    targetOf: (appId: string) => { appSecret: string; callbackUrl: string } | undefined;
    retryDelaysMs: readonly number[]; timeoutMs: number; now: () => number;
  }) {}

  send(appId: string, body: WireNotification): void {
    if (this.closed || !this.options.targetOf(appId)) return;
    const record: NotificationRecord = { notifyId: body.notifyId, noticeNo: body.noticeNo, statuses: [], outcome: 'pending' };
    this.records.push(record);
    this.queue.push({ appId, body, record });
    this.running ??= this.drain().finally(() => { this.running = undefined; });
  }

  async settled(): Promise<void> {
    while (this.running) await this.running;
  }

  close(): void {
    this.closed = true;
    this.queue.length = 0;
    for (const timer of this.timers) clearTimeout(timer);
  }

  private async drain(): Promise<void> {
    for (let item = this.queue.shift(); item && !this.closed; item = this.queue.shift()) {
      for (let attempt = 0; !this.closed; attempt++) {
        const target = this.options.targetOf(item.appId);
        if (!target) break;
        const status = await this.post(item.appId, target, item.body);
        item.record.statuses.push(status);
        if (status >= 200 && status < 300) {
          item.record.outcome = 'delivered';
          break;
        }
        const delay = this.options.retryDelaysMs[attempt];
        if (delay === undefined) break;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(() => { this.timers.delete(timer); resolve(); }, delay);
          this.timers.add(timer);
        });
      }
      if (item.record.outcome === 'pending') item.record.outcome = 'gave-up';
    }
  }

  private async post(appId: string, target: { appSecret: string; callbackUrl: string }, notification: WireNotification): Promise<number> {
    const url = new URL(target.callbackUrl);
    const body = JSON.stringify(notification);
    const headers = feeSignatureHeaders({ appId, appSecret: target.appSecret, method: 'POST', pathWithQuery: `${url.pathname}${url.search}`, body, nowMs: this.options.now() });
    try {
      const response = await fetch(url, { method: 'POST', body, headers: { ...headers, 'content-type': 'application/json' }, signal: AbortSignal.timeout(this.options.timeoutMs) });
      await response.arrayBuffer();
      return response.status;
    } catch {
      return 0;
    }
  }
}
