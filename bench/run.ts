/**
 * `npm run bench`: runs every benchmark and prints one table. Benchmarks
 * report; they never assert. Each is bounded in time (a few seconds).
 */
import { printTable } from '../src/cli/table.js';
import { benchTrust } from './trust.js';

const benchmarks: Record<string, () => Promise<Record<string, unknown>[]>> = {
  trust: benchTrust,
};

const only = process.argv.slice(2);
const rows: Record<string, unknown>[] = [];
for (const [name, run] of Object.entries(benchmarks)) {
  if (only.length > 0 && !only.includes(name)) continue;
  process.stderr.write(`running ${name}…\n`);
  rows.push(...await run());
}
const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))];
printTable(rows.map((row) => Object.fromEntries(columns.map((column) => [column, row[column] ?? '']))));
