export { startDataSharingSimulator, DEFAULT_DATA_SHARING_CREDENTIALS, type DataSharingSimulator, type DataSharingSimulatorOptions, type DataSharingCredentials, type ReceivedCall } from './start-data-sharing-simulator.js';
export { SharedRecords, cityOf } from './shared-records.js';
