/**
 * A gateway with the real mappings, the matter-system simulator for its
 * catalogue, the e-seal platform simulator (result documents are sealed),
 * optionally the licence-library simulator for prefill, and the
 * three department systems of 婴儿“出生一件事” (MX-T05) on real sockets:
 * 公安局 `gaj` (REST, SM2), 民政和人社局 `mzrsj` (SOAP, RS256; also every
 * matter of the enterprise theme MX-T04) and 医疗保障局 `ybj` (inbox, polled
 * with `dept-ybj`'s key); and 市场监督管理局 `scjgj` (REST, ES256), the
 * registration and the food licence of 我要开办食品经营 (MX-T15). Departments send their events to the gateway with
 * their own `dept-*` keys when a test calls `flushEvents()`.
 */
import { satisfyMaterials } from './materials.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startInboxDepartmentSimulator, type InboxDepartmentSimulator } from '../../adapters/department-inbox/index.js';
import { startRestDepartmentSimulator, type RestDepartmentSimulator } from '../../adapters/department-rest/index.js';
import { startSoapDepartmentSimulator, type SoapDepartmentSimulator } from '../../adapters/department-soap/index.js';
import {
  DEFAULT_LICENCE_LIBRARY_ACCOUNT, sharedIssuerPki, startLicenceLibrarySimulator, type LicenceLibrarySimulator,
} from '../../adapters/licence-library/index.js';
import { ALL_ISSUERS } from '../../adapters/common/population/index.js';
import type { DepartmentOutcome } from '../../adapters/common/department/simulator/department-events.js';
import { DEV_SEAL_APP, startSealPlatformSimulator, type SealPlatformSimulator } from '../../adapters/seal-platform/simulator/index.js';
import { DEFAULT_MATTER_SYSTEM_CREDENTIALS, startMatterSystemSimulator, type MatterSystemSimulator } from '../../adapters/matter-system/simulator/start-matter-system-simulator.js';
import { CatalogStore } from '../../src/catalog/index.js';
import type { Gateway } from '../../src/gateway.js';
import type { SubApplicationDelivery } from '../../src/domain/department-channel.js';
import { makeCreditCode, makeIdNumber } from '../../src/domain/identifiers/index.js';
import { generateKeyPair } from '../../src/trust/algorithms.js';
import { createSigningClient, jwks, type FetchFunction, type SigningClient, type SigningClientResponse } from '../../src/trust/signing-client.js';
import { devKey } from './dev-keys.js';
import { startTestGateway, type LogCapture } from './gateway.js';
import { TestSessions } from './identity.js';
import type { StoreFixture } from './stores.js';
import { waitFor } from './wait.js';

/** 婴儿“出生一件事” and its matters (mappings/themes/MX-T05.yaml). */
export const BIRTH_THEME = 'MX-T05';
export const BIRTH_REGISTRATION = '000744622000'; // 国（境）内出生登记 → gaj (rest)
export const INSURANCE = '000795887000'; // 城乡居民参保登记 → ybj (inbox), after 出生登记
export const SOCIAL_SECURITY_CARD = '002096705000'; // 社会保障卡申领 → mzrsj (soap), after 出生登记
/** 企业招用员工一件事: three independent matters, all at mzrsj. */
export const HIRING_THEME = 'MX-T04';
export const EMPLOYMENT_REGISTRATION = '000767140000';
export const LABOUR_FILING = '000791543000';
export const EMPLOYMENT_CERTIFICATE = '002016143000';

export type DepartmentCode = 'gaj' | 'mzrsj' | 'ybj' | 'scjgj';
/** How a department ends a sub-application; tests replace entries at will (default: accepted, then completed). */
export type OutcomeRule = (delivery: SubApplicationDelivery) => DepartmentOutcome | undefined;

export interface DeliveryEnvironmentOptions {
  /** Start the licence-library simulator too (prefill). */
  licenceLibrary?: boolean;
  /** Extra gateway settings (they win over the defaults here). */
  env?: Record<string, string>;
  /** Pause between inbox polls of ybj (ms). Default 40. */
  inboxPollIntervalMs?: number;
}

