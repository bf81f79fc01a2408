export { SharedDataAccess, type SharedDataAccessOptions, type SharedDataUse, type UsedSharedRecord, type LedgeredVerdict } from './shared-data-access.js';
