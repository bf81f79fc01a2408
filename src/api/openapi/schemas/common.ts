/** Small shapes shared by the request and response schemas. */
import { CONSENT_METHODS, THEME_CODE_PATTERN } from '../../../licences/authorization-request.js';
import { HOLDER_TYPES } from '../../../licences/holder.js';
import { LICENCE_TYPES } from '../../../domain/licence-library.js';
import { SHARED_RESOURCES } from '../../../domain/shared-data.js';
import { component } from '../components.js';

export const themeCode = { type: 'string', pattern: THEME_CODE_PATTERN, description: 'Theme code (一件事 code) of the catalogue', examples: ['MX-T05'] } as const;
export const matterCode = { type: 'string', pattern: '^[0-9A-Za-z]{1,64}$', description: 'Matter code (事项编码, GB/T 39554.1)', examples: ['000744622000'] } as const;
export const departmentCode = { type: 'string', pattern: '^[a-z0-9]{1,32}$', description: 'Department code (`mappings/departments.json`)', examples: ['gaj'] } as const;
export const uuid = { type: 'string', format: 'uuid' } as const;
export const instant = { type: 'string', format: 'date-time', description: 'ISO 8601 instant' } as const;
export const nullableInstant = { type: ['string', 'null'], format: 'date-time' } as const;
export const licenceTypeKey = component('LicenceTypeKey', {
  type: 'string', enum: Object.keys(LICENCE_TYPES),
  description: `Licence type key: ${Object.entries(LICENCE_TYPES).map(([key, type]) => `\`${key}\` ${type.name}`).join(', ')}`,
});
export const sharedResourceKey = component('SharedResourceKey', {
  type: 'string', enum: Object.keys(SHARED_RESOURCES),
  description: `Shared-data resource key (docs/shared-data.md): ${Object.entries(SHARED_RESOURCES).map(([key, resource]) => `\`${key}\` ${resource.name} (${resource.code}, ${resource.sourceDepartment})`).join(', ')}`,
});
/** An item of the `licenceTypes` of an authorisation, a delegation (帮代办) or a counter code: all three accept both kinds of key. */
export const licenceTypeOrResourceKey = {
  anyOf: [licenceTypeKey, sharedResourceKey], description: 'A licence type key, or a shared-data resource key (docs/shared-data.md), held by the holder\'s kind (every resource is a citizen\'s)',
} as const;
export const holderType = { enum: [...HOLDER_TYPES], description: '`citizen` (ID number) or `organization` (unified social credit code)' } as const;
export const holder = component('Holder', {
  type: 'object', additionalProperties: false, required: ['code', 'type'],
  description: 'A licence holder: a citizen by ID number (公民身份号码) or an organisation by unified social credit code (统一社会信用代码), check character included.',
  properties: { code: { type: 'string', maxLength: 32, examples: ['44142119990620338X'] }, type: holderType },
});
export const consentMethod = { enum: [...CONSENT_METHODS], description: 'How the applicant consented: face recognition, SMS code, signature, or at a service-hall counter' } as const;

/** An object whose members are not all listed (answers evolve additively). */
export function openObject(properties: Record<string, unknown>, required: readonly string[] = [], description?: string) {
  return { type: 'object', required: [...required], properties, ...(description ? { description } : {}) } as const;
}

/** The cursor of a keyset-paginated list's next page (pass it as `?cursor=`); null on the last page. */
export const nextCursor = { type: ['string', 'null'], maxLength: 512, description: 'Pass as `?cursor=` for the next page; null on the last page' } as const;
