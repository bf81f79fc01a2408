/**
 * Department channels: how a sub-application reaches a department system and
 * how the department answers.
 *
 * Glossary:
 * - department 部门: a vertical department system (公安, 市场监管, 人社 …), known
 *   to Tongban by its code (`gaj`, `scjgj`, …; mappings/departments.json).
 * - sub-application 子件/分件: the part of one application that one matter
 *   needs — that matter's department form and materials; delivered to the
 *   department that handles the matter.
 * - delivery 投递: one sub-application on its way to a department; retried with
 *   the same idempotency key until the department has it.
 * - receipt 回执: the department's signed statement that it received a
 *   sub-application, carrying its acceptance number.
 * - acceptance number 受理号: the department's own case number for the
 *   sub-application (e.g. `GAJ2026112400001`).
 * - event 事件: a later status or result from the department — 受理 accepted,
 *   办结 completed (with results), 不予受理 rejected (with a reason).
 * - front-end processor 前置机: the machine a department behind a closed
 *   network uses to pull its work from Tongban's inbox (the `inbox` channel).
 */
import type { JWK } from 'jose';
import type { MaterialSatisfaction } from './materials.js';

/** A value of a department form field: a scalar, or a repeated/nested group (e.g. family members). */
export type DepartmentFormValue =
  | string
  | number
  | boolean
  | null
  | readonly DepartmentFormValue[]
  | { readonly [field: string]: DepartmentFormValue };

/**
 * One material of the matter, as the department receives it: under the
 * matter's own code and name, with the way it was satisfied. A file comes with
 * its SHA-256, size and media type, and a signed, expiring `download` link the
 * department fetches it through (the link is transport, not content: it may
 * differ between retries of one idempotency key; everything else may not).
 */
export interface DeliveryMaterial {
  /** The matter's own material code (材料编码); absent on deliveries made before materials were modelled. */
  readonly code?: string;
  /** Material name as the matter lists it, e.g. 居民身份证. */
  readonly name: string;
  /** The material's identity across matters (mappings/materials.yaml), e.g. `CL001`. */
  readonly identity?: string;
  /** 原件 original or 复印件 copy, as the matter asks. */
  readonly form?: 'original' | 'copy';
  readonly required?: boolean;
  /** How it was satisfied; absent on deliveries made before materials were modelled (a licence then). */
  readonly satisfiedBy?: MaterialSatisfaction;
  /** Version of this material for this sub-application: 1 at submission, more after a supplement. */
  readonly version?: number;
  /** Electronic licence identifier (GB/T 36904) when a licence satisfies it. */
  readonly licenceIdentifier?: string;
  /** The file, when one satisfies it (upload, generated, a prerequisite's document). */
  readonly file?: DeliveryFile;
  /** 告知承诺: the applicant's commitment, signed by Tongban (compact JWS over the commitment). */
  readonly commitment?: { readonly text: string; readonly consentMethod: string; readonly committedAt: string; readonly signature: string };
  /** 容缺: outstanding until supplied; the last day to supply it (YYYY-MM-DD), null until acceptance starts the period. */
  readonly outstanding?: { readonly dueDate: string | null; readonly days: number };
  /** Reference of a stored file (deliveries made before materials were modelled). */
  readonly fileRef?: string;
}

/** A file a department downloads: what it must hash to, and where to get it. */
export interface DeliveryFile {
  /** Lower-case hex SHA-256 of the bytes. */
  readonly sha256: string;
  readonly size: number;
  readonly mediaType: string;
  /** Filled when the delivery is built: a path on Tongban with a signed, expiring token. */
  readonly download?: { readonly path: string; readonly expiresAt: string };
}

/** A result of a prerequisite matter (前置事项), delivered as a material of this one. */
export interface PrerequisiteResult {
  /** Matter code of the prerequisite matter. */
  readonly matterCode: string;
  /** Sub-application that produced the result. */
  readonly subApplicationId: string;
  /** Result name, e.g. 出生医学证明. */
  readonly name: string;
  readonly licenceIdentifier?: string;
  /** Where Tongban stores the result document. */
  readonly fileRef?: string;
}

/** What a channel delivers: one sub-application, mapped onto the department's form. */
export interface SubApplicationDelivery {
  /** Tongban's id of this delivery (one per sub-application and department). */
  readonly deliveryId: string;
  /** Stable across retries of the same delivery: the department de-duplicates by it. */
  readonly idempotencyKey: string;
  readonly applicationId: string;
  readonly subApplicationId: string;
  /** Matter implementation or basic code (GB/T 39554.1). */
  readonly matterCode: string;
  /** Matter name (Chinese). */
  readonly matterName: string;
  /** Department code (`gaj`, …): must be the department the channel talks to. */
  readonly departmentCode: string;
  /** The department's form: its own field names → values. */
  readonly form: Readonly<Record<string, DepartmentFormValue>>;
  readonly materials: readonly DeliveryMaterial[];
  readonly prerequisiteResults?: readonly PrerequisiteResult[];
  /** When the applicant submitted the application (ISO 8601 with offset). */
  readonly submittedAt: string;
  /** Version of the sub-application this delivery carries: 1 (or absent) at submission, one more per supplement; each version has its own idempotency key. */
  readonly version?: number;
  /** On a version after the first: what it changed, and the 补正 request it answers (absent for a deferred material supplied). */
  readonly supplement?: SupplementChanges;
}

