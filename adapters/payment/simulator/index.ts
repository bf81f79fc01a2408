/** The payment platform simulator, for tests and the sandbox. */
export {
  DEFAULT_PAYMENT_CREDENTIALS, startPaymentSimulator,
  type PaymentCredentials, type PaymentSimulator, type PaymentSimulatorOptions,
} from './start-payment-simulator.js';
export { PayError } from './notice-book.js';
export type { NotificationRecord } from './notifier.js';
export { REVENUE_ITEMS } from './revenue-items.js';
