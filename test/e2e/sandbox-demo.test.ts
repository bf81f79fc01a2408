/**
 * `npm start` and `npx tongban demo` as a newcomer runs them: the sandbox as
 * a child process (`bin/tongban.js sandbox`, in a temporary folder with its
 * own SQLite file and development keys, so the project's data/ and
 * certs/dev are left alone), then `tongban demo --story all` against it.
 * Every story must run to the end: every department finished, results
 * sealed, exit code 0; the SOAP department's failures are printed as retries;
 * every applicant logged in through the sandbox's identity platform, and at
 * the window (一窗受理) the officer scans the applicant's QR code once and
 * submits for them.
 * Then every database command of the README, run in the same folder with no
 * setting at all, reads the sandbox's data (recorded in data/sandbox.json),
 * and `tongban call` signs a request to the sandbox's URL.
 */
import { expect } from 'chai';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { childEnv, startSandbox, stop, type SandboxProcess } from '../helpers/sandbox-process.js';
import { runTongban, type CliOutcome } from '../helpers/tongban-cli.js';

describe('sandbox and demo as child processes (npm start, tongban demo)', function () {
  this.timeout(120_000);
  let dir: string;
  let sandbox: SandboxProcess | undefined;
  let url: string;
  /** What a newcomer's second shell has: no Tongban setting at all (the sandbox itself runs with its keys and database in the test's folder). */
  const newcomer = childEnv({});
  /** `tongban …` in the sandbox's folder, with no flag and no setting. */
  const tongban = (args: string[]): Promise<CliOutcome> => runTongban(args, { cwd: dir, env: newcomer });

  before(async function () {
    this.timeout(60_000);
    dir = mkdtempSync(join(tmpdir(), 'tongban-sandbox-demo-'));
    const started = await startSandbox(dir);
    ({ url } = started);
    sandbox = started;
    // 民政和人社局 (SOAP) fails exactly twice, whatever its random flakiness would do, so the demo must show retries.
    const soap = new URL(/^ {2}mzrsj\s+\S+ \(soap\)\s+(http:\S+)/m.exec(started.output())![1]!).origin;
    const control = (method: string, body: unknown) => fetch(`${soap}/__control/faults`, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect((await control('PUT', { errorRate: 0 })).status).to.equal(200);
    expect((await control('POST', { enqueue: [{ kind: 'status', status: 503 }, { kind: 'status', status: 503 }] })).status).to.equal(200);
  });

  after(async () => {
    if (sandbox) await stop(sandbox.child, 10_000);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('prints the identity platform simulator among the simulators', () => {
    expect(sandbox!.output()).to.match(/^ {2}identity platform http:\/\/127\.0\.0\.1:\d+ {3}\(统一身份认证, OpenID Connect: /m);
  });

  it('runs the birth story, the enterprise story and the window story to completion, exit code 0', async () => {
    // No --url and no setting: the demo finds the sandbox (and its keys) through data/sandbox.json.
    const demo = await tongban(['demo', '--story', 'all', '--timeout', '30000']);
    if (demo.code !== 0) throw new Error(`tongban demo failed (exit ${demo.code}):\n${demo.stdout}\n${demo.stderr}\n--- sandbox ---\n${sandbox!.output().slice(-3000)}`);
    const stdout = demo.stdout;
    const birth = stdout.indexOf('✔ 婴儿“出生一件事” completed');
    const enterprise = stdout.indexOf('✔ 我要开办食品经营(副食店、士多店) completed');
    expect(birth, stdout).to.be.greaterThan(-1);
    const counter = stdout.indexOf('✔ 异地就医备案 at the window (一窗受理) completed');
    expect(enterprise, stdout).to.be.greaterThan(birth);
    expect(counter, stdout).to.be.greaterThan(enterprise);

    // Each story: one application, the repeated submission answered with the same id, every department finished with sealed results.
    const firstThree = stdout.slice(0, counter);
    expect(firstThree.match(/the same submission again answers the same id: true/g), stdout).to.have.length(3);
    expect(firstThree.match(/^ {2}\[completed\] /gm), stdout).to.have.length(3);
    // Each applicant logged in at the sandbox's identity platform through the platform: who (masked), the method and the level.
    const logins = [...firstThree.matchAll(/^ {2}the (mother|经营者|applicant) logged in at 统一身份认证 through platform: \S+ \(\d{6}\*{8}\d{3}[\dX]\), method (\w+) \(\S+\), level (L\d); /gm)];
    expect(logins.map((login) => login.slice(1)), stdout).to.deep.equal([['mother', 'face', 'L3'], ['经营者', 'esscard', 'L3'], ['applicant', 'sms', 'L2']]);
    const beforeEnterprise = stdout.slice(0, birth);
    expect(beforeEnterprise).to.match(/result of 国（境）内出生登记: .*\(sealed by .+电子印章\)/);
    // 领证方式: by post; the mail service simulator walks the waybill to 妥投, each trace pushed to the gateway and printed.
    expect(beforeEnterprise).to.match(/^ {2}waybill EM\d{9}CN \(order [\da-f-]{36}-R\) from 梅州市梅县区政务服务中心 to \S+ 1\d\d\*{4}\d{4}, 广东省梅州市梅江区$/m);
    expect(beforeEnterprise).to.match(/^ {4}\S+ \S+ {2}收寄 {2}/m);
    expect(beforeEnterprise).to.match(/^ {4}\S+ \S+ {2}妥投 {2}.*\(签收人 \S+\)$/m);
    expect(beforeEnterprise).to.match(/^ {2}the results posting ended: delivered$/m);
    expect(beforeEnterprise).to.match(/auto-filled \d+ of \d+ fields/);
    // The mother is the guardian (the theme's default answer, sameAs): her ID card fills the 监护人, left to nobody.
    expect(beforeEnterprise).to.match(/^ {4}guardian\.name ← (居民身份证|居民户口簿) \S+ \(the mother's, verified\)$/m);
    expect(beforeEnterprise).to.match(/^ {4}guardian\.idNumber ← (居民身份证|居民户口簿) \S+ \(the mother's, verified\)$/m);
    expect(/left to the applicant: (.*)/.exec(beforeEnterprise)?.[1]).to.not.match(/监护人/);
    // 出生登记's 户口簿 page is issued as a licence, and a later theme for the child (去港澳探亲) is prefilled from it and submitted.
    expect(beforeEnterprise).to.match(/居民户口簿 issued: identifier \S+ \(GB\/T 36904, assigned by the library\)/);
    expect(beforeEnterprise).to.match(/^ {4}applicant\.idNumber ← 居民户口簿 \S+ \(verified, result of application [0-9a-f-]{36}\)$/m);
    expect(beforeEnterprise).to.match(/application [0-9a-f-]{36} for the child, submitted by the mother: 办理往来港澳通行证, 办理往来港澳通行证探亲签注/);
    // The one material list, each identity with its way and the matters asking for it under their own codes and names.
    expect(beforeEnterprise).to.match(/one set of materials: \d+ documents for 3 matters/);
    expect(beforeEnterprise).to.match(/^ {4}CL008 近期免冠证件照片: upload \(JPEG\/PNG\)$/m);
    expect(beforeEnterprise).to.match(/^ {8}asked by .+ as \d{12}-\d{2} \S+/m);
    // Real files, uploaded once each: the photo a JPEG; the id, SHA-256 and size printed.
    expect(beforeEnterprise).to.match(/^ {2}CL008 近期免冠证件照片: uploaded image\/jpeg, \d+ bytes, SHA-256 [\da-f]{64}$/m);
    expect(beforeEnterprise).to.match(/^ {8}upload [\da-f-]{36}$/m);
    // The SOAP department's two failures, printed as they happen, with when Tongban tries again.
    expect(beforeEnterprise).to.match(/^ {2}↻ retry: 社会保障卡申领 → mzrsj: attempt \d failed \(.*503.*\); next attempt in \d+\.\d s/m);
    // The ledger names the person who acted, as the identity platform authenticated them.
    expect(beforeEnterprise).to.match(/^ {4}#\d+ \S+ 出生医学证明 query\/used by platform \(\S+ as self, face, L3\): 办理婴儿出生一件事$/m);
    // 好差评: the mother rates the first matter and the whole (a 差评); the province has both; ops close the follow-up step by step.
    expect(beforeEnterprise).to.match(/^ {2}the whole 一件事: 2 不满意 — a 差评, so a follow-up \(整改回访\) opens, due /m);
    expect(beforeEnterprise).to.match(/^ {2}rating the whole again: HTTP 400 \/scope /m);
    expect(beforeEnterprise.match(/^ {2}the provincial 好差评 system has the .+: 评价编号 HCP\d+ \(applicant masked\)$/gm), beforeEnterprise).to.have.length(2);
    expect(beforeEnterprise).to.match(/^ {2}已派单 \(assigned\) — [\s\S]*^ {2}已办结 \(closed\) — [\s\S]*^ {2}closing it again: HTTP 409 /m);
    const enterpriseStory = stdout.slice(birth, enterprise);
    // A person who runs no business yet: no shop, no 营业执照 to authorise; the 经营者's ID card and 不动产权证书 prefill.
    expect(enterpriseStory).to.not.match(/the shop \(/);
    expect(enterpriseStory).to.match(/the 经营者 \(electronic signature\): authorisation [\da-f-]{36} for 居民身份证、不动产权证书/);
    expect(enterpriseStory).to.match(/legalRepresentative\.idNumber ← 居民身份证 /);
    expect(enterpriseStory).to.match(/property\.location ← 不动产权证书 /);
    // The 食品安全管理人员 is the 经营者 (the theme's default answer, sameAs): his ID card fills it, left to nobody.
    expect(enterpriseStory).to.match(/^ {4}foodSafetyManager\.name ← 居民身份证 \S+ \(the legalRepresentative's, verified\)$/m);
    expect(/left to the applicant: (.*)/.exec(enterpriseStory)?.[1]).to.not.match(/食品安全管理人员/);
    expect(enterpriseStory).to.match(/^ {4}CL031 登记申请书: generated by Tongban from the form \(申请表\)$/m);
    expect(enterpriseStory).to.match(/^ {4}CL005 营业执照: the result of 个体工商户设立 /m);
    expect(enterpriseStory).to.match(/^ {2}CL032 经营场所证明: 告知承诺 by electronic signature at /m);
    expect(enterpriseStory).to.match(/^ {2}CL037 食品安全管理制度: uploaded application\/pdf, \d+ bytes, SHA-256 [\da-f]{64}$/m);
    expect(enterpriseStory).to.match(/result of 个体工商户设立: .*\(sealed by .+电子印章\)/);
    expect(enterpriseStory).to.match(/result of 食品经营许可证核发: .*\(sealed by .+电子印章\)/);
    // Both results are licences: 市场监管 issues them into the library (docs/licence-issuance.md).
    expect(enterpriseStory).to.match(/^ {2}营业执照 issued: identifier \S+ \(GB\/T 36904, assigned by the library\)$/m);
    expect(enterpriseStory).to.match(/^ {2}食品经营许可证 issued: identifier \S+ \(GB\/T 36904, assigned by the library\)$/m);
    expect(enterpriseStory).to.match(/licence-use ledger of the 经营者: 2 entries/);

    // The window: a QR code made in the applicant's session, scanned once by the officer logged in at the counter terminal,
    // whose authorisation reads, prefills and submits for the applicant; every use in the ledger names the officer and the hall.
    const counterStory = stdout.slice(enterprise, counter);
    expect(counterStory).to.match(/^ {2}QR code for hall meizhou-hall, theme MX-T03, 居民身份证、社会保障卡: TONGBAN-COUNTER:1:\S+… \(an SVG of \d+ bytes\), scan before /m);
    expect(counterStory).to.match(/^ {2}the officer logged in at 统一身份认证 through window-meizhou: \S+ \(\d{6}\*{8}\d{3}[\dX]\), method face \(人脸识别\), level L3; /m);
    expect(counterStory).to.match(/^ {2}scanned: the applicant is \S+ \(\S+\); the officer's authorisation [\da-f-]{36} for 居民身份证、社会保障卡 at meizhou-hall, until /m);
    expect(counterStory).to.match(/^ {2}the same code scanned again: HTTP 403 COUNTER_CODE_USED$/m);
    expect(counterStory).to.match(/^ {2}居民身份证 \d{6}\*{8}\d{3}[\dX]: verified \(ledger #\d+\)$/m); // the ID number masked
    expect(counterStory).to.match(/^ {2}社会保障卡 \S+: verified \(ledger #\d+\)$/m);
    expect(counterStory).to.match(/^ {4}applicant\.idNumber ← (居民身份证|社会保障卡) \S+ \(verified\)$/m);
    expect(counterStory).to.match(/^▶ Submit once through window-meizhou /m);
    expect(counterStory).to.match(/result of 常驻异地工作人员备案: .*\(sealed by .+电子印章\)/);
    expect(counterStory).to.match(/licence-use ledger of the applicant: 4 entries under this authorisation/);
    // 网上缴费: the endorsement's fee holds the matter until the sandbox's payment platform has paid it, then it is delivered.
    const fees = stdout.indexOf('✔ 去港澳探亲一件事 with its fee paid online (网上缴费) completed');
    expect(fees, stdout).to.be.greaterThan(counter);
    const feesStory = stdout.slice(stdout.lastIndexOf('▶ 去港澳探亲一件事', fees), fees);
    expect(feesStory).to.match(/^ {2}\[received\] 办理往来港澳通行证探亲签注: queued \| 缴费 \d{20} 15\.00 元: unpaid$/m);
    expect(feesStory).to.match(/^ {2}\[completed\] 办理往来港澳通行证探亲签注: completed \(\S+\) \| 缴费 \d{20} 15\.00 元: paid$/m);
    expect(feesStory).to.match(/^ {2}fee of 002039777000: 缴款码 \d{20}, 往来港澳通行证签注费\(一次有效\) 15\.00 元 = 15\.00 元, paid \(WECHAT, /m);
    expect(counterStory.match(/^ {4}#\d+ \S+ (居民身份证|社会保障卡) query\/used by window-meizhou \(\S+ as counter at meizhou-hall, face, L3\): 异地就医备案：窗口(核验证照|预填)$/gm)).to.have.length(4);
  });
  it('every database command of the README reads the sandbox\'s data with no flag (data/sandbox.json)', async function () {
    this.timeout(300_000);
    const sandboxDatabase = /the sandbox's, SQLite \S*sandbox\.db \(recorded in data\/sandbox\.json; sandbox running at http:\/\/127\.0\.0\.1:\d+\)/;

    const ledger = await tongban(['ledger', 'verify']);
    expect(ledger.code, ledger.stderr).to.equal(0);
    expect(ledger.stderr).to.match(sandboxDatabase);
    expect(Number(/Ledger intact: (\d+) entries/.exec(ledger.stdout)?.[1]), ledger.stdout).to.be.greaterThan(0);

    const list = await tongban(['deliveries', 'list']);
    expect(list.code, list.stderr).to.equal(0);
    expect(list.stderr).to.match(sandboxDatabase);
    expect(list.stdout).to.match(/\sdelivered\s+gaj\s/).and.to.match(/\sdelivered\s+mzrsj\s/).and.to.match(/\sdelivered\s+scjgj\s/);
    const soap = JSON.parse((await tongban(['deliveries', 'list', '--department', 'mzrsj', '--json'])).stdout) as { id: string }[];
    expect(soap).to.have.length(1);
    const show = await tongban(['deliveries', 'show', soap[0]!.id]);
    expect(show.code, show.stderr).to.equal(0);
    expect(show.stdout).to.contain(`delivery           ${soap[0]!.id}`).and.to.contain('503');
    const replay = await tongban(['deliveries', 'replay', '--department', 'mzrsj']);
    expect(replay.code, replay.stderr).to.equal(0);
    expect(replay.stdout).to.contain('No dead letters for department mzrsj.');

    const sync = await tongban(['sync', 'run']);
    expect(sync.code, sync.stderr).to.equal(0);
    const runs = await tongban(['sync', 'runs']);
    expect(runs.code, runs.stderr).to.equal(0);
    expect(runs.stdout).to.match(/^1\s+full\s+startup\s+succeeded\s/m).and.to.match(/^2\s+incremental\s+cli:\S+\s+succeeded\s/m);

    const clients = await tongban(['clients', 'list']);
    expect(clients.code, clients.stderr).to.equal(0);
    for (const id of ['platform', 'window-meizhou', 'ops', 'dept-gaj', 'dept-mzrsj']) expect(clients.stdout).to.match(new RegExp(`^${id}\\s.*\\sactive\\s`, 'm'));
    const jwkFile = join(dir, 'portal.jwk.json');
    writeFileSync(jwkFile, JSON.stringify({ ...generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' }), kid: 'portal-1', alg: 'EdDSA' }));
    expect((await tongban(['clients', 'add', '--id', 'portal', '--role', 'platform', '--jwk', jwkFile])).stdout).to.contain('Client portal registered with key portal-1.');
    expect((await tongban(['clients', 'revoke', 'portal'])).stdout).to.contain('Revoked client portal.');
    expect((await tongban(['clients', 'list'])).stdout).to.match(/^portal\s+platform\s+revoked\s/m);

    const mappings = await tongban(['mappings', 'check']);
    expect(mappings.code, mappings.stderr).to.equal(0);
    expect(mappings.stdout).to.match(/^Mappings are valid: /);

    const keys = await tongban(['keys', 'list']);
    expect(keys.code, keys.stderr).to.equal(0);
    const published = (await (await fetch(`${url}/.well-known/jwks.json`)).json() as { keys: { kid: string }[] }).keys;
    expect(keys.stdout).to.match(new RegExp(`^${published[0]!.kid}\\s+\\S+\\s+active\\s`, 'm'));

    const migrate = await tongban(['migrate']);
    expect(migrate.code, migrate.stderr).to.equal(0);
    expect(migrate.stdout).to.match(/^Nothing to apply: sqlite \(\S*sandbox\.db\)/);
  });

  it('tongban call signs a request to the sandbox\'s URL (no --url) and verifies the answer', async function () {
    this.timeout(120_000);
    const themes = await tongban(['call', 'GET', '/v1/themes']);
    expect(themes.code, themes.stderr).to.equal(0);
    expect(themes.stderr).to.contain(`HTTP 200 OK  (GET ${url}/v1/themes as platform)`).and.to.contain('✓ verified: signed by Tongban key');
    expect((JSON.parse(themes.stdout) as { themes: { code: string }[] }).themes.map((theme) => theme.code)).to.include('MX-T05');
    const guide = await tongban(['call', 'POST', '/v1/themes/MX-T15/guide', '--data', '{"answers":{}}']);
    expect(guide.code, guide.stderr).to.equal(0);
    expect(JSON.parse(guide.stdout)).to.have.nested.property('theme.code', 'MX-T15');
  });
});
