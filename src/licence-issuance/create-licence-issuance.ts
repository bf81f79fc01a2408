/**
 * The composition of results issued as licences: the worker (started with
 * the dispatcher), its ops routes, and the issuers' signing credentials read
 * from TONGBAN_LICENCE_ISSUER_KEYS_DIR (`<credit code>.key.pem`,
 * `<credit code>.cert.pem`), once each, when first needed.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config/index.js';
import type { IssuerSigningCredentials, LicenceIssuing } from '../domain/licence-issuance.js';
import type { LicenceLibrary } from '../domain/licence-library.js';
import type { Logger } from '../log/index.js';
import type { OpsReader, Store } from '../store/index.js';
import { opsLicenceIssuanceRoutes } from '../api/routes/ops-licence-issuance.js';
import type { Route } from '../api/routes/route.js';
import { resultOrigins } from './issuance-jobs.js';
import { IssuanceWorker } from './issuance-worker.js';

export interface LicenceIssuance {
  readonly worker: IssuanceWorker;
  readonly routes: Route[];
  /** Prefill's look-up of licences that are results of applications. */
  readonly resultOrigins: (identifiers: readonly string[]) => ReturnType<typeof resultOrigins>;
}

export interface LicenceIssuanceDependencies {
  store: Store;
  reader: OpsReader;
  logger: Logger;
  /** The licence library; it issues when it offers the issuance operations. */
  library: LicenceLibrary | undefined;
  /** Issuers' credentials (tests, the sandbox); default: from TONGBAN_LICENCE_ISSUER_KEYS_DIR. */
  signerOf?: (issuerCreditCode: string) => IssuerSigningCredentials | undefined;
}

export function createLicenceIssuance(config: Config, deps: LicenceIssuanceDependencies): LicenceIssuance {
  const library = deps.library && 'issue' in deps.library && 'revoke' in deps.library ? deps.library as unknown as LicenceIssuing : undefined;
  const worker = new IssuanceWorker({
    store: deps.store, logger: deps.logger, library, leaseMs: config.deliveryLeaseMs,
    signerOf: deps.signerOf ?? signersFromDirectory(config.licenceIssuerKeysDir),
    retry: { maxAttempts: config.deliveryMaxAttempts, baseMs: config.deliveryBackoffBaseMs, capMs: config.deliveryBackoffCapMs },
  });
  return {
    worker,
    routes: opsLicenceIssuanceRoutes({ store: deps.store, reader: deps.reader, onReplay: () => worker.notify() }),
    resultOrigins: (identifiers) => resultOrigins(deps.store, identifiers),
  };
}

function signersFromDirectory(dir: string | undefined): (issuerCreditCode: string) => IssuerSigningCredentials | undefined {
  const cache = new Map<string, IssuerSigningCredentials | undefined>();
  return (code) => {
    if (!dir || !/^[0-9A-Z]{18}$/.test(code)) return undefined;
    if (!cache.has(code)) {
      const key = join(dir, `${code}.key.pem`);
      const certificate = join(dir, `${code}.cert.pem`);
      cache.set(code, existsSync(key) && existsSync(certificate) ? { privateKeyPem: readFileSync(key, 'utf8'), certificatePem: readFileSync(certificate, 'utf8') } : undefined);
    }
    return cache.get(code);
  };
}
