/** SOAP department channel (legacy systems): the adapter Tongban pushes with, and a simulator of such a department. */
export { createSoapDepartmentAdapter, type SoapDepartmentSettings } from './soap-department-adapter.js';
export { SERVICE_PATH, SUBMIT_ACTION, readSubmitRequest, readSubmitResponse, submitRequestXml, submitResponseXml, type SoapReceipt } from './soap-department-api.js';
export { DETAIL_CODE_KINDS, FAULT_CODE_KINDS, UNKNOWN_FAULT_KIND, kindOfFault } from './map-fault.js';
export { SOAP11_NAMESPACE, SERVICE_NAMESPACE, buildFault, parseEnvelope, readFault, type SoapFault } from './soap-envelope.js';
export {
  startSoapDepartmentSimulator,
  type AnsweredFault,
  type ScriptedSoapFault,
  type SoapDepartmentSimulator,
  type SoapDepartmentSimulatorOptions,
} from './simulator/soap-department-simulator.js';
