export * from './capabilities.js';
export * from './database-error.js';
export * from './migrate.js';
export * from './open-store.js';
export * from './postgres-store.js';
export * from './sqlite-store.js';
export type * from './store.js';
export * from './lease.js';
export * from './ids.js';
