/** The e-licence library (电子证照库) adapter, its wire contract, and its simulator. */
export { createLicenceLibraryAdapter, type LicenceLibraryAdapter, type LicenceLibraryAdapterSettings } from './licence-library-adapter.js';
export { isLicenceNotFound } from './licence-library-error.js';
export { PATHS as LICENCE_LIBRARY_PATHS, STATUS as LICENCE_LIBRARY_STATUS } from './licence-library-api.js';
export {
  startLicenceLibrarySimulator,
  type LicenceLibrarySimulator,
  type LicenceLibrarySimulatorOptions,
  type RecordedRequest,
} from './simulator/licence-library-simulator.js';
export { DEFAULT_ACCOUNT as DEFAULT_LICENCE_LIBRARY_ACCOUNT, type SimulatorAccount } from './simulator/access-control.js';
export { createIssuerPki, sharedIssuerPki, type IssuerPki } from './simulator/issuer-pki.js';
export {
  createPopulation, DEFAULT_POPULATION_AS_OF, DEFAULT_POPULATION_SEED, PopulationIndex, type Population, type PopulationOptions,
} from '../common/population/index.js';
