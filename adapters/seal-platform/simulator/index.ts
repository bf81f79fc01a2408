export {
  DEV_SEAL_APP,
  startSealPlatformSimulator,
  type SealOperation,
  type SealPlatformSimulator,
  type SealPlatformSimulatorOptions,
} from './seal-platform-simulator.js';
export type { RegistryDepartment, SimulatedSeal } from './seal-registry.js';
