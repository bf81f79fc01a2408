/**
 * The sandbox's seal CA is a trust anchor relying parties keep: made once
 * under the certs folder (`seal-ca.cert.pem`), served by the gateway at
 * `/.well-known/tongban/seal-ca.pem`, and the same after a restart — so a
 * sealed document downloaded before the restart still verifies after it.
 */
import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSandbox, stop, type SandboxProcess } from '../helpers/sandbox-process.js';

describe('sandbox: the seal CA survives a restart (tongban sandbox twice)', function () {
  this.timeout(150_000);
  let dir: string;
  let sandbox: SandboxProcess | undefined;

  before(() => { dir = mkdtempSync(join(tmpdir(), 'tongban-sandbox-seal-ca-')); });
  after(async () => {
    if (sandbox) await stop(sandbox.child, 10_000);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function servedCa(): Promise<string> {
    const answer = await fetch(`${sandbox!.url}/.well-known/tongban/seal-ca.pem`);
    expect(answer.status, sandbox!.output().slice(-2000)).to.equal(200);
    return answer.text();
  }

  it('writes certs/seal-ca.cert.pem on first start, serves it, and serves the same CA after a restart', async () => {
    sandbox = await startSandbox(dir);
    const file = join(dir, 'certs', 'seal-ca.cert.pem');
    const written = readFileSync(file, 'utf8');
    expect(written).to.match(/^-----BEGIN CERTIFICATE-----/);
    expect(statSync(join(dir, 'certs', 'seal-ca.key.pem')).mode & 0o077, 'the CA key is private').to.equal(0);
    const first = await servedCa();
    expect(first.trim()).to.equal(written.replaceAll('\r\n', '\n').trim());
    expect(sandbox.output()).to.contain('/.well-known/tongban/seal-ca.pem');

    await stop(sandbox.child, 10_000);
    sandbox = await startSandbox(dir);
    expect(await servedCa()).to.equal(first);
    expect(readFileSync(file, 'utf8')).to.equal(written);
  });
});