export interface DeliveryEnvironment {
  gateway: Gateway;
  logs: LogCapture;
  matters: MatterSystemSimulator;
  seals: SealPlatformSimulator;
  library: LicenceLibrarySimulator | undefined;
  gaj: RestDepartmentSimulator;
  mzrsj: SoapDepartmentSimulator;
  ybj: InboxDepartmentSimulator;
  scjgj: RestDepartmentSimulator;
  /** Per-department outcome rules, read when a department first receives a sub-application. */
  outcomes: Record<DepartmentCode, OutcomeRule>;
  platform: SigningClient;
  /** A second platform client (registered for the test). */
  otherPlatform: SigningClient;
  ops: SigningClient;
  /** Logins at the shared identity platform for this gateway: `sessions.idToken(client, person)`. */
  sessions: TestSessions;
  /** Another gateway process on the same database and departments (a replica with its own dispatcher); closed with the environment. */
  startReplica(): Promise<Gateway>;
  /** A department's own client (`dept-<code>`). */
  department(code: string): Promise<SigningClient>;
  /**
   * POST /v1/applications as `client` (default the platform) with an Idempotency-Key (null: none) and the ID token
   * of `idToken`, by default of a holder of the body's form (the first group with an ID number and a name).
   */
  submit(body: unknown, key?: string | null, client?: SigningClient, idToken?: string): Promise<SigningClientResponse>;
  /** GET /v1/applications/{id} as the platform; expects 200. */
  application(id: string): Promise<ApplicationView>;
  /** Waits until the application satisfies `check` (polls GET). */
  waitForApplication(id: string, check: (view: ApplicationView) => boolean, what: string, timeoutMs?: number): Promise<ApplicationView>;
  close(): Promise<void>;
}

/** GET /v1/applications/{id} as answered. */
export interface ApplicationView {
  id: string;
  themeCode: string;
  status: string;
  provenance: Record<string, { source: string; licenceIdentifier?: string }>;
  subApplications: SubApplicationView[];
}

export interface SubApplicationView {
  id: string;
  matterCode: string;
  matterName: string;
  departmentCode: string;
  after: string[];
  status: string;
  delivery: { id: string; state: string; attempts: number; lastError: string | null };
  acceptanceNumber: string | null;
  receipt: { acceptanceNumber: string; evidence: { signatureVerified: boolean; acceptanceNumber: string; evidence: { format: string } } } | null;
  results: { name: string; value?: string; licenceIdentifier?: string; documentId?: string; sealName?: string }[] | null;
  reason: string | null;
  deadline: { statutoryDays: number; promisedDays: number; acceptedAt: string | null; dueDate: string | null; dueStatus: string | null };
}

/** Where the department simulators send their events until the gateway's URL is known. */
const GATEWAY_PLACEHOLDER = 'http://tongban-gateway.invalid';

/**
 * Starts everything on the fixture's database and waits for the catalogue.
 * The gateway retries fast (backoff 20 ms, cap 200 ms, 4 attempts).
 */
