/** The matter-system simulator, for tests and the sandbox. */
export {
  DEFAULT_MATTER_SYSTEM_CREDENTIALS, startMatterSystemSimulator,
  type MatterSystemCredentials, type MatterSystemSimulator, type MatterSystemSimulatorOptions,
} from './start-matter-system-simulator.js';
export type { MatterPatch } from './catalogue-state.js';
