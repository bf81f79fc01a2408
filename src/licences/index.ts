/**
 * Licence access (用证): authorisations, the licence-use ledger, and the one
 * service through which a holder's licences and licence files are read.
 * See docs/licences.md.
 */
export * from './authorization-request.js';
export * from './authorizations.js';
export * from './declared-types.js';
export * from './holder.js';
export * from './ledger-hash.js';
export * from './ledger.js';
export * from './licence-access.js';
export * from './use-cause.js';
