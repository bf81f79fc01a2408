/**
 * Reliability of the replay guard's jti journal on SQLite: signed reads are
 * answered, the gateway is killed with SIGKILL at once, another starts on the
 * same files — and every one of those requests, sent again, is a replay.
 * (SIGKILL keeps what the kernel holds: this proves the records were
 * written, not that they were synced; the unit tests hold and fail the sync.)
 */
import { expect } from 'chai';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startMatterSystemSimulator, type MatterSystemSimulator } from '../../adapters/matter-system/simulator/start-matter-system-simulator.js';
import { signRequest } from '../../src/trust/sign-request.js';
import { devKey } from '../helpers/dev-keys.js';
import { baseEnv, killAll, running, startGatewayProcess } from './gateway-process.js';

/** One signed request, kept whole so that it can be sent again byte for byte. */
interface Signed {
  readonly path: string;
  readonly headers: Record<string, string>;
}

async function signedGet(clientId: 'platform' | 'ops', path: string): Promise<Signed> {
  return { path, headers: { ...await signRequest({ method: 'GET', pathAndQuery: path, clientId, key: await devKey(clientId) }) } };
}

async function send(url: string, request: Signed): Promise<{ status: number; code: string | undefined }> {
  const answer = await fetch(url + request.path, { headers: request.headers });
  const body = await answer.text();
  const code = answer.headers.get('content-type')?.includes('problem+json') ? (JSON.parse(body) as { code?: string }).code : undefined;
  return { status: answer.status, code };
}

describe('reliability: signed reads answered, then SIGKILL — their jtis survive in the SQLite jti journal', function () {
  this.timeout(120_000);
  let dir: string;
  let matters: MatterSystemSimulator;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tongban-jti-kill-'));
    matters = await startMatterSystemSimulator();
  });
  after(async () => {
    await killAll();
    expect(running(), 'gateway processes left running').to.deep.equal([]);
    await matters?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses every read answered before the kill as a replay after the restart, and serves fresh ones', async () => {
    const sqlitePath = join(dir, 'tongban.db');
    const env = await baseEnv(matters, { TONGBAN_SQLITE_PATH: sqlitePath, TONGBAN_DISPATCHER: 'false' });
    const first = await startGatewayProcess(env);
    const reads = await Promise.all([
      ...Array.from({ length: 12 }, () => signedGet('platform', '/v1/themes/MX-T33')),
      ...Array.from({ length: 12 }, () => signedGet('ops', '/v1/ops/adapters')),
    ]);
    // Sent together: their jtis share inserts and flushes of the journal.
    const answered = await Promise.all(reads.map((read) => send(first.url, read)));
    expect(answered.map((answer) => answer.status)).to.deep.equal(reads.map(() => 200));
    await first.kill();
    expect(existsSync(`${sqlitePath}-jtis`), 'the journal file beside the database').to.equal(true);

    const second = await startGatewayProcess(env);
    const replayed = await Promise.all(reads.map((read) => send(second.url, read)));
    expect(replayed).to.deep.equal(reads.map(() => ({ status: 401, code: 'REPLAY_DETECTED' })));
    expect(await send(second.url, await signedGet('ops', '/v1/ops/adapters'))).to.deep.equal({ status: 200, code: undefined });
    await second.stop();
  });
});
