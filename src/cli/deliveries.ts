/**
 * `tongban deliveries …`: the delivery queue and dead letters, straight from
 * the database (no running gateway needed). Replays are audited as
 * `cli:<user>`; a running dispatcher picks them up within its idle interval.
 */
import type { Command } from 'commander';
import { DELIVERY_STATES, deliveryAttempts, listDeliveries, replayDelivery, type DeliveryState } from '../delivery/ops-deliveries.js';
import { isTongbanError } from '../errors/index.js';
import { openMigratedStore } from '../gateway.js';
import { createLogger } from '../log/index.js';
import { getDelivery } from '../ops/dashboard/queries.js';
import type { Store } from '../store/index.js';
import { cliConfig } from './cli-config.js';
import { cliActor, progressBar } from './progress.js';
import { printTable } from './table.js';

const DEPARTMENT = /^[a-z0-9]{1,32}$/;

async function withStore<T>(work: (store: Store) => Promise<T>): Promise<T> {
  const { store } = await openMigratedStore(cliConfig(), createLogger({ level: 'error' }));
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}

function shorten(text: string | null, max: number): string {
  if (!text) return '';
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

function checkState(state: string | undefined): DeliveryState | undefined {
  if (state === undefined) return undefined;
  if (!DELIVERY_STATES.includes(state as DeliveryState)) throw new Error(`--state must be one of ${DELIVERY_STATES.join(', ')} (got "${state}")`);
  return state as DeliveryState;
}

function checkDepartment(department: string | undefined): string | undefined {
  if (department !== undefined && !DEPARTMENT.test(department)) throw new Error(`--department must be a department code such as gaj (got "${department}")`);
  return department;
}

export function registerDeliveriesCommands(program: Command): void {
  const deliveries = program.command('deliveries').description('The delivery queue and dead letters (reads the configured database)');

  deliveries.command('list')
    .description('List deliveries, newest first')
    .option('--state <state>', `only this state (${DELIVERY_STATES.join(', ')})`)
    .option('--department <code>', 'only this department (e.g. gaj)')
    .option('--limit <n>', 'at most n rows', '50')
    .option('--json', 'print JSON instead of a table')
    .action((options: { state?: string; department?: string; limit: string; json?: boolean }) => withStore(async (store) => {
      const state = checkState(options.state);
      const department = checkDepartment(options.department);
      const limit = Number(options.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) throw new Error(`--limit must be an integer from 1 to 10000 (got "${options.limit}")`);
      const { deliveries: rows } = await listDeliveries(store, { ...(state ? { state } : {}), ...(department ? { department } : {}), limit });
      if (options.json) { process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`); return; }
      printTable(rows.map((row) => ({
        id: row.id, state: row.state, department: row.department, matter: row.matterName, attempts: row.attempts,
        updated: row.updatedAt ?? '', 'last error': shorten(row.lastError, 60),
      })));
    }));

  deliveries.command('show <id>')
    .description('One delivery with every attempt')
    .option('--json', 'print JSON')
    .action((id: string, options: { json?: boolean }) => withStore(async (store) => {
      const delivery = await getDelivery(store, id);
      if (!delivery) throw new Error(`no delivery ${id}`);
      const attempts = await deliveryAttempts(store, id);
      if (options.json) { process.stdout.write(`${JSON.stringify({ ...delivery, attempts }, null, 2)}\n`); return; }
      const fields: [string, unknown][] = [
        ['delivery', delivery.id], ['state', delivery.state], ['department', `${delivery.department} (${delivery.channel})`],
        ['matter', `${delivery.matterName} ${delivery.matterCode}`], ['application', delivery.applicationId],
        ['sub-application', `${delivery.subApplicationId} (${delivery.subApplicationStatus})`], ['acceptance number', delivery.acceptanceNumber ?? '—'],
        ['idempotency key', delivery.idempotencyKey], ['attempts', delivery.attempts], ['next attempt', delivery.nextAttemptAt ?? '—'],
        ['last error', delivery.lastError ?? '—'], ['created', delivery.createdAt], ['updated', delivery.updatedAt],
      ];
      for (const [name, value] of fields) process.stdout.write(`${name.padEnd(18)} ${String(value)}\n`);
      process.stdout.write('\nAttempts\n');
      printTable(attempts.map((attempt) => ({
        '#': attempt.attempt, started: attempt.startedAt ?? '', 'duration ms': attempt.durationMs, outcome: attempt.outcome, code: attempt.errorCode ?? '', error: shorten(attempt.error, 80),
      })));
    }));

  deliveries.command('replay [id]')
    .description('Put a dead (or stuck pending) delivery back in the queue, or every dead letter of a department (audited as cli:<user>)')
    .option('--department <code>', 'replay every dead letter of this department')
    .action((id: string | undefined, options: { department?: string }) => withStore(async (store) => {
      const department = checkDepartment(options.department);
      if ((id === undefined) === (department === undefined)) throw new Error('give either a delivery id or --department <code>, not both');
      const actor = cliActor();
      if (id !== undefined) {
        const result = await replayDelivery(store, id, actor);
        process.stdout.write(`Delivery ${id} queued again (was ${result.previousState}); audited as ${actor}.\n`);
        return;
      }
      const { rows } = await store.query<{ id: string }>("SELECT id FROM deliveries WHERE department_code = $1 AND state = 'dead' ORDER BY updated_at", [department!]);
      if (rows.length === 0) { process.stdout.write(`No dead letters for department ${department}.\n`); return; }
      // One at a time, each audited: a bar shows how far it got, and a failure half-way leaves the replayed ones replayed.
      const bar = progressBar(`replaying ${department}`, rows.length);
      let replayed = 0;
      let skipped = 0;
      for (const [index, row] of rows.entries()) {
        try {
          await replayDelivery(store, row.id, actor);
          replayed += 1;
        } catch (error) {
          if (!isTongbanError(error) || (error.code !== 'CONFLICT' && error.code !== 'NOT_FOUND')) throw error;
          skipped += 1; // replayed or delivered by someone else meanwhile
        }
        bar.update(index + 1);
      }
      bar.finish();
      process.stdout.write(`Replayed ${replayed} dead letter(s) of department ${department}${skipped ? `; ${skipped} skipped (no longer dead)` : ''}; audited as ${actor}.\n`);
    }));
}
