export { SharedDataAccess, type SharedDataAccessOptions, type SharedDataUse, type UsedSharedRecord, type LedgeredVerdict } from './shared-data-access.js';
export { requiresVerification, verifyAtIntake, type IntakeVerification } from './verify-at-intake.js';
