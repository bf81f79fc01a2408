/**
 * Business statistics (办件统计) of a period, per theme and per department,
 * each with a totals row. Every figure is defined in docs/ops.md
 * ("Statistics"); in short:
 *
 * - counts are of what happened in `[from, to)`: applications and
 *   sub-applications received (made), sub-applications completed or rejected
 *   (the department's decision time), sub-applications given a 补正 request;
 * - on time / overdue: completed sub-applications whose completion day
 *   (China) is on or before / after their due date (working days from
 *   acceptance, pushed out by 补正 pauses); `deadlineUnknown` when the
 *   calendar could not compute it;
 * - means and shares are over the items, never means of means, and null when
 *   there is nothing to divide by;
 * - 可导办 / 可网办 come from the catalogue and the mappings (online-readiness.ts).
 */
import { chinaDate, workingDaysBetween } from '../cases/working-days.js';
import type { Mappings } from '../forms/mappings/types.js';
import type { Queryable } from '../store/index.js';
import { readCatalogView, themeGuides } from './online-readiness.js';
import { chinaIso, type Period } from './period.js';
import { readPeriodRows, WITHOUT_UPLOAD } from './statistics-queries.js';

export type Grouping = 'theme' | 'department';
export const GROUPINGS: readonly Grouping[] = ['theme', 'department'];

export const EVALUATION_LEVEL_VALUES = [1, 2, 3, 4, 5] as const;

/** The figures of one theme, one department, or all of them (the totals row). */
export interface StatisticsRow {
  /** Theme or department code; `*` in the totals row. */
  readonly code: string;
  /** From the stored catalogue (themes) or the department registry; null when unknown. */
  readonly name: string | null;
  /** Applications received (theme); distinct applications with a sub-application of the department received (department). */
  readonly applications: number;
  readonly subApplications: number;
  readonly completed: number;
  /** 不予受理 / 不予许可 decided in the period. */
  readonly rejected: number;
  /** Sub-applications given at least one 补正 request in the period. */
  readonly supplementRequested: number;
  readonly onTime: number;
  readonly overdue: number;
  readonly deadlineUnknown: number;
  /** onTime / (onTime + overdue). */
  readonly onTimeRate: number | null;
  /** Mean working days from acceptance to completion, 补正 pauses excluded (2 decimals). */
  readonly meanWorkingDays: number | null;
  readonly materials: { readonly total: number; readonly withoutUpload: number; readonly share: number | null };
  /** Mean share of the form filled from verified licences (prefill) at intake. */
  readonly autoFillRatio: number | null;
  readonly satisfaction: {
    readonly count: number;
    /** Evaluations per level, "1" (非常不满意) … "5" (非常满意). */
    readonly levels: Readonly<Record<'1' | '2' | '3' | '4' | '5', number>>;
    readonly mean: number | null;
    /** Levels 3–5 (not 差评) / count. */
    readonly satisfiedShare: number | null;
  };
  readonly catalogue: { readonly matters: number; readonly guided: number; readonly online: number; readonly guideRate: number | null; readonly onlineRate: number | null };
}

export interface GroupStatistics {
  readonly rows: readonly StatisticsRow[];
  readonly totals: StatisticsRow;
}

export interface Statistics {
  /** ISO 8601, China time. */
  readonly from: string;
  readonly to: string;
  readonly generatedAt: string;
  readonly byTheme: GroupStatistics;
  readonly byDepartment: GroupStatistics;
}

class Tally {
  readonly applications = new Set<string>();
  subApplications = 0;
  completed = 0;
  rejected = 0;
  readonly supplementRequested = new Set<string>();
  onTime = 0;
  overdue = 0;
  deadlineUnknown = 0;
  days = { sum: 0, count: 0 };
  materials = { total: 0, withoutUpload: 0 };
  autoFill = { sum: 0, count: 0 };
  readonly levels = [0, 0, 0, 0, 0];
  readonly matters = new Set<string>();
  readonly guided = new Set<string>();
  readonly online = new Set<string>();

