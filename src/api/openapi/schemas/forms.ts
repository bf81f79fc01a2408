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

const licenceUse = openObject({ licenceType: { type: 'string' }, subject: { type: 'string' } }, ['licenceType', 'subject']);
const deferral = openObject({ days: { type: 'integer', minimum: 1, description: 'Working days after acceptance' } }, ['days']);
const commitment = openObject({ text: { type: 'string', description: 'The commitment as the catalogue words it' } }, ['text']);

export const scenarioMaterial = component('ScenarioMaterial', openObject({
  code: { type: 'string', description: 'Material identity (mappings/materials.yaml), e.g. `CL001`; the submission\'s `materials` are keyed by it', examples: ['CL032'] },
  name: { type: 'string', description: 'The identity\'s name', examples: ['经营场所证明'] },
  form: { enum: ['original', 'copy'], description: '`original` when any asking matter wants the original' },
  required: { type: 'boolean', description: 'Whether any asking matter requires it' },
  matters: {
    type: 'array', description: 'The matters asking for it, each under its own material code and name (it is handed in once)',
    items: openObject({
      matterCode, code: { type: 'string', description: 'The matter\'s own material code' }, name: { type: 'string', description: 'The matter\'s own name for it' },
      required: { type: 'boolean' }, form: { enum: ['original', 'copy'] },
      licence: { ...licenceUse, description: 'The licence this matter takes for it, and whose' },
      deferral: { ...deferral, description: 'Present when this matter allows 容缺' },
      commitment: { ...commitment, description: 'Present when this matter allows 告知承诺' },
    }, ['matterCode', 'code', 'name', 'required', 'form']),
  },
  ways: {
    type: 'array', items: { enum: ['licence', 'prerequisite', 'generated', 'upload', 'commitment', 'deferred'] },
    description: 'How it can be satisfied. `prerequisite` (a prerequisite matter of the scenario issues it) is then the only way; `generated`: Tongban renders the department form; `commitment` and `deferred` only when every asking matter allows them',
  },
  licence: { ...licenceUse, description: 'The licence type that supplies it, and whose (prefill then reports `satisfiedBy`)' },
  prerequisite: openObject({ matterCode, resultName: { type: 'string' } }, ['matterCode', 'resultName'], 'The matter of the scenario whose result supplies it'),
  deferral: { ...deferral, description: '容缺: every asking matter allows it; the smallest of their periods' },
  commitment: { ...commitment, description: '告知承诺: every asking matter allows it; the text of the first (each department receives its own matter\'s)' },
  mediaTypes: { type: 'array', items: { enum: ['application/pdf', 'application/ofd', 'image/jpeg', 'image/png'] }, description: 'Media types an upload of it may have' },
}, ['code', 'name', 'form', 'required', 'matters', 'ways', 'mediaTypes'], 'One material identity over the scenario\'s matters.'));

/** An example entry: 我要开办食品经营's 经营场所证明, asked by two matters under their own names. */
export const scenarioMaterialExample = {
  code: 'CL032', name: '经营场所证明', form: 'copy', required: true,
  matters: [
    { matterCode: '002051083000', code: '002051083000-03', name: '经营场所使用证明', required: true, form: 'copy', commitment: { text: '本人（本单位）承诺：对所申报的经营场所依法享有使用权……' } },
    { matterCode: '000174471000', code: '000174471000-02', name: '经营场所证明', required: true, form: 'copy', commitment: { text: '本人（本单位）承诺：对所申报的经营场所依法享有使用权……' } },
  ],
  ways: ['upload', 'commitment'],
  commitment: { text: '本人（本单位）承诺：对所申报的经营场所依法享有使用权……' },
  mediaTypes: ['application/pdf', 'application/ofd', 'image/jpeg', 'image/png'],
};

const guideSharedData = openObject({
  resource: { type: 'string', description: 'Shared-data resource key, as an authorisation\'s `licenceTypes` names it', examples: ['householdRegistration'] },
  subject: { type: 'string', description: 'Whose record (the subject\'s holder; resolved like licences\' subjects)' },
  resourceCode: { type: 'string', description: '共享目录编码' },
  resourceName: { type: 'string' },
  use: { enum: ['prefill', 'verification'], description: '`prefill`: its records fill fields of the form; `verification`: a statement about it is verified at intake (在线核验; the submission\'s `authorizationId` must name it)' },
  matters: { type: 'array', items: matterCode, description: 'The applicable matters naming it' },
}, ['resource', 'subject', 'resourceCode', 'resourceName', 'use', 'matters']);