/** What a later version of a sub-application changed (docs/materials.md §7, §9). */
export interface SupplementChanges {
  /** The department's supplement request (补正) this version answers; absent when a deferred (容缺) material was supplied. */
  readonly requestId?: string;
  /** The request's reason, as the department gave it. */
  readonly reason?: string;
  /** The matter's own material codes whose file changed. */
  readonly changedMaterials: readonly string[];
  /** The department form's field codes whose value changed. */
  readonly changedFields: readonly string[];
}

/** How the department's signature over a receipt was carried; kept as evidence. */
export type ReceiptEvidence =
  /** REST: the department's `Tongban-Signature` answer token (typ `tongban-res+jwt`) and the exact answer body it signs. */
  | { readonly format: 'tongban-signature-v1'; readonly signature: string; readonly body: string }
  /** SOAP: the whole response envelope and the receipt JWS inside it. */
  | { readonly format: 'soap-receipt-jws'; readonly signature: string; readonly body: string }
  /** Inbox: the receipt JWS from the acknowledgement body, and that body. */
  | { readonly format: 'receipt-jws'; readonly signature: string; readonly body: string }
  /**
   * REST batched push: the department's `Tongban-Signature` over the whole
   * answer, that answer (every item's result), and this receipt's position
   * in its `results`. Stored once per answer (`receipt_batches`).
   */
  | { readonly format: 'tongban-signature-v1-batch'; readonly signature: string; readonly body: string; readonly index: number };

/**
 * What a department's receipt (回执) says, whatever the channel carries it in
 * (REST answer, SOAP answer, inbox acknowledgement); the department signs these fields.
 */
export interface ReceiptFields {
  readonly departmentCode: string;
  readonly deliveryId: string;
  readonly subApplicationId: string;
  readonly idempotencyKey: string;
  /** The department's own 受理号. */
  readonly acceptanceNumber: string;
  /** When the department first received the sub-application (ISO 8601, as the department wrote it). */
  readonly receivedAt: string;
  /** The department had already received this idempotency key: this is the first receipt again. */
  readonly duplicate: boolean;
}

/** The department's signed receipt (回执) for one delivery. */
export interface DeliveryReceipt extends ReceiptFields {
  /** The department's signature over the receipt was verified with its registered key. */
  readonly signatureVerified: boolean;
  /** The signed material itself, for audit and later re-verification. */
  readonly evidence: ReceiptEvidence;
}

/** The answer of a pull channel: stored for the department to fetch; the receipt comes with its acknowledgement. */
export interface QueuedDelivery {
  readonly queued: true;
}

/** The kinds of channel a department can be reached through. */
export type DepartmentChannelKind = 'rest' | 'soap' | 'inbox';

/**
 * A way to hand sub-applications to one department. Push channels answer
 * with the verified receipt; the inbox channel answers `{ queued: true }`.
 * Failures are `UpstreamError`s (system `department`, operation `deliver`)
 * whose `retryable` tells the delivery engine whether to try again with the
 * same idempotency key.
 */
export interface DepartmentChannel {
  readonly kind: DepartmentChannelKind;
  /** Department code this channel delivers to. */
  readonly departmentCode?: string;
  deliver(delivery: SubApplicationDelivery): Promise<DeliveryReceipt | QueuedDelivery>;
}

/** A channel that calls the department and gets its receipt at once (REST, SOAP). */
export interface PushDepartmentChannel extends DepartmentChannel {
  readonly kind: 'rest' | 'soap';
  deliver(delivery: SubApplicationDelivery): Promise<DeliveryReceipt>;
  /** Most sub-applications one call of {@link deliverBatch} may carry; absent or 1: the department takes one per push. */
  readonly maxBatch?: number;
  /**
   * Pushes several sub-applications in one signed request; the department
   * answers each in one signed answer. Resolves with one outcome per
   * delivery, in order: its verified receipt, or the failure of that item
   * alone. Throws (an UpstreamError) when the whole push failed — transport,
   * the department's refusal of the request, an answer that does not verify.
   */
  deliverBatch?(deliveries: readonly SubApplicationDelivery[]): Promise<BatchItemOutcome[]>;
}

/** Most sub-applications one batched push may carry (any department's batch size is at most this). */
export const MAX_BATCH = 100;

/** What a batched push did for one of its sub-applications. */
export type BatchItemOutcome =
  | { readonly receipt: DeliveryReceipt; readonly error?: undefined }
  /** The department refused this item alone (an UpstreamError: its `retryable` decides). */
  | { readonly error: Error; readonly receipt?: undefined };

