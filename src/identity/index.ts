export * from './actor.js';
export { IdentityNonces, NONCE_TTL_MS } from './identity-nonces.js';
export { IdentityService, type IdentityServiceOptions } from './identity-service.js';
export { IdTokenVerifier, idTokenDigestOf, ID_TOKEN_LEEWAY_SECONDS } from './verify-id-token.js';
export { ActingFor, isHolder, type ActingForOptions, type ActingForRequest, type DelegationLookup, type GuardianshipCheck } from './acting-for.js';
export { CounterCodes, COUNTER_AUTHORIZATION_MINUTES, COUNTER_CODE_TTL_SECONDS, type CounterAuthorizationRecorder, type CounterCode, type CounterCodesOptions, type CounterScan, type CounterScanRecord } from './counter-codes.js';
export { COUNTER_QR_PREFIX } from './counter-code-request.js';
