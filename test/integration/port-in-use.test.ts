/**
 * A port already taken: `tongban sandbox` and `tongban serve`, spawned as
 * real processes on a port this test holds, must say which port and host
 * are taken and what to do (`--port 0`, `PORT=0`), exit non-zero, and print
 * no stack trace.
 */
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { devCertsDir } from '../helpers/dev-keys.js';
import { childEnv } from '../helpers/sandbox-process.js';
import { runTongban } from '../helpers/tongban-cli.js';

const tongban = (args: string[], cwd: string, env: Record<string, string>) => runTongban(args, { cwd, env: childEnv(env) });

describe('a port already in use (sandbox, serve)', function () {
  this.timeout(90_000);
  let dir: string;
  let holder: Server;
  let port: number;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tongban-port-'));
    holder = createServer();
    await new Promise<void>((resolve, reject) => holder.once('error', reject).listen(0, '127.0.0.1', resolve));
    port = (holder.address() as { port: number }).port;
  });
  after(async () => {
    await new Promise<void>((resolve) => holder.close(() => resolve()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('tongban sandbox --port <taken>: names the port and host, suggests --port 0, exit 1 without a stack trace', async () => {
    const result = await tongban(['sandbox', '--port', String(port)], dir, { TONGBAN_CERTS_DIR: join(dir, 'certs') });
    expect(result.code, result.stderr).to.equal(1);
    expect(result.stderr).to.contain(`port ${port} on 127.0.0.1 is already in use`);
    expect(result.stderr).to.contain('--port 0');
    expect(result.stderr).not.to.match(/^\s+at /m);
  });

  it('PORT=<taken> tongban serve: names the port and host, suggests PORT=0, exit 1 without a stack trace', async () => {
    const certs = await devCertsDir();
    const result = await tongban(['serve'], dir, { PORT: String(port), TONGBAN_CERTS_DIR: certs, TONGBAN_SQLITE_PATH: join(dir, 'serve.db'), TONGBAN_LOG_LEVEL: 'error' });
    expect(result.code, result.stderr).to.equal(1);
    expect(result.stderr).to.contain(`port ${port} on 127.0.0.1 is already in use`);
    expect(result.stderr).to.contain('PORT=0');
    expect(result.stderr).not.to.match(/^\s+at /m);
  });
});