export async function startDeliveryEnvironment(fixture: StoreFixture, options: DeliveryEnvironmentOptions = {}): Promise<DeliveryEnvironment> {
  let library: LicenceLibrarySimulator | undefined;
  const libraryEnv: Record<string, string> = {};
  if (options.licenceLibrary) {
    sharedIssuerPki().warm(ALL_ISSUERS);
    library = await startLicenceLibrarySimulator();
    const anchors = join(mkdtempSync(join(tmpdir(), 'tongban-anchors-')), 'licence-anchors.pem');
    writeFileSync(anchors, library.trustAnchorsPem.join('\n'));
    Object.assign(libraryEnv, {
      TONGBAN_LICENCE_LIBRARY_URL: library.url,
      TONGBAN_LICENCE_LIBRARY_ACCESS_ID: DEFAULT_LICENCE_LIBRARY_ACCOUNT.accessId,
      TONGBAN_LICENCE_LIBRARY_ACCESS_SECRET: DEFAULT_LICENCE_LIBRARY_ACCOUNT.accessSecret,
      TONGBAN_LICENCE_LIBRARY_TRUST_ANCHORS_FILE: anchors,
      TONGBAN_LICENCE_LIBRARY_TIMEOUT_MS: '5000',
    });
  }
  const matters = await startMatterSystemSimulator();
  const seals = await startSealPlatformSimulator();
  // The department systems need the gateway's URL and keys, the gateway needs theirs. They listen first (on
  // ports the kernel gives them: a port chosen ahead and bound later can be taken meanwhile) and reach the
  // gateway through `toGateway` once it is up; the signature covers path and query, not the host.
  let gateway: Gateway | undefined;
  const toGateway: FetchFunction = (input, init) => globalThis.fetch(String(input).replace(GATEWAY_PLACEHOLDER, gateway!.url), init);
  const tongbanPublicKeys = async () => gateway!.keyring.publicKeys();
  const outcomes: Record<DepartmentCode, OutcomeRule> = { gaj: () => undefined, mzrsj: () => undefined, ybj: () => undefined, scjgj: () => undefined };
  const eventsTarget = async (code: DepartmentCode) => ({ url: GATEWAY_PLACEHOLDER, clientId: `dept-${code}`, key: await devKey(`dept-${code}`), tongbanKeys: tongbanPublicKeys, fetch: toGateway });
  const started: { close(): Promise<void> }[] = [];
  /** Closes whatever has started, when starting the rest failed. */
  const abandon = () => Promise.allSettled([...started.map((simulator) => simulator.close()), gateway?.close(), matters.close(), seals.close(), library?.close()]);
  let gaj: RestDepartmentSimulator;
  let mzrsj: SoapDepartmentSimulator;
  let scjgj: RestDepartmentSimulator;
  try {
    gaj = await startRestDepartmentSimulator({
      departmentCode: 'gaj', departmentKey: await devKey('dept-gaj'), tongbanPublicKeys,
      eventsTarget: await eventsTarget('gaj'), outcomes: (delivery) => outcomes.gaj(delivery),
    });
    started.push(gaj);
    mzrsj = await startSoapDepartmentSimulator({
      departmentCode: 'mzrsj', departmentKey: await devKey('dept-mzrsj'), tongbanPublicKeys,
      eventsTarget: await eventsTarget('mzrsj'), outcomes: (delivery) => outcomes.mzrsj(delivery),
    });
    started.push(mzrsj);
    scjgj = await startRestDepartmentSimulator({
      departmentCode: 'scjgj', departmentKey: await devKey('dept-scjgj'), tongbanPublicKeys,
      eventsTarget: await eventsTarget('scjgj'), outcomes: (delivery) => outcomes.scjgj(delivery),
    });
    started.push(scjgj);
  } catch (error) {
    await abandon();
    throw error;
  }
  await (await fixture.open()).close();
  const gatewayEnv: Record<string, string> = {
    ...fixture.gatewayEnv(),
    TONGBAN_MATTER_SYSTEM_URL: matters.url,
    TONGBAN_MATTER_SYSTEM_APP_KEY: DEFAULT_MATTER_SYSTEM_CREDENTIALS.appKey,
    TONGBAN_MATTER_SYSTEM_APP_SECRET: DEFAULT_MATTER_SYSTEM_CREDENTIALS.appSecret,
    TONGBAN_CATALOG_SYNC_INTERVAL_MS: '0',
    TONGBAN_SEAL_PLATFORM_URL: seals.url,
    TONGBAN_SEAL_PLATFORM_APP_ID: DEV_SEAL_APP.appId,
    TONGBAN_SEAL_PLATFORM_APP_SECRET: DEV_SEAL_APP.appSecret,
    TONGBAN_DEPARTMENT_ENDPOINTS: JSON.stringify({ gaj: gaj.url, mzrsj: mzrsj.url, scjgj: scjgj.url }),
    TONGBAN_DELIVERY_BACKOFF_BASE_MS: '20',
    TONGBAN_DELIVERY_BACKOFF_CAP_MS: '200',
    TONGBAN_DELIVERY_MAX_ATTEMPTS: '4',
    TONGBAN_DELIVERY_TIMEOUT_MS: '3000',
    TONGBAN_LOG_LEVEL: 'info',
    ...libraryEnv,
    ...options.env,
  };
  let logs: LogCapture;
  try {
    ({ gateway, logs } = await startTestGateway(gatewayEnv));
  } catch (error) {
    await abandon();
    throw error;
  }
  const replicas: Gateway[] = [];
  try {
    const ybj = await startInboxDepartmentSimulator({
      tongbanUrl: gateway.url, departmentCode: 'ybj', key: await devKey('dept-ybj'), tongbanKeys: tongbanPublicKeys,
      pollIntervalMs: options.inboxPollIntervalMs ?? 40, outcomes: (delivery) => outcomes.ybj(delivery),
    });
    started.push(ybj);

    const catalog = new CatalogStore(gateway.store);
    await waitFor(async () => (await catalog.getTheme(BIRTH_THEME)) && (await catalog.getTheme(HIRING_THEME))
      && (await catalog.getMatters([INSURANCE, SOCIAL_SECURITY_CARD, EMPLOYMENT_CERTIFICATE])).size === 3, { what: 'the catalogue sync', timeoutMs: 20_000 });

    const other = await generateKeyPair('EdDSA');
    await gateway.clients.upsert([{ id: 'platform-b', role: 'platform', name: '另一申办平台 (test)', algorithms: ['EdDSA'], keys: [other.publicJwk] }]);
    const client = async (clientId: string, key?: Parameters<typeof createSigningClient>[0]['key']) =>
      createSigningClient({ baseUrl: gateway.url, clientId, key: key ?? await devKey(clientId), tongbanKeys: () => jwks(gateway.url) });
    const platform = await client('platform');
    const sessions = new TestSessions(gateway.url);
    const departments = new Map<string, SigningClient>();

    // Like a platform, a submission without `materials` gets files uploaded for what its scenario needs (once per
    // Idempotency-Key, so a retried submission is the same request); tests of materials give their own.
    const materialsByKey = new WeakMap<SigningClient, Map<string, Record<string, unknown>>>();
    const withMaterials = async (body: unknown, key: string | null, as: SigningClient): Promise<unknown> => {
      if (typeof body !== 'object' || body === null || 'materials' in body) return body;
      const { themeCode, answers } = body as { themeCode?: unknown; answers?: unknown };
      if (typeof themeCode !== 'string') return body;
      if (!materialsByKey.has(as)) materialsByKey.set(as, new Map());
      const byKey = materialsByKey.get(as)!;
      let materials = key === null ? undefined : byKey.get(key);
      if (!materials) {
        try {
          materials = await satisfyMaterials(as, themeCode, answers ?? {});
        } catch {
          return body; // an unknown theme or invalid answers: the submission itself says what is wrong
        }
        if (key !== null) byKey.set(key, materials);
      }
      return { ...body, materials };
    };
    const environment: DeliveryEnvironment = {
      gateway, logs, matters, seals, library, gaj, mzrsj, ybj, scjgj, outcomes, platform, sessions,
      otherPlatform: await client('platform-b', other.privateJwk),
      ops: await client('ops'),
      async startReplica() {
        const replica = (await startTestGateway(gatewayEnv)).gateway;
        replicas.push(replica);
        return replica;
      },
      async department(code) {
        if (!departments.has(code)) departments.set(code, await client(`dept-${code}`));
        return departments.get(code)!;
      },
      async submit(body, key = `submit-${crypto.randomUUID()}`, as = platform, idToken?: string) {
        idToken ??= await sessions.forForm(as, (body as { form?: unknown } | null)?.form);
        return as.request('POST', '/v1/applications', { body: await withMaterials(body, key, as), headers: key === null ? {} : { 'idempotency-key': key }, idToken });
      },
      async application(id) {
        const answer = await platform.request('GET', `/v1/applications/${id}`);
        if (answer.status !== 200) throw new Error(`GET /v1/applications/${id}: ${answer.status} ${JSON.stringify(answer.body)}`);
        return answer.body as ApplicationView;
      },
      async waitForApplication(id, check, what, timeoutMs = 10_000) {
        let last: ApplicationView | undefined;
        try {
          return await waitFor(async () => {
            last = await environment.application(id);
            return check(last) ? last : undefined;
          }, { what, timeoutMs, intervalMs: 25 });
        } catch (error) {
          throw new Error(`${(error as Error).message}; last seen: ${JSON.stringify(last?.subApplications.map((sub) => ({ matter: sub.matterCode, status: sub.status, delivery: sub.delivery })))}`);
        }
      },
      async close() {
        await ybj.close(); // stop polling before the gateway goes
        await Promise.all(replicas.map((replica) => replica.close()));
        await gateway.close();
        await Promise.all([gaj.close(), mzrsj.close(), scjgj.close(), matters.close(), seals.close(), library?.close()]);
      },
    };
    return environment;
  } catch (error) {
    await abandon();
    throw error;
  }
}

