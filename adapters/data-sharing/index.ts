export { createDataSharingAdapter, type DataSharingSettings } from './data-sharing-adapter.js';
export { UPSTREAM_CODES } from './data-sharing-error.js';
export { RESULT_CODES } from './data-sharing-api.js';
