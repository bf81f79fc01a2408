/**
 * The ops CLI, spawned as a real process against a prepared SQLite
 * database: deliveries list/show/replay (audited as cli:<user>, with a
 * progress bar for a department), and sync run/runs against the
 * matter-system simulator.
 */
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DEFAULT_MATTER_SYSTEM_CREDENTIALS, startMatterSystemSimulator, type MatterSystemSimulator } from '../../../adapters/matter-system/simulator/start-matter-system-simulator.js';
import { migrate, SqliteStore } from '../../../src/store/index.js';
import { seedOpsData, type Seeded } from './seed.js';

const run = promisify(execFile);
const BIN = new URL('../../../bin/tongban.js', import.meta.url).pathname;

interface Outcome { code: number; stdout: string; stderr: string }

describe('ops CLI (spawned, SQLite)', function () {
  this.timeout(60_000);
  let dir: string;
  let database: string;
  let seeded: Seeded;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tongban-cli-'));
    database = join(dir, 'tongban.db');
    const store = new SqliteStore({ path: database });
    await migrate(store);
    seeded = await seedOpsData(store);
    await store.close();
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  async function tongban(args: string[], env: Record<string, string> = {}): Promise<Outcome> {
    try {
      const { stdout, stderr } = await run(process.execPath, [BIN, ...args], {
        env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? dir, TONGBAN_SQLITE_PATH: database, ...env }, timeout: 30_000,
      });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const failed = error as { code?: number; stdout?: string; stderr?: string };
      return { code: typeof failed.code === 'number' ? failed.code : -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
    }
  }

  async function query<T>(sql: string, params: string[] = []): Promise<T[]> {
    const store = new SqliteStore({ path: database });
    try {
      return (await store.query<T>(sql, params)).rows;
    } finally {
      await store.close();
    }
  }

  const actor = `cli:${userInfo().username}`;

  describe('deliveries', () => {
    it('list --state dead: a table of the dead letters only', async () => {
      const result = await tongban(['deliveries', 'list', '--state', 'dead']);
      expect(result.code, result.stderr).to.equal(0);
      const [header, rule, ...rows] = result.stdout.trimEnd().split('\n');
      expect(header).to.match(/^id\s+state\s+department\s+matter\s+attempts\s+updated\s+last error$/);
      expect(rule).to.match(/^-+(\s+-+)+$/);
      expect(rows).to.have.length(2);
      expect(rows.every((row) => /\sdead\s+gaj\s/.test(row))).to.equal(true);
      expect(result.stdout).to.contain(seeded.dead).and.to.contain(seeded.dead2).and.not.to.contain(seeded.delivered);
    });

    it('list --department, --json; a wrong state is refused with exit 1', async () => {
      const json = await tongban(['deliveries', 'list', '--department', 'mzrsj', '--json']);
      expect(JSON.parse(json.stdout).map((row: { id: string }) => row.id)).to.deep.equal([seeded.delivered]);
      const wrong = await tongban(['deliveries', 'list', '--state', 'lost']);
      expect(wrong.code).to.equal(1);
      expect(wrong.stderr).to.contain('--state must be one of waiting, awaiting_payment, pending, in_flight, delivered, dead, cancelled');
    });

    it('show <id>: the delivery and every attempt; an unknown id exits 1', async () => {
      const result = await tongban(['deliveries', 'show', seeded.pending]);
      expect(result.code, result.stderr).to.equal(0);
      expect(result.stdout).to.match(/^state\s+pending$/m);
      expect(result.stdout).to.match(/^department\s+gaj \(rest\)$/m);
      expect(result.stdout.match(/\sretry\s+UPSTREAM_REJECTED\s+HTTP 503/g)).to.have.length(2);
      const unknown = await tongban(['deliveries', 'show', 'no-such-delivery']);
      expect(unknown.code).to.equal(1);
      expect(unknown.stderr).to.contain('no delivery no-such-delivery');
    });

    it('replay <id>: queued again, audited as cli:<user>; a delivered one cannot be', async () => {
      const result = await tongban(['deliveries', 'replay', seeded.dead]);
      expect(result.code, result.stderr).to.equal(0);
      expect(result.stdout).to.contain(`Delivery ${seeded.dead} queued again (was dead); audited as ${actor}.`);
      expect((await query<{ state: string }>('SELECT state FROM deliveries WHERE id = $1', [seeded.dead]))[0]!.state).to.equal('pending');
      expect(await query('SELECT client_id, action FROM ops_audit WHERE target = $1', [seeded.dead])).to.deep.equal([{ client_id: actor, action: 'delivery.replay' }]);
      const delivered = await tongban(['deliveries', 'replay', seeded.delivered]);
      expect(delivered.code).to.equal(1);
      expect(delivered.stderr).to.contain('only dead or pending deliveries can be replayed');
    });

    it('replay --department: every dead letter, with a progress bar on stderr', async () => {
      await query("UPDATE deliveries SET state = 'dead' WHERE id = $1", [seeded.dead]);
      const result = await tongban(['deliveries', 'replay', '--department', 'gaj']);
      expect(result.code, result.stderr).to.equal(0);
      expect(result.stderr).to.match(/replaying gaj \[#{30}\] 2\/2 100%/);
      expect(result.stdout).to.contain(`Replayed 2 dead letter(s) of department gaj; audited as ${actor}.`);
      expect(await query("SELECT id FROM deliveries WHERE state = 'dead'")).to.deep.equal([]);
      const none = await tongban(['deliveries', 'replay', '--department', 'gaj']);
      expect(none.stdout).to.contain('No dead letters for department gaj.');
    });

    it('replay needs exactly one of an id and --department', async () => {
      for (const args of [['deliveries', 'replay'], ['deliveries', 'replay', seeded.dead, '--department', 'gaj']]) {
        const result = await tongban(args);
        expect(result.code).to.equal(1);
        expect(result.stderr).to.contain('give either a delivery id or --department <code>, not both');
      }
    });
  });

  describe('sync', () => {
    let matters: MatterSystemSimulator;
    let matterEnv: Record<string, string>;
    before(async () => {
      matters = await startMatterSystemSimulator();
      matterEnv = {
        TONGBAN_MATTER_SYSTEM_URL: matters.url, TONGBAN_MATTER_SYSTEM_APP_KEY: DEFAULT_MATTER_SYSTEM_CREDENTIALS.appKey,
        TONGBAN_MATTER_SYSTEM_APP_SECRET: DEFAULT_MATTER_SYSTEM_CREDENTIALS.appSecret,
      };
    });
    after(() => matters?.close());
    afterEach(() => matters.faults.reset());

    it('sync run --full: progress per step, the run as a table, the catalogue stored', async () => {
      const result = await tongban(['sync', 'run', '--full'], matterEnv);
      expect(result.code, result.stderr).to.equal(0);
      expect(result.stderr).to.match(/✓ fetching themes from the matter system: 40 received/);
      expect(result.stderr).to.match(/✓ fetching matters from the matter system: \d+ received/);
      expect(result.stdout).to.match(/\sfull\s+cli:\S+\s+succeeded\s/);
      expect((await query<{ n: number }>('SELECT COUNT(*) AS n FROM catalog_themes'))[0]!.n).to.equal(40);
    });

    it('sync run while the matter system is down: the failure is shown and recorded, exit 1', async () => {
      matters.faults.goDown();
      const result = await tongban(['sync', 'run'], matterEnv);
      expect(result.code).to.equal(1);
      expect(result.stdout).to.match(/Sync run #\d+ FAILED: UPSTREAM_/);
      expect(result.stdout).to.contain('The stored catalogue is unchanged.');
      const runs = await tongban(['sync', 'runs', '--failed']);
      expect(runs.stdout).to.match(/\sincremental\s+cli:\S+\s+failed\s/);
      expect(runs.stdout).to.contain('UPSTREAM_UNAVAILABLE');
    });

    it('sync run without a matter system configured says what to set', async () => {
      const result = await tongban(['sync', 'run']);
      expect(result.code).to.equal(1);
      expect(result.stderr).to.contain('set TONGBAN_MATTER_SYSTEM_URL, TONGBAN_MATTER_SYSTEM_APP_KEY and TONGBAN_MATTER_SYSTEM_APP_SECRET');
    });

    it('sync runs: newest first, as a table', async () => {
      const result = await tongban(['sync', 'runs', '--limit', '3']);
      const rows = result.stdout.trimEnd().split('\n').slice(2);
      expect(rows).to.have.length(3);
      const ids = rows.map((row) => Number(row.split(/\s+/)[0]));
      expect(ids).to.deep.equal([...ids].sort((a, b) => b - a));
    });
  });

  describe('ops hash-password', () => {
    it('prints a scrypt hash usable in TONGBAN_OPS_USERS', async () => {
      const result = await tongban(['ops', 'hash-password', '--password', 'tongban-ops', '--user', 'ops']);
      expect(result.code, result.stderr).to.equal(0);
      const users = JSON.parse(result.stdout) as Record<string, string>;
      expect(users['ops']).to.match(/^scrypt\$32768\$8\$1\$/);
      const { verifyPassword } = await import('../../../src/ops/dashboard/password.js');
      expect(await verifyPassword('tongban-ops', users['ops'])).to.equal(true);
    });
  });
});
