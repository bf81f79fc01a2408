/**
 * A simulator of the provincial e-licence library (电子证照库), speaking the
 * wire protocol of licence-library-api.ts over a real HTTP server: access
 * tokens that expire, mandatory reasons for use, per-account licence-type
 * permissions, issuer data signatures, sealed PDF files behind short-lived
 * URLs, and fault injection (FaultController). Every request is recorded
 * with its reason for use, for tests and the sandbox.
 */
import { X509Certificate } from 'node:crypto';
import express, { type Request, type Response } from 'express';
import { corruptBody, FaultController, type AnswerFault } from '../../common/faults.js';
import { listenSimulator, type RunningSimulator } from '../../common/simulator-server.js';
import { MAX_USE_CAUSE_LENGTH } from '../../../src/domain/licence-library.js';
import { PATHS, STATUS, type WireLicence } from '../licence-library-api.js';
import { createPopulation, type LicenceRecord, type LicenceStatusCode, type Population, type PopulationOptions } from '../../common/population/index.js';
import { AccessControl, DEFAULT_ACCOUNT, type SimulatorAccount } from './access-control.js';
import { DataOperations, type Outcome } from './data-operations.js';
import { sharedIssuerPki, type IssuerPki } from './issuer-pki.js';
import { Issuance } from './issuance.js';
import { LicenceFiles, tamperedPdf } from './licence-files.js';
import { WireLicences, withCorruptedSignature } from './wire-licence.js';

export interface LicenceLibrarySimulatorOptions {
  host?: string;
  /** 0 (default) = any free port. */
  port?: number;
  /** The population served, or the options to build it. Default: the default seeded population. */
  population?: Population | PopulationOptions;
  /** Default: one account, {@link DEFAULT_ACCOUNT}, allowed every licence type. */
  accounts?: readonly SimulatorAccount[];
  /** Access token lifetime (s). Default 600. */
  tokenTtlSeconds?: number;
  /** Temporary file URL lifetime (s). Default 600. */
  fileUrlTtlSeconds?: number;
  /** The simulator's clock (Unix ms), for token, timestamp and URL expiry. Default `Date.now`. */
  clock?: () => number;
  /** Issuer certificates; default one development PKI shared in the process. */
  pki?: IssuerPki;
  /** Seed of the fault controller's PRNG. */
  faultSeed?: number;
}

/** One request as the simulator saw it. */
export interface RecordedRequest {
  /** Simulator clock (Unix ms). */
  readonly at: number;
  /** `token`, `queryByHolder`, `queryByIdentifier`, `verifyCertInfo`, `getCertRemarkInfo`, `getFileUrl`, `downloadFile`, `issue`, `revoke`. */
  readonly operation: string;
  readonly accessId: string | undefined;
  readonly useCause: string | undefined;
  /** Envelope `head.status`, or the HTTP status of a file download. */
  readonly status: number;
}

export interface LicenceLibrarySimulator extends RunningSimulator {
  readonly faults: FaultController;
  readonly population: Population;
  readonly accounts: readonly SimulatorAccount[];
  /** The CA certificate issuers' signing certificates chain to: configure the adapter's `trustAnchorsPem` with it. */
  readonly trustAnchorsPem: string[];
  /** Every request the simulator answered itself, in order (requests answered, hung or reset by an injected transport fault are not recorded). */
  readonly requests: RecordedRequest[];
  /** Token requests answered (issued or refused). */
  readonly tokenRequests: number;
  /** Licences issued through the issuance operation so far. */
  readonly licencesIssued: number;
  /** PDFs made and sealed so far. */
  readonly filesGenerated: number;
  /** Expires every token issued so far (next data call answers 12). */
  expireAllTokens(): void;
  /** Forgets every token, as a restart does (next data call answers 11). */
  forgetAllTokens(): void;
  /** Expires every file URL handed out so far. */
  expireAllFileUrls(): void;
  /** Changes a licence's status (e.g. revokes it) while running. */
  setLicenceStatus(identifier: string, status: LicenceStatusCode): void;
  licence(identifier: string): LicenceRecord | undefined;
  /** The next matching data request answers this envelope status instead of its own. */
  enqueueStatus(status: number, options?: { operation?: string; message?: string }): void;
}

