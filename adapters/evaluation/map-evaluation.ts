/**
 * Tongban evaluation ↔ the 好差评 system's wire form: translation tables
 * (explicit defaults for what the province may add), applicant masking, and
 * China-time formatting. The simulator keeps its own tables of valid codes,
 * so a mistake here shows up in the contract tests.
 */
import type { SubjectType } from '../../src/domain/matter-catalog.js';
import type {
  Evaluation, EvaluationChannel, EvaluationIndicator, EvaluationScope, RecordedEvaluation, RectificationStatus, RectificationStep,
} from '../../src/domain/evaluation.js';
import type { WireEvaluation, WirePushRequest, WireRectificationRequest, WireRectificationStatus, WireScope } from './evaluation-api.js';

export const SCOPES: Readonly<Record<EvaluationScope, WireScope>> = { matter: 'MATTER', theme: 'THEME' };
const SCOPES_BACK: Readonly<Record<WireScope, EvaluationScope>> = { MATTER: 'matter', THEME: 'theme' };

export const CHANNELS: Readonly<Record<EvaluationChannel, string>> = {
  online: 'pc', mobile: 'app', window: 'window', 'self-service': 'self-service', hotline: 'hotline',
};
const CHANNELS_BACK: Readonly<Record<string, EvaluationChannel>> = Object.fromEntries(Object.entries(CHANNELS).map(([domain, wire]) => [wire, domain as EvaluationChannel]));
/** Channels the province has beyond ours (二维码, 短信) are ratings made online by another path. */
export const DEFAULT_CHANNEL: EvaluationChannel = 'online';

/** Indicator codes (评价指标编码) of the province's table. */
export const INDICATORS: Readonly<Record<EvaluationIndicator, string>> = {
  guide: 'ZB01', materials: 'ZB02', 'done-at-once': 'ZB03', 'time-limit': 'ZB04', attitude: 'ZB05',
  procedure: 'ZB06', 'online-service': 'ZB07', fees: 'ZB08', result: 'ZB09', environment: 'ZB10',
};
const INDICATORS_BACK: Readonly<Record<string, EvaluationIndicator>> = Object.fromEntries(Object.entries(INDICATORS).map(([domain, wire]) => [wire, domain as EvaluationIndicator]));
/** An indicator the province added after this table is dropped when read back: the level and the comment still stand. */
export const DEFAULT_INDICATOR = undefined;

export const APPLICANT_TYPES: Readonly<Record<SubjectType, number>> = { personal: 1, enterprise: 2 };
/** Unknown applicant types read as a person: the province's own default (自然人). */
export const DEFAULT_APPLICANT_TYPE: SubjectType = 'personal';

export const RECTIFICATION_STATUSES: Readonly<Record<RectificationStatus, WireRectificationStatus>> = {
  assigned: 'ASSIGNED', rectified: 'RECTIFIED', revisited: 'REVISITED', closed: 'CLOSED',
};
const RECTIFICATION_BACK: Readonly<Record<WireRectificationStatus, RectificationStatus>> = {
  ASSIGNED: 'assigned', RECTIFIED: 'rectified', REVISITED: 'revisited', CLOSED: 'closed',
};

/** `张三` → `张*`, `欧阳娜娜` → `欧***`; a one-character name is `*`. Idempotent. */
export function maskName(name: string): string {
  const chars = Array.from(name.trim());
  return chars.length <= 1 ? '*' : chars[0] + '*'.repeat(chars.length - 1);
}

/** First four and last four characters kept, every other one `*` (18 characters: 4 + 10 `*` + 4). Idempotent. */
export function maskIdNumber(idNumber: string): string {
  const chars = Array.from(idNumber.trim().toUpperCase());
  if (chars.length <= 8) return '*'.repeat(chars.length);
  return chars.slice(0, 4).join('') + '*'.repeat(chars.length - 8) + chars.slice(-4).join('');
}

/** An instant as `YYYY-MM-DDTHH:mm:ss+08:00` (China time, whole seconds). @throws RangeError when it is not a time. */
export function toChinaTime(instant: string | number | Date): string {
  const ms = instant instanceof Date ? instant.getTime() : typeof instant === 'number' ? instant : Date.parse(instant);
  if (!Number.isFinite(ms)) throw new RangeError(`not a time: "${String(instant)}"`);
  return `${new Date(ms + 8 * 3600_000).toISOString().slice(0, 19)}+08:00`;
}

