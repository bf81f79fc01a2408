/**
 * What a department's status or result event says, as the cases read it
 * (the event route validates it; sealing replaces result documents by
 * sealed ones; applying it moves the sub-application on).
 */

export type EventType = 'accepted' | 'completed' | 'rejected' | 'status';

export interface DepartmentEventInput {
  eventId: string;
  subApplicationId: string;
  type: EventType;
  occurredAt: string;
  acceptanceNumber?: string;
  reason?: string;
  /** Results: a value (e.g. the ID number assigned), a licence identifier, or a document. */
  results?: { name: string; value?: string; licenceIdentifier?: string; documentBase64?: string; documentId?: string; sealId?: string; sealName?: string }[];
}

/** A result document sealed by the e-seal platform, stored for the applicant to download. */
export interface SealedDocument {
  readonly id: string;
  readonly name: string;
  readonly pdf: Buffer;
  readonly sealId: string;
}
