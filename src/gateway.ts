/**
 * The composition root: the one place where configuration, store, trust,
 * adapters and routes are wired together. Nothing else imports concrete
 * implementations across rooms.
 */
import { readFileSync } from 'node:fs';
import { createMatterSystemAdapter } from '../adapters/matter-system/index.js';
import { createDataSharingAdapter } from '../adapters/data-sharing/index.js';
import { createLogisticsAdapter } from '../adapters/logistics/index.js';
import { createPaymentAdapter } from '../adapters/payment/index.js';
import { createPayments, PAYMENT_NOTIFICATION_PATH, type Payments } from './payments/index.js';
import { createResultDelivery, LOGISTICS_PUSH_PATH, type ResultDelivery } from './results-delivery/index.js';
import { createLicenceIssuance, type LicenceIssuance } from './licence-issuance/index.js';
import type { IssuerSigningCredentials } from './domain/licence-issuance.js';
import { createApp } from './api/app.js';
import { createAccessGuard } from './api/middleware/authenticate.js';
import { signResponses } from './api/middleware/sign-responses.js';
import { admission } from './api/middleware/admission.js';
import { applicationRoutes } from './api/routes/applications.js';
import { authorizationRoutes } from './api/routes/authorizations.js';
import { identityRoutes } from './api/routes/identity.js';
import { delegationRoutes } from './api/routes/delegations.js';
import { DelegationService } from './identity/delegations.js';
import { libraryGuardianshipCheck } from './identity/guardianship.js';
import { counterRoutes } from './api/routes/counter.js';
import { ActingFor, CounterCodes, IdentityService, type CounterCodesOptions } from './identity/index.js';
import { buildOpenApi, type OpenApiDocument } from './api/openapi/index.js';
import { catalogRoutes } from './api/routes/catalog.js';
import { departmentRoutes } from './api/routes/departments.js';
import { docsRoutes } from './api/routes/docs.js';
import { formRoutes } from './api/routes/forms.js';
import { healthRoutes } from './api/routes/health.js';
import { jwksRoutes } from './api/routes/jwks.js';
import { licenceRoutes } from './api/routes/licences.js';
import { sharedDataRoutes } from './api/routes/shared-data.js';
import { departmentMaterialRoutes } from './api/routes/department-materials.js';
import { materialRoutes } from './api/routes/materials.js';
import { metricsRoutes } from './api/routes/metrics.js';
import { opsMaterialRoutes } from './api/routes/ops-materials.js';
import { opsStatisticsRoutes } from './api/routes/ops-statistics.js';
import { supplementRoutes } from './api/routes/supplements.js';
import { SupplementDeadlines } from './cases/expire-supplements.js';
import { opsDashboardRouter } from './api/routes/ops-dashboard.js';
import { opsAdapterRoutes } from './api/routes/ops-adapters.js';
import { opsDeliveryRoutes } from './api/routes/ops-deliveries.js';
import { evaluationRoutes, opsEvaluationRoutes } from './api/routes/evaluations.js';
import { createEvaluationAdapter } from '../adapters/evaluation/index.js';
import type { EvaluationSystem } from './domain/evaluation.js';
import { EvaluationPusher } from './evaluations/evaluation-pusher.js';
import { opsWebhookRoutes } from './api/routes/ops-webhooks.js';
import { webhookRoutes } from './api/routes/webhooks.js';
import { OverdueEvents } from './notifications/overdue-events.js';
import { WebhookEndpoints } from './notifications/webhook-endpoints.js';
import { registerWebhookGauges } from './notifications/webhook-gauges.js';
import { WebhookWorker } from './notifications/webhook-worker.js';
import { resultDocumentRoutes } from './api/routes/result-documents.js';
import { sealCaRoutes } from './api/routes/seal-ca.js';
import type { Route } from './api/routes/route.js';
import { listen, type RunningServer } from './api/server.js';
import { CatalogStore, CatalogSyncer } from './catalog/index.js';
import type { Config } from './config/index.js';
import { createChannelRegistry } from './delivery/department-channels.js';
import { loadDepartments, type Department } from './delivery/department-registry.js';
import { Dispatcher } from './delivery/dispatcher.js';
import type { Mappings } from './forms/mappings/index.js';
import { createBlobStore, formLabels, renderGeneratedDocument, createLicenceLibrary, createPushChannelFactory, createSealService, inboxAckVerifier, loadClientsFile, loadMappingFiles, openKeyring, openMigratedStore, openOpsReader, StartupError } from './gateway-setup.js';
import type { SealService } from './domain/seal-service.js';
import { AuthorizationService, declaredLicenceTypes, LicenceAccess, LicenceUseLedger } from './licences/index.js';
import { createLogger, type Logger } from './log/index.js';
import { Alerts } from './ops/alerts.js';
import { SessionCodec } from './ops/dashboard/session.js';
import { opsSessionSecret } from './ops/dashboard/session-secret.js';
import { MeteredLicenceAccess } from './ops/metered-licence-access.js';
import { GatewayMetrics } from './ops/metrics.js';
import { LICENCE_TYPES } from './domain/licence-library.js';
import type { LicenceLibrary } from './domain/licence-library.js';
import type { SharedDataExchange } from './domain/shared-data.js';
import { SharedDataAccess } from './data-sharing/index.js';
import type { MatterCatalog } from './domain/matter-catalog.js';
import type { BlobStore } from './domain/materials.js';
import { chainDeliveryFiles } from './materials/delivery-files.js';
import { createDownloadLinks } from './materials/download-links.js';
import { createGeneratedFiles } from './materials/generated-files.js';
import { UploadSweeper } from './materials/upload-sweeper.js';
import type { OpsReader, Store } from './store/index.js';
import { startCounterCompaction } from './ops/counters.js';
import { ClientRegistry } from './trust/client-registry.js';
import { Keyring } from './trust/keyring.js';
import { ReplayGuard } from './trust/replay-guard.js';

