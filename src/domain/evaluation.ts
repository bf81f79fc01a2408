/**
 * 好差评: the applicant's rating of a service, in Tongban's own terms, as the
 * national "互联网+政务服务" scheme and GB/T 39734-2020 (政务服务"一次一评"
 * "一事一评"工作规范) define it, and the provincial 好差评 system that records it.
 *
 * Glossary:
 * - evaluation 评价 — one rating of one service by its applicant: a level, the
 *   indicators it concerns, free text. 一次一评: one per service rendered;
 *   一事一评: one per matter, and one for the whole 一件事.
 * - evaluation scope 评价对象 — a `matter` (事项, by its basic code) or the whole
 *   `theme` (一件事, by its theme code).
 * - level 评价等级 — five levels, 5 非常满意 … 1 非常不满意.
 * - poor evaluation 差评 — level 2 不满意 or 1 非常不满意; it must name what went
 *   wrong (at least one indicator) and opens a follow-up.
 * - indicator 评价指标 — an aspect of the service the rating concerns (办事指南,
 *   材料, 一次办成, 时限, 态度 …), from {@link EVALUATION_INDICATORS}.
 * - channel 评价渠道 — where the applicant rated: 网上 (PC), 移动端, 窗口, 自助终端, 12345 热线.
 * - application number 办件编号 — the number the province knows the application by.
 * - rectification 整改 — the follow-up of a poor evaluation: assigned 已派单,
 *   rectified 已整改, revisited 已回访 (the applicant re-contacted), closed 已办结,
 *   in that order.
 */
import type { SubjectType } from './matter-catalog.js';

/** Evaluation level 评价等级: 5 is best. */
export type EvaluationLevel = 1 | 2 | 3 | 4 | 5;

/** The GB/T 39734 names of the levels. */
export const EVALUATION_LEVELS: Readonly<Record<EvaluationLevel, { readonly name: string; readonly poor: boolean }>> = Object.freeze({
  5: { name: '非常满意', poor: false },
  4: { name: '满意', poor: false },
  3: { name: '基本满意', poor: false },
  2: { name: '不满意', poor: true },
  1: { name: '非常不满意', poor: true },
});

/** 差评: level 2 不满意 or 1 非常不满意. */
export function isPoorEvaluation(level: EvaluationLevel): boolean {
  return EVALUATION_LEVELS[level].poor;
}

export function isEvaluationLevel(value: unknown): value is EvaluationLevel {
  return value === 1 || value === 2 || value === 3 || value === 4 || value === 5;
}

/** What is rated: one matter (事项) or the whole theme (一件事). */
export type EvaluationScope = 'matter' | 'theme';

/** Where the applicant rated (评价渠道). */
export type EvaluationChannel = 'online' | 'mobile' | 'window' | 'self-service' | 'hotline';

export const EVALUATION_CHANNELS: Readonly<Record<EvaluationChannel, string>> = Object.freeze({
  online: '网上办事大厅(PC端)',
  mobile: '移动端',
  window: '窗口',
  'self-service': '自助终端',
  hotline: '12345热线',
});

/** An aspect of the service a rating concerns (评价指标). */
export type EvaluationIndicator =
  | 'guide' | 'materials' | 'done-at-once' | 'time-limit' | 'attitude'
  | 'procedure' | 'online-service' | 'fees' | 'result' | 'environment';

/**
 * The indicators, after the evaluation content of GB/T 39734-2020 (chapter 5
 * and annex A, the 差评 content): the service's guide, materials, trips,
 * time, staff, process, platform, charges, outcome and premises. The names
 * are the questions the applicant answers.
 */
export const EVALUATION_INDICATORS: Readonly<Record<EvaluationIndicator, string>> = Object.freeze({
  guide: '办事指南是否清晰准确',
  materials: '申请材料是否精简',
  'done-at-once': '是否一次办成',
  'time-limit': '是否在承诺时限内办结',
  attitude: '工作人员服务态度',
  procedure: '办事流程是否便捷',
  'online-service': '网上办事系统是否好用',
  fees: '收费是否合规',
  result: '办理结果是否符合预期',
  environment: '服务场所环境设施',
});

