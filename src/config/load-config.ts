import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject } from 'ajv';
import { CONFIG_FILE_ENV, SETTINGS } from './settings.js';

/** The validated, frozen gateway configuration. */
export interface Config {
  readonly port: number;
  readonly host: string;
  readonly databaseUrl?: string;
  readonly databaseSchema: string;
  readonly databasePoolSize: number;
  readonly databaseConnectTimeoutMs: number;
  readonly databaseStatementTimeoutMs: number;
  readonly databaseLockTimeoutMs: number;
  readonly databaseIdleInTransactionTimeoutMs: number;
  readonly databaseQueryTimeoutMs: number;
  readonly databaseKeepAliveMs: number;
  readonly databaseRequestBudgetMs: number;
  readonly sqlitePath: string;
  /** Page cache of the SQLite connection (MiB). */
  readonly sqliteCacheMb: number;
  /** Resolved at load: postgres when DATABASE_URL is set, else file, unless TONGBAN_BLOB_STORE says. */
  readonly blobStore: 'file' | 'postgres' | 's3';
  readonly blobDir?: string;
  readonly blobDatabasePoolSize: number;
  readonly s3Endpoint?: string;
  readonly s3Bucket?: string;
  readonly s3Region: string;
  readonly s3AccessKeyId?: string;
  readonly s3SecretAccessKey?: string;
  readonly s3ForcePathStyle: boolean;
  readonly logLevel: 'error' | 'warn' | 'info' | 'http' | 'debug' | 'silent';
  readonly bodyLimitBytes: number;
  /** Submissions worked on at once (0: no limit). */
  readonly intakeConcurrency: number;
  readonly intakeWaitMs: number;
  readonly materialMaxBytes: number;
  readonly materialUploadTtlMs: number;
  readonly materialLinkTtlMs: number;
  readonly materialSweepIntervalMs: number;
  readonly shutdownGraceMs: number;
  readonly certsDir: string;
  readonly clientsFile?: string;
  readonly mappingsDir?: string;
  readonly clockSkewSeconds: number;
  readonly matterSystemUrl?: string;
  readonly matterSystemAppKey?: string;
  readonly matterSystemAppSecret?: string;
  readonly matterSystemTimeoutMs: number;
  readonly catalogSyncIntervalMs: number;
  readonly catalogCacheMs: number;
  readonly identityIssuer?: string;
  readonly identityMinLevel: 'L1' | 'L2' | 'L3';
  readonly dataSharingUrl?: string;
  readonly dataSharingAppKey?: string;
  readonly dataSharingAppSecret?: string;
  readonly dataSharingTimeoutMs: number;
  readonly licenceLibraryUrl?: string;
  readonly licenceLibraryAccessId?: string;
  readonly licenceLibraryAccessSecret?: string;
  readonly licenceLibraryTrustAnchorsFile?: string;
  readonly licenceLibraryTimeoutMs: number;
  readonly licenceIssuerKeysDir?: string;
  readonly logisticsUrl?: string;
  readonly logisticsAppKey?: string;
  readonly logisticsAppSecret?: string;
  readonly logisticsTimeoutMs: number;
  readonly logisticsTrackIntervalMs: number;
  readonly paymentUrl?: string;
  readonly paymentAppId?: string;
  readonly paymentAppSecret?: string;
  readonly paymentTimeoutMs: number;
  readonly paymentPullIntervalMs: number;
  readonly sealPlatformUrl?: string;
  readonly sealPlatformAppId?: string;
  readonly sealPlatformAppSecret?: string;
  readonly sealPlatformTrustAnchorsFile?: string;
  readonly evaluationUrl?: string;
  readonly evaluationAppId?: string;
  readonly evaluationAppSecret?: string;
  readonly evaluationTimeoutMs: number;
  readonly evaluationFollowUpWorkingDays: number;
  readonly departmentEndpoints: Readonly<Record<string, string>>;
  readonly departmentBatch: Readonly<Record<string, number>>;
  readonly deliveryMaxAttempts: number;
  readonly deliveryBackoffBaseMs: number;
  readonly deliveryBackoffCapMs: number;
  readonly deliveryConcurrency: number;
  readonly deliveryTimeoutMs: number;
  readonly deliveryLeaseMs: number;
  readonly breakerErrorPercent: number;
  readonly breakerVolume: number;
  readonly breakerResetMs: number;
  readonly inboxLeaseMs: number;
  readonly dispatcherEnabled: boolean;
  readonly webhookTimeoutMs: number;
  readonly webhookMaxAttempts: number;
  readonly webhookBackoffBaseMs: number;
  readonly webhookBackoffCapMs: number;
  readonly webhookConcurrency: number;
  readonly webhookPollMs: number;
  readonly opsUsers: Readonly<Record<string, string>>;
  readonly opsSessionSecret?: string;
  readonly opsSessionTtlSeconds: number;
  readonly alertWebhookUrl?: string;
  readonly alertOverdueCheckMs: number;
}