let serial = 0;
/** A fresh valid ID number (birth date, sex parity) for test people. */
export function idNumber(birthDate: string, sex: '男' | '女'): string {
  serial = (serial + 1) % 500;
  return makeIdNumber({ areaCode: '110101', birthDate, sequence: serial * 2 + (sex === '男' ? 1 : 0) });
}

/** A complete, valid MX-T05 merged form for the default scenario (参保 and 社保卡 included). */
export function birthForm(overrides: Record<string, Record<string, unknown>> = {}): Record<string, Record<string, unknown>> {
  const form: Record<string, Record<string, unknown>> = {
    applicant: { phone: '13800138000' },
    child: { name: '王小明', sex: '男', birthDate: '2026-11-10', birthPlace: '北京市东城区妇幼保健院', birthCertificateNumber: 'Q110012345', address: '北京市东城区东华门街道1号', insuranceType: '城乡居民基本医疗保险' },
    mother: { name: '李芳', idNumber: idNumber('1994-03-08', '女') },
    father: { name: '王强', idNumber: idNumber('1992-07-21', '男') },
    guardian: { name: '李芳', idNumber: idNumber('1994-03-08', '女') },
  };
  for (const [group, fields] of Object.entries(overrides)) form[group] = { ...form[group], ...fields };
  return form;
}

