/**
 * The table of every setting: its key, environment variable, JSON Schema and
 * meaning. The config schema, the loader and the README reference all derive
 * from this one table.
 */
import { MAX_BATCH } from '../domain/department-channel.js';

export interface SettingSpec {
  /** Key in the frozen config object and in the optional config file. */
  readonly key: string;
  /** Environment variable that sets it. */
  readonly env: string;
  /** JSON Schema of the value (after coercion from the environment string). */
  readonly schema: Record<string, unknown>;
  /** Default when neither the environment nor the config file sets it. */
  readonly default?: unknown;
  /** What it means, for the README and for error messages. */
  readonly description: string;
}

export const SETTINGS = [
  { key: 'port', env: 'PORT', schema: { type: 'integer', minimum: 0, maximum: 65535 }, default: 8080,
    description: 'TCP port the gateway listens on (0 picks a free port).' },
  { key: 'host', env: 'TONGBAN_HOST', schema: { type: 'string', minLength: 1 }, default: '127.0.0.1',
    description: 'Interface the gateway binds to (use 0.0.0.0 behind a load balancer).' },
  { key: 'databaseUrl', env: 'DATABASE_URL', schema: { type: 'string', pattern: '^postgres(ql)?://' },
    description: 'PostgreSQL connection URL. When unset, the embedded SQLite store is used.' },
  { key: 'databaseSchema', env: 'TONGBAN_DATABASE_SCHEMA', schema: { type: 'string', pattern: '^[a-z_][a-z0-9_]{0,62}$' }, default: 'public',
    description: 'PostgreSQL schema holding Tongban\'s tables (created if missing).' },
  { key: 'databasePoolSize', env: 'TONGBAN_DATABASE_POOL_SIZE', schema: { type: 'integer', minimum: 1, maximum: 200 }, default: 10,
    description: 'Maximum PostgreSQL connections per gateway process.' },
  { key: 'sqlitePath', env: 'TONGBAN_SQLITE_PATH', schema: { type: 'string', minLength: 1 }, default: './data/tongban.db',
    description: 'File of the embedded SQLite store (WAL, synchronous=FULL). Its folder is created.' },
  { key: 'logLevel', env: 'TONGBAN_LOG_LEVEL', schema: { enum: ['error', 'warn', 'info', 'http', 'debug', 'silent'] }, default: 'info',
    description: 'Lowest level written to the JSON log on stdout (`silent` writes nothing).' },
  { key: 'bodyLimitBytes', env: 'TONGBAN_BODY_LIMIT_BYTES', schema: { type: 'integer', minimum: 1024, maximum: 104857600 }, default: 1048576,
    description: 'Largest accepted request body in bytes; larger bodies get 413 PAYLOAD_TOO_LARGE.' },
  { key: 'shutdownGraceMs', env: 'TONGBAN_SHUTDOWN_GRACE_MS', schema: { type: 'integer', minimum: 0, maximum: 600000 }, default: 10000,
    description: 'On SIGTERM/SIGINT, how long in-flight requests may take before connections are cut (ms).' },
  { key: 'certsDir', env: 'TONGBAN_CERTS_DIR', schema: { type: 'string', minLength: 1 }, default: './certs/dev',
    description: 'Folder of Tongban\'s keyring and the development client keys.' },
  { key: 'clientsFile', env: 'TONGBAN_CLIENTS_FILE', schema: { type: 'string', minLength: 1 },
    description: 'Optional JSON file of clients (id, role, department, algorithms, public keys) loaded into the registry at start.' },
  { key: 'mappingsDir', env: 'TONGBAN_MAPPINGS_DIR', schema: { type: 'string', minLength: 1 },
    description: 'Folder of the mapping files (dictionary, licences, matters, themes); default the project\'s mappings/.' },
  { key: 'clockSkewSeconds', env: 'TONGBAN_CLOCK_SKEW_SECONDS', schema: { type: 'integer', minimum: 0, maximum: 3600 }, default: 300,
    description: 'Allowed difference between a signature\'s "iat" and the gateway clock (s).' },
  { key: 'matterSystemUrl', env: 'TONGBAN_MATTER_SYSTEM_URL', schema: { type: 'string', pattern: '^https?://' },
    description: 'Base URL of the provincial matter system (省事项系统). When unset, no catalogue sync runs and the stored catalogue is served.' },
  { key: 'matterSystemAppKey', env: 'TONGBAN_MATTER_SYSTEM_APP_KEY', schema: { type: 'string', minLength: 1 },
    description: 'App key (x-tif-paasid) Tongban uses with the matter system.' },
  { key: 'matterSystemAppSecret', env: 'TONGBAN_MATTER_SYSTEM_APP_SECRET', schema: { type: 'string', minLength: 8 },
    description: 'HMAC secret for the matter system\'s request signatures. Never logged.' },
  { key: 'matterSystemTimeoutMs', env: 'TONGBAN_MATTER_SYSTEM_TIMEOUT_MS', schema: { type: 'integer', minimum: 100, maximum: 120000 }, default: 5000,
    description: 'Timeout of each call to the matter system (ms).' },
  { key: 'catalogSyncIntervalMs', env: 'TONGBAN_CATALOG_SYNC_INTERVAL_MS', schema: { type: 'integer', minimum: 0, maximum: 86400000 }, default: 300000,
    description: 'Time between incremental catalogue syncs (ms); 0 turns the schedule off (syncs then run at start and on demand).' },
  { key: 'catalogCacheMs', env: 'TONGBAN_CATALOG_CACHE_MS', schema: { type: 'integer', minimum: 0, maximum: 600000 }, default: 1000,
    description: 'How long the stored catalogue (a theme, its matters, their merged forms) is reused between reads (ms); a sync on this replica drops it at once, one on another replica is seen within this time. 0 reads the database on every request.' },
  { key: 'licenceLibraryUrl', env: 'TONGBAN_LICENCE_LIBRARY_URL', schema: { type: 'string', pattern: '^https?://' },
    description: 'Base URL of the e-licence library (电子证照库). When unset, licence queries and prefill answer 503.' },
  { key: 'licenceLibraryAccessId', env: 'TONGBAN_LICENCE_LIBRARY_ACCESS_ID', schema: { type: 'string', minLength: 1 },
    description: 'accessId Tongban uses with the licence library.' },
  { key: 'licenceLibraryAccessSecret', env: 'TONGBAN_LICENCE_LIBRARY_ACCESS_SECRET', schema: { type: 'string', minLength: 8 },
    description: 'Secret for the licence library\'s token requests. Never logged.' },
  { key: 'licenceLibraryTrustAnchorsFile', env: 'TONGBAN_LICENCE_LIBRARY_TRUST_ANCHORS_FILE', schema: { type: 'string', minLength: 1 },
    description: 'PEM file of the CA certificates licence issuers\' signing certificates must chain to.' },
  { key: 'licenceLibraryTimeoutMs', env: 'TONGBAN_LICENCE_LIBRARY_TIMEOUT_MS', schema: { type: 'integer', minimum: 100, maximum: 120000 }, default: 5000,
    description: 'Timeout of each call to the licence library (ms).' },
  { key: 'sealPlatformUrl', env: 'TONGBAN_SEAL_PLATFORM_URL', schema: { type: 'string', pattern: '^https?://' },
    description: 'Base URL of the e-seal platform (电子印章平台) that seals result documents. When unset, events carrying documents answer 503.' },
  { key: 'sealPlatformAppId', env: 'TONGBAN_SEAL_PLATFORM_APP_ID', schema: { type: 'string', minLength: 1 },
    description: 'App id Tongban uses with the e-seal platform.' },
  { key: 'sealPlatformAppSecret', env: 'TONGBAN_SEAL_PLATFORM_APP_SECRET', schema: { type: 'string', minLength: 8 },
    description: 'HMAC secret for the e-seal platform\'s request signatures. Never logged.' },
  { key: 'sealPlatformTrustAnchorsFile', env: 'TONGBAN_SEAL_PLATFORM_TRUST_ANCHORS_FILE', schema: { type: 'string', minLength: 1 },
    description: 'PEM file of the CAs seal certificates must chain to; when unset they are fetched once from the platform (configure it in production).' },
  { key: 'departmentEndpoints', env: 'TONGBAN_DEPARTMENT_ENDPOINTS', schema: { type: 'object', propertyNames: { pattern: '^[a-z0-9]{1,32}$' }, additionalProperties: { type: 'string', pattern: '^https?://' } }, default: {},
    description: 'JSON object of department code → base URL of its rest/soap system, e.g. {"gaj":"https://…"}; overrides mappings/departments.json.' },
  { key: 'departmentBatch', env: 'TONGBAN_DEPARTMENT_BATCH', schema: { type: 'object', propertyNames: { pattern: '^[a-z0-9]{1,32}$' }, additionalProperties: { type: 'integer', minimum: 1, maximum: MAX_BATCH } }, default: {},
    description: 'JSON object of department code → most sub-applications one push may carry, for rest department systems that implement the batched operation, e.g. {"wjj":16}; 1 = one per push. Overrides `batch` in mappings/departments.json.' },
  { key: 'deliveryMaxAttempts', env: 'TONGBAN_DELIVERY_MAX_ATTEMPTS', schema: { type: 'integer', minimum: 1, maximum: 1000 }, default: 12,
    description: 'Attempts before a retryable delivery failure becomes a dead letter.' },
  { key: 'deliveryBackoffBaseMs', env: 'TONGBAN_DELIVERY_BACKOFF_BASE_MS', schema: { type: 'integer', minimum: 1, maximum: 3600000 }, default: 1000,
    description: 'First retry delay of a failed delivery (ms); doubles per attempt, with jitter.' },
  { key: 'deliveryBackoffCapMs', env: 'TONGBAN_DELIVERY_BACKOFF_CAP_MS', schema: { type: 'integer', minimum: 1, maximum: 86400000 }, default: 600000,
    description: 'Longest retry delay of a failed delivery (ms).' },
  { key: 'deliveryConcurrency', env: 'TONGBAN_DELIVERY_CONCURRENCY', schema: { type: 'integer', minimum: 1, maximum: 1000 }, default: 32,
    description: 'Deliveries in flight at once per gateway process.' },
  { key: 'deliveryTimeoutMs', env: 'TONGBAN_DELIVERY_TIMEOUT_MS', schema: { type: 'integer', minimum: 100, maximum: 120000 }, default: 10000,
    description: 'Timeout of one push to a department system (ms).' },
  { key: 'deliveryLeaseMs', env: 'TONGBAN_DELIVERY_LEASE_MS', schema: { type: 'integer', minimum: 1000, maximum: 3600000 }, default: 30000,
    description: 'How long a dispatcher holds a claimed delivery before another replica may take it over (ms); must be longer than the delivery timeout, and a push is resent within an attempt only while the lease has room for a whole further try.' },
  { key: 'breakerErrorPercent', env: 'TONGBAN_BREAKER_ERROR_PERCENT', schema: { type: 'integer', minimum: 1, maximum: 100 }, default: 50,
    description: 'Share of failed pushes (%) to one department, within the rolling 10 s window, that opens its circuit.' },
  { key: 'breakerVolume', env: 'TONGBAN_BREAKER_VOLUME', schema: { type: 'integer', minimum: 1, maximum: 100000 }, default: 5,
    description: 'Pushes to a department in the window before its circuit may open at all.' },
  { key: 'breakerResetMs', env: 'TONGBAN_BREAKER_RESET_MS', schema: { type: 'integer', minimum: 100, maximum: 3600000 }, default: 10000,
    description: 'How long an open circuit stays open before one trial push (half-open) (ms); deliveries meanwhile are deferred by this much.' },
  { key: 'inboxLeaseMs', env: 'TONGBAN_INBOX_LEASE_MS', schema: { type: 'integer', minimum: 1000, maximum: 3600000 }, default: 60000,
    description: 'How long a sub-application a department pulled from its inbox stays leased to it before it is offered again unless acknowledged (ms).' },
  { key: 'dispatcherEnabled', env: 'TONGBAN_DISPATCHER', schema: { type: 'boolean' }, default: true,
    description: 'Run the delivery dispatcher in this process (turn off for API-only replicas).' },
  { key: 'opsUsers', env: 'TONGBAN_OPS_USERS', schema: { type: 'object', propertyNames: { pattern: '^[A-Za-z0-9._-]{1,64}$' }, additionalProperties: { type: 'string', pattern: '^scrypt\\$\\d{1,7}\\$\\d{1,2}\\$\\d{1,2}\\$[A-Za-z0-9_-]{16,}\\$[A-Za-z0-9_-]{32,}$' } }, default: {},
    description: 'JSON object of ops dashboard user → scrypt password hash (make one with `tongban ops hash-password`); empty: nobody can log in to /ops.' },
  { key: 'opsSessionSecret', env: 'TONGBAN_OPS_SESSION_SECRET', schema: { type: 'string', minLength: 32 },
    description: 'Secret (32+ characters) that signs ops dashboard session cookies and CSRF tokens; give every replica the same. When unset, ops-session.key in TONGBAN_CERTS_DIR (made on first start). Never logged.' },
  { key: 'opsSessionTtlSeconds', env: 'TONGBAN_OPS_SESSION_TTL_SECONDS', schema: { type: 'integer', minimum: 60, maximum: 604800 }, default: 28800,
    description: 'How long an ops dashboard login lasts (s).' },
  { key: 'alertWebhookUrl', env: 'TONGBAN_ALERT_WEBHOOK_URL', schema: { type: 'string', pattern: '^https?://' },
    description: 'Optional URL that receives signed alerts (dead letter, circuit open, sync failed, sub-application overdue) as JSON POSTs; best-effort, see docs/ops.md.' },
  { key: 'alertOverdueCheckMs', env: 'TONGBAN_ALERT_OVERDUE_CHECK_MS', schema: { type: 'integer', minimum: 1000, maximum: 86400000 }, default: 60000,
    description: 'How often overdue sub-applications are looked for to alert on (ms), when an alert webhook is set.' },
] as const satisfies readonly SettingSpec[];

/** Environment variable that names the optional JSON config file. */
export const CONFIG_FILE_ENV = 'TONGBAN_CONFIG';
