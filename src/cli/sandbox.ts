/**
 * `tongban sandbox`: the whole service on one machine — a simulator of every
 * upstream (matter system, licence library, e-seal platform, the identity
 * platform, every department over its own channel) and the gateway on embedded SQLite,
 * with development keys made on first run. What `npm start` runs.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { startInboxDepartmentSimulator } from '../../adapters/department-inbox/index.js';
import { startRestDepartmentSimulator } from '../../adapters/department-rest/index.js';
import { startSoapDepartmentSimulator } from '../../adapters/department-soap/index.js';
import { startIdentityPlatformSimulator } from '../../adapters/identity-platform/index.js';
import { DEFAULT_LOGISTICS_CREDENTIALS, startLogisticsSimulator } from '../../adapters/logistics/simulator/index.js';
import { DEFAULT_PAYMENT_CREDENTIALS, startPaymentSimulator } from '../../adapters/payment/simulator/index.js';
import { DEFAULT_DATA_SHARING_CREDENTIALS, startDataSharingSimulator } from '../../adapters/data-sharing/simulator/index.js';
import { DEFAULT_LICENCE_LIBRARY_ACCOUNT, sharedIssuerPki, startLicenceLibrarySimulator } from '../../adapters/licence-library/index.js';
import { ALL_ISSUERS } from '../../adapters/common/population/index.js';
import { licenceResultOutcomes } from '../../adapters/common/department/simulator/licence-results.js';
import { DEFAULT_MATTER_SYSTEM_CREDENTIALS, startMatterSystemSimulator } from '../../adapters/matter-system/simulator/start-matter-system-simulator.js';
import { DEV_SEAL_APP, startSealPlatformSimulator } from '../../adapters/seal-platform/simulator/index.js';
import { DEV_EVALUATION_APP, startEvaluationSimulator } from '../../adapters/evaluation/simulator/index.js';
import { loadConfig } from '../config/index.js';
import { loadDepartments } from '../delivery/department-registry.js';
import { SEAL_CA_PATH } from '../api/routes/seal-ca.js';
import { startGateway } from '../gateway.js';
import { createLogger } from '../log/index.js';
import type { PrivateJwk } from '../trust/algorithms.js';
import { CERT_FILES, developmentClients, initDevelopmentMaterial } from '../trust/dev-material.js';
import { Keyring } from '../trust/keyring.js';
import { hashPassword } from '../ops/dashboard/password.js';
import { markSandboxStopped, SANDBOX_STATE_FILE, writeSandboxState } from './sandbox-state.js';

/** The sandbox's ops dashboard login (development only; TONGBAN_OPS_USERS replaces it). */
const DEV_OPS_USER = { username: 'ops', password: 'tongban-ops' } as const;

interface Closable { close(): Promise<void> }

/**
 * The gateway's port: as given, or — for 0 — a free port chosen now. The
 * department simulators are told the gateway's URL (for their events) before
 * the gateway listens, so "any port" must be settled first; a port already
 * taken is refused now, before a single simulator starts.
 */
async function sandboxPort(raw: string, host: string): Promise<number> {
  const port = Number(raw);
  if (!/^\d+$/.test(raw) || port > 65535) throw new Error(`--port (or PORT) must be an integer from 0 to 65535, not "${raw}"`);
  const probe = createServer();
  try {
    await new Promise<void>((done, fail) => probe.once('error', fail).listen(port, host, done));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    throw new Error(`port ${port} on ${host} is already in use (another sandbox or program listens there): stop it, or run the sandbox on another port, e.g. \`npx tongban sandbox --port 0\` (any free port; it prints the URL)`);
  }
  const chosen = (probe.address() as { port: number }).port;
  await new Promise<void>((done) => probe.close(() => done()));
  return chosen;
}

