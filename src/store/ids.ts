/**
 * Row ids for the hot tables: UUID version 7 (RFC 9562 §5.7) — 48 bits of
 * Unix milliseconds, then 74 random bits. Ids made close in time sort close
 * together, so the primary-key and foreign-key indexes of applications,
 * sub-applications and deliveries grow at their right edge: a group commit
 * writes a few index pages instead of one random page per row and index
 * (random v4 keys). The random part still makes ids unguessable (74 bits).
 */
import { randomFillSync } from 'node:crypto';

const POOL_SIZE = 16 * 512;
const pool = Buffer.alloc(POOL_SIZE);
let offset = POOL_SIZE;

/** 10 random bytes from a pool refilled in one call (one system call per 819 ids). */
function randomBytes10(): Buffer {
  if (offset + 10 > POOL_SIZE) {
    randomFillSync(pool);
    offset = 0;
  }
  const bytes = pool.subarray(offset, offset + 10);
  offset += 10;
  return bytes;
}

const HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));

/** A new UUIDv7 string (lower-case, hyphenated). */
export function newId(nowMs: number = Date.now()): string {
  const bytes = Buffer.allocUnsafe(16);
  bytes.writeUIntBE(nowMs, 0, 6);
  randomBytes10().copy(bytes, 6);
  bytes[6] = (bytes[6]! & 0x0f) | 0x70; // version 7
  bytes[8] = (bytes[8]! & 0x3f) | 0x80; // variant 10
  let text = '';
  for (let index = 0; index < 16; index += 1) {
    if (index === 4 || index === 6 || index === 8 || index === 10) text += '-';
    text += HEX[bytes[index]!];
  }
  return text;
}