/** A wire time back to an ISO 8601 UTC instant. */
export function fromChinaTime(text: string): string {
  return new Date(Date.parse(text)).toISOString();
}

/** The push body: codes translated, applicant masked, time in China time. */
export function toWirePush(evaluation: Evaluation): WirePushRequest {
  return {
    projectNo: evaluation.applicationNumber,
    serviceCode: evaluation.serviceCode,
    scope: SCOPES[evaluation.scope],
    deptCode: evaluation.departmentCode,
    applicant: { name: maskName(evaluation.applicant.name), idNumber: maskIdNumber(evaluation.applicant.idNumber), type: APPLICANT_TYPES[evaluation.applicant.type] },
    channel: CHANNELS[evaluation.channel],
    level: evaluation.level,
    indicators: evaluation.indicators.map((indicator) => INDICATORS[indicator]),
    comment: evaluation.comment,
    evaluatedAt: toChinaTime(evaluation.evaluatedAt),
  };
}

export function toWireRectification(step: RectificationStep): WireRectificationRequest {
  return { status: RECTIFICATION_STATUSES[step.status], handler: step.handler, note: step.note, at: toChinaTime(step.at) };
}

/**
 * Whether a recorded evaluation is the one we pushed: same fields, indicators
 * in any order, times compared as instants. Decides whether a duplicate
 * (4091) is our own earlier push (a retry) or a different rating.
 */
export function samePush(sent: WirePushRequest, recorded: WirePushRequest): boolean {
  const indicators = (list: readonly string[]) => [...new Set(list)].sort().join(',');
  return sent.projectNo === recorded.projectNo && sent.serviceCode === recorded.serviceCode && sent.scope === recorded.scope
    && sent.deptCode === recorded.deptCode && sent.applicant.name === recorded.applicant.name
    && sent.applicant.idNumber === recorded.applicant.idNumber && sent.applicant.type === recorded.applicant.type
    && sent.channel === recorded.channel && sent.level === recorded.level && indicators(sent.indicators) === indicators(recorded.indicators)
    && sent.comment === recorded.comment && Date.parse(sent.evaluatedAt) === Date.parse(recorded.evaluatedAt);
}

/** Whether a recorded step is the one we sent (a retried post). */
export function sameStep(sent: WireRectificationRequest, recorded: WireRectificationRequest): boolean {
  return sent.status === recorded.status && sent.handler === recorded.handler && sent.note === recorded.note && Date.parse(sent.at) === Date.parse(recorded.at);
}

/** A validated wire record in Tongban's terms. */
export function fromWireEvaluation(wire: WireEvaluation): RecordedEvaluation {
  const type = Object.entries(APPLICANT_TYPES).find(([, code]) => code === wire.applicant.type)?.[0] as SubjectType | undefined;
  return {
    evaluationId: wire.evaluationId,
    receivedAt: fromChinaTime(wire.receivedAt),
    applicationNumber: wire.projectNo,
    scope: SCOPES_BACK[wire.scope],
    serviceCode: wire.serviceCode,
    departmentCode: wire.deptCode,
    applicant: { maskedName: wire.applicant.name, maskedIdNumber: wire.applicant.idNumber, type: type ?? DEFAULT_APPLICANT_TYPE },
    channel: Object.hasOwn(CHANNELS_BACK, wire.channel) ? CHANNELS_BACK[wire.channel]! : DEFAULT_CHANNEL,
    level: wire.level as RecordedEvaluation['level'],
    indicators: wire.indicators.flatMap((code) => {
      const indicator = Object.hasOwn(INDICATORS_BACK, code) ? INDICATORS_BACK[code] : DEFAULT_INDICATOR;
      return indicator === undefined ? [] : [indicator];
    }),
    comment: wire.comment,
    evaluatedAt: fromChinaTime(wire.evaluatedAt),
    rectifications: wire.rectifications.map((step) => ({
      status: RECTIFICATION_BACK[step.status], handler: step.handler, note: step.note, at: fromChinaTime(step.at), recordedAt: fromChinaTime(step.recordedAt),
    })),
  };
}
