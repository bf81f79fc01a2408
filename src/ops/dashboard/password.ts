/**
 * Ops users' passwords: scrypt hashes in the PHC-like form
 * `scrypt$<N>$<r>$<p>$<salt>$<hash>` (salt and hash base64url), made by
 * `tongban ops hash-password` and kept in `TONGBAN_OPS_USERS`.
 */
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/** Cost parameters of new hashes: N = 2^15, r = 8, p = 1 (≈ 32 MiB, ~100 ms). */
export const SCRYPT_COST = Object.freeze({ N: 32768, r: 8, p: 1 });
const KEY_LENGTH = 32;
const SALT_LENGTH = 16;

/** Shape of a stored hash (checked by the config schema too). */
export const PASSWORD_HASH_PATTERN = '^scrypt\\$\\d{1,7}\\$\\d{1,2}\\$\\d{1,2}\\$[A-Za-z0-9_-]{16,}\\$[A-Za-z0-9_-]{32,}$';

function derive(password: string, salt: Buffer, cost: { N: number; r: number; p: number }, length: number): Promise<Buffer> {
  const options: ScryptOptions = { ...cost, maxmem: 256 * cost.N * cost.r + 1024 * 1024 };
  return new Promise((resolve, reject) => scrypt(password.normalize('NFC'), salt, length, options, (error, key) => (error ? reject(error) : resolve(key))));
}

/** Hashes a password for `TONGBAN_OPS_USERS`. */
export async function hashPassword(password: string, cost: { N: number; r: number; p: number } = SCRYPT_COST): Promise<string> {
  if (password.length < 8) throw new Error('an ops password must have at least 8 characters');
  const salt = randomBytes(SALT_LENGTH);
  const key = await derive(password, salt, cost, KEY_LENGTH);
  return ['scrypt', cost.N, cost.r, cost.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/** Parsed cost and material of a stored hash, or undefined when it is not one. */
function parse(stored: string): { cost: { N: number; r: number; p: number }; salt: Buffer; key: Buffer } | undefined {
  if (!new RegExp(PASSWORD_HASH_PATTERN).test(stored)) return undefined;
  const [, n, r, p, salt, key] = stored.split('$');
  const cost = { N: Number(n), r: Number(r), p: Number(p) };
  // N must be a power of two above 1; refuse absurd costs rather than hang the login.
  if (cost.N < 2 || (cost.N & (cost.N - 1)) !== 0 || cost.N > 1 << 20 || cost.r < 1 || cost.p < 1 || cost.r * cost.p > 64) return undefined;
  return { cost, salt: Buffer.from(salt!, 'base64url'), key: Buffer.from(key!, 'base64url') };
}

/** Whether `stored` is a usable hash. */
export function isPasswordHash(stored: string): boolean {
  return parse(stored) !== undefined;
}

let dummy: Promise<string> | undefined;

/**
 * Checks a password against a stored hash in constant time. With no stored
 * hash (unknown user) a dummy hash is checked anyway, so the answer takes as
 * long as for a known user and does not reveal which users exist.
 */
export async function verifyPassword(password: string, stored: string | undefined): Promise<boolean> {
  const parsed = stored === undefined ? undefined : parse(stored);
  if (!parsed) {
    dummy ??= hashPassword('tongban-no-such-user');
    const fallback = parse(await dummy)!;
    await derive(password, fallback.salt, fallback.cost, fallback.key.length);
    return false;
  }
  const key = await derive(password, parsed.salt, parsed.cost, parsed.key.length);
  return key.length === parsed.key.length && timingSafeEqual(key, parsed.key);
}
