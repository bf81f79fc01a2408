/**
 * A simulated provincial e-seal platform (电子印章平台): a real HTTP server with
 * app-id/timestamp/nonce/HMAC authentication, `{code, msg, data}` envelopes,
 * a seal registry per department, PDF sealing with a visible stamp and a
 * real PDF signature, verification, and fault injection.
 */
import { readFileSync } from 'node:fs';
import express, { type NextFunction, type Request, type Response } from 'express';
import { createDevelopmentCa, type CertificateAuthority } from '../../../src/trust/index.js';
import { FaultController } from '../../common/faults.js';
import { listenSimulator } from '../../common/simulator-server.js';
import { RESULT_CODES } from '../seal-platform-api.js';
import { sendEnvelope } from './envelope.js';
import { requestAuth } from './request-auth.js';
import { sealPlatformRoutes } from './routes.js';
import { SealRegistry, type RegistryDepartment, type SimulatedSeal } from './seal-registry.js';

/** The development application the sandbox and the tests use. */
export const DEV_SEAL_APP = { appId: 'tongban-sandbox', appSecret: 'tongban-sandbox-seal-secret' } as const;

/** Settings of {@link startSealPlatformSimulator}. */
export interface SealPlatformSimulatorOptions {
  port?: number;
  host?: string;
  /** appId → appSecret; default {@link DEV_SEAL_APP}. */
  apps?: Readonly<Record<string, string>>;
  /** The CA issuing seal certificates; default a development CA made at start. */
  ca?: CertificateAuthority;
  /** Departments with seals; default mappings/departments.json. */
  departments?: readonly RegistryDepartment[];
  /** Prefix of seal names and the signature /Location; default 梅州市梅县区. */
  areaName?: string;
  /** GB/T 2260 code starting seal ids; default 441403 (梅县区). */
  areaCode?: string;
  /** Allowed clock skew of request timestamps (s); default 600. */
  maxSkewSeconds?: number;
  /** Largest document accepted (bytes, decoded); default 10 MiB. */
  maxDocumentBytes?: number;
  /** Clock; default the system clock. */
  now?: () => Date;
  /** Seed of the fault controller's random draws. */
  seed?: number;
}

/** One successful sealing, for inspection. */
export interface SealOperation {
  departmentCode: string;
  sealId: string;
  /** Size of the document sealed (bytes). */
  bytes: number;
  at: Date;
}

/** A running simulator with its controls and inspection API. */
export interface SealPlatformSimulator {
  readonly url: string;
  readonly faults: FaultController;
  /** PEM of the CA that issues seal certificates (the trust anchor). */
  readonly caCertificatePem: string;
  /** The seals of a department (live objects: read, don't mutate — use updateSeal). */
  seals(departmentCode: string): readonly SimulatedSeal[];
  /** Revokes, suspends, expires or restores a seal. */
  updateSeal(sealId: string, changes: Partial<Pick<SimulatedSeal, 'status' | 'validFrom' | 'validUntil'>>): SimulatedSeal;
  /** Number of successful sealings, of one department or of all. */
  sealOperations(departmentCode?: string): number;
  /** Every successful sealing, oldest first. */
  readonly operations: readonly SealOperation[];
  close(): Promise<void>;
}

const DEPARTMENTS_FILE = new URL('../../../mappings/departments.json', import.meta.url);

function defaultDepartments(): RegistryDepartment[] {
  const content = JSON.parse(readFileSync(DEPARTMENTS_FILE, 'utf8')) as { departments: RegistryDepartment[] };
  return content.departments.map(({ code, name }) => ({ code, name }));
}

/** Starts the simulator on a real socket (port 0 = any free port). */
export async function startSealPlatformSimulator(options: SealPlatformSimulatorOptions = {}): Promise<SealPlatformSimulator> {
  const now = options.now ?? (() => new Date());
  const areaName = options.areaName ?? '梅州市梅县区';
  const maxDocumentBytes = options.maxDocumentBytes ?? 10 * 1024 * 1024;
  const ca = options.ca ?? createDevelopmentCa({ commonName: '通办沙箱电子印章CA(开发用)', organizationName: '通办沙箱' });
  const registry = new SealRegistry(ca, options.departments ?? defaultDepartments(), { areaName, areaCode: options.areaCode ?? '441403', now: now() });
  const faults = new FaultController(options.seed ?? 1);
  const operations: SealOperation[] = [];

  const app = express();
  app.disable('x-powered-by');
  // Raw body: the request signature covers the exact bytes. Base64 grows a document by 4/3. Read
  // before the control router, whose JSON parser would otherwise consume every request's body.
  const rawBody = express.raw({ type: () => true, limit: Math.ceil((maxDocumentBytes * 4) / 3) + 64 * 1024 });
  app.use((req, res, next) => (req.path.startsWith('/__control/') ? next() : rawBody(req, res, next)));
  app.use(faults.controlRouter());
  app.use(faults.middleware());
  app.use(requestAuth({ apps: new Map(Object.entries(options.apps ?? { [DEV_SEAL_APP.appId]: DEV_SEAL_APP.appSecret })), maxSkewSeconds: options.maxSkewSeconds ?? 600, now }));
  app.use(sealPlatformRoutes({
    registry, caCertificatePem: ca.certificatePem, areaName, maxDocumentBytes, now,
    onSealed: (operation) => operations.push(operation),
  }));
  app.use((_req: Request, res: Response) => sendEnvelope(res, 404, RESULT_CODES.unknownEndpoint, '接口不存在'));
  app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    if ((error as { type?: string }).type === 'entity.too.large') {
      return sendEnvelope(res, 413, RESULT_CODES.documentTooLarge, `请求体超过大小限制(文件上限${maxDocumentBytes}字节)`);
    }
    sendEnvelope(res, 500, RESULT_CODES.internalError, '系统内部错误');
  });

  const running = await listenSimulator(app, { ...(options.host === undefined ? {} : { host: options.host }), ...(options.port === undefined ? {} : { port: options.port }) });
  return {
    url: running.url,
    faults,
    caCertificatePem: ca.certificatePem,
    seals: (departmentCode) => registry.sealsOf(departmentCode) ?? [],
    updateSeal: (sealId, changes) => registry.update(sealId, changes),
    sealOperations: (departmentCode) => operations.filter((operation) => departmentCode === undefined || operation.departmentCode === departmentCode).length,
    operations,
    close: async () => {
      faults.reset();
      await running.close();
    },
  };
}