export const guide = component('Guide', openObject({
  theme: openObject({ code: themeCode, name: { type: 'string' } }, ['code', 'name']),
  answers: scenarioAnswers,
  matters: { type: 'array', items: guideMatter, description: 'Applicable matters, prerequisites first' },
  materials: { type: 'array', items: scenarioMaterial, description: 'One material list: one entry per material identity over the applicable matters', examples: [[scenarioMaterialExample]] },
  licences: { type: 'array', items: openObject({ licenceType: { type: 'string' }, subject: { type: 'string' } }, ['licenceType', 'subject']), description: 'Licence types (and whose) prefill would fetch' },
  sharedData: {
    type: 'array', items: guideSharedData,
    description: 'Shared-data resources (and whose) the scenario reads to prefill or verifies at intake (docs/shared-data.md): ask the holder\'s consent for them and name their `resource` keys in the authorisation\'s `licenceTypes`. Empty when none',
    examples: [[{ resource: 'socialInsuranceEnrolment', subject: 'applicant', resourceCode: '441400-RS-0003', resourceName: '社会保险参保信息', use: 'verification', matters: ['000578667000'] }]],
  },
  form: { type: 'object', description: 'The merged form (一表) of the scenario as a JSON Schema: one object per subject (applicant, child, …)' },
}, ['theme', 'answers', 'matters', 'materials', 'licences', 'sharedData', 'form']));

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
    type: 'object', description: 'Canonical field (`mother.name`) → the licence it came from, or (`source: shared-data`) the record of the data-sharing exchange (docs/shared-data.md)',
    additionalProperties: { anyOf: [openObject({
      source: { const: 'licence' }, licenceIdentifier: { type: 'string' }, licenceType: { type: 'string' }, licenceName: { type: 'string' }, subject: { type: 'string' },
      issuer: openObject({ name: { type: 'string' }, code: { type: 'string' } }, ['name', 'code']), verified: { type: 'boolean' }, fetchedAt: { type: 'string', format: 'date-time' },
      resultOf: openObject({ applicationId: { type: 'string' }, subApplicationId: { type: 'string' }, detail: { type: 'string', description: '"result of application <id>"' } }, ['applicationId', 'detail']),
    }, ['source', 'licenceIdentifier', 'licenceType', 'verified']), openObject({
      source: { const: 'shared-data' }, resource: { type: 'string', description: 'Shared-data resource key' }, resourceCode: { type: 'string', description: '共享目录编码' },
      resourceName: { type: 'string' }, sourceDepartment: { type: 'string', description: '数源部门' }, dataTime: { type: 'string', description: 'When the source last updated the record' },
      subject: { type: 'string' }, fetchedAt: { type: 'string', format: 'date-time' },
    }, ['source', 'resource', 'resourceCode', 'sourceDepartment', 'dataTime'])] },
  },
  fields: { type: 'array', items: openObject({ canonical: { type: 'string' }, label: { type: 'string' }, required: { type: 'boolean' }, filled: { type: 'boolean' } }, ['canonical', 'filled']) },
  conflicts: { type: 'array', items: { type: 'object' }, description: 'Two sources disagreeing on a field: the newest licence is kept, both are listed; `other` may be a shared-data record (`resourceCode`, `sourceDepartment`)' },
  licences: { type: 'array', items: openObject({ identifier: { type: 'string' }, licenceType: { type: 'string' }, name: { type: 'string' }, subject: { type: 'string' }, status: { type: 'string' }, used: { type: 'boolean' }, problems: { type: 'array', items: { type: 'string' } } }, ['identifier', 'used']) },
  materials: { type: 'array', items: { allOf: [scenarioMaterial, { type: 'object', properties: { satisfiedBy: { type: 'string', description: 'Identifier of the verified licence that supplies it' } } }] }, description: 'The guide\'s materials; `satisfiedBy` where a verified licence supplies one' },
  missingSources: { type: 'array', items: openObject({ subject: { type: 'string' }, licenceTypes: { type: 'array', items: { type: 'string' } }, kind: { enum: ['holder-not-given', 'library-unavailable'] }, reason: { type: 'string' } }, ['subject', 'kind']) },
  sharedDataSkipped: {
    type: 'array', description: 'Shared-data resources the matters name but not read (docs/shared-data.md): `not-authorised` (the authorisation does not name them; nothing asked), `exchange-unavailable`',
    items: openObject({ subject: { type: 'string' }, resources: { type: 'array', items: { type: 'string' } }, kind: { enum: ['not-authorised', 'exchange-unavailable'] }, reason: { type: 'string' } }, ['subject', 'resources', 'kind']),
  },
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

