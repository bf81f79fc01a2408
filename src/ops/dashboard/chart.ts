/**
 * The deliveries-and-failures chart: a server-rendered inline SVG of stacked
 * bars (delivered below, failed above) per bucket. No script, no library;
 * each bar carries a <title> so hovering shows its numbers.
 */
import { chinaClock } from './format.js';
import { html, type SafeHtml } from './html.js';
import type { AttemptBucket } from './queries.js';

const WIDTH = 1000;
const HEIGHT = 220;
const PAD = { left: 40, right: 10, top: 12, bottom: 28 };

/** Renders the chart; `caption` names the range (e.g. 最近 60 分钟). */
export function attemptsChart(buckets: readonly AttemptBucket[], caption: string): SafeHtml {
  const plotWidth = WIDTH - PAD.left - PAD.right;
  const plotHeight = HEIGHT - PAD.top - PAD.bottom;
  const max = Math.max(1, ...buckets.map((bucket) => bucket.delivered + bucket.failed));
  const scale = (value: number) => (value / max) * plotHeight;
  const slot = plotWidth / Math.max(buckets.length, 1);
  const barWidth = Math.max(1, slot * 0.8);
  const totals = buckets.reduce((sum, bucket) => ({ delivered: sum.delivered + bucket.delivered, failed: sum.failed + bucket.failed }), { delivered: 0, failed: 0 });
  const labelEvery = Math.max(1, Math.ceil(buckets.length / 8));
  const bars = buckets.map((bucket, index) => {
    const x = (PAD.left + index * slot + (slot - barWidth) / 2).toFixed(1);
    const deliveredHeight = scale(bucket.delivered);
    const failedHeight = scale(bucket.failed);
    const base = PAD.top + plotHeight;
    const title = `${chinaClock(bucket.start)} 成功 delivered ${bucket.delivered} · 失败 failed ${bucket.failed}`;
    return html`<g class="bar" data-start="${bucket.start}" data-delivered="${bucket.delivered}" data-failed="${bucket.failed}"><title>${title}</title>${
      bucket.delivered > 0 ? html`<rect class="delivered" x="${x}" y="${(base - deliveredHeight).toFixed(1)}" width="${barWidth.toFixed(1)}" height="${deliveredHeight.toFixed(1)}"/>` : ''}${
      bucket.failed > 0 ? html`<rect class="failed" x="${x}" y="${(base - deliveredHeight - failedHeight).toFixed(1)}" width="${barWidth.toFixed(1)}" height="${failedHeight.toFixed(1)}"/>` : ''}${
      index % labelEvery === 0 ? html`<text class="axis" x="${x}" y="${HEIGHT - 8}">${chinaClock(bucket.start)}</text>` : ''}</g>`;
  });
  return html`<figure class="chart">
<svg viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="${`${caption}: 成功 ${totals.delivered}, 失败 ${totals.failed}`}" xmlns="http://www.w3.org/2000/svg">
<line class="grid" x1="${PAD.left}" y1="${PAD.top}" x2="${WIDTH - PAD.right}" y2="${PAD.top}"/>
<line class="grid" x1="${PAD.left}" y1="${PAD.top + plotHeight}" x2="${WIDTH - PAD.right}" y2="${PAD.top + plotHeight}"/>
<text class="axis" x="4" y="${PAD.top + 4}">${max}</text><text class="axis" x="4" y="${PAD.top + plotHeight}">0</text>
${bars}
</svg>
<figcaption>${caption} — <span class="legend delivered">■ 成功 delivered ${totals.delivered}</span> <span class="legend failed">■ 失败 failed ${totals.failed}</span></figcaption>
</figure>`;
}