/** The pull channel: the delivery waits in Tongban's inbox; the receipt comes with the department's acknowledgement. */
export interface InboxDepartmentChannel extends DepartmentChannel {
  readonly kind: 'inbox';
  deliver(delivery: SubApplicationDelivery): Promise<QueuedDelivery>;
}

/** What a department's push channel is built from (the channel registry passes it to a {@link PushChannelFactory}). */
export interface PushChannelSettings {
  readonly kind: 'rest' | 'soap';
  /** The department system's base URL (a path prefix is kept). */
  readonly baseUrl: string;
  readonly departmentCode: string;
  /** The department's registered public keys; its receipts must verify with one of them. */
  readonly departmentPublicKeys: readonly JWK[];
  /** Per-push timeout (ms). */
  readonly timeoutMs: number;
  /** Most sub-applications one push may carry (1: one per push). */
  readonly maxBatch: number;
}

/**
 * Builds push channels from the concrete department adapters, signing with
 * Tongban's current key. The composition root provides it, so the delivery
 * core never imports an adapter. It keeps one keep-alive connection pool per endpoint across the
 * channels it builds (channels are rebuilt for key rotation; connections are not).
 */
export interface PushChannelFactory {
  channel(settings: PushChannelSettings): PushDepartmentChannel;
  /** Closes every connection pool; later channels open new ones. */
  close(): void;
}

/** What an inbox acknowledgement is checked against. */
export interface InboxAckInput {
  /** Department in the path (already checked against the signing client). */
  readonly departmentCode: string;
  /** Delivery id in the path. */
  readonly deliveryId: string;
  /** The parsed acknowledgement body. */
  readonly body: unknown;
  /** The delivery as Tongban stored it. */
  readonly delivery: SubApplicationDelivery;
}

/**
 * Verifies a pull-channel department's acknowledgement and returns the
 * receipt it carries (provided by the inbox adapter through the composition root).
 */
export type InboxAckVerifier = (input: InboxAckInput, departmentPublicKeys: readonly JWK[]) => Promise<DeliveryReceipt>;

/** Whether a channel's answer is a receipt (push channels) rather than a queued marker. */
export function isDeliveryReceipt(answer: DeliveryReceipt | QueuedDelivery): answer is DeliveryReceipt {
  return !('queued' in answer);
}

/** A result the department hands back: a licence it issued, a document, or both. */
export interface DepartmentResult {
  /** Result name, e.g. 居民户口簿. */
  readonly name: string;
  /** A value the matter produced, e.g. the 公民身份号码 just assigned (fills a waiting matter's field). */
  readonly value?: string;
  readonly licenceIdentifier?: string;
  /** The result document (usually PDF), base64. */
  readonly documentBase64?: string;
  /** Where the document can be fetched instead. */
  readonly url?: string;
}

/**
 * Event types: 受理 accepted, 办结 completed, 不予受理 rejected, an intermediate status,
 * 补正 supplement_requested (materials and/or fields, a reason, a deadline), or
 * commitment_false (a 告知承诺 found untrue).
 */
export type DepartmentEventType = 'accepted' | 'completed' | 'rejected' | 'status' | 'supplement_requested' | 'commitment_false';

/** A status or result the department sends Tongban (`POST /v1/departments/{dept}/events`); de-duplicated by `eventId`. */
export interface DepartmentEvent {
  /** Unique per event; a resend carries the same id. */
  readonly eventId: string;
  readonly departmentCode: string;
  readonly subApplicationId: string;
  readonly type: DepartmentEventType;
  /** When it happened at the department (ISO 8601 with offset). */
  readonly occurredAt: string;
  readonly acceptanceNumber?: string;
  /** Why the sub-application was rejected (不予受理理由), or a status text. */
  readonly reason?: string;
  /** Results of a completed sub-application. */
  readonly results?: readonly DepartmentResult[];
  /** supplement_requested: the matter's own material codes asked for (as the delivery listed them). */
  readonly materials?: readonly string[];
  /** supplement_requested: the department form's field codes asked for. */
  readonly fields?: readonly string[];
  /** supplement_requested: the last day to supply (YYYY-MM-DD, China date), after today. */
  readonly deadline?: string;
  /** commitment_false: the matter's own material code whose commitment was found untrue. */
  readonly materialCode?: string;
}

/**
 * JWS `typ` of a department's signed receipt (SOAP signature element, inbox
 * acknowledgement). Its payload is {@link ReceiptClaims}.
 */
export const RECEIPT_TYP = 'tongban-receipt+jwt';

/**
 * Claims of a signed receipt: the receipt fields plus who signed it for whom.
 * Times are seconds since the epoch.
 */
export interface ReceiptClaims extends ReceiptFields {
  /** The department code. */
  readonly iss: string;
  /** "tongban". */
  readonly aud: string;
  readonly iat: number;
  readonly jti: string;
  /** `jti` of the signed request the receipt answers (SOAP), binding the answer to the call. */
  readonly rjti?: string;
}