export function isEvaluationIndicator(value: unknown): value is EvaluationIndicator {
  return typeof value === 'string' && Object.hasOwn(EVALUATION_INDICATORS, value);
}

/** The longest free-text comment (characters). */
export const MAX_EVALUATION_COMMENT_LENGTH = 500;

/** The applicant who rates: a person (自然人, 居民身份证号) or an organisation (法人, 统一社会信用代码). */
export interface EvaluationApplicant {
  /** Full name; masked (`张*`) before it leaves Tongban. */
  readonly name: string;
  /** 居民身份证号 or 统一社会信用代码; masked (`4414**********1234`) before it leaves Tongban. */
  readonly idNumber: string;
  readonly type: SubjectType;
}

/** One evaluation as Tongban pushes it to the provincial 好差评 system. */
export interface Evaluation {
  /** 办件编号. */
  readonly applicationNumber: string;
  readonly scope: EvaluationScope;
  /** The matter's basic code (scope `matter`) or the theme code (scope `theme`). */
  readonly serviceCode: string;
  /** Tongban department code (mappings/departments.json): the matter's department, or the theme's lead department. */
  readonly departmentCode: string;
  readonly applicant: EvaluationApplicant;
  readonly channel: EvaluationChannel;
  readonly level: EvaluationLevel;
  /** Indicators the rating concerns; at least one for a poor evaluation. */
  readonly indicators: readonly EvaluationIndicator[];
  /** At most {@link MAX_EVALUATION_COMMENT_LENGTH} characters; may be empty. */
  readonly comment: string;
  /** ISO 8601 instant. */
  readonly evaluatedAt: string;
}

/** Follow-up steps of a poor evaluation, in their only order. */
export type RectificationStatus = 'assigned' | 'rectified' | 'revisited' | 'closed';

export const RECTIFICATION_STEPS: readonly RectificationStatus[] = Object.freeze(['assigned', 'rectified', 'revisited', 'closed']);

export const RECTIFICATION_STATUS_NAMES: Readonly<Record<RectificationStatus, string>> = Object.freeze({
  assigned: '已派单', rectified: '已整改', revisited: '已回访', closed: '已办结',
});

/** One follow-up step as recorded on the provincial system. */
export interface RectificationStep {
  readonly status: RectificationStatus;
  /** Who handled the step (a name or a desk), as the department gives it. */
  readonly handler: string;
  readonly note: string;
  /** ISO 8601 instant the step happened. */
  readonly at: string;
}

/** The province's receipt of a pushed evaluation. */
export interface EvaluationReceipt {
  /** The province's identifier of the evaluation (评价编号). */
  readonly evaluationId: string;
  /** ISO 8601 instant the province first received it. */
  readonly receivedAt: string;
  /** True when the province already had this very evaluation (a repeated push). */
  readonly duplicate: boolean;
}

/** An evaluation as the province holds it (applicant masked). */
export interface RecordedEvaluation extends Omit<Evaluation, 'applicant'> {
  readonly evaluationId: string;
  readonly receivedAt: string;
  readonly applicant: { readonly maskedName: string; readonly maskedIdNumber: string; readonly type: SubjectType };
  /** Steps recorded so far, oldest first (empty unless poor). */
  readonly rectifications: readonly (RectificationStep & { readonly recordedAt: string })[];
}

/** The provincial 好差评 system, as the gateway uses it. Failures are `UpstreamError`s (system `evaluation`). */
export interface EvaluationSystem {
  /** Pushes one evaluation. A repeat of the same evaluation is answered with the first one's receipt (`duplicate: true`). */
  push(evaluation: Evaluation): Promise<EvaluationReceipt>;
  /** One evaluation by the province's id; undefined when the province has none. */
  get(evaluationId: string): Promise<RecordedEvaluation | undefined>;
  /** Every evaluation of one application (办件编号), in the order received. */
  listByProject(applicationNumber: string): Promise<RecordedEvaluation[]>;
  /** Records the next follow-up step of a poor evaluation; a repeat of the last recorded step is answered as a success. */
  recordRectification(evaluationId: string, step: RectificationStep): Promise<RecordedEvaluation>;
}
