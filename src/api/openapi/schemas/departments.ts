/** Shapes of what departments call: the inbox (pull channel) and status/result events. */
import { component } from '../components.js';
import { departmentCode, instant, matterCode, openObject, uuid } from './common.js';

export const subApplicationDelivery = component('SubApplicationDelivery', openObject({
  deliveryId: { type: 'string' },
  idempotencyKey: { type: 'string', description: 'Stable across retries of the same delivery: de-duplicate by it' },
  applicationId: uuid,
  subApplicationId: uuid,
  matterCode,
  matterName: { type: 'string' },
  departmentCode,
  form: { type: 'object', description: 'The department\'s own form: its field names → values' },
  materials: {
    type: 'array', maxItems: 200, description: 'Exactly this matter\'s materials the application satisfied, under the matter\'s own codes and names (docs/materials.md §6)',
    items: openObject({
      code: { type: 'string', description: 'The matter\'s own material code' },
      name: { type: 'string', description: 'The material\'s name as the matter lists it' },
      identity: { type: 'string', description: 'The material identity across matters (CL001 …)' },
      form: { enum: ['original', 'copy'] },
      required: { type: 'boolean' },
      satisfiedBy: { enum: ['upload', 'licence', 'commitment', 'deferred', 'generated', 'prerequisite'] },
      version: { type: 'integer', minimum: 1 },
      licenceIdentifier: { type: 'string' },
      file: openObject({
        sha256: { type: 'string', pattern: '^[0-9a-f]{64}$' },
        size: { type: 'integer', minimum: 1 },
        mediaType: { type: 'string' },
        download: openObject({
          path: { type: 'string', description: '`/v1/departments/{dept}/materials/{sha256}?token=…`: GET it signed as the department; the token is Tongban\'s JWS (typ tongban-download+jwt)' },
          expiresAt: instant,
        }, ['path', 'expiresAt'], 'A signed, expiring link (transport, not content: fresh on every push)'),
      }, ['sha256', 'size', 'mediaType'], 'The file: hash it and compare before relying on it'),
      commitment: openObject({ text: { type: 'string' }, consentMethod: { type: 'string' }, committedAt: instant, signature: { type: 'string', description: 'Tongban\'s JWS (typ tongban-commitment+jwt) over every asking matter\'s text, the consent method and time' } },
        ['text', 'consentMethod', 'committedAt', 'signature'], '告知承诺'),
      outstanding: openObject({ dueDate: { type: ['string', 'null'], format: 'date' }, days: { type: 'integer', minimum: 1 } }, ['dueDate', 'days'], '容缺: to be supplied within `days` working days of acceptance'),
    }, ['name'], 'One material of the matter'),
  },
  prerequisiteResults: { type: 'array', items: { type: 'object' }, description: 'Results of prerequisite matters (前置事项), e.g. the newborn\'s ID number' },
  submittedAt: instant,
}, ['deliveryId', 'idempotencyKey', 'applicationId', 'subApplicationId', 'matterCode', 'departmentCode', 'form', 'submittedAt'],
'One sub-application as delivered to its department (the same body REST and SOAP departments receive).'));

export const inboxPage = component('InboxPage', openObject({
  items: {
    type: 'array',
    items: openObject({
      deliveryId: { type: 'string' },
      leaseToken: { type: 'string', description: 'Proves the lease when acknowledging; a new one at each hand-out' },
      leaseExpiresAt: instant,
      delivery: subApplicationDelivery,
    }, ['deliveryId', 'leaseToken', 'leaseExpiresAt', 'delivery']),
  },
}, ['items'], 'Deliveries now leased to the caller; an item not acknowledged before `leaseExpiresAt` is handed out again (same idempotency key).'));

const text = { type: 'string', minLength: 1, maxLength: 200 } as const;

export const inboxAck = component('InboxAck', {
  type: 'object', required: ['leaseToken', 'acceptanceNumber', 'receipt'],
  description: 'The department\'s acknowledgement of a leased delivery: its 受理号 and its signed receipt (回执). `receipt.signature` is a JWS (`typ: tongban-receipt+jwt`) by the department\'s registered key whose claims repeat the receipt\'s fields.',
  properties: {
    leaseToken: { ...text, description: 'The `leaseToken` of the inbox item' },
    acceptanceNumber: { ...text, description: '受理号; must equal `receipt.acceptanceNumber`. One line under the text rules (no control, bidirectional formatting or noncharacters, not blank; also in the receipt, and its `receivedAt`); stored trimmed and NFC, while the receipt is kept as signed' },
    receipt: {
      type: 'object',
      required: ['departmentCode', 'deliveryId', 'subApplicationId', 'idempotencyKey', 'acceptanceNumber', 'receivedAt', 'duplicate', 'signature'],
      properties: {
        departmentCode: text, deliveryId: text, subApplicationId: text, idempotencyKey: text, acceptanceNumber: text,
        receivedAt: { ...text, format: 'date-time' },
        duplicate: { type: 'boolean', description: 'The department had already received this idempotency key' },
        signature: { type: 'string', minLength: 1, maxLength: 16_384 },
      },
    },
  },
});

export const inboxAckExample = {
  leaseToken: 'q3VhYmZ0c2pVbmZ4c0xqRmJ3',
  acceptanceNumber: 'YBJ-20261124-000123',
  receipt: {
    departmentCode: 'ybj', deliveryId: '5f1c7c0e-8a59-4c4f-9d0f-2f8e1c3b9a10', subApplicationId: '8d7e1a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b',
    idempotencyKey: 'tongban-5f1c7c0e-8a59-4c4f-9d0f-2f8e1c3b9a10', acceptanceNumber: 'YBJ-20261124-000123', receivedAt: '2026-11-24T10:02:11+08:00',
    duplicate: false, signature: 'eyJhbGciOiJFUzI1NiIsImtpZCI6ImRlcHQteWJqLTEiLCJ0eXAiOiJ0b25nYmFuLXJlY2VpcHQrand0In0.….…',
  },
};

