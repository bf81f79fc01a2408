/**
 * `tongban call`, spawned as a real process: signs with a development key,
 * verifies the gateway's signed answer against its JWKS, prints the status
 * line, the verification and the body; exit 0 only for a verified 2xx, 1 for
 * an unverified (unsigned or tampered) answer, 2 for a usage error; with
 * `--id-token`, sends the applicant's ID token bound to the signature.
 */
import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Gateway } from '../../src/gateway.js';
import { createSigningClient } from '../../src/trust/signing-client.js';
import { devCertsDir, devKey } from '../helpers/dev-keys.js';
import { startTestGateway } from '../helpers/gateway.js';
import { DEFAULT_TEST_PERSON, loginAt, registerPerson } from '../helpers/identity.js';
import { tinyPdf, tinyPng } from '../helpers/material-files.js';
import { childEnv } from '../helpers/sandbox-process.js';
import { runTongban, type CliOutcome } from '../helpers/tongban-cli.js';

/** Runs `tongban …` in `cwd` (no sandbox recorded there) with only the keys folder configured. */
function tongban(args: string[], cwd: string, certs: string, input?: string): Promise<CliOutcome> {
  return runTongban(args, { cwd, env: childEnv({ TONGBAN_CERTS_DIR: certs }), ...(input !== undefined ? { input } : {}) });
}

async function listening(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}

