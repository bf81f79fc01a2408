/** How values read on the dashboard: China time, Chinese labels with their codes, short ids, masked holder codes. */
import { LICENCE_TYPES } from '../../domain/licence-library.js';
import { redactText } from '../../log/redact.js';
import { html, type SafeHtml } from './html.js';

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
  awaiting_payment: '待缴费 Awaiting payment',
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

/** Department channels (rest | soap | inbox). */
export const CHANNEL_LABELS: Readonly<Record<string, string>> = Object.freeze({
  rest: '接口推送 REST',
  soap: '接口推送 SOAP',
  inbox: '前置机拉取 pull inbox',
});

/** Sub-application statuses (sub_applications.status). */
export const SUB_APPLICATION_STATUS_LABELS: Readonly<Record<string, string>> = Object.freeze({
  waiting: '等待前置 waiting',
  queued: '排队 queued',
  delivered: '已送达 delivered',
  accepted: '已受理 accepted',
  rejected: '不予受理 rejected',
  completed: '已办结 completed',
  failed: '投递失败 failed',
});

/** What was done with a licence (licence_uses.action). */
export const LICENCE_ACTION_LABELS: Readonly<Record<string, string>> = Object.freeze({
  query: '查询 query',
  file: '调取文件 file',
  verify: '核验 verify',
});

export const SYNC_KIND_LABELS: Readonly<Record<string, string>> = Object.freeze({
  full: '全量 full',
  incremental: '增量 incremental',
});

/** Sync triggers; `ops:<user>` and `cli:<user>` are shown as they are. */
export const SYNC_TRIGGER_LABELS: Readonly<Record<string, string>> = Object.freeze({
  startup: '启动 startup',
  schedule: '定时 schedule',
});

export function label(labels: Readonly<Record<string, string>>, value: string | null | undefined): string {
  if (value === null || value === undefined) return '—';
  return labels[value] ?? value;
}

/** A label with the raw code in its title (for ops who grep logs or the database by it). */
export function coded(labels: Readonly<Record<string, string>>, value: string | null | undefined): SafeHtml {
  if (value === null || value === undefined) return html`—`;
  return html`<span class="coded" title="${value}">${labels[value] ?? value}</span>`;
}

/** A licence type's Chinese name (营业执照) for its key (`businessLicence`); an unknown key as it is. */
export function licenceTypeName(key: string): string {
  return Object.hasOwn(LICENCE_TYPES, key) ? LICENCE_TYPES[key as keyof typeof LICENCE_TYPES].name : key;
}

/** A licence type as a Chinese page shows it: the name, the key in small print. */
export function licenceType(key: string): SafeHtml {
  const name = licenceTypeName(key);
  return name === key ? html`<code>${key}</code>` : html`${name} <small class="code">${key}</small>`;
}

/** How many trailing characters of an id the dashboard shows: the last group of a UUID. */
export const SHORT_ID_LENGTH = 12;

/**
 * The short form of an id: its last 12 characters. Tongban's ids are UUIDv7,
 * whose first digits are the time (the same on every row made in the same
 * minutes) and whose last 12 hex digits are random, so these differ from row
 * to row. The ops search takes this form too.
 */
export function shortId(id: string): string {
  return id.length > SHORT_ID_LENGTH ? id.slice(-SHORT_ID_LENGTH) : id;
}

/** An id in its short form, the full id in its title (hover; the detail page shows it whole). */
export function idCode(id: string): SafeHtml {
  return html`<code class="id" title="${id}">${shortId(id)}</code>`;
}

/** 18 characters of the credit-code alphabet. */
const CREDIT_CODE_SHAPE = /^[0-9A-HJ-NP-RTUW-Y]{18}$/;

/**
 * A holder code as shown outside its own search result: ID numbers masked the
 * way the logs mask them, credit codes (which logs leave readable: they are
 * public registration data) as `9135**********0Y43` all the same, since here
 * they are the key to someone's licence uses; anything else keeps only its
 * first and last two characters.
 */
export function maskHolderCode(code: string): string {
  const masked = redactText(code);
  if (masked !== code) return masked;
  if (CREDIT_CODE_SHAPE.test(code)) return `${code.slice(0, 4)}${'*'.repeat(10)}${code.slice(14)}`;
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
