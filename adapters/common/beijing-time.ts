/** Epoch ms as ISO 8601 in Beijing time, e.g. `2026-12-07T09:30:00+08:00`: how the provincial systems write times. */
export function beijingTime(epochMs: number): string {
  return `${new Date(epochMs + 8 * 3600_000).toISOString().slice(0, 19)}+08:00`;
}
