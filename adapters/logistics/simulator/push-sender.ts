/**
 * Pushes trace events to each app key's callback URL, one at a time in the
 * order they were recorded, signed like requests (over the callback's path).
 * A push answered with anything but 2xx — or not answered within the timeout —
 * is retried after each delay of `retryDelaysMs`, then given up. Each push
 * carries the event's `eventId`; faults can send every push twice or send the
 * events of one step in reverse order, and the receiver must cope.
 */
import type { WirePush } from '../logistics-api.js';
import { emsSignatureHeaders } from '../logistics-signature.js';

export interface PushTarget {
  readonly appSecret: string;
  readonly callbackUrl: string;
}

/** Standing push faults. */
export interface PushFaults {
  /** Send every push twice (same eventId, fresh nonce). */
  duplicate: boolean;
  /** Send the events recorded by one step (advance or cancel) in reverse order. */
  reorder: boolean;
}

/** One push as the simulator handled it. */
export interface PushRecord {
  readonly eventId: string;
  readonly waybillNo: string;
  readonly code: string;
  /** HTTP status of each attempt (0: no answer: refused, reset or timed out). */
  readonly statuses: number[];
  outcome: 'pending' | 'delivered' | 'gave-up';
}

export interface PushSenderOptions {
  readonly targetOf: (appKey: string) => PushTarget | undefined;
  /** Waits before each retry (ms). */
  readonly retryDelaysMs: readonly number[];
  readonly timeoutMs: number;
  readonly now: () => number;
}

interface Queued {
  readonly appKey: string;
  readonly push: WirePush;
  readonly record: PushRecord;
}

export class PushSender {
  private readonly queue: Queued[] = [];
  private running: Promise<void> | undefined;
  private closed = false;
  private readonly timers = new Set<NodeJS.Timeout>();
  readonly records: PushRecord[] = [];
  faults: PushFaults = { duplicate: false, reorder: false };

  constructor(private readonly options: PushSenderOptions) {}

  /** Queues the pushes of one step (events of one waybill, in order). App keys without a callback URL get none. */
  send(appKey: string, pushes: readonly WirePush[]): void {
    if (this.closed || !this.options.targetOf(appKey)) return;
    const ordered = this.faults.reorder ? [...pushes].reverse() : pushes;
    for (const push of ordered) {
      for (let copy = 0; copy < (this.faults.duplicate ? 2 : 1); copy++) {
        const record: PushRecord = { eventId: push.eventId, waybillNo: push.waybillNo, code: push.trace.code, statuses: [], outcome: 'pending' };
        this.records.push(record);
        this.queue.push({ appKey, push, record });
      }
    }
    this.running ??= this.drain().finally(() => { this.running = undefined; });
  }

  /** Resolves once every queued push is delivered or given up. */
  async settled(): Promise<void> {
    while (this.running) await this.running;
  }

  close(): void {
    this.closed = true;
    this.queue.length = 0;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private async drain(): Promise<void> {
    for (let item = this.queue.shift(); item && !this.closed; item = this.queue.shift()) {
      const target = this.options.targetOf(item.appKey);
      for (let attempt = 0; target && !this.closed; attempt++) {
        const status = await this.post(item.appKey, target, item.push);
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

  private async post(appKey: string, target: PushTarget, push: WirePush): Promise<number> {
    const url = new URL(target.callbackUrl);
    const body = JSON.stringify(push);
    const headers = emsSignatureHeaders({
      appKey, appSecret: target.appSecret, method: 'POST', pathWithQuery: `${url.pathname}${url.search}`, body, nowMs: this.options.now(),
    });
    try {
      const response = await fetch(url, { method: 'POST', body, headers: { ...headers, 'content-type': 'application/json' }, signal: AbortSignal.timeout(this.options.timeoutMs) });
      await response.arrayBuffer();
      return response.status;
    } catch {
      return 0;
    }
  }
}