export const inboxAckAnswer = component('InboxAckAnswer', openObject({
  acceptanceNumber: { type: 'string', description: 'The 受理号 Tongban recorded' },
  duplicate: { type: 'boolean', description: 'The delivery was already acknowledged; the recorded 受理号 is answered' },
}, ['acceptanceNumber', 'duplicate']));

export const departmentEvent = component('DepartmentEvent', {
  type: 'object', required: ['eventId', 'subApplicationId', 'type', 'occurredAt'],
  description: 'A status or result event of one sub-application. Events are de-duplicated by (department, `eventId`); out-of-order events are handled (a `completed` before `accepted` counts as both; a late `accepted` changes nothing). Result documents (`documentBase64`, PDF) are sealed by the e-seal platform before they are kept. '
    + '`supplement_requested` (补正) names `materials` (the matter\'s own material codes, as the delivery listed them) and/or `fields` (the department form\'s field codes), a `reason` and a `deadline` after today: the sub-application becomes `awaiting_supplement` and its working-day clock pauses until the applicant supplies (400 naming each unknown code; 409 while another request is open). '
    + '`commitment_false` names `materialCode` (a material the delivery listed as satisfied by a 告知承诺) and a `reason`: recorded and shown, the status unchanged (send `rejected` too to reject).',
  properties: {
    eventId: { type: 'string', pattern: '^[\\x21-\\x7e]{1,128}$', description: 'The department\'s id of the event (1–128 visible ASCII characters)' },
    subApplicationId: uuid,
    type: {
      enum: ['accepted', 'completed', 'rejected', 'status', 'supplement_requested', 'commitment_false', 'licence_revoked'],
      description: '`accepted` 受理, `completed` 办结 (with results), `rejected` 不予受理 (with a reason), `status` informational, `supplement_requested` 补正 (materials and/or fields, reason, deadline), `commitment_false` a 告知承诺 found untrue (materialCode, reason), `licence_revoked` the licence the result was issued as is withdrawn (revocationKind, reason; docs/licence-issuance.md)',
    },
    occurredAt: { type: 'string', format: 'date-time' },
    acceptanceNumber: { type: 'string', maxLength: 500, description: '受理号: one line of text, normalised (NFC, trimmed); not blank, no control, bidirectional formatting or noncharacters (400 naming `/acceptanceNumber`)' },
    materials: { type: 'array', maxItems: 200, items: { type: 'string', pattern: '^[\\x21-\\x7e]{1,128}$' }, description: '`supplement_requested`: the matter\'s own material codes asked for, as the delivery listed them (`materials[].code`)' },
    fields: { type: 'array', maxItems: 200, items: { type: 'string', pattern: '^[\\x21-\\x7e]{1,128}$' }, description: '`supplement_requested`: the department form\'s field codes asked for' },
    deadline: { type: 'string', format: 'date', description: '`supplement_requested` (required): the last day to supply, YYYY-MM-DD (China date), after today' },
    materialCode: { type: 'string', pattern: '^[\\x21-\\x7e]{1,128}$', description: '`commitment_false` (required): the matter\'s own material code whose commitment was untrue' },
    revocationKind: { enum: ['cancel', 'revoke'], description: '`licence_revoked` (required): 注销 `cancel` or 吊销 `revoke`' },
    licenceIdentifier: { type: 'string', maxLength: 200, description: '`licence_revoked`: the identifier of the licence issued as the result (checked when given)' },
    reason: { type: 'string', maxLength: 500, description: 'Required for `rejected`, `supplement_requested` and `commitment_false`. May span lines (CRLF and CR are kept as LF); normalised (NFC, trimmed); not blank, no other control characters, no bidirectional formatting or noncharacters' },
    results: {
      type: 'array',
      items: {
        type: 'object', required: ['name'],
        properties: {
          name: { type: 'string', minLength: 1, maxLength: 200, description: 'One line of text, normalised (NFC, trimmed), under the text rules' },
          value: { type: 'string', maxLength: 200, description: 'e.g. the ID number assigned. It may fill a form of another department (a prerequisite\'s result), so it follows the merged form\'s rules: one line, normalised, no `<` or `>`' },
          licenceIdentifier: { type: 'string', maxLength: 200, description: 'A licence issued as the result (same rules as `value`)' },
          documentBase64: { type: 'string', contentEncoding: 'base64', description: 'A result document (PDF), sealed by Tongban through the e-seal platform' },
          url: { type: 'string', maxLength: 200, description: 'One line of text, normalised, under the text rules' },
        },
      },
    },
  },
});

export const departmentEventExample = {
  eventId: 'gaj-evt-20261124-0042',
  subApplicationId: '8d7e1a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b',
  type: 'completed',
  occurredAt: '2026-11-26T15:30:00+08:00',
  acceptanceNumber: 'GAJ-20261124-000042',
  results: [{ name: '公民身份号码', value: '441421202611200024' }],
};

export const eventOutcome = component('DepartmentEventOutcome', openObject({
  duplicate: { type: 'boolean', description: 'The event id was seen before: nothing changed' },
  subApplicationId: uuid,
  status: { type: 'string', description: 'The sub-application\'s status after the event' },
  stale: { type: 'boolean', description: 'The event arrived out of order and changed nothing' },
  released: { type: 'array', items: uuid, description: 'Sub-applications waiting for this one that are now queued' },
}, ['duplicate', 'subApplicationId', 'status', 'stale', 'released']));
