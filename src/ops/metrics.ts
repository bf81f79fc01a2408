/**
 * Prometheus metrics of one gateway (prom-client, served at `/metrics`).
 * Each gateway has its own `Registry`, so several gateways in one process
 * (tests) do not collide. Labels never carry personal data: routes are
 * express patterns (`/v1/applications/:applicationId`), never raw URLs;
 * departments, licence types and results come from closed sets.
 * The list of metrics is in docs/api.md.
 */
import type { RequestHandler } from 'express';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { SyncRun } from '../catalog/index.js';
import type { ClaimedDelivery } from '../delivery/claimed-delivery.js';
import type { Logger } from '../log/index.js';
import type { Queryable } from '../store/index.js';
import { readBusinessCounts, type BusinessCounts } from '../statistics/business-counts.js';
import type { AdmissionState } from '../api/middleware/admission.js';
import { OPEN_DELIVERY_STATES, oldestDueAgeSeconds, outboxDepth } from './outbox-gauges.js';

export type BreakerState = 'open' | 'halfOpen' | 'closed';
/** Circuit states as label values (Prometheus style). */
const CIRCUIT_STATES = { closed: 'closed', halfOpen: 'half_open', open: 'open' } as const;

/** A licence handed out (or refused) by the licence access, one event per licence type and result. */
export interface LicenceFetchEvent {
  readonly action: 'query' | 'file';
  /** A licence type key; anything else is counted as `unknown`. */
  readonly licenceType: string;
  /** `used`, `refused-invalid`, `none` (the holder has no licence of the type), or the error code of a failure. */
  readonly result: string;
  readonly count?: number;
}

export interface GatewayMetricsOptions {
  /** Where the outbox gauges read at scrape time: the ops reader (off the request loop) or the store. */
  store: Queryable;
  logger: Logger;
  /** Department codes with a push channel: their circuit is reported `closed` until a breaker says otherwise. */
  departments: readonly string[];
  /** The dispatcher's breaker per department, read at scrape time. */
  breakerStates: () => Record<string, BreakerState>;
  /** Known licence type keys (other values become `unknown`). */
  licenceTypes: readonly string[];
  /** Process metrics (`collectDefaultMetrics`). Default true. */
  defaultMetrics?: boolean;
  /** The intake admission limiter's state, read at scrape time (absent: no limit, no gauges). */
  intakeAdmission?: () => AdmissionState;
  /** Bound of each scrape-time database query (ms). Default 2000. */
  queryTimeoutMs?: number;
  now?: () => number;
}

/** Metrics of one gateway and the hooks that feed them. */
export class GatewayMetrics {
  readonly registry = new Registry();
  private readonly httpDuration: Histogram<'method' | 'route' | 'status'>;
  private readonly deliveries: Counter<'department' | 'outcome'>;
  private readonly retries: Counter<'department'>;
  private readonly deadLetters: Counter<'department'>;
  private readonly circuitTransitions: Counter<'department' | 'state'>;
  private readonly syncRuns: Counter<'kind' | 'status'>;
  private readonly syncLastSuccess: Gauge;
  private readonly licenceFetches: Counter<'action' | 'licence_type' | 'result'>;
  private readonly collectErrors: Counter<'collector'>;
  private readonly licenceTypes: ReadonlySet<string>;