/** Raised when configuration is invalid; the message names every variable at fault. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

const schema = {
  type: 'object',
  additionalProperties: false,
  properties: Object.fromEntries(SETTINGS.map((s) => [s.key, s.schema])),
};

const ajv = new Ajv({ allErrors: true, coerceTypes: true, useDefaults: false });
const validate = ajv.compile(schema);
const byKey = new Map<string, (typeof SETTINGS)[number]>(SETTINGS.map((s) => [s.key, s]));
const knownEnv = new Set<string>([CONFIG_FILE_ENV, ...SETTINGS.map((s) => s.env)]);

/**
 * Builds the configuration from defaults, then the optional JSON config file
 * (`TONGBAN_CONFIG`), then environment variables, validates it and freezes it.
 * Unknown `TONGBAN_*` variables and unknown config-file keys are errors, so a
 * typo never silently falls back to a default.
 *
 * @throws ConfigError naming each variable and what it expects.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const problems: string[] = [];
  const values: Record<string, unknown> = {};
  const source = new Map<string, string>();

  for (const setting of SETTINGS) {
    if ('default' in setting) values[setting.key] = setting.default;
  }

  const file = env[CONFIG_FILE_ENV];
  if (file) {
    try {
      const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
        problems.push(`${CONFIG_FILE_ENV}: ${file} must hold a JSON object`);
      } else {
        for (const [key, value] of Object.entries(parsed)) {
          if (!byKey.has(key)) problems.push(`${CONFIG_FILE_ENV}: ${file} has unknown key "${key}"`);
          else { values[key] = value; source.set(key, `${file} key "${key}"`); }
        }
      }
    } catch (error) {
      problems.push(`${CONFIG_FILE_ENV}: cannot read ${file} (${(error as Error).message})`);
    }
  }

  for (const name of Object.keys(env)) {
    if (name.startsWith('TONGBAN_') && !knownEnv.has(name)) problems.push(`${name}: unknown setting (see the README configuration reference)`);
  }
  for (const setting of SETTINGS) {
    const raw = env[setting.env];
    if (raw === undefined || raw === '') continue;
    if ((setting.schema as { type?: string }).type === 'object') {
      try {
        values[setting.key] = JSON.parse(raw);
      } catch {
        problems.push(`${setting.env}: must be a JSON object — ${setting.description}`);
        continue;
      }
    } else {
      values[setting.key] = raw;
    }
    source.set(setting.key, setting.env);
  }

  if (!validate(values)) {
    for (const error of validate.errors ?? []) problems.push(describe(error, source));
  }
  if (values['matterSystemUrl'] && (!values['matterSystemAppKey'] || !values['matterSystemAppSecret'])) {
    problems.push('TONGBAN_MATTER_SYSTEM_APP_KEY and TONGBAN_MATTER_SYSTEM_APP_SECRET: required when TONGBAN_MATTER_SYSTEM_URL is set');
  }
  if (values['sealPlatformUrl'] && (!values['sealPlatformAppId'] || !values['sealPlatformAppSecret'])) {
    problems.push('TONGBAN_SEAL_PLATFORM_APP_ID and TONGBAN_SEAL_PLATFORM_APP_SECRET: required when TONGBAN_SEAL_PLATFORM_URL is set');
  }
  if (values['evaluationUrl'] && (!values['evaluationAppId'] || !values['evaluationAppSecret'])) {
    problems.push('TONGBAN_EVALUATION_APP_ID and TONGBAN_EVALUATION_APP_SECRET: required when TONGBAN_EVALUATION_URL is set');
  }
  if (values['logisticsUrl'] && (!values['logisticsAppKey'] || !values['logisticsAppSecret'])) {
    problems.push('TONGBAN_LOGISTICS_APP_KEY and TONGBAN_LOGISTICS_APP_SECRET: required when TONGBAN_LOGISTICS_URL is set');
  }
  if (values['paymentUrl'] && (!values['paymentAppId'] || !values['paymentAppSecret'])) {
    problems.push('TONGBAN_PAYMENT_APP_ID and TONGBAN_PAYMENT_APP_SECRET: required when TONGBAN_PAYMENT_URL is set');
  }
  if (values['dataSharingUrl'] && (!values['dataSharingAppKey'] || !values['dataSharingAppSecret'])) {
    problems.push('TONGBAN_DATA_SHARING_APP_KEY and TONGBAN_DATA_SHARING_APP_SECRET: required when TONGBAN_DATA_SHARING_URL is set');
  }
  if (values['licenceLibraryUrl'] && (!values['licenceLibraryAccessId'] || !values['licenceLibraryAccessSecret'] || !values['licenceLibraryTrustAnchorsFile'])) {
    problems.push('TONGBAN_LICENCE_LIBRARY_ACCESS_ID, TONGBAN_LICENCE_LIBRARY_ACCESS_SECRET and TONGBAN_LICENCE_LIBRARY_TRUST_ANCHORS_FILE: required when TONGBAN_LICENCE_LIBRARY_URL is set');
  }
  if (typeof values['deliveryLeaseMs'] === 'number' && typeof values['deliveryTimeoutMs'] === 'number' && values['deliveryLeaseMs'] <= values['deliveryTimeoutMs']) {
    problems.push(`TONGBAN_DELIVERY_LEASE_MS: must be longer than TONGBAN_DELIVERY_TIMEOUT_MS (${String(values['deliveryLeaseMs'])} ≤ ${String(values['deliveryTimeoutMs'])} ms): otherwise another replica takes over a push that is still running`);
  }
  if (typeof values['databaseQueryTimeoutMs'] === 'number' && typeof values['databaseStatementTimeoutMs'] === 'number' && values['databaseQueryTimeoutMs'] <= values['databaseStatementTimeoutMs']) {
    problems.push(`TONGBAN_DATABASE_QUERY_TIMEOUT_MS: must be longer than TONGBAN_DATABASE_STATEMENT_TIMEOUT_MS (${String(values['databaseQueryTimeoutMs'])} ≤ ${String(values['databaseStatementTimeoutMs'])} ms): otherwise the gateway gives up on statements the server would cancel cleanly, and discards their connections`);
  }
  values['blobStore'] ??= values['databaseUrl'] ? 'postgres' : 'file';
  if (values['blobStore'] === 'postgres' && !values['databaseUrl']) {
    problems.push('TONGBAN_BLOB_STORE: postgres keeps files in the PostgreSQL database, so DATABASE_URL must be set (or choose file or s3)');
  }
  if (values['blobStore'] === 's3' && !values['s3Bucket']) problems.push('TONGBAN_S3_BUCKET: required when TONGBAN_BLOB_STORE=s3');
  if (!values['s3AccessKeyId'] !== !values['s3SecretAccessKey']) {
    problems.push('TONGBAN_S3_ACCESS_KEY_ID and TONGBAN_S3_SECRET_ACCESS_KEY: set both or neither');
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(values) as unknown as Config;
}

function describe(error: ErrorObject, source: Map<string, string>): string {
  const key = error.instancePath.split('/')[1] ?? '';
  const setting = byKey.get(key);
  const where = source.get(key) ?? setting?.env ?? key;
  const expects = setting ? ` — ${setting.description}` : '';
  return `${where}: ${error.message ?? 'is invalid'}${expects}`;
}
