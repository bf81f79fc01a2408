/**
 * `npm run bench`: runs every benchmark and prints one table. Benchmarks
 * report; they never assert. Each is bounded in time (a few seconds to
 * half a minute); `npm run bench -- intake ceiling` runs only those.
 */
import { printTable } from '../src/cli/table.js';
import { benchCeiling } from './ceiling.js';
import { benchDelivery } from './delivery.js';
import { benchFramework } from './framework.js';
import { benchIntake, closeBenchEnvironment } from './intake.js';
import { benchLicenceHop } from './licence-hop.js';
import { benchMaterials } from './materials.js';
import { benchScale } from './scale.js';
import { benchPostgresIntake } from './postgres-intake.js';
import { benchMemory } from './memory.js';
import { benchOpsReads } from './ops-reads.js';
import { benchTrust } from './trust.js';

const benchmarks: Record<string, () => Promise<Record<string, unknown>[]>> = {
  trust: benchTrust,
  intake: benchIntake,
  // After intake: it divides the gateway's rate by its own.
  ceiling: benchCeiling,
  // What express alone costs per request, next to a bare node:http server.
  framework: benchFramework,
  delivery: benchDelivery,
  // Uploads: MB/s, p99, and the gateway's RSS under 20 concurrent uploads.
  materials: benchMaterials,
  // Intake with 200k applications stored against an empty database, and with an ops client polling every page (#17).
  scale: benchScale,
  // A licence look-up direct, through a bare relay and through the gateway, against one library simulator.
  'licence-hop': benchLicenceHop,
  // PostgreSQL intake beside SQLite's at 1, 10 and 50 connections, and round trips per submission.
  postgres: benchPostgresIntake,
  // The gateway's RSS and heap under 50 connections of intake, for several heap settings and SQLite page caches.
  memory: benchMemory,
  // Ops reads before and after migration 011 and the ops reader, and what 011 adds to a delivery's writes (#17).
  'ops-reads': benchOpsReads,
};

const only = process.argv.slice(2);
const rows: Record<string, unknown>[] = [];
try {
  for (const [name, run] of Object.entries(benchmarks)) {
    if (only.length > 0 && !only.includes(name)) continue;
    process.stderr.write(`running ${name}…\n`);
    rows.push(...await run());
  }
} finally {
  await closeBenchEnvironment();
}
const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))];
printTable(rows.map((row) => Object.fromEntries(columns.map((column) => [column, row[column] ?? '']))));