  row(code: string, name: string | null): StatisticsRow {
    const count = this.levels.reduce((sum, n) => sum + n, 0);
    return {
      code, name,
      applications: this.applications.size, subApplications: this.subApplications, completed: this.completed, rejected: this.rejected,
      supplementRequested: this.supplementRequested.size, onTime: this.onTime, overdue: this.overdue, deadlineUnknown: this.deadlineUnknown,
      onTimeRate: ratio(this.onTime, this.onTime + this.overdue),
      meanWorkingDays: this.days.count ? round(this.days.sum / this.days.count, 2) : null,
      materials: { ...this.materials, share: ratio(this.materials.withoutUpload, this.materials.total) },
      autoFillRatio: this.autoFill.count ? round(this.autoFill.sum / this.autoFill.count, 4) : null,
      satisfaction: {
        count,
        levels: { 1: this.levels[0]!, 2: this.levels[1]!, 3: this.levels[2]!, 4: this.levels[3]!, 5: this.levels[4]! },
        mean: count ? round(this.levels.reduce((sum, n, index) => sum + n * (index + 1), 0) / count, 2) : null,
        satisfiedShare: ratio(this.levels[2]! + this.levels[3]! + this.levels[4]!, count),
      },
      catalogue: {
        matters: this.matters.size, guided: this.guided.size, online: this.online.size,
        guideRate: ratio(this.guided.size, this.matters.size), onlineRate: ratio(this.online.size, this.matters.size),
      },
    };
  }
}

function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

function ratio(part: number, whole: number): number | null {
  return whole === 0 ? null : round(part / whole, 4);
}

/** One grouping's tallies: one per code, and the totals, fed together. */
class Grouped {
  readonly tallies = new Map<string, Tally>();
  readonly total = new Tally();

  /** The tallies `code` feeds: its own and the totals. */
  of(code: string): [Tally, Tally] {
    let tally = this.tallies.get(code);
    if (!tally) {
      tally = new Tally();
      this.tallies.set(code, tally);
    }
    return [tally, this.total];
  }

  result(names: (code: string) => string | null): GroupStatistics {
    return {
      rows: [...this.tallies.keys()].sort().map((code) => this.tallies.get(code)!.row(code, names(code))),
      totals: this.total.row('*', '合计'),
    };
  }
}

export interface StatisticsOptions {
  readonly reader: Queryable;
  readonly mappings: Pick<Mappings, 'matters' | 'materials' | 'materialNames' | 'themes'>;
  /** The department registry (names; every department gets a row). */
  readonly departments: readonly { readonly code: string; readonly name: string }[];
  readonly now?: () => number;
}

