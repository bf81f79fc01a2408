/** Schemas of the business statistics (docs/ops.md "Statistics"). */
import { component } from '../components.js';
import { openObject } from './common.js';

const count = { type: 'integer', minimum: 0 } as const;
const share = { type: ['number', 'null'], minimum: 0, maximum: 1, description: 'A share 0–1 (4 decimals); null when there is nothing to divide by' } as const;
const mean = { type: ['number', 'null'], minimum: 0, description: 'A mean (2 decimals); null when there is nothing to average' } as const;

export const statisticsRow = component('StatisticsRow', openObject({
  code: { type: 'string', description: 'Theme or department code; `*` in the totals row' },
  name: { type: ['string', 'null'], description: 'From the stored catalogue (themes) or the department registry; 合计 for the totals' },
  applications: { ...count, description: 'Applications received (theme); distinct applications with a sub-application of the department received (department)' },
  subApplications: { ...count, description: 'Sub-applications received' },
  completed: { ...count, description: 'Sub-applications completed (办结) in the period' },
  rejected: { ...count, description: 'Sub-applications rejected (不予受理/不予许可) in the period' },
  supplementRequested: { ...count, description: 'Sub-applications given a 补正 request in the period' },
  onTime: { ...count, description: 'Completed on or before their due date (China day)' },
  overdue: { ...count, description: 'Completed after their due date' },
  deadlineUnknown: { ...count, description: 'Completed whose due date the calendar could not compute' },
  onTimeRate: { ...share, description: 'onTime / (onTime + overdue)' },
  meanWorkingDays: { ...mean, description: 'Working days from acceptance to completion, 补正 pauses excluded' },
  materials: openObject({ total: count, withoutUpload: count, share }, ['total', 'withoutUpload', 'share'], 'Materials handed in at submission; withoutUpload: by licence, generated, a prerequisite\'s result or commitment'),
  autoFillRatio: { ...share, description: 'Mean share of the form filled from verified licences at intake' },
  satisfaction: openObject({
    count,
    levels: openObject({ 1: count, 2: count, 3: count, 4: count, 5: count }, ['1', '2', '3', '4', '5'], 'Evaluations per level, 1 非常不满意 … 5 非常满意'),
    mean: { ...mean, maximum: 5 },
    satisfiedShare: { ...share, description: 'Levels 3–5 (not 差评) / count' },
  }, ['count', 'levels', 'mean', 'satisfiedShare']),
  catalogue: openObject({ matters: count, guided: count, online: count, guideRate: { ...share, description: '可导办率' }, onlineRate: { ...share, description: '可网办率' } },
    ['matters', 'guided', 'online', 'guideRate', 'onlineRate'], 'Catalogue matters, those with a guide (可导办) and those that can be done wholly online (可网办)'),
}, ['code', 'name', 'applications', 'subApplications', 'completed', 'rejected', 'supplementRequested', 'onTime', 'overdue', 'deadlineUnknown', 'onTimeRate',
  'meanWorkingDays', 'materials', 'autoFillRatio', 'satisfaction', 'catalogue']));

export const statisticsAnswer = component('Statistics', openObject({
  from: { type: 'string', format: 'date-time', description: 'Start of the period (inclusive), China time' },
  to: { type: 'string', format: 'date-time', description: 'End of the period (exclusive), China time' },
  groupBy: { enum: ['theme', 'department'] },
  generatedAt: { type: 'string', format: 'date-time' },
  rows: { type: 'array', items: statisticsRow },
  totals: statisticsRow,
}, ['from', 'to', 'groupBy', 'generatedAt', 'rows', 'totals']));
