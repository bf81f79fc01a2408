/**
 * A gateway wired to the licence-library and matter-system simulators over
 * real sockets, on one of the test databases, with the minimal mapping set
 * (theme MX-T05 declaring 居民身份证, 出生医学证明 and 结婚证), trusting the
 * test process's identity platform simulator; persons log in there
 * (`loginAs`) the way a platform has its applicants log in.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  DEFAULT_LICENCE_LIBRARY_ACCOUNT, sharedIssuerPki, startLicenceLibrarySimulator, type LicenceLibrarySimulator,
} from '../../../adapters/licence-library/index.js';
import { ALL_ISSUERS, type LicenceRecord } from '../../../adapters/common/population/index.js';
import { DEFAULT_MATTER_SYSTEM_CREDENTIALS, startMatterSystemSimulator, type MatterSystemSimulator } from '../../../adapters/matter-system/simulator/start-matter-system-simulator.js';
import { CatalogStore } from '../../../src/catalog/index.js';
import type { Gateway, GatewayOptions } from '../../../src/gateway.js';
import type { LicenceTypeKey } from '../../../src/domain/licence-library.js';
import { generateKeyPair } from '../../../src/trust/algorithms.js';
import { createSigningClient, jwks, type SigningClient } from '../../../src/trust/signing-client.js';
import { devKey } from '../../helpers/dev-keys.js';
import { startTestGateway, type LogCapture } from '../../helpers/gateway.js';
import { sharedIdentityPlatform, TestSessions } from '../../helpers/identity.js';
import type { StoreFixture } from '../../helpers/stores.js';
import { waitFor } from '../../helpers/wait.js';

export const MAPPINGS_MINIMAL = fileURLToPath(new URL('../../fixtures/mappings-minimal', import.meta.url));

/** The birth theme of the minimal mappings and its matters. */
export const BIRTH_THEME = 'MX-T05';
export const BIRTH_REGISTRATION = '000744622000';
export const SOCIAL_SECURITY_CARD = '002096705000';
export const INSURANCE = '000795887000';

export interface LicenceEnvironment {
  gateway: Gateway;
  logs: LogCapture;
  library: LicenceLibrarySimulator;
  matters: MatterSystemSimulator;
  /** The development platform client. */
  platform: SigningClient;
  /** A second platform client, registered for the test. */
  otherPlatform: SigningClient;
  ops: SigningClient;
  department: SigningClient;
  /**
   * An ID token of the person `idNumber` logged in for `client` (default the
   * platform), by their name in the population (else registered as 测试人):
   * one login per person and client, renewed near its expiry.
   */
  loginAs(idNumber: string, client?: SigningClient): Promise<string>;
  close(): Promise<void>;
}

/** Extra gateway settings and options (they win over the defaults here). */
export interface LicenceEnvironmentOptions {
  env?: Record<string, string>;
  gateway?: GatewayOptions;
}

/** Starts both simulators and a gateway on the fixture's database; waits for the catalogue. */
export async function startLicenceEnvironment(fixture: StoreFixture, options: LicenceEnvironmentOptions = {}): Promise<LicenceEnvironment> {
  sharedIssuerPki().warm(ALL_ISSUERS); // ~0.3 s per issuer, once per process
  const library = await startLicenceLibrarySimulator();
  const matters = await startMatterSystemSimulator();
  const anchors = join(mkdtempSync(join(tmpdir(), 'tongban-anchors-')), 'licence-anchors.pem');
  writeFileSync(anchors, library.trustAnchorsPem.join('\n'));
  await (await fixture.open()).close();
  const { gateway, logs } = await startTestGateway({
    ...(await sharedIdentityPlatform()).env,
    ...fixture.gatewayEnv(),
    TONGBAN_MAPPINGS_DIR: MAPPINGS_MINIMAL,
    TONGBAN_MATTER_SYSTEM_URL: matters.url,
    TONGBAN_MATTER_SYSTEM_APP_KEY: DEFAULT_MATTER_SYSTEM_CREDENTIALS.appKey,
    TONGBAN_MATTER_SYSTEM_APP_SECRET: DEFAULT_MATTER_SYSTEM_CREDENTIALS.appSecret,
    TONGBAN_CATALOG_SYNC_INTERVAL_MS: '0',
    TONGBAN_LICENCE_LIBRARY_URL: library.url,
    TONGBAN_LICENCE_LIBRARY_ACCESS_ID: DEFAULT_LICENCE_LIBRARY_ACCOUNT.accessId,
    TONGBAN_LICENCE_LIBRARY_ACCESS_SECRET: DEFAULT_LICENCE_LIBRARY_ACCOUNT.accessSecret,
    TONGBAN_LICENCE_LIBRARY_TRUST_ANCHORS_FILE: anchors,
    TONGBAN_LICENCE_LIBRARY_TIMEOUT_MS: '5000',
    ...options.env,
  }, options.gateway);
  const catalog = new CatalogStore(gateway.store);
  await waitFor(async () => (await catalog.getTheme(BIRTH_THEME)) && (await catalog.getMatters([INSURANCE])).size === 1, { what: 'the catalogue sync', timeoutMs: 20_000 });

  const other = await generateKeyPair('EdDSA');
  await gateway.clients.upsert([{ id: 'platform-b', role: 'platform', name: '另一申办平台 (test)', algorithms: ['EdDSA'], keys: [other.publicJwk] }]);
  const client = async (clientId: string, key?: Parameters<typeof createSigningClient>[0]['key']) =>
    createSigningClient({ baseUrl: gateway.url, clientId, key: key ?? await devKey(clientId), tongbanKeys: () => jwks(gateway.url) });
  const platform = await client('platform');
  const sessions = new TestSessions(gateway.url);
  const loginAs = (idNumber: string, as: SigningClient = platform): Promise<string> =>
    sessions.idToken(as, { idNumber, name: library.population.persons.find((person) => person.idNumber === idNumber)?.name ?? '测试人' });
  return {
    gateway, logs, library, matters, loginAs,
    platform,
    otherPlatform: await client('platform-b', other.privateJwk),
    ops: await client('ops'),
    department: await client('dept-gaj'),
    async close() {
      await gateway.close();
      await library.close();
      await matters.close();
    },
  };
}

const lasting = (today: string) => (licence: LicenceRecord) => licence.status === '01' && licence.validFrom <= today
  && (licence.validUntil === null || licence.validUntil > '2035-01-01');

/** A mother holding valid, lasting licences of every given type (出生医学证明 is held by the mother). */
export function motherWith(library: LicenceLibrarySimulator, types: readonly LicenceTypeKey[], skip = 0): { idNumber: string; licences: LicenceRecord[] } {
  const ok = lasting(new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10));
  const byHolder = new Map<string, LicenceRecord[]>();
  for (const licence of library.population.licences) byHolder.set(licence.holder.code, [...(byHolder.get(licence.holder.code) ?? []), licence]);
  const found = [...byHolder].filter(([, licences]) => types.every((type) => licences.some((licence) => licence.type === type))
    && licences.filter((licence) => types.includes(licence.type)).every(ok) && licences.some((licence) => licence.type === 'birthCertificate'));
  const [idNumber, licences] = found[skip] ?? [];
  if (!idNumber || !licences) throw new Error(`no mother #${skip} with valid ${types.join(', ')} in the population`);
  return { idNumber, licences: licences.filter((licence) => types.includes(licence.type)) };
}