/** Reads the period's rows and the catalogue through `reader` and computes both groupings. */
export async function computeStatistics(options: StatisticsOptions, period: Period): Promise<Statistics> {
  const now = options.now ?? Date.now;
  const [rows, catalogue] = await Promise.all([readPeriodRows(options.reader, period), readCatalogView(options.reader, options.mappings)]);
  const themes = new Grouped();
  const departments = new Grouped();
  const both = (theme: string, department: string | null) => [...themes.of(theme), ...(department === null ? [] : departments.of(department))];

  for (const department of options.departments) departments.of(department.code);
  for (const [code, theme] of catalogue.themes) {
    for (const tally of themes.of(code)) {
      for (const matterCode of theme.matterCodes) {
        const matter = catalogue.matters.get(matterCode);
        tally.matters.add(matterCode);
        if (matter?.guided && themeGuides(options.mappings, code, matterCode)) {
          tally.guided.add(matterCode);
          if (matter.online) tally.online.add(matterCode);
        }
      }
    }
  }
  for (const [code, matter] of catalogue.matters) {
    for (const tally of departments.of(matter.department)) {
      tally.matters.add(code);
      if (matter.guided) tally.guided.add(code);
      if (matter.online) tally.online.add(code);
    }
  }

  for (const application of rows.applications) {
    const ratio = applicationAutoFill(application.form, application.provenance);
    for (const tally of themes.of(application.theme_code)) {
      tally.applications.add(application.id);
      if (ratio !== undefined) { tally.autoFill.sum += ratio; tally.autoFill.count += 1; }
      tally.materials.total += Number(application.materials);
      tally.materials.withoutUpload += Number(application.without_upload);
    }
  }
  for (const sub of rows.subApplications) {
    for (const tally of themes.of(sub.theme_code)) tally.subApplications += 1;
    const ratio = subApplicationAutoFill(sub.provenance);
    const materials = JSON.parse(sub.materials ?? '[]') as { satisfiedBy?: string }[];
    for (const tally of departments.of(sub.department_code)) {
      tally.applications.add(sub.application_id);
      tally.subApplications += 1;
      if (ratio !== undefined) { tally.autoFill.sum += ratio; tally.autoFill.count += 1; }
      tally.materials.total += materials.length;
      tally.materials.withoutUpload += materials.filter((material) => (WITHOUT_UPLOAD as readonly string[]).includes(material.satisfiedBy ?? '')).length;
    }
  }
  const spans = new Map<string, number | undefined>();
  for (const sub of rows.decided) {
    const tallies = both(sub.theme_code, sub.department_code);
    if (sub.status === 'rejected') {
      for (const tally of tallies) tally.rejected += 1;
      continue;
    }
    const completedOn = chinaDate(new Date(Number(sub.completed_at)));
    const timeliness = sub.due_status === 'computed' && sub.due_date !== null ? (completedOn <= sub.due_date ? 'onTime' : 'overdue') : 'deadlineUnknown';
    let days: number | undefined;
    if (sub.accepted_at !== null) {
      const key = `${chinaDate(new Date(Number(sub.accepted_at)))}|${completedOn}`;
      if (!spans.has(key)) spans.set(key, workingDaysBetween(key.slice(0, 10), completedOn));
      const span = spans.get(key);
      if (span !== undefined) days = Math.max(0, span - Number(sub.paused_working_days));
    }
    for (const tally of tallies) {
      tally.completed += 1;
      tally[timeliness] += 1;
      if (days !== undefined) { tally.days.sum += days; tally.days.count += 1; }
    }
  }
  for (const request of rows.supplements) {
    for (const tally of both(request.theme_code, request.department_code)) tally.supplementRequested.add(request.sub_application_id);
  }
  for (const evaluation of rows.evaluations) {
    const level = Number(evaluation.level);
    if (!(EVALUATION_LEVEL_VALUES as readonly number[]).includes(level)) continue;
    for (const tally of both(evaluation.theme_code, evaluation.department_code)) tally.levels[level - 1]! += Number(evaluation.n);
  }

  const departmentNames = new Map(options.departments.map((department) => [department.code, department.name]));
  return {
    from: chinaIso(period.from), to: chinaIso(period.to), generatedAt: chinaIso(now()),
    byTheme: themes.result((code) => catalogue.themes.get(code)?.name ?? null),
    byDepartment: departments.result((code) => departmentNames.get(code) ?? null),
  };
}

/** Canonical fields filled from a verified licence / canonical fields filled (undefined: an empty form). */
export function applicationAutoFill(form: string, provenance: string): number | undefined {
  const groups = JSON.parse(form) as Record<string, unknown>;
  let filled = 0;
  for (const group of Object.values(groups)) {
    if (typeof group !== 'object' || group === null) continue;
    for (const value of Object.values(group)) if (value !== undefined && value !== null && value !== '') filled += 1;
  }
  if (filled === 0) return undefined;
  const sources = Object.values(JSON.parse(provenance) as Record<string, { source?: string }>).filter((source) => source.source === 'licence').length;
  return Math.min(1, sources / filled);
}

/** Department form fields from a verified licence / fields the applicant's side filled (licence or user; the matter's constants left out). */
export function subApplicationAutoFill(provenance: string): number | undefined {
  const sources = Object.values(JSON.parse(provenance) as Record<string, { source?: string }>);
  const fromLicence = sources.filter((source) => source.source === 'licence').length;
  const filled = fromLicence + sources.filter((source) => source.source === 'user').length;
  return filled === 0 ? undefined : fromLicence / filled;
}

/** One grouping of the statistics. */
export function grouping(statistics: Statistics, by: Grouping): GroupStatistics {
  return by === 'theme' ? statistics.byTheme : statistics.byDepartment;
}