type DataOperation = 'queryByHolder' | 'queryByIdentifier' | 'verifyCertInfo' | 'getCertRemarkInfo' | 'getFileUrl' | 'issue' | 'revoke';

export async function startLicenceLibrarySimulator(options: LicenceLibrarySimulatorOptions = {}): Promise<LicenceLibrarySimulator> {
  const clock = options.clock ?? Date.now;
  const population = options.population && 'licences' in options.population ? options.population : createPopulation(options.population);
  const accounts = options.accounts ?? [DEFAULT_ACCOUNT];
  const pki = options.pki ?? sharedIssuerPki();
  const access = new AccessControl(accounts, (options.tokenTtlSeconds ?? 600) * 1000, clock);
  const wire = new WireLicences(pki);
  const operations = new DataOperations(population, wire);
  const files = new LicenceFiles(pki, clock);
  const anchors = [new X509Certificate(pki.caCertificatePem)];
  const issuance = new Issuance(population, operations, files, () => anchors, clock);
  const fileUrlTtlMs = (options.fileUrlTtlSeconds ?? 600) * 1000;
  const faults = new FaultController(options.faultSeed ?? 1);
  const requests: RecordedRequest[] = [];
  const injected: { status: number; operation?: string; message?: string }[] = [];
  let tokenRequests = 0;

  const send = (res: Response, record: Omit<RecordedRequest, 'at' | 'status'>, outcome: Outcome) => {
    requests.push({ ...record, at: clock(), status: outcome.status });
    const body = JSON.stringify({ head: { status: outcome.status, message: outcome.message ?? (outcome.status === 0 ? '成功' : '失败') }, ...(outcome.data === undefined ? {} : { data: outcome.data }) });
    const fault = res.locals['fault'] as AnswerFault | undefined;
    res.status(200).type('application/json').send(fault?.malformed ? corruptBody(body) : body);
  };

  const app = express();
  app.disable('x-powered-by');
  app.use(faults.controlRouter());
  app.use(faults.middleware());
  // An issuance carries its sealed file (up to 10 MiB, base64).
  app.use(express.json({ limit: '16mb' }));

  app.post(PATHS.token, (req, res) => {
    tokenRequests += 1;
    const body = objectOf(req.body);
    const data = objectOf(body['data']);
    const accessId = typeof body['accessId'] === 'string' ? body['accessId'] : undefined;
    const issued = access.issue(accessId, data['timestamp'], data['sign']);
    const outcome: Outcome = 'refused' in issued
      ? { status: STATUS.authenticationFailed, message: `认证失败：${issued.refused}` }
      : { status: STATUS.ok, data: issued };
    send(res, { operation: 'token', accessId, useCause: undefined }, outcome);
  });

  const dataRoute = (operation: DataOperation, needsUseCause: boolean, handle: (account: SimulatorAccount, data: Record<string, unknown>, fault: AnswerFault, origin: string) => Outcome) => {
    app.post(PATHS[operation], (req, res) => {
      const body = objectOf(req.body);
      const accessId = typeof body['accessId'] === 'string' ? body['accessId'] : undefined;
      const data = objectOf(body['data']);
      const useCause = typeof data['useCause'] === 'string' ? data['useCause'] : undefined;
      const record = { operation, accessId, useCause };
      const token = access.check(accessId, body['accessToken']);
      if (!token.ok) {
        return send(res, record, token.expired
          ? { status: STATUS.tokenExpired, message: 'accessToken已过期' }
          : { status: STATUS.authenticationFailed, message: '认证失败：accessToken无效' });
      }
      if (needsUseCause && (useCause === undefined || useCause.trim() === '' || [...useCause].length > MAX_USE_CAUSE_LENGTH)) {
        return send(res, record, { status: STATUS.useCauseInvalid, message: `用证事由useCause不能为空且不超过${MAX_USE_CAUSE_LENGTH}字` });
      }
      const scripted = injected.findIndex((item) => item.operation === undefined || item.operation === operation);
      if (scripted >= 0) {
        const [item] = injected.splice(scripted, 1);
        return send(res, record, { status: item!.status, message: item!.message ?? '系统繁忙，请稍后再试' });
      }
      send(res, record, handle(token.account, data, res.locals['fault'] as AnswerFault, `${req.protocol}://${req.get('host') ?? 'localhost'}`));
    });
  };

  /** Licences in an answer get a corrupted data signature under the bad-signature fault. */
  const signed = (outcome: Outcome & { licences?: WireLicence[] }, fault: AnswerFault): Outcome => {
    if (!fault.badSignature || outcome.status !== STATUS.ok || !outcome.licences) return { status: outcome.status, message: outcome.message, data: outcome.data };
    const corrupted = outcome.licences.map(withCorruptedSignature);
    const data = Array.isArray((outcome.data as { list?: unknown }).list) ? { total: corrupted.length, list: corrupted } : corrupted[0];
    return { status: outcome.status, data };
  };

  dataRoute('queryByHolder', true, (account, data, fault) => signed(operations.queryByHolder(account, data), fault));
  dataRoute('queryByIdentifier', true, (account, data, fault) => signed(operations.queryByIdentifier(account, data), fault));
  dataRoute('verifyCertInfo', true, (account, data) => operations.verifyCertInfo(account, data));
  dataRoute('getCertRemarkInfo', false, (account, data) => operations.getCertRemarkInfo(account, data));
  dataRoute('getFileUrl', true, (account, data, _fault, origin) => {
    const found = operations.find(account, data);
    if ('outcome' in found) return found.outcome;
    const token = files.issueUrlToken(found.licence.identifier, fileUrlTtlMs);
    return { status: STATUS.ok, data: { fileUrl: `${origin}${PATHS.filePrefix}/${token}`, expiresIn: fileUrlTtlMs / 1000, fileType: 'pdf' } };
  });

  dataRoute('issue', false, (account, data) => issuance.issue(account, data));
  dataRoute('revoke', false, (account, data) => issuance.revoke(account, data));

  app.get(`${PATHS.filePrefix}/:token`, async (req: Request<{ token: string }>, res) => {
    const resolved = files.resolve(req.params.token);
    const record = (status: number) => requests.push({ at: clock(), operation: 'downloadFile', accessId: undefined, useCause: undefined, status });
    if (resolved === undefined) {
      record(404);
      return void res.status(404).type('text/plain').send('file link not found');
    }
    if (resolved === 'expired') {
      record(410);
      return void res.status(410).type('text/plain').send('file link expired');
    }
    const pdf = await files.pdf(operations.licence(resolved.identifier)!);
    const fault = res.locals['fault'] as AnswerFault;
    const body = fault.badSignature ? tamperedPdf(pdf) : fault.malformed ? pdf.subarray(0, Math.floor(pdf.length / 2)) : pdf;
    record(200);
    res.status(200).type('application/pdf').send(body);
  });

  // A body that is not JSON is answered in the envelope, as the real library does.
  app.use((error: unknown, _req: Request, res: Response, _next: express.NextFunction) => {
    const status = (error as { type?: string }).type === 'entity.parse.failed' ? STATUS.invalidParameters : STATUS.other;
    res.status(200).type('application/json').send(JSON.stringify({ head: { status, message: status === STATUS.other ? '系统内部错误' : '请求体不是合法的JSON' } }));
  });

  const running = await listenSimulator(app, { host: options.host, port: options.port });
  return {
    ...running,
    close: async () => {
      faults.reset();
      await running.close();
    },
    faults,
    population,
    accounts,
    trustAnchorsPem: [pki.caCertificatePem],
    requests,
    get tokenRequests() { return tokenRequests; },
    get filesGenerated() { return files.generated; },
    get licencesIssued() { return issuance.count; },
    expireAllTokens: () => access.expireAll(),
    forgetAllTokens: () => access.forgetAll(),
    expireAllFileUrls: () => files.expireAll(),
    setLicenceStatus(identifier, status) {
      const licence = operations.licence(identifier);
      if (!licence) throw new RangeError(`setLicenceStatus: no licence "${identifier}"`);
      licence.status = status;
    },
    licence: (identifier) => operations.licence(identifier),
    enqueueStatus(status, { operation, message } = {}) {
      injected.push({ status, ...(operation === undefined ? {} : { operation }), ...(message === undefined ? {} : { message }) });
    },
  };
}

function objectOf(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? value as Record<string, unknown> : {};
}
