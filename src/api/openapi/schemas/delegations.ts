/** Shapes of delegations (`/v1/delegations…`, 帮代办). */
import { MAX_DELEGATION_LICENCE_TYPES, MAX_DELEGATION_THEMES } from '../../../identity/delegation-request.js';
import { component } from '../components.js';
import { holder, instant, licenceTypeOrResourceKey, nextCursor, nullableInstant, openObject, themeCode, uuid } from './common.js';

const personAgent = {
  type: 'object', additionalProperties: false, required: ['type', 'idNumber', 'name'],
  description: 'A named person: they act when logged in at the identity platform as themselves, or as the holder enterprise\'s 经办人 (`org_role` agent)',
  properties: {
    type: { const: 'person' },
    idNumber: { type: 'string', maxLength: 32, description: 'The agent\'s 公民身份号码, check character included; not the holder\'s own' },
    name: { type: 'string', minLength: 1, maxLength: 50 },
  },
} as const;

const serviceAgent = {
  type: 'object', additionalProperties: false, required: ['type', 'clientId'],
  description: 'A 帮代办 service: an active platform client registered with Tongban; whoever logs in through it may act under the delegation',
  properties: { type: { const: 'service' }, clientId: { type: 'string', minLength: 1, maxLength: 64 } },
} as const;

export const delegationRequest = component('DelegationRequest', {
  type: 'object', additionalProperties: false, required: ['agent', 'themeCodes', 'licenceTypes', 'expiresAt'],
  description: 'A delegation from the holder the ID token authenticates (a citizen, or an enterprise through its legal representative): the holder is never named in the body.',
  properties: {
    agent: { oneOf: [personAgent, serviceAgent] },
    themeCodes: { type: 'array', minItems: 1, maxItems: MAX_DELEGATION_THEMES, uniqueItems: true, items: themeCode, description: 'Themes of the catalogue, none withdrawn' },
    licenceTypes: { type: 'array', minItems: 1, maxItems: MAX_DELEGATION_LICENCE_TYPES, uniqueItems: true, items: licenceTypeOrResourceKey, description: 'Licence types the holder\'s kind holds, and shared-data resources (a citizen\'s; docs/shared-data.md): what the agent may name in an authorisation for the holder, to read licences, and to read and verify shared data' },
    expiresAt: { type: 'string', format: 'date-time', maxLength: 40, description: 'ISO 8601 with a time zone, in the future, at most one year ahead' },
  },
});

export const delegationExample = {
  agent: { type: 'person', idNumber: '441421199409100013', name: '叶斌文' },
  themeCodes: ['MX-T05'],
  licenceTypes: ['residentIdCard', 'birthCertificate', 'marriageCertificate'],
  expiresAt: '2027-06-30T23:59:59+08:00',
};

export const delegation = component('Delegation', openObject({
  id: uuid,
  holder,
  agent: { oneOf: [openObject({ type: { const: 'person' }, idNumber: { type: 'string' }, name: { type: 'string' } }, ['type', 'idNumber', 'name']), openObject({ type: { const: 'service' }, clientId: { type: 'string' } }, ['type', 'clientId'])] },
  themeCodes: { type: 'array', items: { type: 'string' } },
  licenceTypes: { type: 'array', items: { type: 'string' } },
  createdAt: instant,
  expiresAt: instant,
  revokedAt: nullableInstant,
  status: { enum: ['active', 'expired', 'revoked'], description: 'As of the moment it was read' },
  grantedBy: openObject({
    subject: { type: 'string' }, subjectType: { enum: ['natural', 'legal'] }, idNumber: { type: 'string' }, name: { type: 'string' },
    level: { enum: ['L1', 'L2', 'L3'] }, methods: { type: 'array', items: { type: 'string' } }, authTime: { type: 'integer', description: 'Unix ms' },
    tokenDigest: { type: 'string', description: 'base64url SHA-256 of the ID token presented' }, issuer: { type: 'string' }, clientId: { type: 'string' },
  }, ['subject', 'subjectType', 'idNumber', 'name', 'level', 'methods', 'authTime', 'tokenDigest', 'issuer', 'clientId'], 'The holder\'s authenticated session that granted it (its signature): who, at what real-name level, by which method, when, with which ID token'),
}, ['id', 'holder', 'agent', 'themeCodes', 'licenceTypes', 'createdAt', 'expiresAt', 'revokedAt', 'status', 'grantedBy']));

export const delegationList = component('DelegationList', openObject({ delegations: { type: 'array', items: delegation }, nextCursor }, ['delegations', 'nextCursor']));
