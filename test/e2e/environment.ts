/**
 * The end-to-end environment: the licence-library and matter-system
 * simulators, the data-sharing exchange's simulator over the library's
 * population (docs/shared-data.md: prefill's second source, verification at
 * intake), a simulator of every department of mappings/departments.json
 * (REST, SOAP, inbox) and a gateway wired to them over real sockets, on
 * SQLite, with the REAL `mappings/` (no TONGBAN_MAPPINGS_DIR), so every
 * mapped theme can be driven through the public signed API as the sandbox
 * serves it; the gateway trusts the shared identity platform simulator
 * (test/helpers/identity.ts). The dispatcher does not run on its own: `deliver()` delivers
 * what is due, so a test sees an application before and after delivery.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DEFAULT_LICENCE_LIBRARY_ACCOUNT, sharedIssuerPki, startLicenceLibrarySimulator, type LicenceLibrarySimulator,
} from '../../adapters/licence-library/index.js';
import { ALL_ISSUERS } from '../../adapters/common/population/index.js';
import { DEFAULT_DATA_SHARING_CREDENTIALS, startDataSharingSimulator, type DataSharingSimulator } from '../../adapters/data-sharing/simulator/index.js';
import { DEFAULT_MATTER_SYSTEM_CREDENTIALS, startMatterSystemSimulator, type MatterSystemSimulator } from '../../adapters/matter-system/simulator/start-matter-system-simulator.js';
import type { ReceivedDelivery } from '../../adapters/common/department/simulator/department-book.js';
import type { MaterialDownload } from '../../adapters/common/department/simulator/material-check.js';
import { DEV_SEAL_APP, startSealPlatformSimulator } from '../../adapters/seal-platform/simulator/index.js';
import { DEFAULT_PAYMENT_CREDENTIALS, startPaymentSimulator } from '../../adapters/payment/simulator/index.js';
import { startInboxDepartmentSimulator, type InboxDepartmentSimulator } from '../../adapters/department-inbox/simulator/inbox-department-simulator.js';
import { startRestDepartmentSimulator } from '../../adapters/department-rest/simulator/rest-department-simulator.js';
import { startSoapDepartmentSimulator } from '../../adapters/department-soap/simulator/soap-department-simulator.js';
import { loadDepartments } from '../../src/delivery/department-registry.js';
import { CatalogStore } from '../../src/catalog/index.js';
import type { Gateway } from '../../src/gateway.js';
import { createSigningClient, jwks, type FetchFunction, type SigningClient } from '../../src/trust/signing-client.js';
import { devKey } from '../helpers/dev-keys.js';
import { startTestGateway, type LogCapture } from '../helpers/gateway.js';
import { TestSessions } from '../helpers/identity.js';
import { waitFor } from '../helpers/wait.js';

export interface EndToEndEnvironment {
  gateway: Gateway;
  logs: LogCapture;
  library: LicenceLibrarySimulator;
  matters: MatterSystemSimulator;
  /** The data-sharing exchange (省大数据中心): the same people as the library, their 户籍, 婚姻, 社保, 公积金. */
  exchange: DataSharingSimulator;
  /** The development platform client (一网通办 portal). */
  platform: SigningClient;
  ops: SigningClient;
  /** Logins at the identity platform the gateway trusts (the shared simulator), once per client and person. */
  sessions: TestSessions;
  /** What every department system received (first arrivals and repeats, flagged `duplicate`). */
  received(): ReceivedDelivery[];
  /** Every material file the departments downloaded to check it before a receipt. */
  materialDownloads(): MaterialDownload[];
  /** One round of delivery: the dispatcher pushes what is due, every inbox department polls once. */
  deliver(): Promise<void>;
  /**
   * Drives an application to its end as the departments would: delivery rounds, each department sending its
   * events (受理, 办结 with results, sealed), matters released by their 前置事项 delivered in turn; resolves with
   * the final view once every sub-application is completed (throws naming what is stuck otherwise).
   */
  complete(applicationId: string): Promise<{ status: string; subApplications: { id: string; matterCode: string; status: string }[] }>;
  close(): Promise<void>;
}

/** What one department simulator of any channel offers the tests. */
interface DepartmentSystem {
  received(): ReceivedDelivery[];
  materialDownloads(): MaterialDownload[];
  flushEvents(): Promise<unknown>;
  close(): Promise<void>;
}

const GATEWAY_PLACEHOLDER = 'http://tongban.test';

