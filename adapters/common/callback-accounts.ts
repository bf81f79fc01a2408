/**
 * The accounts of a simulator that posts to Tongban's callback URLs (the mail
 * service, the payment platform): each account's secret and callback URL,
 * which tests and the sandbox change at run time, and the simulator's "busy"
 * switch (the next N API requests answered with the system's busy code). Both
 * are controlled in-process and over HTTP:
 *
 *     PUT  /__control/callbacks/{account}  {"callbackUrl": "…"}  (none: stop posting)
 *     POST /__control/busy                 {"count": N}          (default 1)
 */
import express, { type Router } from 'express';
import type { CallbackTarget } from './callback-sender.js';

/** One account as configured. */
export interface CallbackCredentials {
  readonly appSecret: string;
  /** Where this account's messages go; none are sent without it. */
  readonly callbackUrl?: string;
}

export class CallbackAccounts {
  private readonly accounts: Map<string, { appSecret: string; callbackUrl?: string | undefined }>;

  /** `noun` names an account in messages (`app key`, `app id`). */
  constructor(private readonly noun: string, entries: Iterable<readonly [string, CallbackCredentials]>) {
    this.accounts = new Map([...entries].map(([account, credentials]) => [account, { ...credentials }]));
  }

  secretOf(account: string): string | undefined {
    return this.accounts.get(account)?.appSecret;
  }

  /** The account's callback, or `undefined` when it has none (or there is no such account). */
  targetOf(account: string): CallbackTarget | undefined {
    const entry = this.accounts.get(account);
    return entry?.callbackUrl ? { appSecret: entry.appSecret, callbackUrl: entry.callbackUrl } : undefined;
  }

  /** @throws RangeError for an unknown account. */
  setCallbackUrl(account: string, callbackUrl: string | undefined): void {
    const entry = this.accounts.get(account);
    if (!entry) throw new RangeError(`no ${this.noun} ${account}`);
    entry.callbackUrl = callbackUrl;
  }
}

/** The "busy" switch: how many of the next API requests are answered with the busy code. */
export class BusySwitch {
  private remaining = 0;

  /** The next `count` API requests are busy. */
  next(count = 1): void {
    this.remaining += count;
  }

  /** Whether this request is one of them (counting it off). */
  take(): boolean {
    if (this.remaining <= 0) return false;
    this.remaining -= 1;
    return true;
  }
}

/** The two controls of the module comment; an unknown account is 404 `not-found`. */
export function callbackControls(accounts: CallbackAccounts, busy: BusySwitch): Router {
  const router = express.Router();
  router.use('/__control', express.json());
  const body = (req: express.Request) => (req.body ?? {}) as Record<string, unknown>;
  router.put('/__control/callbacks/:account', (req, res) => {
    try {
      accounts.setCallbackUrl(String(req.params['account']), body(req)['callbackUrl'] as string | undefined);
    } catch (error) {
      if (!(error instanceof RangeError)) throw error;
      return void res.status(404).json({ error: 'not-found', message: error.message });
    }
    res.json({ ok: true });
  });
  router.post('/__control/busy', (req, res) => {
    busy.next(Number(body(req)['count'] ?? 1) || 0);
    res.json({ ok: true });
  });
  return router;
}
