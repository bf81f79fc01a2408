/**
 * What every push department simulator (REST, SOAP) is made of: the fault
 * controller, the case book (de-duplication and 受理号), the scheduled
 * status/result events, the check of Tongban's signature, and the express
 * app with the fault controls — and the handle tests use once it listens.
 * Each channel adds only its own wire protocol.
 */
import type { PrivateJwk } from '../../../../src/trust/index.js';
import { FaultController } from '../../faults.js';
import { listenSimulator } from '../../simulator-server.js';
import { DepartmentBook, type ReceivedDelivery } from './department-book.js';
import { DepartmentEvents, type DepartmentEventOptions, type SentEvent } from './department-events.js';
import { MaterialCheck, type MaterialDownload } from './material-check.js';
import { departmentSimulatorApp } from './simulator-app.js';
import { createTongbanVerifier, type TongbanKeySource } from './tongban-verifier.js';

export interface PushDepartmentSimulatorOptions extends DepartmentEventOptions {
  departmentCode: string;
  /** The department's private key (algorithm as in mappings/departments.json: gaj signs with SM2). */
  departmentKey: PrivateJwk;
  /** Tongban's public keys (or its JWKS fetcher): every request must verify with one. */
  tongbanPublicKeys: TongbanKeySource;
  /** Client id Tongban signs as; default "tongban". */
  tongbanClientId?: string;
  host?: string;
  port?: number;
  /** Seed of the fault controller's random rates. */
  faultSeed?: number;
  /** Clock for 受理号 dates and times. */
  now?: () => Date;
}

/** A running push department simulator, as tests see it. */
export interface PushDepartmentSimulator {
  readonly url: string;
  readonly faults: FaultController;
  /** Every delivery accepted (repeats included, flagged `duplicate`). */
  received(): ReceivedDelivery[];
  /** Effects per idempotency key (one each, however often it was sent). */
  effectsByKey(): Map<string, number>;
  /** Sends pending events now. */
  flushEvents(): Promise<SentEvent[]>;
  sentEvents(): SentEvent[];
  pendingEvents(): ReturnType<DepartmentEvents['pending']>;
  /** Every material file downloaded from Tongban to check it before a receipt, in order. */
  materialDownloads(): MaterialDownload[];
  /** TCP connections open to the simulator now (tests of connection reuse and of the gateway's shutdown). */
  openConnections(): Promise<number>;
  close(): Promise<void>;
}

/** The shared parts; `listen` starts the app on a real socket (port 0 = any free port) once the channel has added its routes. */
export function pushDepartmentParts(options: PushDepartmentSimulatorOptions) {
  const { departmentCode } = options;
  const faults = new FaultController(options.faultSeed);
  const book = new DepartmentBook(departmentCode, options.now);
  const events = new DepartmentEvents(departmentCode, options, options.now);
  const verify = createTongbanVerifier({ tongbanPublicKeys: options.tongbanPublicKeys, departmentCode, ...(options.tongbanClientId ? { tongbanClientId: options.tongbanClientId } : {}) });
  const materials = new MaterialCheck(() => events.tongbanClient());
  const app = departmentSimulatorApp(faults);
  const listen = async (onClose?: () => void): Promise<PushDepartmentSimulator> => {
    const server = await listenSimulator(app, { ...(options.host ? { host: options.host } : {}), ...(options.port !== undefined ? { port: options.port } : {}) });
    return {
      url: server.url,
      faults,
      received: () => book.received(),
      effectsByKey: () => book.effectsByKey(),
      flushEvents: () => events.flush(),
      sentEvents: () => events.sent(),
      pendingEvents: () => events.pending(),
      materialDownloads: () => materials.downloads(),
      openConnections: () => new Promise<number>((resolve, reject) => server.server.getConnections((error, count) => (error ? reject(error) : resolve(count)))),
      close: async () => {
        await events.close();
        faults.reset();
        onClose?.();
        await server.close();
      },
    };
  };
  return { faults, book, events, materials, verify, app, listen };
}
