/**
 * A simulator's signed posts to Tongban's callback URLs (the mail service's
 * trace pushes, the payment platform's notifications): one at a time in the
 * order queued, each signed like a request over the callback's path and
 * query, with a fresh signature (and nonce) on every attempt. A post answered
 * with anything but 2xx — or not answered within the timeout — is retried
 * after each delay of `retryDelaysMs`, then given up. What differs stays with
 * each simulator: its signature scheme and what it records of a message.
 */

/** Where an account's messages go and the secret that signs them. */
export interface CallbackTarget {
  readonly appSecret: string;
  readonly callbackUrl: string;
}

/** What the sender keeps of each message; simulators extend it with what identifies the message. */
export interface CallbackRecord {
  /** HTTP status of each attempt (0: no answer: refused, reset or timed out). */
  readonly statuses: number[];
  outcome: 'pending' | 'delivered' | 'gave-up';
}

/** What one signature covers. */
export interface CallbackSigningInput {
  readonly account: string;
  readonly appSecret: string;
  /** The callback URL's path and query, as on the request line. */
  readonly pathWithQuery: string;
  readonly body: string;
  readonly nowMs: number;
}

export interface CallbackSenderOptions {
  /** An account's callback, or `undefined` when it has none (nothing is sent). */
  readonly targetOf: (account: string) => CallbackTarget | undefined;
  /**
   * When `targetOf` is asked again: `'message'`, once per message (its retries
   * go where its first attempt went); `'attempt'`, before every attempt (a
   * callback URL changed or removed meanwhile applies to the next retry).
   */
  readonly lookup: 'message' | 'attempt';
  /** The signature headers of one attempt. */
  readonly sign: (input: CallbackSigningInput) => Record<string, string>;
  /** Waits before each retry (ms). */
  readonly retryDelaysMs: readonly number[];
  /** Time allowed for one attempt (ms). */
  readonly timeoutMs: number;
  readonly now: () => number;
}

interface Queued<R> {
  readonly account: string;
  readonly body: unknown;
  readonly record: R;
}

export class CallbackSender<R extends CallbackRecord> {
  private readonly queue: Queued<R>[] = [];
  private running: Promise<void> | undefined;
  private closed = false;
  private readonly timers = new Set<NodeJS.Timeout>();
  /** Every message queued so far, in sending order, with its attempts. */
  readonly records: R[] = [];

  constructor(private readonly options: CallbackSenderOptions) {}

  /** Queues messages (sent as JSON) for `account`, each with its record. Accounts without a callback get none; nor does a closed sender. */
  send(account: string, messages: readonly { readonly body: unknown; readonly record: R }[]): void {
    if (this.closed || !this.options.targetOf(account)) return;
    for (const { body, record } of messages) {
      this.records.push(record);
      this.queue.push({ account, body, record });
    }
    this.running ??= this.drain().finally(() => { this.running = undefined; });
  }

  /** Resolves once every queued message is delivered or given up. */
  async settled(): Promise<void> {
    while (this.running) await this.running;
  }

  /** Drops the queue and stops retrying; an attempt in flight still ends. */
  close(): void {
    this.closed = true;
    this.queue.length = 0;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private async drain(): Promise<void> {
    for (let item = this.queue.shift(); item && !this.closed; item = this.queue.shift()) {
      let target = this.options.targetOf(item.account);
      for (let attempt = 0; target && !this.closed; attempt++) {
        const status = await this.post(item.account, target, item.body);
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
        if (this.options.lookup === 'attempt') target = this.options.targetOf(item.account);
      }
      if (item.record.outcome === 'pending') item.record.outcome = 'gave-up';
    }
  }

  private async post(account: string, target: CallbackTarget, message: unknown): Promise<number> {
    const url = new URL(target.callbackUrl);
    const body = JSON.stringify(message);
    const headers = this.options.sign({ account, appSecret: target.appSecret, pathWithQuery: `${url.pathname}${url.search}`, body, nowMs: this.options.now() });
    try {
      const response = await fetch(url, { method: 'POST', body, headers: { ...headers, 'content-type': 'application/json' }, signal: AbortSignal.timeout(this.options.timeoutMs) });
      await response.arrayBuffer();
      return response.status;
    } catch {
      return 0;
    }
  }
}