export { maskUrl, openMigratedStore, StartupError } from './gateway-setup.js';

export interface Gateway {
  readonly url: string;
  readonly store: Store;
  /** Where ops pages, `/v1/ops/*`, `/metrics` and alert checks read (src/store/ops-reader.ts); never intake or delivery. */
  readonly opsReader: OpsReader;
  readonly logger: Logger;
  readonly running: RunningServer;
  readonly keyring: Keyring;
  readonly clients: ClientRegistry;
  /** Present when a matter system is configured. */
  readonly catalogSyncer: CatalogSyncer | undefined;
  /** Present when a licence library is configured. */
  readonly licenceLibrary: LicenceLibrary | undefined;
  readonly mappings: Mappings;
  readonly departments: readonly Department[];
  /** Applicants' authorisations to use their licences. */
  readonly authorizations: AuthorizationService;
  /** The applicant's verified identity (ID tokens of the identity platform). */
  readonly identity: IdentityService;
  /** In which capacity an authenticated person acts for a holder. */
  readonly actingFor: ActingFor;
  /** Holders' delegations to agents (帮代办). */
  readonly delegations: DelegationService;
  /** Counter QR codes of the window (一窗受理). */
  readonly counterCodes: CounterCodes;
  /** The append-only, hash-chained licence-use ledger. */
  readonly ledger: LicenceUseLedger;
  /** The one door to holders' licences (authorisation, reason, ledger). */
  readonly licenceAccess: LicenceAccess;
  /** The one door to holders' shared data (authorisation, reason, ledger; docs/shared-data.md). */
  readonly sharedData: SharedDataAccess;
  /** Delivers sub-applications to departments (started unless TONGBAN_DISPATCHER=false). */
  readonly dispatcher: Dispatcher;
  /** Pushes evaluations and follow-up steps to the provincial 好差评 system (present when it is configured; started with the dispatcher). */
  readonly evaluationPusher: EvaluationPusher | undefined;
  /** Sends platform notifications (signed webhooks; started with the dispatcher). */
  readonly webhooks: WebhookWorker;
  /** Records `sub_application.overdue` once per sub-application past its deadline (`check()` at once). */
  readonly overdueEvents: OverdueEvents;
  /** Alerts to the ops webhook (present when TONGBAN_ALERT_WEBHOOK_URL is set). */
  readonly alerts: Alerts | undefined;
  /** The periodic check that expires 补正 requests past their deadline (`check()` at once). */
  readonly supplementDeadlines: SupplementDeadlines;
  /** Prometheus metrics of this gateway (served at `/metrics`). */
  readonly metrics: GatewayMetrics;
  /** Where material files live. */
  readonly blobStore: BlobStore;
  /** Removes expired, unreferenced uploads (every TONGBAN_MATERIAL_SWEEP_INTERVAL_MS; `sweep()` at once). */
  readonly uploadSweeper: UploadSweeper;
  /** 领证方式: the mail service (when configured) and the posting worker (started with the dispatcher). */
  readonly resultDelivery: ResultDelivery;
  /** Results issued as licences: the issuance worker (started with the dispatcher) and its ops routes. */
  readonly licenceIssuance: LicenceIssuance;
  /** Fees: the payment platform (when configured) and the payment worker (started with the dispatcher). */
  readonly payments: Payments;
  /** Graceful stop: drain requests (up to the configured grace), then close the database. */
  close(): Promise<void>;
}

