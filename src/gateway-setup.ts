/**
 * Start-up steps of the composition root: opening the store and keyring,
 * loading clients, mappings and adapters. Each failure is a StartupError whose
 * message names the setting at fault.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { verifyInboxAck } from '../adapters/department-inbox/index.js';
import { createRestDepartmentAdapter } from '../adapters/department-rest/index.js';
import { createSoapDepartmentAdapter } from '../adapters/department-soap/index.js';
import { createPushClient, DEPARTMENT_ANSWER_LIMIT_BYTES, type PushClient } from '../adapters/common/http-client.js';
import { makeDocumentPdf } from '../adapters/common/pdf/index.js';
import { createLicenceLibraryAdapter } from '../adapters/licence-library/index.js';
import { createSealPlatformAdapter } from '../adapters/seal-platform/index.js';
import type { InboxAckVerifier, PushChannelFactory } from './domain/department-channel.js';
import type { SealService } from './domain/seal-service.js';
import type { CatalogStore } from './catalog/index.js';
import type { Config } from './config/index.js';
import type { Department } from './delivery/department-registry.js';
import { loadMappings, MappingError, type Mappings } from './forms/mappings/index.js';
import type { GeneratedDocument } from './materials/generated-files.js';
import type { Logger } from './log/index.js';
import type { LicenceLibrary } from './domain/licence-library.js';
import type { BlobStore } from './domain/materials.js';
import { openFileBlobStore } from './materials/blob-stores/file-blob-store.js';
import { createPostgresBlobStore } from './materials/blob-stores/postgres-blob-store.js';
import { migrate, openStore, SqliteReader, storeReader, type OpsReader, type Store } from './store/index.js';
import { ClientRegistry, parseClientsFile } from './trust/client-registry.js';
import { CERT_FILES } from './trust/dev-material.js';
import { Keyring } from './trust/keyring.js';

/** Raised when the gateway cannot start; the message is meant for the operator. */
export class StartupError extends Error {
  override readonly name = 'StartupError';
}

export function loadMappingFiles(departments: readonly Department[], dir: string | undefined): Mappings {
  try {
    // The catalogue cross-check runs in `tongban mappings check` and the tests; at start the catalogue may not be synced yet.
    return loadMappings({ departments, ...(dir ? { dir } : {}) });
  } catch (error) {
    if (error instanceof MappingError) throw new StartupError(error.message, { cause: error });
    throw error;
  }
}

export function createLicenceLibrary(config: Config): LicenceLibrary | undefined {
  if (!config.licenceLibraryUrl) return undefined;
  let pem: string;
  try {
    pem = readFileSync(config.licenceLibraryTrustAnchorsFile!, 'utf8');
  } catch (error) {
    throw new StartupError(`Cannot read TONGBAN_LICENCE_LIBRARY_TRUST_ANCHORS_FILE=${config.licenceLibraryTrustAnchorsFile}: ${(error as Error).message}`, { cause: error });
  }
  const anchors = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  if (anchors.length === 0) throw new StartupError(`TONGBAN_LICENCE_LIBRARY_TRUST_ANCHORS_FILE=${config.licenceLibraryTrustAnchorsFile} holds no PEM certificate`);
  return createLicenceLibraryAdapter({
    baseUrl: config.licenceLibraryUrl, accessId: config.licenceLibraryAccessId!, accessSecret: config.licenceLibraryAccessSecret!,
    trustAnchorsPem: anchors, timeoutMs: config.licenceLibraryTimeoutMs,
  });
}

/** The e-seal platform adapter, when configured. */
export function createSealService(config: Config): SealService | undefined {
  if (!config.sealPlatformUrl) return undefined;
  let trustAnchorsPem: string[] | undefined;
  if (config.sealPlatformTrustAnchorsFile) {
    try {
      trustAnchorsPem = readFileSync(config.sealPlatformTrustAnchorsFile, 'utf8').match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
    } catch (error) {
      throw new StartupError(`Cannot read TONGBAN_SEAL_PLATFORM_TRUST_ANCHORS_FILE=${config.sealPlatformTrustAnchorsFile}: ${(error as Error).message}`, { cause: error });
    }
    if (trustAnchorsPem.length === 0) throw new StartupError(`TONGBAN_SEAL_PLATFORM_TRUST_ANCHORS_FILE=${config.sealPlatformTrustAnchorsFile} holds no PEM certificate`);
  }
  return createSealPlatformAdapter({
    baseUrl: config.sealPlatformUrl, appId: config.sealPlatformAppId!, appSecret: config.sealPlatformAppSecret!,
    ...(trustAnchorsPem ? { trustAnchorsPem } : {}),
  });
}

