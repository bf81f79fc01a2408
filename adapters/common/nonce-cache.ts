/**
 * Nonces seen within the skew window. A nonce only needs remembering until its
 * timestamp leaves the window: after that the timestamp check refuses a replay.
 */
export class NonceCache {
  private readonly seen = new Map<string, number>();
  private prunedAt = 0;

  /** Records `key` until `expiresAt` (epoch ms); false when it is already recorded (and not expired). */
  add(key: string, expiresAt: number, now: number): boolean {
    // Pruning walks the whole map: at most once a second keeps a busy simulator linear.
    if (now - this.prunedAt >= 1000) {
      for (const [seenKey, expiry] of this.seen) if (expiry < now) this.seen.delete(seenKey);
      this.prunedAt = now;
    }
    const expiry = this.seen.get(key);
    if (expiry !== undefined && expiry >= now) return false;
    this.seen.set(key, expiresAt);
    return true;
  }

  get size(): number {
    return this.seen.size;
  }
}
