/** REST department channel: the adapter Tongban pushes with, and a simulator of a department that speaks it. */
export { createRestDepartmentAdapter, type RestDepartmentSettings } from './rest-department-adapter.js';
export { SUBMIT_PATH, type RestErrorAnswer, type RestReceiptAnswer } from './rest-department-api.js';
export { ERROR_CODE_KINDS } from './map-error-code.js';
export { startRestDepartmentSimulator, type RestDepartmentSimulator, type RestDepartmentSimulatorOptions } from './simulator/rest-department-simulator.js';
