/** The government mail service simulator, for tests and the sandbox. */
export {
  DEFAULT_LOGISTICS_CREDENTIALS, startLogisticsSimulator,
  type LogisticsCredentials, type LogisticsSimulator, type LogisticsSimulatorOptions,
} from './start-logistics-simulator.js';
export { AdvanceError, type Outcome } from './waybill-book.js';
export type { PushFaults, PushRecord } from './push-sender.js';