export interface GatewayOptions {
  logger?: Logger;
  /** Replaces the matter-system adapter built from the configuration (tests). */
  matterCatalog?: MatterCatalog;
  /** Replaces the licence-library adapter built from the configuration (tests). */
  licenceLibrary?: LicenceLibrary;
  /** Issuers' signing credentials for results issued as licences (tests, the sandbox); default TONGBAN_LICENCE_ISSUER_KEYS_DIR. */
  licenceIssuers?: (issuerCreditCode: string) => IssuerSigningCredentials | undefined;
  /** The data-sharing exchange; default: from TONGBAN_DATA_SHARING_URL (none when unset). */
  sharedDataExchange?: SharedDataExchange;
  /** Replaces the e-seal platform adapter built from the configuration (tests). */
  sealService?: SealService;
  /** Replaces the 好差评 system adapter built from the configuration (tests). */
  evaluationSystem?: EvaluationSystem;
  /** Extra routes (tests, the sandbox). */
  extraRoutes?: readonly Route[];
  /** Replaces the blob store built from the configuration (tests); closed with the gateway. */
  blobStore?: BlobStore;
  /** Replaces the clock of authorisations and delegations (tests: their expiry at a use). */
  clock?: () => Date;
  /** Counter QR code lifetimes (tests). */
  counterCodes?: Pick<CounterCodesOptions, 'ttlSeconds' | 'authorizationMinutes'>;
}

