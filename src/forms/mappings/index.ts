export * from './check-catalogue.js';
export * from './load-mappings.js';
export * from './types.js';
