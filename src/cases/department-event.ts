/**
 * What a department's status or result event says, as the cases read it
 * (the event route validates it; sealing replaces result documents by
 * sealed ones; applying it moves the sub-application on).
 */

export type EventType = 'accepted' | 'completed' | 'rejected' | 'status' | 'supplement_requested' | 'commitment_false' | 'licence_revoked';

export interface DepartmentEventInput {
  eventId: string;
  subApplicationId: string;
  type: EventType;
  occurredAt: string;
  acceptanceNumber?: string;
  reason?: string;
  /** Results: a value (e.g. the ID number assigned), a licence identifier, or a document. */
  results?: { name: string; value?: string; licenceIdentifier?: string; documentBase64?: string; documentId?: string; sealId?: string; sealName?: string }[];
  /** supplement_requested: the matter's own material codes asked for. */
  materials?: string[];
  /** supplement_requested: the department form's field codes asked for. */
  fields?: string[];
  /** supplement_requested: the last day to supply (YYYY-MM-DD, China date). */
  deadline?: string;
  /** commitment_false: the matter's own material code whose commitment was untrue. */
  materialCode?: string;
  /** licence_revoked: the licence the result was issued as (optional check), 注销 `cancel` or 吊销 `revoke`; `reason` says why. */
  licenceIdentifier?: string;
  revocationKind?: 'cancel' | 'revoke';
}

/** A result document sealed by the e-seal platform, stored for the applicant to download. */
export interface SealedDocument {
  readonly id: string;
  readonly name: string;
  readonly pdf: Buffer;
  readonly sealId: string;
}