  constructor(private readonly options: GatewayMetricsOptions) {
    const registers = [this.registry];
    this.licenceTypes = new Set(options.licenceTypes);
    if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: this.registry });
    this.httpDuration = new Histogram({
      name: 'tongban_http_request_duration_seconds', help: 'HTTP requests by route pattern, method and status: duration in seconds',
      labelNames: ['method', 'route', 'status'], buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10], registers,
    });
    this.deliveries = new Counter({ name: 'tongban_deliveries_total', help: 'Delivery attempts to departments by outcome (delivered, retry, dead, deferred)', labelNames: ['department', 'outcome'], registers });
    this.retries = new Counter({ name: 'tongban_delivery_retries_total', help: 'Failed delivery attempts scheduled for another try', labelNames: ['department'], registers });
    this.deadLetters = new Counter({ name: 'tongban_delivery_dead_letters_total', help: 'Deliveries that became dead letters', labelNames: ['department'], registers });
    this.circuitTransitions = new Counter({ name: 'tongban_department_circuit_transitions_total', help: 'Circuit breaker state changes per department', labelNames: ['department', 'state'], registers });
    const metrics = this;
    new Gauge({
      name: 'tongban_department_circuit_state', help: 'Circuit breaker of each department: 1 for its current state (closed, half_open, open), 0 for the others',
      labelNames: ['department', 'state'], registers,
      collect() {
        const states: Record<string, BreakerState> = { ...Object.fromEntries(options.departments.map((code) => [code, 'closed' as const])), ...options.breakerStates() };
        for (const [department, current] of Object.entries(states)) {
          for (const [state, label] of Object.entries(CIRCUIT_STATES)) this.set({ department, state: label }, state === current ? 1 : 0);
        }
      },
    });
    new Gauge({
      name: 'tongban_outbox_deliveries', help: `Deliveries in the outbox by state (${OPEN_DELIVERY_STATES.join(', ')}), read from the database at scrape time`,
      labelNames: ['state'], registers,
      async collect() {
        const depth = await metrics.query('outbox_depth', () => outboxDepth(options.store));
        this.reset();
        if (depth) for (const [state, count] of Object.entries(depth)) this.set({ state }, count);
      },
    });
    new Gauge({
      name: 'tongban_outbox_oldest_due_age_seconds', help: 'How long the oldest due pending delivery has been waiting (0 when none is due)', registers,
      async collect() {
        const age = await metrics.query('outbox_oldest_due', () => oldestDueAgeSeconds(options.store, metrics.now()));
        this.reset();
        if (age !== undefined) this.set(age);
      },
    });
    this.businessCounters(registers);
    if (options.intakeAdmission) this.admissionMetrics(registers, options.intakeAdmission);
    this.syncRuns = new Counter({ name: 'tongban_catalog_sync_runs_total', help: 'Finished catalogue sync runs by kind and status', labelNames: ['kind', 'status'], registers });
    this.syncLastSuccess = new Gauge({ name: 'tongban_catalog_sync_last_success_timestamp_seconds', help: 'When the last successful catalogue sync of this process finished (Unix time)', registers });
    this.licenceFetches = new Counter({
      name: 'tongban_licence_fetches_total', help: 'Licences read from the licence library by action (query, file), licence type and result (used, refused-invalid, none, or the error code)',
      labelNames: ['action', 'licence_type', 'result'], registers,
    });
    this.collectErrors = new Counter({ name: 'tongban_metrics_collect_errors_total', help: 'Scrape-time database reads that failed (their gauges are left out of that scrape)', labelNames: ['collector'], registers });
  }

  /** Submissions worked on, waiting for a turn, and refused 503 GATEWAY_BUSY (middleware/admission.ts). */
  private admissionMetrics(registers: Registry[], state: () => AdmissionState): void {
    new Gauge({ name: 'tongban_intake_in_progress', help: 'Submissions this process is working on (at most TONGBAN_INTAKE_CONCURRENCY)', registers, collect() { this.set(state().active); } });
    new Gauge({ name: 'tongban_intake_waiting', help: 'Submissions waiting for a turn', registers, collect() { this.set(state().waiting); } });
    let counted = 0;
    new Counter({
      name: 'tongban_intake_busy_total', help: 'Submissions answered 503 GATEWAY_BUSY: they waited TONGBAN_INTAKE_WAIT_MS for a turn, or the waiting queue was full', registers,
      collect() {
        const refused = state().refused;
        this.inc(refused - counted);
        counted = refused;
      },
    });
  }

  /**
   * Business counters (docs/ops.md "Statistics"): totals kept by triggers in the database (migration 016), read once per
   * scrape through the ops reader — every replica reports the same totals (use max, not sum, across replicas).
   */
  private businessCounters(registers: Registry[]): void {
    let reading: Promise<BusinessCounts | undefined> | undefined;
    // The four counters share one read per scrape.
    const counts = () => (reading ??= this.query('business_counts', () => readBusinessCounts(this.options.store)).finally(() => { setImmediate(() => { reading = undefined; }); }));
    const counter = (name: string, help: string, label: string, pick: (counts: BusinessCounts) => ReadonlyMap<string, number>) => new Counter({
      name, help, labelNames: [label], registers,
      async collect() {
        const read = await counts();
        this.reset();
        if (read) for (const [value, n] of pick(read)) this.inc({ [label]: value }, n);
      },
    });
    counter('tongban_applications_received_total', 'Applications received, per theme (from the database: all replicas)', 'theme', (read) => read.applicationsReceived);
    counter('tongban_sub_applications_completed_total', 'Sub-applications completed (办结), per department (from the database: all replicas)', 'department', (read) => read.completed);
    counter('tongban_sub_applications_rejected_total', 'Sub-applications rejected (不予受理/不予许可), per department (from the database: all replicas)', 'department', (read) => read.rejected);
    counter('tongban_evaluations_total', 'Evaluations (好差评) per level, 1 非常不满意 … 5 非常满意 (from the database: all replicas)', 'level', (read) => read.evaluations);
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  /** A scrape-time read, bounded in time; a failure leaves its gauge out rather than failing the whole scrape. */
  private async query<T>(collector: string, read: () => Promise<T>): Promise<T | undefined> {
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([read(), new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${this.options.queryTimeoutMs ?? 2000} ms`)), this.options.queryTimeoutMs ?? 2000);
      })]);
    } catch (error) {
      this.collectErrors.inc({ collector });
      this.options.logger.warn('metrics could not read the database', { collector, error: (error as Error).message });
      return undefined;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Observes every request's duration under its route pattern (mount it before the routes). */
  readonly httpMiddleware: RequestHandler = (req, res, next) => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      // The pattern, never the URL: paths carry ID numbers and codes. Unrouted requests (404, body errors) share one label.
      const route = req.route?.path !== undefined ? `${req.baseUrl}${String(req.route.path)}` : 'unmatched';
      this.httpDuration.observe({ method: req.method, route, status: String(res.statusCode) }, Number(process.hrtime.bigint() - started) / 1e9);
    });
    next();
  };

  /** The dispatcher's `onOutcome`. */
  readonly deliveryOutcome = (event: { delivery: ClaimedDelivery; outcome: 'delivered' | 'retry' | 'dead' | 'deferred' }): void => {
    const department = event.delivery.departmentCode;
    this.deliveries.inc({ department, outcome: event.outcome });
    if (event.outcome === 'retry') this.retries.inc({ department });
    if (event.outcome === 'dead') this.deadLetters.inc({ department });
  };

  /** The dispatcher's `onBreaker`. */
  readonly breakerChanged = (department: string, state: 'open' | 'halfOpen' | 'close'): void => {
    this.circuitTransitions.inc({ department, state: state === 'close' ? 'closed' : CIRCUIT_STATES[state] });
  };

  /** The catalogue syncer's `onRun`. */
  readonly syncRunFinished = (run: SyncRun): void => {
    this.syncRuns.inc({ kind: run.kind, status: run.status });
    if (run.status === 'succeeded') this.syncLastSuccess.set(Date.parse(run.finishedAt ?? run.startedAt) / 1000);
  };

  /** Licence access results (see MeteredLicenceAccess). */
  readonly licenceFetched = (event: LicenceFetchEvent): void => {
    const licenceType = this.licenceTypes.has(event.licenceType) ? event.licenceType : 'unknown';
    this.licenceFetches.inc({ action: event.action, licence_type: licenceType, result: event.result }, event.count ?? 1);
  };

  /** The exposition text. */
  scrape(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
