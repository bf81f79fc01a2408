/** The e-seal platform (电子印章平台) adapter; the simulator is imported from `./simulator/index.js`. */
export { createSealPlatformAdapter, type SealPlatformAdapterSettings } from './seal-platform-adapter.js';
export { PATHS as SEAL_PLATFORM_PATHS, RESULT_CODES as SEAL_PLATFORM_RESULT_CODES } from './seal-platform-api.js';
