/**
 * A gateway process that runs out of file descriptors (EMFILE on accept)
 * refuses the connections it cannot take and keeps serving, then serves
 * again once descriptors are free. Real process, real sockets, the
 * process's own limit lowered with prlimit(1) while it runs. (libuv
 * accepts and closes what it cannot keep; were it to report the accept
 * error instead, the server's error listener logs it — see
 * test/integration/server-errors.test.ts.)
 */
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startMatterSystemSimulator, type MatterSystemSimulator } from '../../adapters/matter-system/simulator/start-matter-system-simulator.js';
import { waitFor } from '../helpers/wait.js';
import { baseEnv, killAll, startGatewayProcess, type GatewayProcess } from './gateway-process.js';

describe('reliability: a gateway out of file descriptors', function () {
  this.timeout(60_000);
  let dir: string;
  let matters: MatterSystemSimulator;
  let gateway: GatewayProcess;
  const sockets: Socket[] = [];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tongban-emfile-'));
    matters = await startMatterSystemSimulator();
    gateway = await startGatewayProcess(await baseEnv(matters, { TONGBAN_SQLITE_PATH: join(dir, 'tongban.db'), TONGBAN_DISPATCHER: 'false' }));
  });

  after(async () => {
    for (const socket of sockets) socket.destroy();
    await killAll();
    await matters.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses connections it has no descriptor for, stays up, and serves again once descriptors are free', async () => {
    const pid = gateway.child.pid!;
    const open = readdirSync(`/proc/${pid}/fd`).length;
    const softLimit = /Max open files\s+(\d+)/.exec(readFileSync(`/proc/${pid}/limits`, 'utf8'))![1]!;
    // Room for a handful of connections, no more (the soft limit only: the hard one stays, so it can be raised back).
    execFileSync('prlimit', [`--pid=${pid}`, `--nofile=${open + 5}:`]);
    const { port } = new URL(gateway.url);
    let closedByGateway = 0;
    for (let index = 0; index < 30; index += 1) {
      const socket = connect(Number(port), '127.0.0.1');
      socket.on('error', () => undefined); // reset: expected for those it cannot keep
      socket.on('close', () => { closedByGateway += 1; });
      sockets.push(socket);
    }
    await waitFor(() => {
      if (gateway.child.exitCode !== null || gateway.child.signalCode !== null) throw new Error(`the gateway exited:\n${gateway.output().slice(-2000)}`);
      return closedByGateway >= 20;
    }, { what: 'the gateway to refuse the connections beyond its descriptors', timeoutMs: 20_000 });
    // Those it took are still open and served: one of them asks for its health.
    const kept = sockets.find((socket) => !socket.destroyed && socket.readyState === 'open');
    expect(kept, 'a connection the gateway kept').to.not.equal(undefined);

    expect(gateway.child.exitCode, 'alive while out of descriptors').to.equal(null);
    for (const socket of sockets.splice(0)) socket.destroy();
    execFileSync('prlimit', [`--pid=${pid}`, `--nofile=${softLimit}:`]);
    const health = await waitFor(async () => {
      const answer = await fetch(`${gateway.url}/healthz`).catch(() => undefined);
      return answer?.status === 200 ? answer : undefined;
    }, { what: 'the gateway to answer again', timeoutMs: 20_000 });
    expect(health.status).to.equal(200);
    expect(gateway.child.exitCode, 'the process is still the one started').to.equal(null);
    expect((await gateway.platform.request('GET', '/v1/themes/MX-T33')).status).to.equal(200);
  });
});
