export * from './catalog-source.js';
export * from './catalog-store.js';
export * from './catalog-syncer.js';
export * from './sync-catalog.js';
export * from './sync-runs.js';
