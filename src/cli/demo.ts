/**
 * `tongban demo`: drives a whole story through the public, signed API of a
 * running sandbox — a family's 婴儿“出生一件事” from guide to prefill to
 * submission, its departments (one of them made flaky), results sealed,
 * application completed — and prints progress as it goes.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { createPopulation } from '../../adapters/licence-library/index.js';
import { loadConfig } from '../config/index.js';
import type { PrivateJwk } from '../trust/algorithms.js';
import { createSigningClient, jwks, type SigningClient } from '../trust/signing-client.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function step(text: string): void {
  process.stdout.write(`\n▶ ${text}\n`);
}

function check(answer: { status: number; body: unknown }, expected: number, what: string): Json {
  if (answer.status !== expected) throw new Error(`${what}: expected HTTP ${expected}, got ${answer.status}: ${JSON.stringify(answer.body).slice(0, 400)}`);
  return answer.body as Json;
}

async function birthStory(platform: SigningClient, ops: SigningClient, pollMs: number, timeoutMs: number): Promise<void> {
  const population = createPopulation();
  const mother = population.persons.find((person) => person.idNumber && population.licences.some((licence) => licence.type === 'birthCertificate' && licence.holder.code === person.idNumber && licence.status === '01'))!;
  step(`婴儿“出生一件事” for the family of ${mother.name[0]}** (mother), theme MX-T05`);
  const guide = check(await platform.request('POST', '/v1/themes/MX-T05/guide', { body: { answers: {} } }), 200, 'guide');
  process.stdout.write(`  matters: ${guide.matters.map((matter: Json) => `${matter.name} → ${matter.department.name}${matter.after.length ? ' (waits for 出生登记)' : ''}`).join('; ')}\n`);
  process.stdout.write(`  materials: ${guide.materials.length}, of which a licence supplies ${guide.materials.filter((material: Json) => material.suppliedByLicence).length}\n`);

  step('The mother authorises the use of her licences (face recognition at the counter)');
  const authorization = check(await platform.request('POST', '/v1/authorizations', { body: {
    holder: { code: mother.idNumber, type: 'citizen' }, licenceTypes: ['birthCertificate', 'residentIdCard', 'householdRegister', 'marriageCertificate'],
    purpose: { themeCode: 'MX-T05', description: '办理婴儿出生一件事' }, expiresAt: new Date(Date.now() + 3600_000).toISOString(),
    consent: { method: 'face-recognition', at: new Date().toISOString() },
  } }), 201, 'authorisation');
  process.stdout.write(`  authorisation ${authorization.id}\n`);

  step('Prefill the merged form from her verified licences');
  const prefill = check(await platform.request('POST', '/v1/prefill', { body: {
    themeCode: 'MX-T05', answers: {}, useCause: '办理婴儿出生一件事',
    holders: { mother: { code: mother.idNumber, type: 'citizen', authorizationId: authorization.id } },
  } }), 200, 'prefill');
  process.stdout.write(`  auto-filled ${prefill.autoFill.filled} of ${prefill.autoFill.total} fields (${Math.round(prefill.autoFill.ratio * 100)} %) from ${prefill.licences.filter((licence: Json) => licence.used).length} verified licences\n`);
  for (const [field, provenance] of Object.entries(prefill.provenance as Record<string, Json>).slice(0, 4)) process.stdout.write(`    ${field} ← ${provenance.licenceName} ${provenance.licenceIdentifier}\n`);

  step('In the sandbox 民政和人社局\'s SOAP system is flaky (about half its answers are 503): Tongban retries with backoff and jitter');
  const form = { ...prefill.form, applicant: { phone: '13800138000' }, child: { ...prefill.form.child, address: mother.address, insuranceType: '城乡居民基本医疗保险' }, guardian: { name: mother.name, idNumber: mother.idNumber } };

  step('Submit once (Idempotency-Key); Tongban splits it per department');
  const key = `demo-${Date.now()}`;
  const submitted = check(await platform.request('POST', '/v1/applications', { body: { themeCode: 'MX-T05', answers: {}, form, evidenceToken: prefill.evidenceToken }, headers: { 'Idempotency-Key': key } }), 202, 'submission');
  const again = await platform.request('POST', '/v1/applications', { body: { themeCode: 'MX-T05', answers: {}, form, evidenceToken: prefill.evidenceToken }, headers: { 'Idempotency-Key': key } });
  process.stdout.write(`  application ${submitted.applicationId}; the same submission again answers the same id: ${(again.body as Json).applicationId === submitted.applicationId}\n`);

  step('Follow it until every department has finished');
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    const application = check(await platform.request('GET', `/v1/applications/${submitted.applicationId}`), 200, 'status');
    const line = application.subApplications.map((sub: Json) => `${sub.matterName}: ${sub.status}${sub.acceptanceNumber ? ` (${sub.acceptanceNumber})` : ''}`).join(' | ');
    if (line !== last) process.stdout.write(`  [${application.status}] ${line}\n`);
    last = line;
    if (application.status === 'completed' || application.status === 'rejected' || application.status === 'partially_rejected') {
      for (const sub of application.subApplications) {
        for (const result of sub.results ?? []) process.stdout.write(`    result of ${sub.matterName}: ${result.name}${result.documentId ? ` (sealed by ${result.sealName})` : ''}${result.value ? ` = ${result.value}` : ''}\n`);
      }
      break;
    }
    if (Date.now() > deadline) throw new Error(`not finished within ${timeoutMs} ms`);
    await new Promise((resolveWait) => setTimeout(resolveWait, pollMs));
  }
  const uses = check(await platform.request('GET', `/v1/holders/${mother.idNumber}/licence-uses`), 200, 'ledger');
  process.stdout.write(`  licence-use ledger: ${uses.uses?.length ?? uses.entries?.length ?? 0} entries for the mother, each with its reason\n`);
  const dead = check(await ops.request('GET', '/v1/ops/deliveries?state=dead'), 200, 'ops');
  process.stdout.write(`  dead letters now: ${dead.deliveries.length}\n`);
}

export function registerDemoCommand(program: Command): void {
  program.command('demo')
    .description('Drive the 出生一件事 story through the public API of a running sandbox (start it with `npm start` first)')
    .option('--url <url>', 'gateway URL', 'http://127.0.0.1:8080')
    .option('--timeout <ms>', 'how long to wait for the departments', '120000')
    .action(async (options: { url: string; timeout: string }) => {
      const certsDir = resolve(loadConfig().certsDir);
      const key = (client: string) => JSON.parse(readFileSync(join(certsDir, `${client}.jwk.json`), 'utf8')) as PrivateJwk;
      const client = (id: string) => createSigningClient({ baseUrl: options.url, clientId: id, key: key(id), tongbanKeys: () => jwks(options.url) });
      await birthStory(client('platform'), client('ops'), 1000, Number(options.timeout));
      process.stdout.write('\n✔ The story completed: one form, one set of materials, once.\n');
    });
}
