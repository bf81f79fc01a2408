/** Shapes of authorisations (`/v1/authorizations…`), licences (`/v1/licences…`) and the licence-use ledger. */
import { component } from '../components.js';
import { consentMethod, holder, holderType, instant, licenceTypeKey, licenceTypeOrResourceKey, matterCode, nullableInstant, openObject, themeCode, uuid } from './common.js';

const purpose = {
  type: 'object', additionalProperties: false, required: ['themeCode'],
  properties: {
    themeCode,
    matterCodes: { type: 'array', maxItems: 100, uniqueItems: true, items: matterCode, description: 'Matters of the theme; empty or absent = every matter of the theme' },
    description: { type: 'string', minLength: 1, maxLength: 200, description: 'The wording the applicant saw: one line, normalised (NFC, trimmed) and kept so; not blank, no control, bidirectional formatting or noncharacters' },
  },
} as const;

export const authorizationRequest = component('AuthorizationRequest', {
  type: 'object', additionalProperties: false, required: ['holder', 'licenceTypes', 'purpose', 'expiresAt', 'consent'],
  description: 'The holder\'s consent (授权) to let the calling platform use their licences for one theme (and optionally some of its matters) until `expiresAt` (at most one year ahead). Each licence type must be held by that kind of holder.',
  properties: {
    holder,
    licenceTypes: { type: 'array', minItems: 1, maxItems: 20, uniqueItems: true, items: licenceTypeOrResourceKey, description: 'Licence types, and shared-data resources the platform may read and verify for the holder (docs/shared-data.md)' },
    purpose,
    expiresAt: { type: 'string', format: 'date-time', maxLength: 40, description: 'ISO 8601 with a time zone, in the future, at most one year ahead' },
    consent: {
      type: 'object', additionalProperties: false, required: ['method', 'at'],
      properties: { method: consentMethod, at: { type: 'string', format: 'date-time', maxLength: 40, description: 'When the applicant consented; not in the future, before `expiresAt`' } },
    },
  },
});

/** The example of docs/licences.md. */
export const authorizationExample = {
  holder: { code: '44142119990620338X', type: 'citizen' },
  licenceTypes: ['residentIdCard', 'birthCertificate', 'marriageCertificate'],
  purpose: { themeCode: 'MX-T05', matterCodes: ['000744622000'], description: '办理婴儿出生一件事' },
  expiresAt: '2027-05-24T00:00:00+08:00',
  consent: { method: 'face-recognition', at: '2026-11-24T09:58:00+08:00' },
};

/** Who acted: the person the identity platform authenticated, and the capacity they acted in (what `actor` columns hold). */
export const actorRecord = component('ActorRecord', openObject({
  subject: { type: 'string', description: 'The identity platform\'s stable subject id (`sub`)' },
  subjectType: { enum: ['natural', 'legal'], description: '`natural`: a person for themselves; `legal`: a person acting for an enterprise' },
  idNumber: { type: 'string', description: '公民身份号码 of the person (masked as `4414**********338X` in the holder\'s ledger)' },
  name: { type: 'string' },
  creditCode: { type: 'string', description: 'For `legal`: the enterprise' },
  orgRole: { enum: ['legalRepresentative', 'agent'], description: 'For `legal`: 法定代表人 or 经办人' },
  level: { enum: ['L1', 'L2', 'L3'], description: 'Real-name level (`acr`) of the login' },
  methods: { type: 'array', items: { type: 'string' }, description: 'Authentication methods (`amr`): face, esscard, sms, pwd, ebl' },
  authTime: { type: 'integer', description: 'When the person authenticated (Unix ms)' },
  capacity: { enum: ['self', 'guardian', 'agent', 'counter'], description: 'As the holder, a minor holder\'s guardian (监护人), an agent under a delegation (帮代办), or a counter officer (一窗受理)' },
  delegationId: { type: 'string', description: 'For `agent`: the delegation acted under' },
  guardianEvidence: { type: 'string', description: 'For `guardian`: the licence that shows the guardianship' },
  hall: { type: 'string', description: 'For `counter`: the service hall' },
}, ['subject', 'subjectType', 'idNumber', 'name', 'level', 'methods', 'authTime', 'capacity']));

