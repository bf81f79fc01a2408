export * from './business-counts.js';
export * from './compute-statistics.js';
export * from './online-readiness.js';
export * from './period.js';
export * from './report-csv.js';
export * from './report-xlsx.js';
export * from './statistics-queries.js';