export function openKeyring(config: Config): Keyring {
  const path = join(config.certsDir, CERT_FILES.keyring);
  if (!existsSync(path)) {
    throw new StartupError(`No signing keyring at ${path} (TONGBAN_CERTS_DIR=${config.certsDir}): run "tongban keys init" for development keys, or "tongban keys import" for production keys`);
  }
  try {
    return Keyring.open(path);
  } catch (error) {
    throw new StartupError(`Cannot use the signing keyring ${path}: ${(error as Error).message}`, { cause: error });
  }
}

export async function loadClientsFile(registry: ClientRegistry, file: string, logger: Logger): Promise<void> {
  let content: unknown;
  try {
    content = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new StartupError(`Cannot read TONGBAN_CLIENTS_FILE=${file}: ${(error as Error).message}`, { cause: error });
  }
  try {
    const declarations = parseClientsFile(content, `TONGBAN_CLIENTS_FILE=${file}`);
    await registry.upsert(declarations);
    logger.info('clients loaded', { file, count: declarations.length });
  } catch (error) {
    const fields = (error as { errors?: { pointer: string; message: string }[] }).errors ?? [];
    throw new StartupError(`${(error as Error).message}${fields.map((field) => `\n  - ${field.pointer}: ${field.message}`).join('')}`, { cause: error });
  }
}

/**
 * Opens the configured store and applies pending migrations.
 * @throws StartupError naming `DATABASE_URL` (or the SQLite path) and the cause.
 */
export async function openMigratedStore(config: Config, logger: Logger): Promise<{ store: Store; applied: number[] }> {
  const store = openStore(config, (error) => logger.warn('database connection lost', { error: error.message }));
  try {
    const applied = await migrate(store);
    if (applied.length > 0) logger.info('migrations applied', { dialect: store.dialect, versions: applied });
    return { store, applied };
  } catch (error) {
    await store.close().catch(() => undefined);
    throw new StartupError(describeStartupFailure(config, error), { cause: error });
  }
}

/**
 * The ops reader (src/store/ops-reader.ts) beside `store`: on SQLite a worker
 * thread reading the same file (the store itself for `:memory:`), on
 * PostgreSQL a pool of two connections of its own whose statements the
 * server cancels after the read bound. Only the dashboard, `/v1/ops/*`,
 * `/metrics` and the alert checks read through it, never intake or delivery.
 */
export function openOpsReader(config: Config, store: Store, logger: Logger): OpsReader {
  const timeoutMs = Math.min(config.databaseRequestBudgetMs, 10_000);
  if (store.dialect === 'sqlite') {
    return config.sqlitePath === ':memory:' ? storeReader(store, { owned: false, timeoutMs }) : new SqliteReader({ path: config.sqlitePath, timeoutMs, cacheKib: config.sqliteCacheMb * 1024 });
  }
  const pool = openStore({ ...config, databasePoolSize: 2, databaseStatementTimeoutMs: timeoutMs },
    (error) => logger.warn('ops reader database connection lost', { error: error.message }));
  return storeReader(pool, { owned: true, timeoutMs });
}

/**
 * The blob store TONGBAN_BLOB_STORE names (material files). The postgres one
 * has a connection pool of its own (TONGBAN_BLOB_DATABASE_POOL_SIZE): an
 * upload holds a connection for as long as its file streams in.
 * @throws StartupError naming the setting at fault.
 */
