/**
 * The simulated province's checks of a pushed evaluation and of a
 * rectification step, with its own tables (not the adapter's). The first
 * failure is answered: 4001 naming the field, 4003 for a level outside 1–5.
 */
import { WIRE_RECTIFICATION_STEPS } from '../evaluation-api.js';

/** The province's indicator table (评价指标), after GB/T 39734-2020 chapter 5 and annex A. */
export const PROVINCE_INDICATORS: Readonly<Record<string, string>> = {
  ZB01: '办事指南是否清晰准确', ZB02: '申请材料是否精简', ZB03: '是否一次办成', ZB04: '是否在承诺时限内办结', ZB05: '工作人员服务态度',
  ZB06: '办事流程是否便捷', ZB07: '网上办事系统是否好用', ZB08: '收费是否合规', ZB09: '办理结果是否符合预期', ZB10: '服务场所环境设施',
};
export const PROVINCE_CHANNELS: ReadonlySet<string> = new Set(['pc', 'app', 'window', 'self-service', 'hotline']);
export const LEVEL_NAMES: Readonly<Record<number, string>> = { 5: '非常满意', 4: '满意', 3: '基本满意', 2: '不满意', 1: '非常不满意' };
export const MAX_COMMENT = 500;

const CHINA_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?\+08:00$/;
const MASKED_NAME = /^[^*\s]?\*+$/u;
const MASKED_ID = /^[0-9A-Z]{4}\*{1,24}[0-9A-Z]{4}$/;

/** A refusal: 4001 with the field, or 4003. */
export type Refusal = { kind: 'field'; field: string; reason: string } | { kind: 'level'; level: number };

const field = (name: string, reason: string): Refusal => ({ kind: 'field', field: name, reason });
const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);
const isText = (value: unknown, min: number, max: number): value is string => typeof value === 'string' && Array.from(value).length >= min && Array.from(value).length <= max;

/** An instant in China time no later than `nowMs` + `skewMs`; the reason otherwise. */
function timeProblem(value: unknown, nowMs: number, skewMs: number): string | undefined {
  if (typeof value !== 'string' || !CHINA_TIME.test(value) || !Number.isFinite(Date.parse(value))) return '须为北京时间 yyyy-MM-ddTHH:mm:ss+08:00';
  if (Date.parse(value) > nowMs + skewMs) return '不能晚于当前时间';
  return undefined;
}

/** Checks a push body; undefined when well formed (the service, department and duplicate checks follow). */
export function checkPush(body: unknown, nowMs: number, skewMs: number): Refusal | undefined {
  if (!isObject(body)) return field('body', '须为 JSON 对象');
  if (typeof body['projectNo'] !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(body['projectNo'])) return field('projectNo', '须为1-64位字母、数字、-或_');
  if (body['scope'] !== 'MATTER' && body['scope'] !== 'THEME') return field('scope', '须为 MATTER 或 THEME');
  if (!isText(body['serviceCode'], 1, 64)) return field('serviceCode', '缺失');
  if (!isText(body['deptCode'], 1, 64)) return field('deptCode', '缺失');
  const applicant = body['applicant'];
  if (!isObject(applicant)) return field('applicant', '缺失');
  if (typeof applicant['name'] !== 'string' || !MASKED_NAME.test(applicant['name'])) return field('applicant.name', '须脱敏(如 张*)');
  if (typeof applicant['idNumber'] !== 'string' || !MASKED_ID.test(applicant['idNumber'])) return field('applicant.idNumber', '须脱敏(前4位+*+后4位)');
  if (applicant['type'] !== 1 && applicant['type'] !== 2) return field('applicant.type', '须为 1(自然人) 或 2(法人)');
  if (typeof body['channel'] !== 'string' || !PROVINCE_CHANNELS.has(body['channel'])) return field('channel', `须为 ${[...PROVINCE_CHANNELS].join('/')}`);
  const level = body['level'];
  if (typeof level !== 'number' || !Number.isInteger(level)) return field('level', '须为整数');
  if (level < 1 || level > 5) return { kind: 'level', level };
  const indicators = body['indicators'];
  if (!Array.isArray(indicators)) return field('indicators', '须为数组');
  const unknown = indicators.findIndex((code, index) => typeof code !== 'string' || !Object.hasOwn(PROVINCE_INDICATORS, code) || indicators.indexOf(code) !== index);
  if (unknown >= 0) return field(`indicators[${unknown}]`, '未知或重复的评价指标');
  if (level <= 2 && indicators.length === 0) return field('indicators', '差评须选择至少一项评价指标');
  if (!isText(body['comment'], 0, MAX_COMMENT)) return field('comment', `须为不超过${MAX_COMMENT}字的文本`);
  const time = timeProblem(body['evaluatedAt'], nowMs, skewMs);
  if (time !== undefined) return field('evaluatedAt', time);
  return undefined;
}

/** Checks a rectification body's fields (the order of steps is checked against the record). */
export function checkRectification(body: unknown, nowMs: number, skewMs: number): Refusal | undefined {
  if (!isObject(body)) return field('body', '须为 JSON 对象');
  if (!(WIRE_RECTIFICATION_STEPS as readonly unknown[]).includes(body['status'])) return field('status', `须为 ${WIRE_RECTIFICATION_STEPS.join('/')}`);
  if (!isText(body['handler'], 1, 50) || body['handler'].trim() === '') return field('handler', '须为1-50字');
  if (!isText(body['note'], 0, MAX_COMMENT)) return field('note', `须为不超过${MAX_COMMENT}字的文本`);
  const time = timeProblem(body['at'], nowMs, skewMs);
  if (time !== undefined) return field('at', time);
  return undefined;
}
