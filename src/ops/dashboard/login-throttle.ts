/**
 * Slows password guessing: after `maxPerUser` failed logins for one user
 * name, or `maxPerAddress` from one address, within `windowMs`, further
 * attempts are refused until the window has passed. In memory, per process
 * — enough to make online guessing against scrypt hashes hopeless. The
 * address limit is higher: several people may share one (NAT).
 */
export interface LoginThrottleOptions {
  /** Failures allowed per user name per window. Default 5. */
  maxPerUser?: number;
  /** Failures allowed per address per window. Default 20. */
  maxPerAddress?: number;
  /** Window length (ms). Default 15 minutes. */
  windowMs?: number;
  now?: () => number;
}

export class LoginThrottle {
  private readonly failures = new Map<string, { count: number; since: number }>();
  private readonly windowMs: number;
  private readonly now: () => number;

  constructor(private readonly options: LoginThrottleOptions = {}) {
    this.windowMs = options.windowMs ?? 15 * 60_000;
    this.now = options.now ?? Date.now;
  }

  private keys(user: string, address: string): [string, number][] {
    return [[`user:${user.toLowerCase()}`, this.options.maxPerUser ?? 5], [`address:${address}`, this.options.maxPerAddress ?? 20]];
  }

  /** Seconds until this user, from this address, may try again; 0 when they may now. */
  retryAfterSeconds(user: string, address: string): number {
    const now = this.now();
    let wait = 0;
    for (const [key, max] of this.keys(user, address)) {
      const entry = this.failures.get(key);
      if (!entry) continue;
      if (now - entry.since >= this.windowMs) { this.failures.delete(key); continue; }
      if (entry.count >= max) wait = Math.max(wait, Math.ceil((entry.since + this.windowMs - now) / 1000));
    }
    return wait;
  }

  failed(user: string, address: string): void {
    const now = this.now();
    if (this.failures.size > 10_000) this.prune(now);
    for (const [key] of this.keys(user, address)) {
      const entry = this.failures.get(key);
      if (!entry || now - entry.since >= this.windowMs) this.failures.set(key, { count: 1, since: now });
      else entry.count += 1;
    }
  }

  /** A successful login clears the user's failures (not the address's: one valid account must not reset guessing at others). */
  succeeded(user: string): void {
    this.failures.delete(`user:${user.toLowerCase()}`);
  }

  private prune(now: number): void {
    for (const [key, entry] of this.failures) if (now - entry.since >= this.windowMs) this.failures.delete(key);
  }
}