/** Opens the store, applies migrations, builds the app and listens. */
export async function startGateway(config: Config, options: GatewayOptions = {}): Promise<Gateway> {
  const logger = options.logger ?? createLogger({ level: config.logLevel });
  const departments = loadDepartments();
  const mappings = loadMappingFiles(departments, config.mappingsDir);
  const licenceLibrary = options.licenceLibrary ?? createLicenceLibrary(config);
  const sealService = options.sealService ?? createSealService(config);
  const { store } = await openMigratedStore(config, logger);
  const clients = new ClientRegistry(store);
  let keyring: Keyring;
  let sessionSecret: Buffer;
  try {
    keyring = openKeyring(config);
    sessionSecret = opsSessionSecret(config);
    if (config.clientsFile) await loadClientsFile(clients, config.clientsFile, logger);
  } catch (error) {
    await store.close();
    throw error;
  }
  const opsReader = openOpsReader(config, store, logger);
  const stopCompaction = startCounterCompaction(store, { intervalMs: 60_000, onError: (error) => logger.warn('ops counters not compacted', { error: error.message }) });
  const replayGuard = new ReplayGuard(store, config.clockSkewSeconds);
  const blobStore = options.blobStore ?? await createBlobStore(config, logger);
  const uploadSweeper = new UploadSweeper({ store, blobs: blobStore, logger, intervalMs: config.materialSweepIntervalMs });
  const matterCatalog = options.matterCatalog ?? (config.matterSystemUrl ? createMatterSystemAdapter({
    baseUrl: config.matterSystemUrl, appKey: config.matterSystemAppKey!, appSecret: config.matterSystemAppSecret!, timeoutMs: config.matterSystemTimeoutMs,
  }) : undefined);
  const catalog = new CatalogStore(store, { cacheMs: config.catalogCacheMs });
  const alerts = config.alertWebhookUrl
    ? new Alerts({ url: config.alertWebhookUrl, signingKey: () => keyring.signingKey(), logger, store, reader: opsReader, overdueIntervalMs: config.alertOverdueCheckMs })
    : undefined;
  const intakeAdmission = config.intakeConcurrency > 0 ? admission({ limit: config.intakeConcurrency, maxWaitMs: config.intakeWaitMs }) : undefined;
  // The dispatcher is built below; the metrics read its breakers only at scrape time.
  const metrics: GatewayMetrics = new GatewayMetrics({
    store: opsReader, logger, licenceTypes: Object.keys(LICENCE_TYPES),
    ...(intakeAdmission ? { intakeAdmission: intakeAdmission.state } : {}),
    departments: departments.filter((department) => department.channel !== 'inbox').map((department) => department.code),
    breakerStates: () => dispatcher.breakerStates(),
  });
  const catalogSyncer = matterCatalog ? new CatalogSyncer(store, matterCatalog, { intervalMs: config.catalogSyncIntervalMs, logger, onRun: (run) => { catalog.invalidate(); metrics.syncRunFinished(run); alerts?.onSyncRun(run); } }) : undefined;
  if (!catalogSyncer) logger.warn('no matter system configured (TONGBAN_MATTER_SYSTEM_URL): serving the stored catalogue without syncing');
  const identity = new IdentityService({ issuer: config.identityIssuer, minLevel: config.identityMinLevel, store });
  const delegations = new DelegationService({ store, catalog, clients, ...(options.clock ? { now: options.clock } : {}) });
  const ledger = new LicenceUseLedger(store);
  const actingFor = new ActingFor({ guardianship: libraryGuardianshipCheck({ library: licenceLibrary, ledger }), delegations });
  const authorizations = new AuthorizationService(store, catalog, { actingFor, ...(options.clock ? { now: options.clock } : {}) });
  const counterCodes = new CounterCodes({ store, catalog, actingFor, authorizations, ...options.counterCodes, ...(options.clock ? { now: () => options.clock!().getTime() } : {}) });
  const logistics = config.logisticsUrl ? createLogisticsAdapter({
    baseUrl: config.logisticsUrl, appKey: config.logisticsAppKey!, appSecret: config.logisticsAppSecret!, timeoutMs: config.logisticsTimeoutMs, callbackPath: LOGISTICS_PUSH_PATH,
  }) : undefined;
  const resultDelivery = createResultDelivery(config, { store, reader: opsReader, logger, identity, logistics });
  const licenceIssuance = createLicenceIssuance(config, { store, reader: opsReader, logger, library: licenceLibrary, ...(options.licenceIssuers ? { signerOf: options.licenceIssuers } : {}) });
  const sharedDataExchange = options.sharedDataExchange ?? (config.dataSharingUrl ? createDataSharingAdapter({
    baseUrl: config.dataSharingUrl, appKey: config.dataSharingAppKey!, appSecret: config.dataSharingAppSecret!, timeoutMs: config.dataSharingTimeoutMs,
  }) : undefined);
  const sharedData = new SharedDataAccess({ exchange: sharedDataExchange, authorizations, ledger, logger });
  const licenceAccess: LicenceAccess = new MeteredLicenceAccess({ library: licenceLibrary, authorizations, ledger, logger, declaredTypes: declaredLicenceTypes(mappings, catalog) }, metrics.licenceFetched);

  // What a delivery's files need just before each push or inbox lease: generated documents made (once), fresh signed links.
  const downloadLinks = createDownloadLinks(keyring, { ttlMs: config.materialLinkTtlMs });
  const generatedFiles = createGeneratedFiles({ store, blobs: blobStore, render: renderGeneratedDocument, labelsOf: formLabels(catalog) });
  const deliveryFiles = chainDeliveryFiles(generatedFiles, downloadLinks);
  const channelOf = new Map(departments.map((department) => [department.code, department.channel]));
  const channels = createChannelRegistry({ departments, endpoints: config.departmentEndpoints, batch: config.departmentBatch, factory: createPushChannelFactory(keyring), clients, timeoutMs: config.deliveryTimeoutMs });
  const dispatcher = new Dispatcher({
    store, logger,
    channelFor: channels,
    retry: { maxAttempts: config.deliveryMaxAttempts, baseMs: config.deliveryBackoffBaseMs, capMs: config.deliveryBackoffCapMs },
    concurrency: config.deliveryConcurrency,
    leaseMs: config.deliveryLeaseMs,
    pushTimeoutMs: config.deliveryTimeoutMs,
    breaker: { errorThresholdPercentage: config.breakerErrorPercent, volumeThreshold: config.breakerVolume, resetTimeoutMs: config.breakerResetMs },
    onOutcome: (event) => { metrics.deliveryOutcome(event); alerts?.onDeliveryOutcome(event); },
    onBreaker: (department, state) => { metrics.breakerChanged(department, state); alerts?.onBreaker(department, state); },
    files: deliveryFiles,
  });
  const wakeDispatcher = () => dispatcher.notify();
  const paymentPlatform = config.paymentUrl ? createPaymentAdapter({
    baseUrl: config.paymentUrl, appId: config.paymentAppId!, appSecret: config.paymentAppSecret!, timeoutMs: config.paymentTimeoutMs, callbackPath: PAYMENT_NOTIFICATION_PATH,
  }) : undefined;
  const payments = createPayments(config, { store, reader: opsReader, logger, platform: paymentPlatform, onReleased: wakeDispatcher });
  const evaluationSystem = options.evaluationSystem ?? (config.evaluationUrl ? createEvaluationAdapter({
    baseUrl: config.evaluationUrl, appId: config.evaluationAppId!, appSecret: config.evaluationAppSecret!, timeoutMs: config.evaluationTimeoutMs,
  }) : undefined);
  if (!evaluationSystem) logger.warn('no 好差评 system configured (TONGBAN_EVALUATION_URL): evaluations wait in the push outbox');
  const evaluationPusher = evaluationSystem ? new EvaluationPusher({
    store, system: evaluationSystem, logger, leaseMs: config.deliveryLeaseMs, pushTimeoutMs: config.evaluationTimeoutMs,
    ...(alerts ? { onOutcome: alerts.onEvaluationPush } : {}),
    retry: { maxAttempts: config.deliveryMaxAttempts, baseMs: config.deliveryBackoffBaseMs, capMs: config.deliveryBackoffCapMs },
  }) : undefined;
  const evaluationDeps = { store, reader: opsReader, identity, followUpWorkingDays: config.evaluationFollowUpWorkingDays, onQueued: () => evaluationPusher?.notify() };
  const webhooks = new WebhookWorker({
    store, logger, signingKey: () => keyring.signingKey(),
    retry: { maxAttempts: config.webhookMaxAttempts, baseMs: config.webhookBackoffBaseMs, capMs: config.webhookBackoffCapMs },
    timeoutMs: config.webhookTimeoutMs, concurrency: config.webhookConcurrency, idleMs: config.webhookPollMs,
  });
  registerWebhookGauges(metrics.registry, { reader: opsReader, logger });
  const wakeWebhooks = () => webhooks.notify();
  // The gateway's own address, for refusing webhook URLs that point at it (known once listening).
  let ownUrl = `http://${config.host}:${config.port}`;
  const webhookEndpoints = new WebhookEndpoints({ store, own: () => ({ url: ownUrl, host: config.host, port: config.port }) });
  const overdueEvents = new OverdueEvents({ store, logger, intervalMs: config.alertOverdueCheckMs, onRecorded: wakeWebhooks });
  // 补正 deadlines expire on the overdue check's period, with or without an alert webhook.
  const supplementDeadlines = new SupplementDeadlines({ store, logger, intervalMs: config.alertOverdueCheckMs, ...(alerts ? { onExpired: alerts.onSupplementExpired } : {}) });

  let shuttingDown = false;
  const isShuttingDown = () => shuttingDown;
  const app = createApp({
    logger,
    bodyLimitBytes: config.bodyLimitBytes,
    databaseBudgetMs: config.databaseRequestBudgetMs,
    ...(intakeAdmission ? { intakeAdmission: intakeAdmission.middleware } : {}),
    isShuttingDown,
    guard: createAccessGuard({ registry: clients, replayGuard, skewSeconds: config.clockSkewSeconds, logger }),
    answerSigner: signResponses(keyring, logger),
    pages: [{
      path: '/ops',
      handler: opsDashboardRouter({
        context: {
          store, reader: opsReader, departments, ledger, breakerStates: () => dispatcher.breakerStates(), catalogSyncer, dispatcherEnabled: config.dispatcherEnabled, now: Date.now, mappings,
          upstreams: {
            matterSystem: !!matterCatalog, licenceLibrary: !!licenceLibrary, sealPlatform: !!sealService, identityPlatform: !!config.identityIssuer, paymentPlatform: !!paymentPlatform,
            logistics: !!logistics, evaluation: !!evaluationSystem, dataSharing: !!sharedDataExchange, departmentEndpoints: config.departmentEndpoints,
          },
        },
        users: config.opsUsers, sessions: new SessionCodec({ secret: sessionSecret, ttlSeconds: config.opsSessionTtlSeconds }), logger, onReplay: wakeDispatcher,
      }),
    }],
    requestObserver: metrics.httpMiddleware,
    routes: withDocs((routes) => buildOpenApi(routes, { version: packageVersion() }), [
      ...healthRoutes({ store, isShuttingDown }),
      ...jwksRoutes(keyring),
      ...catalogRoutes({ store, reader: opsReader, catalog, ...(catalogSyncer ? { syncer: catalogSyncer } : {}) }),
      ...identityRoutes({ identity }),
      ...delegationRoutes({ identity, delegations }),
      ...counterRoutes({ identity, counterCodes }),
      ...authorizationRoutes({ authorizations, identity }),
      ...licenceRoutes({ licenceAccess, ledger, identity }),
      ...sharedDataRoutes({ sharedData, identity }),
      ...formRoutes({
        catalog, mappings, keyring, identity, resultOrigins: licenceIssuance.resultOrigins,
        licenceFetcher: ({ clientId, actor, themeCode, useCause }) => ({ holder, licenceTypes, matterCodes }) => licenceAccess.fetchForHolder({
          clientId, actor, authorizationId: holder.authorizationId, holder: { code: holder.code, type: holder.type }, licenceTypes, themeCode, matterCodes, useCause,
        }),
        sharedDataFetcher: ({ clientId, actor, themeCode, useCause }) => ({ holder, resources, matterCodes }) => sharedData.fetchForHolder({
          clientId, actor, authorizationId: holder.authorizationId, holder: { code: holder.code, type: holder.type }, resources, themeCode, matterCodes, useCause,
        }),
      }),
      ...applicationRoutes({ store, catalog, keyring, mappings, identity, authorizations, channelOf: (code) => channelOf.get(code) ?? 'rest', onSubmitted: wakeDispatcher, sharedData }),
      ...departmentRoutes({ store, clients, mappings, inboxLeaseMs: config.inboxLeaseMs, verifyInboxAck: inboxAckVerifier, files: deliveryFiles, onEvent: wakeDispatcher, ...(sealService ? { sealService } : {}) }),
      ...supplementRoutes({ store, mappings, onSupplied: wakeDispatcher }),
      ...opsDeliveryRoutes({ store, reader: opsReader, onReplay: wakeDispatcher }),
      ...evaluationRoutes(evaluationDeps),
      ...opsEvaluationRoutes(evaluationDeps),
      ...webhookRoutes({ endpoints: webhookEndpoints, onWork: wakeWebhooks }),
      ...opsWebhookRoutes({ store, reader: opsReader, onReplay: wakeWebhooks }),
      ...opsMaterialRoutes({ reader: opsReader }),
      ...opsStatisticsRoutes({ reader: opsReader, mappings, departments }),
      ...opsAdapterRoutes({
        reader: opsReader, departments, breakerStates: config.dispatcherEnabled ? () => dispatcher.breakerStates() : undefined,
        upstreams: {
          matterSystem: { configured: !!matterCatalog, url: config.matterSystemUrl },
          licenceLibrary: { configured: !!licenceLibrary, url: config.licenceLibraryUrl },
          sealPlatform: { configured: !!sealService, url: config.sealPlatformUrl },
          identityPlatform: { configured: !!config.identityIssuer, url: config.identityIssuer },
          paymentPlatform: { configured: !!paymentPlatform, url: config.paymentUrl },
          logistics: { configured: !!logistics, url: config.logisticsUrl },
          evaluation: { configured: !!evaluationSystem, url: config.evaluationUrl },
          dataSharing: { configured: !!sharedDataExchange, url: config.dataSharingUrl },
        },
        departmentEndpoints: config.departmentEndpoints,
      }),
      ...resultDocumentRoutes({ store }),
      ...departmentMaterialRoutes({ store, keyring, blobStore, logger }),
      ...materialRoutes({
        store, blobs: blobStore, keyring, logger, maxBytes: config.materialMaxBytes, uploadTtlMs: config.materialUploadTtlMs, databaseBudgetMs: config.databaseRequestBudgetMs,
      }),
      ...metricsRoutes(metrics),
      ...sealCaRoutes({ sealService }),
      ...resultDelivery.routes,
      ...licenceIssuance.routes,
      ...payments.routes,
      ...(options.extraRoutes ?? []),
    ]),
  });
  let running: RunningServer;
  try {
    running = await listen(app, config.host, config.port, (error) => logger.error('http server error', { error: error.message, code: (error as NodeJS.ErrnoException).code }));
  } catch (error) {
    channels.close();
    await blobStore.close();
    stopCompaction();
    await opsReader.close();
    await store.close();
    throw listenFailure(config, error);
  }
  logger.info('gateway listening', { url: running.url, store: store.dialect });
  ownUrl = running.url;
  catalogSyncer?.start();
  if (config.dispatcherEnabled) dispatcher.start();
  if (config.dispatcherEnabled) evaluationPusher?.start();
  if (config.dispatcherEnabled) webhooks.start();
  overdueEvents.start();
  alerts?.start();
  supplementDeadlines.start();
  if (config.materialSweepIntervalMs > 0) uploadSweeper.start();

  if (config.dispatcherEnabled) resultDelivery.worker.start();
  if (config.dispatcherEnabled) licenceIssuance.worker.start();
  if (config.dispatcherEnabled) payments.worker.start();

  let closing: Promise<void> | undefined;
  return {
    url: running.url,
    store,
    opsReader,
    logger,
    running,
    keyring,
    clients,
    catalogSyncer,
    licenceLibrary,
    mappings,
    departments,
    authorizations,
    identity,
    actingFor,
    delegations,
    counterCodes,
    ledger,
    licenceAccess,
    sharedData,
    dispatcher,
    evaluationPusher,
    webhooks,
    overdueEvents,
    metrics,
    alerts,
    supplementDeadlines,
    blobStore,
    uploadSweeper,
    resultDelivery,
    licenceIssuance,
    payments,
    close() {
      closing ??= (async () => {
        shuttingDown = true;
        await running.stop(config.shutdownGraceMs);
        await catalogSyncer?.stop();
        await dispatcher.stop();
        await resultDelivery.worker.stop();
        await licenceIssuance.worker.stop();
        await payments.worker.stop();
        await evaluationPusher?.stop();
        await webhooks.stop();
        await overdueEvents.stop();
        channels.close(); // the departments' keep-alive connections
        await supplementDeadlines.stop();
        await alerts?.close();
        await uploadSweeper.stop();
        await blobStore.close();
        stopCompaction();
        await opsReader.close();
        await store.close();
        logger.info('gateway stopped');
      })();
      return closing;
    },
  };
}

/** A failure to listen as a StartupError that names the port and host and what to do (no stack trace for a taken port). */
function listenFailure(config: Config, error: unknown): unknown {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE') {
    return new StartupError(`port ${config.port} on ${config.host} is already in use (another gateway or program listens there): stop it, or choose another port with PORT=<port> (PORT=0 picks a free one and the gateway prints it)`, { cause: error });
  }
  if (code === 'EACCES' || code === 'EADDRNOTAVAIL') {
    return new StartupError(`cannot listen on ${config.host}:${config.port} (${code}): choose another PORT or TONGBAN_HOST`, { cause: error });
  }
  return error;
}

/** `routes` plus `/openapi.json` and `/docs`, whose document describes them all (built on first request). */
function withDocs(build: (routes: readonly Route[]) => OpenApiDocument, routes: Route[]): Route[] {
  let document: OpenApiDocument | undefined;
  const all: Route[] = [...routes];
  all.push(...docsRoutes({ document: () => (document ??= build(all)) }));
  return all;
}

function packageVersion(): string {
  try {
    return (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version?: string }).version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}