describe('tongban call (spawned, against a gateway)', function () {
  this.timeout(60_000);
  let dir: string;
  let certs: string;
  let gateway: Gateway;
  const servers: Server[] = [];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tongban-call-'));
    certs = await devCertsDir();
    ({ gateway } = await startTestGateway({ TONGBAN_SQLITE_PATH: join(dir, 'gateway.db'), TONGBAN_LOG_LEVEL: 'error' }));
  });
  after(async () => {
    for (const server of servers) server.close();
    await gateway.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('GET /v1/themes: status line, verified by the key id of the gateway\'s JWKS, the body pretty-printed; exit 0', async () => {
    const result = await tongban(['call', 'GET', '/v1/themes', '--url', gateway.url], dir, certs);
    expect(result.code, result.stderr).to.equal(0);
    const kid = gateway.keyring.publicKeys()[0]!.kid!;
    expect(result.stderr).to.contain(`HTTP 200 OK  (GET ${gateway.url}/v1/themes as platform)`);
    expect(result.stderr).to.contain(`✓ verified: signed by Tongban key ${kid}`);
    expect(JSON.parse(result.stdout)).to.have.property('themes');
    expect(result.stdout).to.match(/^\{\n {2}"themes"/);
  });

  it('POST with --data JSON, --data @file and --data - (stdin), signed as ops: each a verified 200', async () => {
    const body = '{"department":"gaj"}';
    const file = join(dir, 'replay.json');
    writeFileSync(file, body);
    for (const [data, input] of [[body, undefined], [`@${file}`, undefined], ['-', body]] as const) {
      const result = await tongban(['call', 'POST', '/v1/ops/deliveries/replay', '--as', 'ops', '--data', data, '--url', gateway.url], dir, certs, input);
      expect(result.code, `${data}: ${result.stderr}`).to.equal(0);
      expect(result.stderr).to.contain('HTTP 200 OK').and.to.contain('✓ verified');
      expect(JSON.parse(result.stdout), data).to.deep.include({ department: 'gaj' });
    }
  });

  it('a signed error answer is verified but exits 1', async () => {
    const result = await tongban(['call', 'GET', '/v1/themes/NO-SUCH', '--url', gateway.url], dir, certs);
    expect(result.code).to.equal(1);
    expect(result.stderr).to.contain('HTTP 404 Not Found').and.to.contain('✓ verified');
    expect(JSON.parse(result.stdout)).to.include({ code: 'NOT_FOUND' });
  });

  it('an answer without a signature (a plain server): NOT verified, exit 1', async () => {
    const plain = createServer((_req, res) => { res.setHeader('content-type', 'application/json'); res.end('{"themes":[]}'); });
    servers.push(plain);
    const result = await tongban(['call', 'GET', '/v1/themes', '--url', await listening(plain)], dir, certs);
    expect(result.code).to.equal(1);
    expect(result.stderr).to.contain('HTTP 200 OK').and.to.contain('✗ NOT verified: the answer carries no Tongban-Signature header');
    expect(JSON.parse(result.stdout)).to.deep.equal({ themes: [] });
  });

  it('a signed answer whose body was changed on the way (a tampering proxy): NOT verified, exit 1', async () => {
    const proxy = createServer((req: IncomingMessage, res: ServerResponse) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        void (async () => {
          const headers = Object.fromEntries(Object.entries(req.headers).filter(([name]) => name !== 'host' && name !== 'connection')) as Record<string, string>;
          const answer = await fetch(`${gateway.url}${req.url}`, { method: req.method!, headers, ...(chunks.length ? { body: Buffer.concat(chunks) } : {}) });
          const text = (await answer.text()).replace('"themes"', '"themez"');
          for (const [name, value] of answer.headers) if (name !== 'content-length' && name !== 'content-encoding' && name !== 'transfer-encoding') res.setHeader(name, value);
          res.statusCode = answer.status;
          res.end(text);
        })();
      });
    });
    servers.push(proxy);
    const result = await tongban(['call', 'GET', '/v1/themes', '--url', await listening(proxy)], dir, certs);
    expect(result.code, result.stderr).to.equal(1);
    expect(result.stderr).to.contain('HTTP 200 OK').and.to.match(/✗ NOT verified: DIGEST_MISMATCH/);
  });

  it('--file uploads a material\'s bytes as they are (type from the extension or --content-type), then --output gets them back', async () => {
    const pdf = tinyPdf('uploaded by tongban call');
    const file = join(dir, 'birth-certificate.pdf');
    writeFileSync(file, pdf);
    const uploaded = await tongban(['call', 'POST', '/v1/materials', '--file', file, '--url', gateway.url], dir, certs);
    expect(uploaded.code, uploaded.stderr).to.equal(0);
    expect(uploaded.stderr).to.contain('HTTP 201 Created').and.to.contain('✓ verified');
    const answer = JSON.parse(uploaded.stdout) as { id: string; sha256: string; size: number; mediaType: string };
    expect(answer).to.include({ sha256: createHash('sha256').update(pdf).digest('hex'), size: pdf.length, mediaType: 'application/pdf' });
    const saved = join(dir, 'back.pdf');
    const content = await tongban(['call', 'GET', `/v1/materials/${answer.id}/content`, '--output', saved, '--url', gateway.url], dir, certs);
    expect(content.code, content.stderr).to.equal(0);
    expect(readFileSync(saved).equals(pdf)).to.equal(true);
    const png = join(dir, 'photo.bin');
    writeFileSync(png, tinyPng());
    const typed = await tongban(['call', 'POST', '/v1/materials', '--file', png, '--content-type', 'application/pdf', '--url', gateway.url], dir, certs);
    expect(typed.code).to.equal(1);
    expect(typed.stdout).to.contain('The bytes are a PNG image, the Content-Type says application/pdf');
    const untyped = await tongban(['call', 'POST', '/v1/materials', '--file', png, '--url', gateway.url], dir, certs);
    expect(untyped.code).to.equal(2);
    expect(untyped.stderr).to.contain('--content-type');
  });

  it('--id-token sends the applicant\'s ID token (or @file) bound to the signature; without it the same call is 401 ID_TOKEN_MISSING', async () => {
    await registerPerson(DEFAULT_TEST_PERSON.idNumber, DEFAULT_TEST_PERSON.name);
    const platform = createSigningClient({ baseUrl: gateway.url, clientId: 'platform', key: await devKey('platform') });
    const idToken = await loginAt(gateway.url, platform, DEFAULT_TEST_PERSON);
    const withToken = await tongban(['call', 'GET', '/v1/delegations', '--id-token', idToken, '--url', gateway.url], dir, certs);
    expect(withToken.code, withToken.stderr).to.equal(0);
    expect(withToken.stderr).to.contain(`HTTP 200 OK  (GET ${gateway.url}/v1/delegations as platform, with an ID token)`).and.to.contain('✓ verified');
    expect(JSON.parse(withToken.stdout)).to.deep.include({ delegations: [] });
    const file = join(dir, 'id-token.txt');
    writeFileSync(file, `${idToken}\n`);
    const fromFile = await tongban(['call', 'GET', '/v1/delegations', '--id-token', `@${file}`, '--url', gateway.url], dir, certs);
    expect(fromFile.code, fromFile.stderr).to.equal(0);
    const without = await tongban(['call', 'GET', '/v1/delegations', '--url', gateway.url], dir, certs);
    expect(without.code).to.equal(1);
    expect(JSON.parse(without.stdout)).to.include({ status: 401, code: 'ID_TOKEN_MISSING' });
    const garbled = await tongban(['call', 'GET', '/v1/delegations', '--id-token', 'not-a-token', '--url', gateway.url], dir, certs);
    expect(garbled.code).to.equal(2);
    expect(garbled.stderr).to.contain('--id-token must be an ID token');
  });

  it('usage errors exit 2 with a message: an unknown --as, --data that is not JSON, a path without "/"', async () => {
    const unknown = await tongban(['call', 'GET', '/v1/themes', '--as', 'nobody', '--url', gateway.url], dir, certs);
    expect(unknown.code).to.equal(2);
    expect(unknown.stderr).to.contain('--as must be platform, window-meizhou, ops or dept-<code>').and.to.contain('"nobody"');
    const notJson = await tongban(['call', 'POST', '/v1/prefill', '--data', '{oops', '--url', gateway.url], dir, certs);
    expect(notJson.code).to.equal(2);
    expect(notJson.stderr).to.contain('--data: the argument is not JSON');
    const path = await tongban(['call', 'GET', 'v1/themes', '--url', gateway.url], dir, certs);
    expect(path.code).to.equal(2);
    expect(path.stderr).to.contain('PATH must start with "/"');
    const missing = await tongban(['call', 'GET'], dir, certs);
    expect(missing.code).to.equal(2);
    expect(missing.stderr).to.contain("missing required argument 'path'");
  });
});
