/**
 * `npm start` and `npx tongban demo` as a newcomer runs them: the sandbox as
 * a child process (`bin/tongban.js sandbox`, in a temporary folder with its
 * own SQLite file and development keys, so the project's data/ and
 * certs/dev are left alone), then `tongban demo --story all` against it.
 * Both stories must run to the end: every department finished, results
 * sealed, exit code 0.
 */
import { expect } from 'chai';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { waitFor } from '../helpers/wait.js';

const BIN = fileURLToPath(new URL('../../bin/tongban.js', import.meta.url));
const run = promisify(execFile);

/** This process's environment without Tongban's settings (an unknown TONGBAN_* variable stops the gateway), plus `extra`. */
function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) if (!name.startsWith('TONGBAN_') && name !== 'DATABASE_URL' && name !== 'PORT') env[name] = value;
  return { ...env, ...extra };
}

/** SIGTERM, then SIGKILL when the process has not exited within `graceMs`. */
async function stop(child: ChildProcess, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const timedOut = await Promise.race([exited.then(() => false), new Promise<boolean>((resolve) => { timer = setTimeout(() => resolve(true), graceMs); })]);
  clearTimeout(timer);
  if (timedOut) {
    child.kill('SIGKILL');
    await exited;
  }
}

describe('sandbox and demo as child processes (npm start, tongban demo)', function () {
  this.timeout(90_000);
  let dir: string;
  let sandbox: ChildProcess;
  let output = '';
  let url: string;
  let env: NodeJS.ProcessEnv;

  before(async function () {
    this.timeout(60_000);
    dir = mkdtempSync(join(tmpdir(), 'tongban-sandbox-demo-'));
    env = childEnv({ TONGBAN_CERTS_DIR: join(dir, 'certs'), TONGBAN_SQLITE_PATH: join(dir, 'sandbox.db') });
    // --port 0: the sandbox picks a free port and prints the gateway's URL (the department simulators must get it too).
    sandbox = spawn(process.execPath, [BIN, 'sandbox', '--port', '0', '--event-delay', '200'], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    sandbox.stdout!.on('data', (chunk: Buffer) => { output += chunk.toString('utf8'); });
    sandbox.stderr!.on('data', (chunk: Buffer) => { output += chunk.toString('utf8'); });
    await waitFor(async () => {
      if (sandbox.exitCode !== null) throw new Error(`the sandbox exited (${sandbox.exitCode}) while starting:\n${output.slice(-3000)}`);
      const printed = /^Tongban gateway\s+(http:\/\/127\.0\.0\.1:\d+)/m.exec(output);
      if (!printed) return false;
      url = printed[1]!;
      const answer = await fetch(`${url}/readyz`).catch(() => undefined);
      return answer?.status === 200;
    }, { timeoutMs: 50_000, intervalMs: 250, what: `the sandbox to be ready at ${url}/readyz` });
  });

  after(async () => {
    if (sandbox) await stop(sandbox, 10_000);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('runs the birth story and then the enterprise story to completion, exit code 0', async () => {
    const demo = await run(process.execPath, [BIN, 'demo', '--url', url, '--story', 'all', '--timeout', '30000'], { cwd: dir, env, timeout: 60_000 })
      .catch((error: { code?: number; stdout?: string; stderr?: string }) => {
        throw new Error(`tongban demo failed (exit ${error.code}):\n${error.stdout ?? ''}\n${error.stderr ?? ''}\n--- sandbox ---\n${output.slice(-3000)}`);
      });
    const stdout = demo.stdout;
    const birth = stdout.indexOf('✔ 婴儿“出生一件事” completed');
    const enterprise = stdout.indexOf('✔ 我要开办食品经营(副食店、士多店) completed');
    expect(birth, stdout).to.be.greaterThan(-1);
    expect(enterprise, stdout).to.be.greaterThan(birth);

    // Each story: one application, the repeated submission answered with the same id, every department finished with sealed results.
    expect(stdout.match(/the same submission again answers the same id: true/g), stdout).to.have.length(2);
    expect(stdout.match(/^ {2}\[completed\] /gm), stdout).to.have.length(2);
    const beforeEnterprise = stdout.slice(0, birth);
    expect(beforeEnterprise).to.match(/result of 国（境）内出生登记: .*\(sealed by .+电子印章\)/);
    expect(beforeEnterprise).to.match(/auto-filled \d+ of \d+ fields/);
    const enterpriseStory = stdout.slice(birth, enterprise);
    expect(enterpriseStory).to.match(/the shop \(electronic signature\): authorisation [\da-f-]{36} for 营业执照/);
    expect(enterpriseStory).to.match(/enterprise\.name ← 营业执照 /);
    expect(enterpriseStory).to.match(/result of 个体工商户设立: .*\(sealed by .+电子印章\)/);
    expect(enterpriseStory).to.match(/result of 食品经营许可证核发: .*\(sealed by .+电子印章\)/);
    expect(enterpriseStory).to.match(/licence-use ledger of the shop: 1 entry/);
  });
});
