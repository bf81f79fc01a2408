/** The Beijing calendar date (`YYYY-MM-DD`, UTC+8, no daylight saving) of an instant: the payment platform's day. */
export function beijingDate(epochMs: number): string {
  return new Date(epochMs + 8 * 3600_000).toISOString().slice(0, 10);
}
