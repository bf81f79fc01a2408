/**
 * The per-theme table of docs/autofill.md, from a run's test-output/autofill.json
 * (written by merged-forms.test.ts): one row per theme — fields, auto-filled,
 * ratio, and its materials by the way each was satisfied — then the totals.
 * merged-forms.test.ts writes it to test-output/autofill.md after a full run;
 * `npx tsx test/e2e/autofill-table.ts` prints it again from the JSON.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** How each listed material of the scenario was satisfied in the e2e submission. */
export type MaterialWayTaken = 'licence' | 'prerequisite' | 'generated' | 'commitment' | 'deferred' | 'upload' | 'notHandedIn';

export interface AutoFillRecord {
  theme: string; name: string; kind: string; situation: string; answers: Record<string, unknown>;
  defaultFormFields: number; matters: string[]; total: number; filled: number; ratio: number;
  unfilled: { canonical: string; label: string; required: boolean }[];
  /** The scenario's materials (one per identity), counted by way, and each with its way; set by the submission step. */
  materials?: { total: number; byWay: Record<MaterialWayTaken, number>; list: { code: string; name: string; way: MaterialWayTaken }[] };
}

export const MATERIAL_WAYS: readonly MaterialWayTaken[] = ['licence', 'prerequisite', 'generated', 'commitment', 'deferred', 'upload', 'notHandedIn'];

const percent = (ratio: number) => `${(ratio * 100).toFixed(1)} %`;
const mean = (records: readonly AutoFillRecord[]) => (records.length === 0 ? 0 : records.reduce((sum, record) => sum + record.ratio, 0) / records.length);

/** The Markdown table: a row per theme (in theme-code order), then the totals. */
export function autofillTable(records: readonly AutoFillRecord[]): string {
  const sorted = [...records].sort((a, b) => a.theme.localeCompare(b.theme, 'en', { numeric: true }));
  const lines = [
    '| code | theme | kind | scenario (answers) | default fields | fields | auto-filled | ratio | materials | without upload (licence / prerequisite / generated) | 告知承诺 | 容缺 | uploaded | optional, not handed in |',
    '|---|---|---|---|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|',
  ];
  const sum = (way: MaterialWayTaken, among = sorted) => among.reduce((total, record) => total + (record.materials?.byWay[way] ?? 0), 0);
  for (const record of sorted) {
    const way = (name: MaterialWayTaken) => record.materials?.byWay[name] ?? 0;
    const without = way('licence') + way('prerequisite') + way('generated');
    const ratio = record.ratio >= 0.6 ? `**${percent(record.ratio)}**` : percent(record.ratio);
    const answers = Object.keys(record.answers).length === 0 ? 'defaults' : Object.entries(record.answers).map(([id, value]) => `\`${id}: ${String(value)}\``).join(', ');
    lines.push(`| ${record.theme} | ${record.name} | ${record.kind} | ${record.situation} (${answers}) | ${record.defaultFormFields} | ${record.total} | ${record.filled} | ${ratio} | ${record.materials?.total ?? '?'} | ${without} (${way('licence')} / ${way('prerequisite')} / ${way('generated')}) | ${way('commitment')} | ${way('deferred')} | ${way('upload')} | ${way('notHandedIn')} |`);
  }
  const personal = sorted.filter((record) => record.kind === 'personal');
  const enterprise = sorted.filter((record) => record.kind === 'enterprise');
  const materials = sorted.reduce((total, record) => total + (record.materials?.total ?? 0), 0);
  const without = sum('licence') + sum('prerequisite') + sum('generated');
  const fields = sorted.reduce((total, record) => total + record.total, 0);
  const filled = sorted.reduce((total, record) => total + record.filled, 0);
  lines.push(`| **totals** | ${sorted.length} themes | | | | ${fields} | ${filled} | mean ${percent(mean(sorted))} | ${materials} | ${without} (${sum('licence')} / ${sum('prerequisite')} / ${sum('generated')}) | ${sum('commitment')} | ${sum('deferred')} | ${sum('upload')} | ${sum('notHandedIn')} |`);
  lines.push('');
  lines.push(`Mean ratio: personal ${percent(mean(personal))} (${personal.length} themes), enterprise ${percent(mean(enterprise))} (${enterprise.length} themes), all ${percent(mean(sorted))} (${sorted.length} themes); `
    + `themes under 35 %: ${sorted.filter((record) => record.ratio < 0.35).map((record) => `${record.theme} (${percent(record.ratio)})`).join(', ') || 'none'}. `
    + `Materials: ${materials}, ${without} satisfied without upload (${sum('licence')} by a verified licence, ${sum('prerequisite')} a 前置事项's result, ${sum('generated')} generated), `
    + `${sum('commitment')} by 告知承诺, ${sum('deferred')} 容缺, ${sum('upload')} uploaded, ${sum('notHandedIn')} optional ones not handed in.`);
  return `${lines.join('\n')}\n`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const json = JSON.parse(readFileSync(fileURLToPath(new URL('../../test-output/autofill.json', import.meta.url)), 'utf8')) as { measuredAt: string; themes: AutoFillRecord[] };
  process.stdout.write(`Measured ${json.measuredAt}\n\n${autofillTable(json.themes)}`);
}
