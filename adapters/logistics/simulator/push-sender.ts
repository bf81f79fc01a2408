/**
 * Pushes trace events to each app key's callback URL, one at a time in the
 * order they were recorded, signed like requests (over the callback's path),
 * through the simulators' common sender (adapters/common/callback-sender.ts:
 * retries after each delay of `retryDelaysMs`, then given up; a push's retries
 * go to the URL its first attempt went to). Each push carries the event's
 * `eventId`; faults can send every push twice or send the events of one step
 * in reverse order, and the receiver must cope.
 */
import { CallbackSender, type CallbackRecord, type CallbackTarget } from '../../common/callback-sender.js';
import type { WirePush } from '../logistics-api.js';
import { emsSignatureHeaders } from '../logistics-signature.js';

export type PushTarget = CallbackTarget;

/** Standing push faults. */
export interface PushFaults {
  /** Send every push twice (same eventId, fresh nonce). */
  duplicate: boolean;
  /** Send the events recorded by one step (advance or cancel) in reverse order. */
  reorder: boolean;
}

/** One push as the simulator handled it. */
export interface PushRecord extends CallbackRecord {
  readonly eventId: string;
  readonly waybillNo: string;
  readonly code: string;
}

export interface PushSenderOptions {
  readonly targetOf: (appKey: string) => PushTarget | undefined;
  /** Waits before each retry (ms). */
  readonly retryDelaysMs: readonly number[];
  readonly timeoutMs: number;
  readonly now: () => number;
}

export class PushSender {
  private readonly sender: CallbackSender<PushRecord>;
  faults: PushFaults = { duplicate: false, reorder: false };

  constructor(options: PushSenderOptions) {
    this.sender = new CallbackSender<PushRecord>({
      ...options, lookup: 'message',
      sign: ({ account, appSecret, pathWithQuery, body, nowMs }) => emsSignatureHeaders({ appKey: account, appSecret, method: 'POST', pathWithQuery, body, nowMs }),
    });
  }

  /** Every push so far, duplicates included, in sending order. */
  get records(): readonly PushRecord[] {
    return this.sender.records;
  }

  /** Queues the pushes of one step (events of one waybill, in order). App keys without a callback URL get none. */
  send(appKey: string, pushes: readonly WirePush[]): void {
    const ordered = this.faults.reorder ? [...pushes].reverse() : pushes;
    this.sender.send(appKey, ordered.flatMap((push) => Array.from({ length: this.faults.duplicate ? 2 : 1 }, () => ({
      body: push, record: { eventId: push.eventId, waybillNo: push.waybillNo, code: push.trace.code, statuses: [], outcome: 'pending' as const },
    }))));
  }

  /** Resolves once every queued push is delivered or given up. */
  settled(): Promise<void> {
    return this.sender.settled();
  }

  close(): void {
    this.sender.close();
  }
}