export async function createBlobStore(config: Config, logger: Logger): Promise<BlobStore> {
  switch (config.blobStore) {
    case 'file': {
      const dir = config.blobDir ?? join(dirname(config.sqlitePath), 'blobs');
      try {
        return await openFileBlobStore({ dir });
      } catch (error) {
        throw new StartupError(`Cannot use the blob folder ${dir} (TONGBAN_BLOB_DIR, default blobs/ beside TONGBAN_SQLITE_PATH): ${(error as Error).message}`, { cause: error });
      }
    }
    case 'postgres': {
      const store = openStore({ ...config, databasePoolSize: config.blobDatabasePoolSize }, (error) => logger.warn('blob store database connection lost', { error: error.message }));
      // One connection stays free of uploads, for reads, stats and the sweeper.
      return createPostgresBlobStore({ store, ownsStore: true, concurrentPuts: Math.max(1, config.blobDatabasePoolSize - 1) });
    }
    case 's3':
      try {
        // Loaded only here: the AWS SDK would add ≈ 5 MB of heap (and its code) to every gateway that never uses it.
        const { openS3BlobStore } = await import('./materials/blob-stores/s3-blob-store.js');
        return await openS3BlobStore({
          bucket: config.s3Bucket!, region: config.s3Region, forcePathStyle: config.s3ForcePathStyle,
          ...(config.s3Endpoint ? { endpoint: config.s3Endpoint } : {}),
          ...(config.s3AccessKeyId && config.s3SecretAccessKey ? { accessKeyId: config.s3AccessKeyId, secretAccessKey: config.s3SecretAccessKey } : {}),
        });
      } catch (error) {
        throw new StartupError(`Cannot use the S3 bucket TONGBAN_S3_BUCKET=${config.s3Bucket} at TONGBAN_S3_ENDPOINT=${config.s3Endpoint ?? '(AWS)'}: ${(error as Error).name}: ${(error as Error).message}`, { cause: error });
      }
  }
}

function describeStartupFailure(config: Config, error: unknown): string {
  const cause = (error as Error).message || String(error);
  const root = (error as { cause?: { message?: string } }).cause?.message;
  const reason = root && !cause.includes(root) ? `${cause} (${root})` : cause;
  if (config.databaseUrl) return `Cannot use the database at DATABASE_URL=${maskUrl(config.databaseUrl)}: ${reason}`;
  return `Cannot use the SQLite database at TONGBAN_SQLITE_PATH=${config.sqlitePath}: ${reason}`;
}

/** Hides the password of a connection URL. */
export function maskUrl(url: string): string {
  return url.replace(/(\/\/[^:/@]+:)[^@]*@/, '$1****@');
}

/**
 * The department push channels from the REST and SOAP adapters, signing with
 * the keyring's current key; one keep-alive connection pool per endpoint,
 * shared by every channel built for it.
 */
export function createPushChannelFactory(keyring: Keyring): PushChannelFactory {
  const pools = new Map<string, PushClient>();
  const poolFor = (endpoint: string, timeoutMs: number) => {
    let pool = pools.get(endpoint);
    if (!pool) pools.set(endpoint, pool = createPushClient({ baseUrl: endpoint, timeoutMs, maxAnswerBytes: DEPARTMENT_ANSWER_LIMIT_BYTES }));
    return pool;
  };
  return {
    channel({ kind, baseUrl, departmentCode, departmentPublicKeys, timeoutMs, maxBatch }) {
      const settings = { baseUrl, departmentCode, signingKey: keyring.signingKey(), departmentPublicKeys, timeoutMs, pushClient: poolFor(baseUrl, timeoutMs) };
      return kind === 'soap' ? createSoapDepartmentAdapter(settings) : createRestDepartmentAdapter({ ...settings, maxBatch });
    },
    close() {
      for (const pool of pools.values()) pool.close();
      pools.clear();
    },
  };
}

/** Checks inbox acknowledgements with the inbox adapter. */
export const inboxAckVerifier: InboxAckVerifier = (input, departmentPublicKeys) => verifyInboxAck(input, { departmentPublicKeys });

/** Renders a generated material (申请表) as a PDF with the adapters' PDF maker: the exact text travels attached as JSON. */
export const renderGeneratedDocument = (document: GeneratedDocument): Promise<Buffer> =>
  makeDocumentPdf({ title: document.title, lines: document.lines, attachmentJson: document.data, createdAt: document.createdAt });

/** A matter's form field labels from the stored catalogue. */
export function formLabels(catalog: CatalogStore): (matterCode: string) => Promise<ReadonlyMap<string, string>> {
  return async (matterCode) => new Map((await catalog.getMatters([matterCode])).get(matterCode)?.formFields.map((field) => [field.code, field.label]) ?? []);
}
