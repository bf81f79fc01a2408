/** Shapes of the guide (`POST /v1/themes/{themeCode}/guide`) and prefill (`POST /v1/prefill`). */
import { component } from '../components.js';
import { departmentCode, matterCode, openObject, themeCode, uuid } from './common.js';

export const scenarioAnswers = component('ScenarioAnswers', {
  type: 'object',
  description: 'Answers to the theme\'s scenario questions (question id → boolean, string or number). Unanswered questions take their defaults; the guide echoes the resolved answers.',
  additionalProperties: { type: ['boolean', 'string', 'number'] },
  examples: [{ enrolInsurance: true, applySocialSecurityCard: false }],
});

export const guideRequest = component('GuideRequest', {
  type: 'object',
  description: 'The scenario of the applicant. An empty body (or no `answers`) uses the default answers.',
  properties: { answers: scenarioAnswers },
});

export const guideMatter = openObject({
  code: matterCode,
  name: { type: 'string' },
  department: openObject({ code: departmentCode, name: { type: 'string' } }, ['code', 'name']),
  promisedDays: { type: 'integer' },
  statutoryDays: { type: 'integer' },
  after: { type: 'array', items: matterCode, description: 'Prerequisite matters (前置事项) among the applicable ones' },
}, ['code', 'name', 'department', 'after']);

const guideMaterial = openObject({
  code: { type: 'string' }, name: { type: 'string' }, form: { enum: ['original', 'copy'] }, required: { type: 'boolean' },
  matters: { type: 'array', items: matterCode, description: 'Matters asking for it (it is handed in once)' },
  suppliedByLicence: openObject({ licenceType: { type: 'string' }, subject: { type: 'string' } }, ['licenceType', 'subject'], 'Set when an electronic licence supplies the material'),
}, ['code', 'name', 'form', 'required', 'matters']);

export const guide = component('Guide', openObject({
  theme: openObject({ code: themeCode, name: { type: 'string' } }, ['code', 'name']),
  answers: scenarioAnswers,
  matters: { type: 'array', items: guideMatter, description: 'Applicable matters, prerequisites first' },
  materials: { type: 'array', items: guideMaterial, description: 'One de-duplicated material list' },
  licences: { type: 'array', items: openObject({ licenceType: { type: 'string' }, subject: { type: 'string' } }, ['licenceType', 'subject']), description: 'Licence types (and whose) prefill would fetch' },
  form: { type: 'object', description: 'The merged form (一表) of the scenario as a JSON Schema: one object per subject (applicant, child, …)' },
}, ['theme', 'answers', 'matters', 'materials', 'licences', 'form']));

export const prefillRequest = component('PrefillRequest', {
  type: 'object', required: ['themeCode', 'holders', 'useCause'],
  description: 'Fill the merged form of a scenario from the holders\' verified licences. Each holder needs an active authorisation recorded by the caller.',
  properties: {
    themeCode,
    answers: scenarioAnswers,
    holders: {
      type: 'object', minProperties: 1,
      description: 'Subject (role of the merged form: `applicant`, `mother`, `child`, …) → holder and the authorisation that covers its licences. A subject left out (a newborn not registered yet) is reported in `missingSources`.',
      additionalProperties: {
        type: 'object', required: ['code', 'type', 'authorizationId'],
        properties: { code: { type: 'string' }, type: { enum: ['citizen', 'organization'] }, authorizationId: { ...uuid, description: 'From `POST /v1/authorizations`' } },
      },
    },
    useCause: { type: 'string', minLength: 1, maxLength: 200, description: 'Reason for use (用证事由), recorded in the licence-use ledger and sent to the licence library normalised (NFC, trimmed); blank, too long, or holding a control, bidirectional formatting or noncharacter: 400 `USE_CAUSE_REQUIRED` naming `/useCause`' },
  },
});

export const prefillAnswer = component('PrefillAnswer', openObject({
  theme: openObject({ code: themeCode, name: { type: 'string' } }, ['code', 'name']),
  answers: scenarioAnswers,
  matters: { type: 'array', items: guideMatter },
  form: { type: 'object', description: 'Subject → canonical field → value, only the fields a verified licence filled', additionalProperties: { type: 'object' } },
  provenance: {
    type: 'object', description: 'Canonical field (`mother.name`) → the licence it came from',
    additionalProperties: openObject({
      source: { const: 'licence' }, licenceIdentifier: { type: 'string' }, licenceType: { type: 'string' }, licenceName: { type: 'string' }, subject: { type: 'string' },
      issuer: openObject({ name: { type: 'string' }, code: { type: 'string' } }, ['name', 'code']), verified: { type: 'boolean' }, fetchedAt: { type: 'string', format: 'date-time' },
    }, ['source', 'licenceIdentifier', 'licenceType', 'verified']),
  },
  fields: { type: 'array', items: openObject({ canonical: { type: 'string' }, label: { type: 'string' }, required: { type: 'boolean' }, filled: { type: 'boolean' } }, ['canonical', 'filled']) },
  conflicts: { type: 'array', items: { type: 'object' }, description: 'Two licences disagreeing on a field: the newest is kept, both are listed' },
  licences: { type: 'array', items: openObject({ identifier: { type: 'string' }, licenceType: { type: 'string' }, name: { type: 'string' }, subject: { type: 'string' }, status: { type: 'string' }, used: { type: 'boolean' }, problems: { type: 'array', items: { type: 'string' } } }, ['identifier', 'used']) },
  materials: { type: 'array', items: { type: 'object' } },
  missingSources: { type: 'array', items: openObject({ subject: { type: 'string' }, licenceTypes: { type: 'array', items: { type: 'string' } }, kind: { enum: ['holder-not-given', 'library-unavailable'] }, reason: { type: 'string' } }, ['subject', 'kind']) },
  refusedValues: { type: 'array', items: openObject({ canonical: { type: 'string' }, licenceIdentifier: { type: 'string' }, reason: { type: 'string' } }, ['canonical']) },
  autoFill: openObject({ filled: { type: 'integer' }, total: { type: 'integer' }, ratio: { type: 'number', minimum: 0, maximum: 1 } }, ['filled', 'total', 'ratio']),
  partial: { type: 'boolean', description: 'Some licence source could not be read (see `missingSources`)' },
  evidenceToken: { type: 'string', description: 'Signed by Tongban: which field values came from which licence. Send it with the submission; a prefilled value changed by the applicant becomes user-provided.' },
}, ['theme', 'form', 'provenance', 'fields', 'autoFill', 'partial', 'evidenceToken']));

/** An example prefill request (婴儿“出生一件事”: the mother applies; the newborn has no licence yet). */
export const prefillExample = {
  themeCode: 'MX-T05',
  answers: { enrolInsurance: true, applySocialSecurityCard: true },
  holders: {
    applicant: { code: '44142119990620338X', type: 'citizen', authorizationId: '0b6f5f5e-3b8e-4c53-9f0e-6a3c8d2b7f41' },
    mother: { code: '44142119990620338X', type: 'citizen', authorizationId: '0b6f5f5e-3b8e-4c53-9f0e-6a3c8d2b7f41' },
  },
  useCause: '办理婴儿出生一件事：预填出生登记表',
};

