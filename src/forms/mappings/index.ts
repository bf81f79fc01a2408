export * from './check-catalogue.js';
export * from './load-mappings.js';
export * from './types.js';
export * from './resolve-material.js';
