/** How values read on the dashboard: China time, Chinese labels, masked holder codes. */
import { redactText } from '../../log/redact.js';

const CHINA_OFFSET_MS = 8 * 3600_000;

/** `2026-11-10 14:03:22` in China time (UTC+8), or `—`. */
export function chinaTime(instant: string | number | null | undefined): string {
  if (instant === null || instant === undefined) return '—';
  const ms = typeof instant === 'number' ? instant : Date.parse(instant);
  if (Number.isNaN(ms)) return String(instant);
  return new Date(ms + CHINA_OFFSET_MS).toISOString().slice(0, 19).replace('T', ' ');
}

/** `14:03` in China time (chart axis). */
export function chinaClock(ms: number): string {
  return new Date(ms + CHINA_OFFSET_MS).toISOString().slice(11, 16);
}

/** Delivery states, in queue order, with their labels. */
export const STATE_LABELS: Readonly<Record<string, string>> = Object.freeze({
  waiting: '等待前置 Waiting',
  pending: '待投递 Pending',
  in_flight: '投递中 In flight',
  delivered: '已投递 Delivered',
  dead: '死信 Dead',
  cancelled: '已取消 Cancelled',
});

export const OUTCOME_LABELS: Readonly<Record<string, string>> = Object.freeze({
  delivered: '成功 delivered',
  retry: '失败待重试 retry',
  dead: '失败转死信 dead',
  deferred: '推迟 deferred',
  used: '已使用 used',
  'refused-invalid': '校验未通过 refused',
});

export const CIRCUIT_LABELS: Readonly<Record<string, string>> = Object.freeze({
  closed: '闭合 closed',
  open: '断开 open',
  halfOpen: '半开 half-open',
});

export const SYNC_STATUS_LABELS: Readonly<Record<string, string>> = Object.freeze({
  running: '进行中 running',
  succeeded: '成功 succeeded',
  failed: '失败 failed',
});

export function label(labels: Readonly<Record<string, string>>, value: string | null | undefined): string {
  if (value === null || value === undefined) return '—';
  return labels[value] ?? value;
}

/**
 * A holder code as shown outside its own search result: ID numbers and
 * credit codes masked the way the logs mask them; anything else keeps only
 * its first and last two characters.
 */
export function maskHolderCode(code: string): string {
  const masked = redactText(code);
  if (masked !== code) return masked;
  const chars = Array.from(code);
  if (chars.length <= 4) return '*'.repeat(chars.length);
  return `${chars.slice(0, 2).join('')}${'*'.repeat(chars.length - 4)}${chars.slice(-2).join('')}`;
}

/** Text shortened to `max` characters (the full text goes in a title attribute). */
export function shorten(text: string | null | undefined, max = 120): string {
  if (!text) return '';
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}
