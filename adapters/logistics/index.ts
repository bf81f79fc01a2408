/** The government mail service (政务EMS / 邮政寄递) adapter: waybills, traces, cancellation and verified pushes. */
export { createLogisticsAdapter, type LogisticsAdapter, type LogisticsSettings } from './logistics-adapter.js';
export { PushVerificationError } from './logistics-error.js';
export { formatWaybillNo, isValidWaybillNo, s10CheckDigit } from './waybill-number.js';