/** Starts both simulators and a gateway on a fresh SQLite file; resolves once the whole catalogue is synced. */
export async function startEndToEndEnvironment(): Promise<EndToEndEnvironment> {
  sharedIssuerPki().warm(ALL_ISSUERS); // ~0.3 s per issuer, once per process
  const library = await startLicenceLibrarySimulator();
  const matters = await startMatterSystemSimulator();
  const exchange = await startDataSharingSimulator({ population: library.population });
  const seals = await startSealPlatformSimulator();
  // The payment platform pays each fee's notice as soon as it is made (a fee due before acceptance holds its matter until then).
  const payment = await startPaymentSimulator({ autoPayMs: 1, notifyRetryDelaysMs: [50, 200, 500] });
  const dir = mkdtempSync(join(tmpdir(), 'tongban-e2e-'));
  const anchors = join(dir, 'licence-anchors.pem');
  writeFileSync(anchors, library.trustAnchorsPem.join('\n'));

  // Push departments listen first (the gateway needs their URLs) and reach the gateway through `toGateway` once it is up.
  let started: Gateway | undefined;
  const toGateway: FetchFunction = (input, init) => globalThis.fetch(String(input).replace(GATEWAY_PLACEHOLDER, started!.url), init);
  const tongbanKeys = async () => started!.keyring.publicKeys();
  const departments = loadDepartments();
  const systems: DepartmentSystem[] = [];
  const inboxes: InboxDepartmentSimulator[] = [];
  const endpoints: Record<string, string> = {};
  for (const department of departments.filter((candidate) => candidate.channel !== 'inbox')) {
    const key = await devKey(`dept-${department.code}`);
    const options = {
      departmentCode: department.code, departmentKey: key, tongbanPublicKeys: tongbanKeys,
      eventsTarget: { url: GATEWAY_PLACEHOLDER, clientId: `dept-${department.code}`, key, tongbanKeys, fetch: toGateway },
    };
    const simulator = department.channel === 'soap' ? await startSoapDepartmentSimulator(options) : await startRestDepartmentSimulator(options);
    endpoints[department.code] = simulator.url;
    systems.push(simulator);
  }

  const { gateway, logs } = await startTestGateway({
    TONGBAN_SQLITE_PATH: join(dir, 'tongban.db'),
    TONGBAN_MATTER_SYSTEM_URL: matters.url,
    TONGBAN_MATTER_SYSTEM_APP_KEY: DEFAULT_MATTER_SYSTEM_CREDENTIALS.appKey,
    TONGBAN_MATTER_SYSTEM_APP_SECRET: DEFAULT_MATTER_SYSTEM_CREDENTIALS.appSecret,
    TONGBAN_CATALOG_SYNC_INTERVAL_MS: '0',
    TONGBAN_LICENCE_LIBRARY_URL: library.url,
    TONGBAN_LICENCE_LIBRARY_ACCESS_ID: DEFAULT_LICENCE_LIBRARY_ACCOUNT.accessId,
    TONGBAN_LICENCE_LIBRARY_ACCESS_SECRET: DEFAULT_LICENCE_LIBRARY_ACCOUNT.accessSecret,
    TONGBAN_LICENCE_LIBRARY_TRUST_ANCHORS_FILE: anchors,
    TONGBAN_LICENCE_LIBRARY_TIMEOUT_MS: '3000',
    TONGBAN_SEAL_PLATFORM_URL: seals.url,
    TONGBAN_SEAL_PLATFORM_APP_ID: DEV_SEAL_APP.appId,
    TONGBAN_SEAL_PLATFORM_APP_SECRET: DEV_SEAL_APP.appSecret,
    TONGBAN_DISPATCHER: 'false',
    TONGBAN_PAYMENT_URL: payment.url,
    TONGBAN_PAYMENT_APP_ID: DEFAULT_PAYMENT_CREDENTIALS.appId,
    TONGBAN_PAYMENT_APP_SECRET: DEFAULT_PAYMENT_CREDENTIALS.appSecret,
    TONGBAN_DEPARTMENT_ENDPOINTS: JSON.stringify(endpoints),
    TONGBAN_DATA_SHARING_URL: exchange.url,
    TONGBAN_DATA_SHARING_APP_KEY: DEFAULT_DATA_SHARING_CREDENTIALS.appKey,
    TONGBAN_DATA_SHARING_APP_SECRET: DEFAULT_DATA_SHARING_CREDENTIALS.appSecret,
  });
  started = gateway;
  payment.setCallbackUrl(DEFAULT_PAYMENT_CREDENTIALS.appId, `${gateway.url}/v1/payments/notifications`);
  for (const department of departments.filter((candidate) => candidate.channel === 'inbox')) {
    const key = await devKey(`dept-${department.code}`);
    const inbox = await startInboxDepartmentSimulator({ tongbanUrl: gateway.url, departmentCode: department.code, key, tongbanKeys });
    inboxes.push(inbox);
    systems.push(inbox);
  }
  const catalog = new CatalogStore(gateway.store);
  const everyMatter = matters.matters().map((matter) => matter.code);
  await waitFor(async () => (await catalog.listThemes()).length === matters.themes().length && (await catalog.getMatters(everyMatter)).size === everyMatter.length,
    { what: 'the first catalogue sync', timeoutMs: 20_000 });

  const client = async (clientId: string) => createSigningClient({ baseUrl: gateway.url, clientId, key: await devKey(clientId), tongbanKeys: () => jwks(gateway.url) });
  return {
    gateway, logs, library, matters, exchange,
    platform: await client('platform'),
    ops: await client('ops'),
    sessions: new TestSessions(gateway.url),
    received: () => systems.flatMap((system) => system.received()),
    materialDownloads: () => systems.flatMap((system) => system.materialDownloads()),
    async deliver() {
      await gateway.dispatcher.runOnce();
      for (const inbox of inboxes) await inbox.pollOnce();
    },
    async complete(applicationId) {
      const platform = await client('platform');
      type View = { status: string; subApplications: { id: string; matterCode: string; status: string }[] };
      return waitFor(async () => {
        await gateway.payments.worker.runOnce(); // the fees' notices (the dispatcher, and with it the payment worker, is off)
        await gateway.dispatcher.runOnce();
        for (const inbox of inboxes) await inbox.pollOnce();
        for (const system of systems) await system.flushEvents();
        const answer = await platform.request('GET', `/v1/applications/${applicationId}`);
        const view = answer.body as View;
        if (view.subApplications.every((sub) => sub.status === 'completed')) return view;
        throw new Error(`now ${view.subApplications.map((sub) => `${sub.matterCode} ${sub.status}`).join(', ')}`);
      }, { what: `application ${applicationId} completed`, timeoutMs: 30_000, intervalMs: 50 });
    },
    async close() {
      for (const system of systems) await system.close();
      await gateway.close();
      await seals.close();
      await payment.close();
      await exchange.close();
      await library.close();
      await matters.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
