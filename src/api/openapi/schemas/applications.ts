/** Shapes of submissions (`POST /v1/applications`) and the aggregate application view. */
import { component } from '../components.js';
import { departmentCode, instant, matterCode, nullableInstant, openObject, themeCode, uuid } from './common.js';
import { scenarioAnswers } from './forms.js';
import { supplementRequest } from './supplements.js';
import { evaluation } from './evaluations.js';
import { mailing, resultDeliveryChoice, resultDeliveryView } from './result-delivery.js';

export const submission = component('Submission', {
  type: 'object', required: ['themeCode', 'form'],
  description: 'One submission of the merged form (一表). It is validated against the scenario\'s merged form, split into one sub-application per applicable matter (each in its department\'s form) and queued for delivery, all in one transaction.',
  properties: {
    themeCode,
    answers: scenarioAnswers,
    form: {
      type: 'object', additionalProperties: { type: 'object' },
      description: 'The merged form: subject → canonical field → value (as prefill answered it, completed by the applicant). Every text is normalised (NFC, trimmed) before it is validated, stored and split; after that it must not be empty (leave an optional field out), nor contain control characters or line breaks, bidirectional formatting characters (U+202A–U+202E, U+2066–U+2069, U+200E, U+200F, U+061C), unpaired surrogates, noncharacters, `<` or `>`, and it is at most the field\'s `maxLength` characters (the guide\'s form schema gives each). Every field at fault is named in one 400 VALIDATION_FAILED.',
    },
    evidenceToken: { type: 'string', description: 'The `evidenceToken` of `POST /v1/prefill`: proves which values came from licences (provenance). Values changed since are recorded as user-provided.' },
    resultDelivery: resultDeliveryChoice,
    authorizationId: { ...uuid, description: 'When the person logged in is not one of the form\'s holders: the authorisation (of the caller, for this theme, in force, recorded for this person) they act under — as a guardian, agent or counter officer' },
    materials: {
      type: 'object', maxProperties: 200,
      description: 'One set of materials (一套材料), keyed by material identity (the guide\'s `materials[].code`). Each entry is exactly one of the four shapes, allowed only where the guide\'s `ways` list it. '
        + 'Materials Tongban generates (申请表), a prerequisite\'s result supplies, or a licence stands for that the prefill evidence verified need no entry; every other required material does. '
        + 'Every fault is named by JSON Pointer (`/materials/CL008`, `/materials/CL008/upload` …) in one 400 VALIDATION_FAILED, with the form\'s.',
      additionalProperties: {
        oneOf: [
          openObject({ upload: { ...uuid, description: 'An upload of this client from `POST /v1/materials`, unexpired, of a media type the material takes' } }, ['upload'], 'A file handed in'),
          openObject({ licence: { type: 'string', maxLength: 200, description: 'A licence identifier (GB/T 36904) the prefill evidence of this submission verified' } }, ['licence'], 'An electronic licence (电子证照)'),
          openObject({
            commitment: openObject({
              consentMethod: { enum: ['face-recognition', 'sms', 'signature', 'counter'] },
              committedAt: { type: 'string', format: 'date-time' },
            }, ['consentMethod', 'committedAt'], 'How and when the applicant committed; the text is the catalogue\'s'),
          }, ['commitment'], '告知承诺: a signed commitment replaces the proof'),
          openObject({ deferred: { const: true } }, ['deferred'], '容缺: supplied after acceptance, within the catalogue\'s period'),
        ],
      },
    },
  },
});

export const submissionExample = {
  themeCode: 'MX-T05',
  answers: { enrolInsurance: true, applySocialSecurityCard: true },
  form: {
    applicant: { name: '陈晓燕', idNumber: '44142119990620338X', phone: '13812345678' },
    child: { name: '林一诺', sex: '女', birthDate: '2026-11-20', birthPlace: '广东省梅州市' },
  },
  evidenceToken: 'eyJhbGciOiJFZERTQSIsImtpZCI6InRvbmdiYW4tMSIsInR5cCI6InRvbmdiYW4tZXZpZGVuY2Urand0In0.…',
  materials: { CL008: { upload: '0193a9c2-5b7e-7c4d-9f1e-2a6b8c0d4e5f' } },
};