/** A submission body of MX-T05. */
export function birthSubmission(form = birthForm(), answers: Record<string, unknown> = {}): Record<string, unknown> {
  return { themeCode: BIRTH_THEME, answers, form };
}

/** A complete, valid MX-T04 merged form (就业登记 + 劳动用工备案). */
export function hiringForm(): Record<string, Record<string, unknown>> {
  return {
    enterprise: { name: '北京通办科技有限公司', creditCode: makeCreditCode({ registrationAuthority: '9', category: '1', areaCode: '110101' }), phone: '01065550100' },
    legalRepresentative: { name: '赵刚' },
    employee: { name: '孙丽', idNumber: idNumber('1998-05-02', '女'), phone: '13900139000', employmentDate: '2026-11-02', contractStartDate: '2026-11-02', position: '软件工程师' },
  };
}

export function hiringSubmission(): Record<string, unknown> {
  return { themeCode: HIRING_THEME, answers: {}, form: hiringForm() };
}

/**
 * A mother in the licence library's population whose 出生医学证明, 居民身份证 and
 * 居民户口簿 and 结婚证 are all valid for years (出生登记 declares them all).
 */
export function motherInPopulation(library: LicenceLibrarySimulator, skip = 0): { idNumber: string; name: string; licenceTypes: string[] } {
  const types = ['birthCertificate', 'residentIdCard', 'householdRegister', 'marriageCertificate'];
  const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
  const lasting = (licence: LicenceLibrarySimulator['population']['licences'][number]) => licence.status === '01' && licence.validFrom <= today
    && (licence.validUntil === null || licence.validUntil > '2035-01-01');
  const byHolder = new Map<string, LicenceLibrarySimulator['population']['licences'][number][]>();
  for (const licence of library.population.licences) byHolder.set(licence.holder.code, [...(byHolder.get(licence.holder.code) ?? []), licence]);
  const found = [...byHolder].filter(([, licences]) => types.every((type) => licences.some((licence) => licence.type === type))
    && licences.filter((licence) => types.includes(licence.type)).every(lasting));
  const entry = found[skip];
  if (!entry) throw new Error(`no mother #${skip} with valid ${types.join(', ')} in the population`);
  const name = library.population.persons.find((person) => person.idNumber === entry[0])!.name;
  return { idNumber: entry[0], name, licenceTypes: types };
}

/**
 * A mother of the licence library's population logs in at the identity
 * platform and authorises the platform (face recognition) for 婴儿出生一件事,
 * then the platform prefills the birth form from her licences with her ID
 * token: the authorisation must be 201 and the prefill 200.
 * Needs the environment started with `licenceLibrary: true`.
 */
export async function prefillBirthForMother(env: DeliveryEnvironment): Promise<{ mother: ReturnType<typeof motherInPopulation>; prefill: SigningClientResponse; idToken: string }> {
  const mother = motherInPopulation(env.library!);
  const idToken = await env.sessions.idToken(env.platform, { idNumber: mother.idNumber, name: mother.name });
  const authorization = await env.platform.request('POST', '/v1/authorizations', { idToken, body: {
    holder: { code: mother.idNumber, type: 'citizen' }, licenceTypes: mother.licenceTypes,
    purpose: { themeCode: BIRTH_THEME, description: '办理婴儿出生一件事' }, expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
    consent: { method: 'face-recognition', at: new Date().toISOString() },
  } });
  if (authorization.status !== 201) throw new Error(`authorisation answered ${authorization.status}: ${JSON.stringify(authorization.body)}`);
  const prefill = await env.platform.request('POST', '/v1/prefill', { idToken, body: {
    themeCode: BIRTH_THEME, answers: {}, useCause: '婴儿出生一件事：预填出生登记表',
    holders: { mother: { code: mother.idNumber, type: 'citizen', authorizationId: (authorization.body as { id: string }).id } },
  } });
  if (prefill.status !== 200) throw new Error(`prefill answered ${prefill.status}: ${JSON.stringify(prefill.body)}`);
  return { mother, prefill, idToken };
}
