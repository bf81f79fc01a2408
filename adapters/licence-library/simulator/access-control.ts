/**
 * Accounts and access tokens of the simulated library. A token is asked for
 * with `{accessId, data: {timestamp, sign}}`, sign = hex HMAC-SHA256(secret,
 * accessId + timestamp), timestamp within ±300 s; it lives `tokenTtlSeconds`.
 * An account may be limited to some licence types (status 100 otherwise).
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export interface SimulatorAccount {
  accessId: string;
  accessSecret: string;
  /** Licence type codes this account may read; absent = all. */
  licenceTypes?: readonly string[];
}

/** The development account the sandbox and tests use unless told otherwise. */
export const DEFAULT_ACCOUNT: SimulatorAccount = { accessId: 'tongban-dev', accessSecret: 'tongban-dev-licence-secret' };

const ALLOWED_SKEW_MS = 300_000;

export type TokenCheck = { ok: true; account: SimulatorAccount } | { ok: false; expired: boolean };

export class AccessControl {
  private readonly accounts: Map<string, SimulatorAccount>;
  private readonly tokens = new Map<string, { accessId: string; expiresAt: number }>();

  constructor(accounts: readonly SimulatorAccount[], private readonly ttlMs: number, private readonly clock: () => number) {
    this.accounts = new Map(accounts.map((account) => [account.accessId, account]));
  }

  /** Issues a token, or says why not (all reasons are status 11 on the wire). */
  issue(accessId: unknown, timestamp: unknown, sign: unknown): { accessToken: string; expiresIn: number } | { refused: string } {
    const account = typeof accessId === 'string' ? this.accounts.get(accessId) : undefined;
    if (!account) return { refused: 'accessId不存在' };
    if (typeof timestamp !== 'string' || !/^\d{10,16}$/.test(timestamp) || Math.abs(Number(timestamp) - this.clock()) > ALLOWED_SKEW_MS) {
      return { refused: 'timestamp无效或超出允许范围' };
    }
    const expected = createHmac('sha256', account.accessSecret).update(account.accessId + timestamp).digest();
    const given = typeof sign === 'string' && /^[0-9a-f]{64}$/i.test(sign) ? Buffer.from(sign, 'hex') : Buffer.alloc(0);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { refused: '签名校验失败' };
    const accessToken = randomBytes(24).toString('hex');
    this.tokens.set(accessToken, { accessId: account.accessId, expiresAt: this.clock() + this.ttlMs });
    return { accessToken, expiresIn: Math.round(this.ttlMs / 1000) };
  }

  check(accessId: unknown, accessToken: unknown): TokenCheck {
    const entry = typeof accessToken === 'string' ? this.tokens.get(accessToken) : undefined;
    if (!entry || entry.accessId !== accessId) return { ok: false, expired: false };
    if (this.clock() >= entry.expiresAt) return { ok: false, expired: true };
    return { ok: true, account: this.accounts.get(entry.accessId)! };
  }

  /** Every token issued so far is expired (tests of the refresh path without waiting). */
  expireAll(): void {
    for (const entry of this.tokens.values()) entry.expiresAt = Number.NEGATIVE_INFINITY;
  }

  /** Forgets every token, as a library restart does (answers 11, not 12). */
  forgetAll(): void {
    this.tokens.clear();
  }
}

export function mayRead(account: SimulatorAccount, typeCode: string): boolean {
  return account.licenceTypes === undefined || account.licenceTypes.includes(typeCode);
}
