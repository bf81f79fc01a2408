export * from './catalogue.js';
export * from './problem.js';
export * from './tongban-error.js';
