/** Shapes of the 好差评 routes: evaluations (platform) and their follow-ups and pushes (ops). */
import { EVALUATION_CHANNELS, EVALUATION_INDICATORS, EVALUATION_LEVELS, MAX_EVALUATION_COMMENT_LENGTH, RECTIFICATION_STEPS } from '../../../domain/evaluation.js';
import { FOLLOW_UP_STATES } from '../../../evaluations/follow-ups.js';
import { PUSH_STATES } from '../../../evaluations/ops-pushes.js';
import { component } from '../components.js';
import { instant, matterCode, nextCursor, nullableInstant, openObject, themeCode, uuid } from './common.js';

const level = {
  type: 'integer', minimum: 1, maximum: 5,
  description: `GB/T 39734 level: ${Object.entries(EVALUATION_LEVELS).reverse().map(([value, { name }]) => `${value} ${name}`).join(', ')}; 1 and 2 are a 差评`,
} as const;
const indicator = { enum: Object.keys(EVALUATION_INDICATORS), description: `Indicator (评价指标): ${Object.entries(EVALUATION_INDICATORS).map(([code, name]) => `\`${code}\` ${name}`).join(', ')}` } as const;
const channel = { enum: Object.keys(EVALUATION_CHANNELS), description: `Where the applicant rated: ${Object.entries(EVALUATION_CHANNELS).map(([code, name]) => `\`${code}\` ${name}`).join(', ')}` } as const;
export const followUpState = { enum: [...FOLLOW_UP_STATES], description: '`open` 待派单 → `assigned` 已派单 → `rectified` 已整改 → `revisited` 已回访 → `closed` 已办结' } as const;
export const pushState = { enum: [...PUSH_STATES], description: '`pending`, `in_flight`, `delivered`, `dead` (dead letter: replay it)' } as const;

export const evaluationRequest = component('EvaluationRequest', {
  type: 'object', additionalProperties: false, required: ['scope', 'level', 'channel'],
  description: 'One evaluation (一次一评): of one matter once its department decided it, or of the whole 一件事 once every matter is decided; one each (一事一评).',
  properties: {
    scope: { enum: ['matter', 'theme'], description: '`matter` (one matter, named by `matterCode`) or `theme` (the whole 一件事)' },
    matterCode: { ...matterCode, description: 'The matter rated (scope `matter` only)' },
    level,
    indicators: { type: 'array', uniqueItems: true, items: indicator, description: 'What the rating concerns; at least one for a 差评' },
    comment: { type: 'string', maxLength: MAX_EVALUATION_COMMENT_LENGTH },
    channel,
  },
});

export const evaluationExample = { scope: 'matter', matterCode: '000744622000', level: 2, indicators: ['time-limit', 'attitude'], comment: '窗口等待时间过长', channel: 'online' };

export const evaluation = component('Evaluation', openObject({
  id: uuid, scope: { enum: ['matter', 'theme'] }, matterCode: { type: ['string', 'null'] }, serviceCode: { type: 'string', description: 'Matter code or theme code' },
  subApplicationId: { type: ['string', 'null'] }, departmentCode: { type: ['string', 'null'] },
  level, levelName: { type: 'string' }, indicators: { type: 'array', items: indicator }, comment: { type: 'string' }, channel, createdAt: instant,
  push: openObject({ state: pushState, provinceId: { type: ['string', 'null'], description: 'The province\'s 评价编号 once received' }, pushedAt: nullableInstant }, ['state']),
  followUp: {
    type: ['object', 'null'], description: 'The follow-up of a 差评 (整改回访); null for other levels',
    properties: { id: uuid, state: followUpState, stateName: { type: 'string' }, dueAt: nullableInstant, closedAt: nullableInstant },
  },
}, ['id', 'scope', 'serviceCode', 'level', 'indicators', 'channel', 'createdAt', 'push', 'followUp']));

export const evaluationList = component('EvaluationList', openObject({ evaluations: { type: 'array', items: evaluation } }, ['evaluations']));

export const followUp = component('EvaluationFollowUp', openObject({
  id: uuid, evaluationId: uuid, applicationId: uuid, departmentCode: { type: ['string', 'null'] }, scope: { enum: ['matter', 'theme'] }, serviceCode: { type: 'string' },
  matterCode: { type: ['string', 'null'] }, themeCode, level, levelName: { type: 'string' }, indicators: { type: 'array', items: indicator }, comment: { type: 'string' }, channel,
  applicant: openObject({ name: { type: 'string', description: 'Masked (`李*`)' }, idNumber: { type: 'string', description: 'Masked (4 + `**********` + 4)' } }),
  state: followUpState, stateName: { type: 'string' }, assignee: { type: ['string', 'null'] },
  notes: { type: 'array', items: openObject({ state: { type: 'string' }, note: { type: 'string' }, by: { type: 'string' }, at: instant }) },
  dueAt: instant, overdue: { type: 'boolean' }, createdAt: instant, updatedAt: instant, closedAt: nullableInstant,
}, ['id', 'evaluationId', 'applicationId', 'state', 'dueAt']));

export const followUpList = component('EvaluationFollowUpList', openObject({ followUps: { type: 'array', items: followUp }, nextCursor }, ['followUps', 'nextCursor']));

export const followUpTransition = component('EvaluationFollowUpTransition', {
  type: 'object', additionalProperties: false, required: ['to', 'note'],
  properties: {
    to: { enum: [...RECTIFICATION_STEPS], description: 'The next state, in order: assigned → rectified → revisited → closed' },
    assignee: { type: 'string', minLength: 1, maxLength: 50, description: 'Who handles it (a name or a desk); required with `assigned`' },
    note: { type: 'string', minLength: 1, maxLength: 500 },
  },
});

export const evaluationPushList = component('EvaluationPushList', openObject({
  pushes: {
    type: 'array',
    items: openObject({
      id: { type: 'string' }, evaluationId: uuid, applicationId: uuid, serviceCode: { type: 'string' }, provinceId: { type: ['string', 'null'] },
      kind: { enum: ['evaluation', 'rectification'] }, step: { type: ['string', 'null'] }, state: pushState, attempts: { type: 'integer' },
      nextAttemptAt: nullableInstant, lastError: { type: ['string', 'null'] }, deliveredAt: nullableInstant, updatedAt: instant,
    }, ['id', 'evaluationId', 'kind', 'state', 'attempts']),
  },
  nextCursor,
}, ['pushes', 'nextCursor']));

