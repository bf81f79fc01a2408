/** Inbox department channel: Tongban's side (queue + acknowledgement check) and a simulated department that pulls. */
export { createInboxDepartmentAdapter, type InboxDepartmentSettings } from './inbox-department-adapter.js';
export { verifyInboxAck, type VerifyInboxAckOptions } from './verify-inbox-ack.js';
export { ackPath, inboxAckSchema, inboxPageSchema, inboxPath, isInboxAck, isInboxPage, type InboxAck, type InboxItem, type InboxPage, type InboxReceipt } from './inbox-api.js';
export {
  startInboxDepartmentSimulator,
  type InboxDepartmentSimulator,
  type InboxDepartmentSimulatorOptions,
  type LeaseHandling,
  type PollResult,
  type ReceiptFault,
  type AckAttempt,
} from './simulator/inbox-department-simulator.js';
