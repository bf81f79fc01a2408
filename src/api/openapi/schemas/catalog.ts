/** Shapes of the catalogue routes (`/v1/themes…`) and of catalogue sync runs. */
import { component } from '../components.js';
import { departmentCode, instant, matterCode, nextCursor, nullableInstant, openObject, themeCode } from './common.js';

const department = openObject({ code: departmentCode, name: { type: 'string', examples: ['公安局'] } }, ['code', 'name']);

const themeFields = {
  code: themeCode,
  sequence: { type: 'integer', minimum: 1, description: 'Position in the published list (序号)' },
  name: { type: 'string', examples: ['婴儿“出生一件事”'] },
  subjectType: { type: 'string', description: 'Who applies (citizen, enterprise, …)' },
  serviceHall: { type: 'string', description: '办理地点; empty when none' },
  notes: { type: 'string', description: '备注; empty when none' },
  matterCodes: { type: 'array', items: matterCode },
  status: { type: 'string', examples: ['active', 'withdrawn'] },
  updatedAt: instant,
  version: { type: 'integer', minimum: 1 },
} as const;

export const themeSummary = component('ThemeSummary', openObject({
  ...themeFields,
  matters: { type: 'array', items: openObject({ code: matterCode, name: { type: ['string', 'null'] }, department: { anyOf: [department, { type: 'null' }] } }, ['code']) },
}, ['code', 'name', 'matterCodes', 'status', 'matters'], 'A theme with the code, name and department of each matter.'));

export const themeList = component('ThemeList', openObject({ themes: { type: 'array', items: themeSummary } }, ['themes']));

export const matter = component('Matter', openObject({
  code: matterCode,
  implementationCode: { type: 'string', description: '实施编码 (31 characters)' },
  name: { type: 'string', examples: ['国（境）内出生登记'] },
  department,
  type: { type: 'string', description: 'GB/T 39554.1 matter type, e.g. `07` 行政确认' },
  level: { type: 'string', description: 'Exercise level (行使层级)' },
  statutoryDays: { type: 'integer', description: '法定办结时限, working days' },
  promisedDays: { type: 'integer', description: '承诺办结时限, working days' },
  materials: {
    type: 'array', description: 'The matter\'s materials under its own codes and names (the identities they stand for: `mappings/materials.yaml`, the guide)',
    items: openObject({
      code: { type: 'string', description: 'The matter\'s own material code', examples: ['000744622000-01'] }, name: { type: 'string' },
      form: { enum: ['original', 'copy'] }, required: { type: 'boolean' },
      licenceType: { type: 'string', description: 'Chinese name of the licence type that can supply it' },
      deferral: openObject({ allowed: { type: 'boolean' }, days: { type: 'integer', minimum: 0 } }, ['allowed', 'days'], '容缺: may follow within `days` working days after acceptance'),
      commitment: openObject({ allowed: { type: 'boolean' }, text: { type: 'string' } }, ['allowed', 'text'], '告知承诺: the applicant\'s commitment, in the catalogue\'s words, may replace it'),
    }, ['code', 'name']),
  },
  formFields: { type: 'array', items: { type: 'object' } },
  notes: { type: 'string' },
  updatedAt: instant,
  version: { type: 'integer' },
}, ['code', 'name', 'department'], 'A matter (事项) as the catalogue describes it. A matter the stored catalogue lacks appears as `{code, missing: true}`.'));

export const themeDetail = component('Theme', openObject({ ...themeFields, matters: { type: 'array', items: matter } }, ['code', 'name', 'matters']));

export const syncRunTrigger = component('SyncRunTrigger', {
  type: 'object', additionalProperties: false,
  description: 'Which catalogue sync to run now. An empty body runs an incremental sync.',
  properties: { kind: { enum: ['full', 'incremental'], default: 'incremental', description: '`full` re-reads every theme and matter; `incremental` asks for changes since the watermark' } },
});

export const syncRun = component('SyncRun', openObject({
  id: { type: 'integer' },
  kind: { enum: ['full', 'incremental'] },
  trigger: { type: 'string', description: '`startup`, `schedule` or `ops:<client id>`' },
  status: { enum: ['running', 'succeeded', 'failed'] },
  startedAt: instant,
  finishedAt: nullableInstant,
  updatedSince: nullableInstant,
  themesReceived: { type: 'integer' },
  mattersReceived: { type: 'integer' },
  themesChanged: { type: 'integer' },
  mattersChanged: { type: 'integer' },
  errorCode: { type: ['string', 'null'], description: 'e.g. `UPSTREAM_TIMEOUT`, `CATALOGUE_INCONSISTENT` (docs/catalogue.md)' },
  errorMessage: { type: ['string', 'null'] },
}, ['id', 'kind', 'trigger', 'status', 'startedAt']));

export const syncRunList = component('SyncRunList', openObject({ runs: { type: 'array', items: syncRun }, nextCursor }, ['runs', 'nextCursor']));
