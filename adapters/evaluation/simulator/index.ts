export {
  DEV_EVALUATION_APP,
  startEvaluationSimulator,
  type EvaluationSimulator,
  type EvaluationSimulatorOptions,
  type ReceivedRequest,
} from './start-evaluation-simulator.js';
export { defaultServiceRegistry, serviceRegistry, type RegisteredService, type ServiceRegistry } from './service-registry.js';
