/** The unified identity platform (统一身份认证平台): its wire contract, its simulator, and a login helper for tests and the demo. */
export {
  CLAIMS_SUPPORTED as IDENTITY_CLAIMS_SUPPORTED,
  ERROR_CODES as IDENTITY_ERROR_CODES,
  LEVELS as IDENTITY_LEVELS,
  METHODS as IDENTITY_LOGIN_METHODS,
  PATHS as IDENTITY_PLATFORM_PATHS,
  levelRank,
  type IdentityClaims,
  type IdentityErrorCode,
  type IdTokenClaims,
  type Level,
  type LoginMethod,
  type OrgRole,
  type SubjectType,
} from './identity-platform-api.js';
export { IdentityLoginError, loginWithIdentityPlatform, type IdentityLogin, type IdentityLoginOptions } from './login.js';
export {
  startIdentityPlatformSimulator,
  type IdentityPlatformSimulator,
  type IdentityPlatformSimulatorOptions,
} from './simulator/identity-platform-simulator.js';
export { DEFAULT_IDENTITY_CLIENTS, type IdentityClient } from './simulator/clients.js';
export {
  DEFAULT_PASSWORD as DEFAULT_IDENTITY_PASSWORD,
  type EnterpriseRegistration,
  type PersonRegistration,
  type RegisteredEnterprise,
  type RegisteredPerson,
} from './simulator/registry.js';
export { SIMULATED_CREDENTIALS } from './simulator/verify-login.js';