export function registerSandboxCommand(program: Command): void {
  program.command('sandbox')
    .description('Run every upstream simulator and the gateway on embedded SQLite, with development keys (what `npm start` runs)')
    .option('--port <port>', 'gateway port (default PORT or 8080)')
    .option('--event-delay <ms>', 'how long simulated departments take to accept and complete (ms)', '2000')
    .option('--waybill-step <ms>', 'how long the mail service simulator takes for each step of a waybill (ms)', '2000')
    .action(async (options: { port?: string; eventDelay: string; waybillStep: string }) => {
      const base = loadConfig();
      const port = await sandboxPort(options.port ?? process.env['PORT'] ?? '8080', base.host);
      const certsDir = resolve(base.certsDir);
      const departments = loadDepartments();
      await initDevelopmentMaterial(certsDir, developmentClients(departments));
      const keyring = Keyring.open(join(certsDir, CERT_FILES.keyring));
      const tongbanKeys = async () => keyring.publicKeys();
      const key = (client: string) => JSON.parse(readFileSync(join(certsDir, `${client}.jwk.json`), 'utf8')) as PrivateJwk;
      const gatewayUrl = `http://127.0.0.1:${port}`;
      const eventDelayMs = Number(options.eventDelay);
      const running: Closable[] = [];
      const out = (line: string) => process.stdout.write(`${line}\n`);

      out('Starting the Tongban sandbox…');
      sharedIssuerPki().warm(ALL_ISSUERS);
      const matters = await startMatterSystemSimulator();
      const library = await startLicenceLibrarySimulator();
      // The seal CA made once by keys init (certs/dev/seal-ca.*): sealed documents keep verifying across restarts.
      const sealCaFile = join(certsDir, CERT_FILES.sealCaCertificate);
      const seals = await startSealPlatformSimulator({ ca: { certificatePem: readFileSync(sealCaFile, 'utf8'), privateKeyPem: readFileSync(join(certsDir, CERT_FILES.sealCaKey), 'utf8') } });
      const identity = await startIdentityPlatformSimulator();
      // The mail service (政务EMS) pushes trace events to the gateway; each waybill walks to delivered on its own.
      const logistics = await startLogisticsSimulator({
        credentials: [{ ...DEFAULT_LOGISTICS_CREDENTIALS, callbackUrl: `${gatewayUrl}/v1/logistics/pushes` }], autoAdvanceMs: Number(options.waybillStep),
      });
      running.push(matters, library, seals, identity, logistics);
      // The payment platform (统一公共支付平台): the applicant "pays" every new notice a few seconds after it is made.
      const payment = await startPaymentSimulator({
        credentials: [{ ...DEFAULT_PAYMENT_CREDENTIALS, callbackUrl: `${gatewayUrl}/v1/payments/notifications` }], autoPayMs: Number(process.env['TONGBAN_SANDBOX_AUTO_PAY_MS'] ?? '3000'),
      });
      running.push(payment);
      const evaluation = await startEvaluationSimulator();
      running.push(evaluation);
      // The data-sharing exchange answers from the licence library's population: the same people, their 户籍, 婚姻, 社保, 公积金.
      const dataSharing = await startDataSharingSimulator({ population: library.population });
      running.push(dataSharing);
      const anchors = join(certsDir, 'licence-anchors.pem');
      writeFileSync(anchors, library.trustAnchorsPem.join('\n'));

      // Results issued as licences (docs/licence-issuance.md): the issuing departments' signing credentials, from the library's development PKI.
      const issuerKeys = join(certsDir, 'licence-issuers');
      mkdirSync(issuerKeys, { recursive: true });
      for (const issuer of ALL_ISSUERS) {
        const credentials = sharedIssuerPki().credentials(issuer);
        writeFileSync(join(issuerKeys, `${issuer.creditCode}.key.pem`), credentials.privateKeyPem, { mode: 0o600 });
        writeFileSync(join(issuerKeys, `${issuer.creditCode}.cert.pem`), credentials.certificatePem);
      }
      // The matters whose results are licences are completed with them (issued into the library): 公安's 出生登记 with the
      // child's 公民身份号码, the household it joins and its 户口簿 page; 市场监管's 个体工商户设立 with the new 统一社会信用代码
      // and the 营业执照, its 食品经营许可证核发 with the permit; 民政和人社's 社会保障卡申领 with the card.
      const outcomes = licenceResultOutcomes(library.population);

      const endpoints: Record<string, string> = {};
      const departmentUrls: string[] = [];
      for (const department of departments) {
        const common = {
          departmentCode: department.code,
          eventsTarget: { url: gatewayUrl, clientId: `dept-${department.code}`, key: key(`dept-${department.code}`), tongbanKeys },
          eventDelayMs,
        };
        if (department.channel === 'rest') {
          const simulator = await startRestDepartmentSimulator({
            ...common, departmentKey: key(`dept-${department.code}`), tongbanPublicKeys: tongbanKeys, outcomes,
          });
          endpoints[department.code] = simulator.url;
          running.push(simulator);
          departmentUrls.push(`  ${department.code.padEnd(8)} ${department.name} (rest)  ${simulator.url}`);
        } else if (department.channel === 'soap') {
          const simulator = await startSoapDepartmentSimulator({ ...common, departmentKey: key(`dept-${department.code}`), tongbanPublicKeys: tongbanKeys, outcomes });
          // One flaky department, so retries can be watched (tune it at <url>/__control/faults).
          if (department.code === 'mzrsj') simulator.faults.set({ errorRate: 0.5, statusCodes: [503] });
          endpoints[department.code] = simulator.url;
          running.push(simulator);
          departmentUrls.push(`  ${department.code.padEnd(8)} ${department.name} (soap)  ${simulator.endpoint}${department.code === 'mzrsj' ? '  [flaky: 50 % 503]' : ''}`);
        }
      }

      const config = loadConfig({
        ...process.env,
        PORT: String(port),
        TONGBAN_SQLITE_PATH: process.env['TONGBAN_SQLITE_PATH'] ?? './data/sandbox.db',
        TONGBAN_CLIENTS_FILE: join(certsDir, CERT_FILES.clients),
        TONGBAN_LOG_LEVEL: process.env['TONGBAN_LOG_LEVEL'] ?? 'warn',
        TONGBAN_MATTER_SYSTEM_URL: matters.url,
        TONGBAN_MATTER_SYSTEM_APP_KEY: DEFAULT_MATTER_SYSTEM_CREDENTIALS.appKey,
        TONGBAN_MATTER_SYSTEM_APP_SECRET: DEFAULT_MATTER_SYSTEM_CREDENTIALS.appSecret,
        TONGBAN_LICENCE_LIBRARY_URL: library.url,
        TONGBAN_LICENCE_LIBRARY_ACCESS_ID: DEFAULT_LICENCE_LIBRARY_ACCOUNT.accessId,
        TONGBAN_LICENCE_LIBRARY_ACCESS_SECRET: DEFAULT_LICENCE_LIBRARY_ACCOUNT.accessSecret,
        TONGBAN_LICENCE_LIBRARY_TRUST_ANCHORS_FILE: anchors,
        TONGBAN_LICENCE_ISSUER_KEYS_DIR: issuerKeys,
        TONGBAN_SEAL_PLATFORM_URL: seals.url,
        TONGBAN_SEAL_PLATFORM_APP_ID: DEV_SEAL_APP.appId,
        TONGBAN_SEAL_PLATFORM_APP_SECRET: DEV_SEAL_APP.appSecret,
        TONGBAN_SEAL_PLATFORM_TRUST_ANCHORS_FILE: sealCaFile,
        TONGBAN_IDENTITY_ISSUER: identity.issuer,
        TONGBAN_LOGISTICS_URL: logistics.url,
        TONGBAN_LOGISTICS_APP_KEY: DEFAULT_LOGISTICS_CREDENTIALS.appKey,
        TONGBAN_LOGISTICS_APP_SECRET: DEFAULT_LOGISTICS_CREDENTIALS.appSecret,
        TONGBAN_LOGISTICS_TRACK_INTERVAL_MS: process.env['TONGBAN_LOGISTICS_TRACK_INTERVAL_MS'] ?? '10000',
        TONGBAN_DATA_SHARING_URL: dataSharing.url,
        TONGBAN_DATA_SHARING_APP_KEY: DEFAULT_DATA_SHARING_CREDENTIALS.appKey,
        TONGBAN_DATA_SHARING_APP_SECRET: DEFAULT_DATA_SHARING_CREDENTIALS.appSecret,
        TONGBAN_PAYMENT_URL: payment.url,
        TONGBAN_PAYMENT_APP_ID: DEFAULT_PAYMENT_CREDENTIALS.appId,
        TONGBAN_PAYMENT_APP_SECRET: DEFAULT_PAYMENT_CREDENTIALS.appSecret,
        TONGBAN_PAYMENT_PULL_INTERVAL_MS: process.env['TONGBAN_PAYMENT_PULL_INTERVAL_MS'] ?? '10000',
        TONGBAN_EVALUATION_URL: evaluation.url,
        TONGBAN_EVALUATION_APP_ID: DEV_EVALUATION_APP.appId,
        TONGBAN_EVALUATION_APP_SECRET: DEV_EVALUATION_APP.appSecret,
        TONGBAN_DEPARTMENT_ENDPOINTS: JSON.stringify(endpoints),
        TONGBAN_DELIVERY_BACKOFF_BASE_MS: process.env['TONGBAN_DELIVERY_BACKOFF_BASE_MS'] ?? '500',
        TONGBAN_DELIVERY_BACKOFF_CAP_MS: process.env['TONGBAN_DELIVERY_BACKOFF_CAP_MS'] ?? '15000',
        TONGBAN_OPS_USERS: process.env['TONGBAN_OPS_USERS'] || JSON.stringify({ [DEV_OPS_USER.username]: await hashPassword(DEV_OPS_USER.password) }),
      });
      const gateway = await startGateway(config, { logger: createLogger({ level: config.logLevel }) });
      for (const department of departments.filter((candidate) => candidate.channel === 'inbox')) {
        const poller = await startInboxDepartmentSimulator({
          tongbanUrl: gateway.url, departmentCode: department.code, clientId: `dept-${department.code}`, key: key(`dept-${department.code}`), tongbanKeys,
          pollIntervalMs: 1000, eventsTarget: { url: gateway.url, clientId: `dept-${department.code}`, key: key(`dept-${department.code}`), tongbanKeys }, eventDelayMs,
        });
        running.push(poller);
        departmentUrls.push(`  ${department.code.padEnd(8)} ${department.name} (inbox: polls ${gateway.url})`);
      }

      out('');
      out(`Tongban gateway     ${gateway.url}   (SQLite ${config.sqlitePath})`);
      out(`  health            ${gateway.url}/healthz  ${gateway.url}/readyz`);
      out(`  public keys       ${gateway.url}/.well-known/jwks.json`);
      out(`  seal CA           ${gateway.url}${SEAL_CA_PATH}   (${sealCaFile}; verifies sealed result documents)`);
      out(`  ops dashboard     ${gateway.url}/ops   ${process.env['TONGBAN_OPS_USERS'] ? '(users from TONGBAN_OPS_USERS)' : `(development login: ${DEV_OPS_USER.username} / ${DEV_OPS_USER.password})`}`);
      out('Simulators (fault control: GET|PUT|POST|DELETE <url>/__control/faults)');
      out(`  matter system     ${matters.url}`);
      out(`  licence library   ${library.url}`);
      out(`  e-seal platform   ${seals.url}`);
      out(`  好差评 system     ${evaluation.url}   (provincial 好差评: evaluations and 整改回访 steps; busy control PUT ${evaluation.url}/__control/busy)`);
      out(`  data sharing      ${dataSharing.url}   (省大数据中心 数据共享交换平台: 户籍, 婚姻登记, 社保参保, 住房公积金; query and 在线核验)`);
      out(`  identity platform ${identity.url}   (统一身份认证, OpenID Connect: ${identity.url}/.well-known/openid-configuration)`);
      out(`  mail service      ${logistics.url}   (政务EMS: waybills advance a step every ${options.waybillStep} ms, traces pushed to ${gatewayUrl}/v1/logistics/pushes)`);
      out(`  payment platform  ${payment.url}   (统一公共支付平台: notices paid ${process.env['TONGBAN_SANDBOX_AUTO_PAY_MS'] ?? '3000'} ms after they are made, notifications to ${gatewayUrl}/v1/payments/notifications; pay by hand: POST ${payment.url}/__control/notices/<缴款码>/pay)`);
      for (const line of departmentUrls) out(line);
      writeSandboxState({
        databasePath: resolve(config.sqlitePath), url: gateway.url, certsDir, matterSystemUrl: matters.url, pid: process.pid, startedAt: new Date().toISOString(),
      });
      out(`State               ${SANDBOX_STATE_FILE}   (tongban commands run in this folder use this sandbox's database, keys and URL)`);
      out('Client keys (private JWKs with kid and alg; sign requests with src/trust signing client)');
      out(`  platform          ${join(certsDir, 'platform.jwk.json')}`);
      for (const counter of developmentClients(departments).filter((client) => client.role === 'counter')) {
        out(`  counter           ${join(certsDir, counter.file)}   (${counter.id}, a window of service hall ${counter.hall})`);
      }
      out(`  ops               ${join(certsDir, 'ops.jwk.json')}`);
      out(`  departments       ${join(certsDir, 'dept-<code>.jwk.json')}`);
      out('Press Ctrl-C to stop.');

      const stop = async () => {
        out('\nStopping the sandbox…');
        markSandboxStopped();
        await gateway.close();
        await Promise.allSettled(running.map((item) => item.close()));
        process.exit(0);
      };
      process.once('SIGINT', () => void stop());
      process.once('SIGTERM', () => void stop());
    });
}
