/**
 * The statistics page's charts: server-rendered inline SVG, no script, no
 * library. Each bar is a `<g class="bar">` carrying its numbers in data-*
 * attributes and a <title> (hover), with its label as <text class="label">.
 */
import type { StatisticsRow } from '../../statistics/index.js';
import { html, type SafeHtml } from './html.js';

const WIDTH = 1000;
const ROW = 26;
const LABEL = 260;
const VALUE = 70;

/** Horizontal bars, one per item: `segments` stacked left to right (class names style them). */
function horizontalBars(items: readonly { key: string; label: string; segments: readonly { className: string; value: number; text: string }[] }[], caption: string, legend: SafeHtml): SafeHtml {
  const max = Math.max(1, ...items.map((item) => item.segments.reduce((sum, segment) => sum + segment.value, 0)));
  const plot = WIDTH - LABEL - VALUE;
  const height = Math.max(ROW, items.length * ROW) + 8;
  const bars = items.map((item, index) => {
    const y = 4 + index * ROW;
    let x = LABEL;
    const total = item.segments.reduce((sum, segment) => sum + segment.value, 0);
    const rects = item.segments.map((segment) => {
      const width = (segment.value / max) * plot;
      const rect = segment.value > 0 ? html`<rect class="${segment.className}" x="${x.toFixed(1)}" y="${y + 3}" width="${width.toFixed(1)}" height="${ROW - 8}"/>` : '';
      x += width;
      return rect;
    });
    const title = `${item.label}: ${item.segments.map((segment) => `${segment.text} ${segment.value}`).join(' · ')}`;
    return html`<g class="bar" data-key="${item.key}" ${item.segments.map((segment) => html`data-${segment.className}="${segment.value}" `)}><title>${title}</title>
<text class="label" x="${LABEL - 6}" y="${y + ROW / 2 + 4}" text-anchor="end">${item.label}</text>${rects}<text class="value" x="${(x + 4).toFixed(1)}" y="${y + ROW / 2 + 4}">${total}</text></g>`;
  });
  return html`<figure class="chart">
<svg viewBox="0 0 ${WIDTH} ${height}" role="img" aria-label="${caption}" xmlns="http://www.w3.org/2000/svg">${items.length ? bars : html`<text class="axis" x="${LABEL}" y="18">无数据 No data</text>`}</svg>
<figcaption>${caption} — ${legend}</figcaption>
</figure>`;
}

function nameOf(row: StatisticsRow): string {
  return row.name ? `${row.name} (${row.code})` : row.code;
}

/** 办件量: applications received per theme (themes that received any). */
export function applicationsByThemeChart(rows: readonly StatisticsRow[]): SafeHtml {
  const items = rows.filter((row) => row.applications > 0).map((row) => ({ key: row.code, label: nameOf(row), segments: [{ className: 'applications', value: row.applications, text: '申请 applications' }] }));
  return html`<div id="chart-themes">${horizontalBars(items, '各主题申请数 Applications per theme', html`<span class="legend applications">■ 申请 applications</span>`)}</div>`;
}

/** 按时 vs 逾期: completed sub-applications per department (departments that completed any). */
export function timelinessChart(rows: readonly StatisticsRow[]): SafeHtml {
  const items = rows.filter((row) => row.completed > 0).map((row) => ({
    key: row.code, label: nameOf(row), segments: [
      { className: 'on-time', value: row.onTime, text: '按时 on time' },
      { className: 'overdue', value: row.overdue, text: '逾期 overdue' },
      { className: 'unknown', value: row.deadlineUnknown, text: '期限不明 unknown' },
    ],
  }));
  return html`<div id="chart-timeliness">${horizontalBars(items, '各部门按时与逾期办结 Completed on time vs overdue, per department',
    html`<span class="legend on-time">■ 按时 on time</span> <span class="legend overdue">■ 逾期 overdue</span> <span class="legend unknown">■ 期限不明 unknown</span>`)}</div>`;
}

const LEVEL_NAMES = { 5: '非常满意', 4: '满意', 3: '基本满意', 2: '不满意', 1: '非常不满意' } as const;

/** 满意度: evaluations per level, 5 bars from 非常满意 to 非常不满意. */
export function satisfactionChart(totals: StatisticsRow): SafeHtml {
  const items = ([5, 4, 3, 2, 1] as const).map((level) => ({
    key: String(level), label: `${LEVEL_NAMES[level]} (${level})`,
    segments: [{ className: level <= 2 ? 'poor' : 'good', value: totals.satisfaction.levels[level], text: '评价 evaluations' }],
  }));
  return html`<div id="chart-satisfaction">${horizontalBars(items, '满意度分布 Satisfaction by level', html`<span class="legend good">■ 满意 satisfied</span> <span class="legend poor">■ 差评 poor</span>`)}</div>`;
}
