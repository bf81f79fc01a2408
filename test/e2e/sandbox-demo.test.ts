/**
 * `npm start` and `npx tongban demo` as a newcomer runs them: the sandbox as
 * a child process (`bin/tongban.js sandbox`, in a temporary folder with its
 * own SQLite file and development keys, so the project's data/ and
 * certs/dev are left alone), then `tongban demo --story all` against it.
 * Both stories must run to the end: every department finished, results
 * sealed, exit code 0.
 */
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { BIN, startSandbox, stop, type SandboxProcess } from '../helpers/sandbox-process.js';

const run = promisify(execFile);

describe('sandbox and demo as child processes (npm start, tongban demo)', function () {
  this.timeout(90_000);
  let dir: string;
  let sandbox: SandboxProcess | undefined;
  let url: string;
  let env: NodeJS.ProcessEnv;

  before(async function () {
    this.timeout(60_000);
    dir = mkdtempSync(join(tmpdir(), 'tongban-sandbox-demo-'));
    const started = await startSandbox(dir);
    ({ url, env } = started);
    sandbox = started;
  });

  after(async () => {
    if (sandbox) await stop(sandbox.child, 10_000);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('runs the birth story and then the enterprise story to completion, exit code 0', async () => {
    const demo = await run(process.execPath, [BIN, 'demo', '--url', url, '--story', 'all', '--timeout', '30000'], { cwd: dir, env, timeout: 60_000 })
      .catch((error: { code?: number; stdout?: string; stderr?: string }) => {
        throw new Error(`tongban demo failed (exit ${error.code}):\n${error.stdout ?? ''}\n${error.stderr ?? ''}\n--- sandbox ---\n${sandbox!.output().slice(-3000)}`);
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