const subApplicationStatus = { type: 'string', description: '`queued`, `waiting` (for a prerequisite), `delivered`, `accepted` (受理), `awaiting_supplement` (补正: the department asked for materials or fields; the clock is paused), `completed` (办结), `rejected` (不予受理), `failed` (dead letter)' } as const;

export const submissionAnswer = component('SubmissionAnswer', openObject({
  applicationId: uuid,
  status: { const: 'received' },
  themeCode,
  subApplications: {
    type: 'array',
    items: openObject({
      id: uuid, matterCode, matterName: { type: 'string' }, departmentCode,
      status: { enum: ['queued', 'waiting'] }, after: { type: 'array', items: matterCode },
    }, ['id', 'matterCode', 'departmentCode', 'status', 'after']),
  },
  changedFromPrefill: { type: 'array', items: { type: 'string' }, description: 'Canonical fields whose prefilled value was changed: now user-provided' },
}, ['applicationId', 'status', 'themeCode', 'subApplications', 'changedFromPrefill']));

export const application = component('Application', openObject({
  id: uuid,
  themeCode,
  status: { enum: ['received', 'in_progress', 'awaiting_supplement', 'completed', 'partially_rejected', 'rejected'], description: 'The aggregate of the sub-applications\' statuses (`awaiting_supplement` while any sub-application is)' },
  answers: scenarioAnswers,
  provenance: { type: 'object', description: 'Canonical field → where its value came from (licence or applicant)' },
  submittedAt: instant,
  subApplications: {
    type: 'array',
    items: openObject({
      id: uuid, matterCode, matterName: { type: 'string' }, departmentCode,
      after: { type: 'array', items: matterCode },
      status: subApplicationStatus,
      delivery: openObject({ id: { type: 'string' }, state: { type: 'string' }, attempts: { type: 'integer' }, lastError: { type: ['string', 'null'] } }, ['id', 'state', 'attempts']),
      acceptanceNumber: { type: ['string', 'null'], description: '受理号 from the department\'s signed receipt' },
      receipt: { type: ['object', 'null'], description: 'The department\'s signed receipt (回执) and its evidence: the signed material as the channel carried it (`format` tongban-signature-v1, soap-receipt-jws, receipt-jws; for a batched push tongban-signature-v1-batch: the department\'s signed answer to the whole push, with `batchId` and this receipt\'s `index` in its `results`)' },
      results: { type: ['array', 'null'], items: { type: 'object' }, description: 'Results (a value, a licence identifier, or a sealed document id)' },
      documents: {
        type: 'array', description: 'Every document the department sent with any event (a 受理通知书 with `accepted`, results with `completed`), sealed with its e-seal; download at `href`',
        items: openObject({ id: { type: 'string' }, name: { type: 'string' }, sealId: { type: ['string', 'null'] }, sealedAt: nullableInstant, href: { type: 'string' } }, ['id', 'name', 'href']),
      },
      reason: { type: ['string', 'null'] },
      resultsHeldFor: { const: 'payment', description: 'Present while an unpaid fee due before results holds them: `results` and `documents` are shown once paid' },
      deadline: openObject({
        statutoryDays: { type: 'integer' }, promisedDays: { type: 'integer' }, acceptedAt: nullableInstant,
        dueDate: { type: ['string', 'null'], format: 'date' }, dueStatus: { type: ['string', 'null'] },
      }, ['statutoryDays', 'promisedDays']),
      completedAt: nullableInstant,
      version: { type: 'integer', minimum: 1, description: 'The version the department receives: 1 at submission, one more per supply (each under a new idempotency key)' },
      supplement: { anyOf: [supplementRequest, { type: 'null' }], description: 'The 补正 request awaiting an answer (open, or expired unanswered); null when none' },
      supplementRequests: { type: 'array', items: supplementRequest, description: 'Every 补正 request of this sub-application, oldest first' },
      pause: openObject({
        paused: { type: 'boolean' }, pausedSince: nullableInstant,
        workingDaysSoFar: { type: ['integer', 'null'], description: 'Working days of the pause in progress' },
        pausedWorkingDays: { type: 'integer', description: 'Working days earlier pauses took (already added to `deadline.dueDate`)' },
      }, ['paused', 'pausedWorkingDays'], 'The working-day clock: 补正 time does not count'),
    }, ['id', 'matterCode', 'departmentCode', 'status', 'delivery']),
  },
  materials: {
    type: 'array', description: 'The materials handed in, by identity, each with every version (1 at submission, one more per supply); a deferral (容缺) outstanding with its due date; commitments (告知承诺) a department reported untrue',
    items: openObject({
      code: { type: 'string', description: 'Material identity (`CL008`)' }, version: { type: 'integer' }, satisfiedBy: { type: 'string' },
      outstanding: openObject({ dueDate: { type: ['string', 'null'], format: 'date' }, overdue: { type: 'boolean' } }, ['dueDate', 'overdue']),
      versions: { type: 'array', items: { type: 'object' } },
      commitmentReports: { type: 'array', items: { type: 'object' } },
    }, ['code', 'version', 'satisfiedBy', 'versions']),
  },
  resultDelivery: resultDeliveryView,
  mailings: { type: 'array', items: mailing, description: 'Originals the applicant posts in (双向寄递), oldest first' },
  payments: {
    type: 'array', description: 'Fees (网上缴费, docs/payments.md): one payment per fee-bearing sub-application, its notice (缴款码), items and status, in sub-application order',
    items: openObject({
      id: { type: 'string' }, subApplicationId: { type: 'string' }, matterCode: { type: 'string' }, gate: { enum: ['before-acceptance', 'before-results'] },
      noticeNo: { type: ['string', 'null'], description: '缴款码 (20 digits), once the notice is made' },
      items: { type: 'array', items: openObject({ code: { type: 'string' }, name: { type: 'string' }, amountFen: { type: 'integer' } }, ['code', 'name', 'amountFen']) },
      totalFen: { type: 'integer', description: 'Total in 分' }, dueDate: { type: 'string', format: 'date' },
      status: { enum: ['creating', 'not_created', 'unpaid', 'paid', 'difference', 'refunding', 'refunded', 'refund_failed', 'cancelled'] },
      paidFen: { type: ['integer', 'null'] }, paidAt: { type: ['string', 'null'] }, channel: { type: ['string', 'null'] }, refundNo: { type: ['string', 'null'] },
      attempts: { type: 'integer' }, lastError: { type: ['string', 'null'] }, updatedAt: { type: 'string', format: 'date-time' },
    }, ['id', 'subApplicationId', 'gate', 'noticeNo', 'items', 'totalFen', 'status']),
  },
  evaluations: { type: 'array', items: evaluation, description: 'The applicant\'s evaluations (好差评), oldest first, with their push to the provincial system and the follow-up of a 差评' },
  notifications: openObject({
    lastSequence: { type: 'integer', description: 'Sequence number of the application\'s last platform event (0: none yet)' },
    deliveries: openObject({ pending: { type: 'integer' }, delivered: { type: 'integer' }, dead: { type: 'integer' } }, ['pending', 'delivered', 'dead'], 'Its webhook deliveries by state, every endpoint of the client (`pending` counts those in flight and waiting their turn)'),
  }, ['lastSequence', 'deliveries'], 'What the platform has been told by webhook (docs/notifications.md)'),
  issuedLicences: {
    type: 'array', description: 'Results issued into the e-licence library (docs/licence-issuance.md), oldest first',
    items: openObject({
      subApplicationId: { type: 'string' }, licenceType: { type: 'string', description: 'Licence type key, e.g. householdRegister' },
      identifier: { type: ['string', 'null'], description: 'GB/T 36904 identifier the library assigned (null until issued)' },
      status: { enum: ['issuing', 'issued', 'failed', 'revoking', 'revoked', 'cancelled'] },
      failure: { type: ['object', 'null'], description: 'A dead issuance: the library\'s code (e.g. `201`) or `MAPPING`, and the message' },
      updatedAt: { type: 'string', format: 'date-time' },
    }, ['subApplicationId', 'licenceType', 'identifier', 'status']),
  },
}, ['id', 'themeCode', 'status', 'subApplications']));
