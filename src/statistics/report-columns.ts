/** The monthly report's columns, shared by the CSV and the XLSX (one row per theme or department, then the totals). */
import type { StatisticsRow } from './compute-statistics.js';

export interface ReportColumn {
  /** Chinese, then English. */
  readonly header: string;
  /** `ratio`: a share 0–1 (a percentage in the XLSX); `decimal`: a mean. */
  readonly kind: 'text' | 'count' | 'ratio' | 'decimal';
  readonly value: (row: StatisticsRow) => string | number | null;
}

export const REPORT_COLUMNS: readonly ReportColumn[] = [
  { header: '代码 Code', kind: 'text', value: (row) => row.code },
  { header: '名称 Name', kind: 'text', value: (row) => row.name },
  { header: '申请数 Applications', kind: 'count', value: (row) => row.applications },
  { header: '子件数 Sub-applications', kind: 'count', value: (row) => row.subApplications },
  { header: '办结 Completed', kind: 'count', value: (row) => row.completed },
  { header: '不予受理/不予许可 Rejected', kind: 'count', value: (row) => row.rejected },
  { header: '补正 Supplement requested', kind: 'count', value: (row) => row.supplementRequested },
  { header: '按时办结 On time', kind: 'count', value: (row) => row.onTime },
  { header: '逾期办结 Overdue', kind: 'count', value: (row) => row.overdue },
  { header: '期限不明 Deadline unknown', kind: 'count', value: (row) => row.deadlineUnknown },
  { header: '按时办结率 On-time rate', kind: 'ratio', value: (row) => row.onTimeRate },
  { header: '平均办结工作日 Mean working days', kind: 'decimal', value: (row) => row.meanWorkingDays },
  { header: '材料数 Materials', kind: 'count', value: (row) => row.materials.total },
  { header: '免提交材料 Without upload', kind: 'count', value: (row) => row.materials.withoutUpload },
  { header: '免提交率 Without-upload share', kind: 'ratio', value: (row) => row.materials.share },
  { header: '自动填充率 Auto-fill ratio', kind: 'ratio', value: (row) => row.autoFillRatio },
  { header: '评价数 Evaluations', kind: 'count', value: (row) => row.satisfaction.count },
  { header: '非常满意 (5)', kind: 'count', value: (row) => row.satisfaction.levels[5] },
  { header: '满意 (4)', kind: 'count', value: (row) => row.satisfaction.levels[4] },
  { header: '基本满意 (3)', kind: 'count', value: (row) => row.satisfaction.levels[3] },
  { header: '不满意 (2)', kind: 'count', value: (row) => row.satisfaction.levels[2] },
  { header: '非常不满意 (1)', kind: 'count', value: (row) => row.satisfaction.levels[1] },
  { header: '平均评分 Mean level', kind: 'decimal', value: (row) => row.satisfaction.mean },
  { header: '满意率 Satisfied share', kind: 'ratio', value: (row) => row.satisfaction.satisfiedShare },
  { header: '事项数 Matters', kind: 'count', value: (row) => row.catalogue.matters },
  { header: '可导办 Guided', kind: 'count', value: (row) => row.catalogue.guided },
  { header: '可导办率 Guide rate', kind: 'ratio', value: (row) => row.catalogue.guideRate },
  { header: '可网办 Online', kind: 'count', value: (row) => row.catalogue.online },
  { header: '可网办率 Online rate', kind: 'ratio', value: (row) => row.catalogue.onlineRate },
];

/** The sheets / sections of the report: grouping, and its title. */
export const REPORT_GROUPINGS = [
  { by: 'theme', title: '按主题 By theme' },
  { by: 'department', title: '按部门 By department' },
] as const;
