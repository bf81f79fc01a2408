/**
 * Validators and generators for the identifiers that enter the gateway
 * (docs/domain.md#identifiers). Every validator returns a {@link ValidationResult} and never
 * throws; every `make*` builds a valid value for simulators and throws
 * `RangeError` on malformed input.
 */
export * from './result.js';
export * from './area-code.js';
export * from './id-number.js';
export * from './organization-code.js';
export * from './credit-code.js';
export * from './licence-identifier.js';
export * from './matter-code.js';
export * from './phone.js';
