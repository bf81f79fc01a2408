export * from './logger.js';
export * from './redact.js';
export * from './trace.js';
