/** Results issued as licences (#20, docs/licence-issuance.md): the job rows, the worker, ops, and the provenance prefill shows. */
export { enqueueIssuance, issuedLicencesOf, notifyIssuance, requestRevocation, resultOrigins, type IssuanceStatus } from './issuance-jobs.js';
export { buildIssuanceSnapshot, type IssuanceSnapshot, type StoredResult } from './issuance-declaration.js';
export { IssuanceWorker, type IssuanceWorkerOptions } from './issuance-worker.js';
export { ISSUANCE_STATES, listIssuances, replayIssuance } from './ops-issuances.js';
export { annotateResultOrigins } from './result-provenance.js';
export { createLicenceIssuance, type LicenceIssuance, type LicenceIssuanceDependencies } from './create-licence-issuance.js';