export const authorization = component('Authorization', openObject({
  id: uuid,
  clientId: { type: 'string', description: 'The platform client that recorded it; only it may see or use it' },
  holder,
  licenceTypes: { type: 'array', items: { type: 'string' } },
  purpose: openObject({ themeCode, matterCodes: { type: 'array', items: matterCode }, description: { type: ['string', 'null'] } }, ['themeCode', 'matterCodes']),
  consent: openObject({ method: consentMethod, at: instant }, ['method', 'at']),
  createdAt: instant,
  expiresAt: instant,
  revokedAt: nullableInstant,
  status: { enum: ['active', 'expired', 'revoked'], description: 'As of the moment it was read' },
  actor: {
    anyOf: [actorRecord, { type: 'null' }],
    description: 'The person who gave it, as authenticated, and in which capacity; only they can use it. `null` for authorisations recorded before identities: those cannot be used.',
  },
}, ['id', 'clientId', 'holder', 'licenceTypes', 'purpose', 'consent', 'createdAt', 'expiresAt', 'revokedAt', 'status', 'actor']));

export const authorizationList = component('AuthorizationList', openObject({ authorizations: { type: 'array', items: authorization } }, ['authorizations']));

export const licence = component('Licence', openObject({
  identifier: { type: 'string', description: 'GB/T 36904 licence identifier (电子证照标识)' },
  licenceType: licenceTypeKey,
  typeName: { type: 'string', examples: ['居民身份证'] },
  typeCode: { type: 'string', description: '21-character licence type code' },
  number: { type: 'string', description: 'The number printed on the licence (证照编号)' },
  holder: openObject({ code: { type: 'string' }, type: holderType, name: { type: 'string' } }, ['code', 'type']),
  issuer: openObject({ name: { type: 'string' }, code: { type: 'string' } }, ['name', 'code']),
  issuedOn: { type: 'string', format: 'date' },
  validFrom: { type: 'string', format: 'date' },
  validUntil: { type: ['string', 'null'], format: 'date', description: '`null`: valid without end (长期)' },
  status: { type: 'string' },
  surface: { type: 'object', additionalProperties: { type: 'string' }, description: 'Surface data (照面信息): field key → value as printed' },
  verification: openObject({ passed: { type: 'boolean' }, problems: { type: 'array', items: { type: 'string' } } }, ['passed'], 'Issuer signature, status and validity checks; a licence failing them is returned flagged and never used for prefill'),
  ledgerSeq: { type: 'integer', description: 'The licence-use ledger entry recording this read' },
}, ['identifier', 'licenceType', 'holder', 'status', 'verification', 'ledgerSeq']));

export const licenceList = component('LicenceList', openObject({ licences: { type: 'array', items: licence } }, ['licences']));

export const licenceUse = component('LicenceUse', openObject({
  seq: { type: 'integer', minimum: 1, description: 'Position in the hash chain' },
  at: instant,
  clientId: { type: 'string' },
  holderCode: { type: 'string' },
  holderType,
  licenceIdentifier: { type: 'string' },
  licenceType: { type: 'string' },
  licenceTypeName: { type: ['string', 'null'] },
  themeCode,
  matterCodes: { type: 'array', items: matterCode },
  useCause: { type: 'string', description: '用证事由' },
  authorizationId: { type: ['string', 'null'] },
  action: { enum: ['query', 'file'] },
  outcome: { type: 'string', examples: ['used', 'refused-invalid'] },
  prevHash: { type: 'string' },
  hash: { type: 'string' },
  actor: {
    anyOf: [actorRecord, { type: 'null' }],
    description: 'The person who acted (ID number and name masked here); covered by `hash`. `null` for uses recorded before identities.',
  },
}, ['seq', 'at', 'clientId', 'licenceIdentifier', 'action', 'outcome', 'hash', 'actor']));

export const licenceUses = component('LicenceUses', openObject({
  holderCode: { type: 'string' },
  holderType: { anyOf: [holderType, { type: 'null' }] },
  uses: { type: 'array', items: licenceUse },
  next: { type: ['integer', 'null'], description: 'Pass as `before` for the next page; `null` on the last page' },
}, ['holderCode', 'uses', 'next']));
