/** Schemas of how results reach the applicant (领证方式): the choice, hand-overs, mailings and the view's sections. */
import { component } from '../components.js';
import { instant, nullableInstant, openObject, uuid } from './common.js';

const text = (maxLength: number, description?: string) => ({ type: 'string', minLength: 1, maxLength, ...(description ? { description } : {}) }) as const;
const mobile = { type: 'string', pattern: '^1\\d{10}$', description: 'Mainland mobile number, 11 digits' } as const;
const place = { province: text(30, '省'), city: text(30, '市'), county: text(30, '区县'), detail: text(120, '详细地址'), postcode: { type: 'string', pattern: '^\\d{6}$' } };

/** A postal address as an applicant gives it. */
export const postalAddress = component('PostalAddress', {
  type: 'object', additionalProperties: false, required: ['recipient', 'mobile', 'province', 'city', 'county', 'detail'],
  properties: { recipient: text(30, '收件人'), mobile, ...place },
});

export const resultDeliveryChoice = component('ResultDeliveryChoice', {
  description: '领证方式: `online` download (the default when absent), `window` — collected at a service hall (一窗出件, `hallCode` one of mappings/halls.yaml) — or `post` (邮政寄递 to `address`).',
  oneOf: [
    { type: 'object', additionalProperties: false, required: ['method'], properties: { method: { const: 'online' } } },
    { type: 'object', additionalProperties: false, required: ['method', 'hallCode'], properties: { method: { const: 'window' }, hallCode: { type: 'string', examples: ['meizhou-hall'] } } },
    { type: 'object', additionalProperties: false, required: ['method', 'address'], properties: { method: { const: 'post' }, address: postalAddress } },
  ],
});

const maskedAddress = openObject({ name: { type: 'string' }, mobile: { type: 'string' }, province: { type: 'string' }, city: { type: 'string' }, county: { type: 'string' }, detail: { const: '****' } },
  ['name', 'mobile', 'province', 'city', 'county'], 'Masked: the name\'s first character, the mobile\'s 3 + 4 digits, no street detail');
const hall = { type: ['object', 'null'], properties: { code: { type: 'string' }, name: { type: ['string', 'null'] }, address: { type: ['string', 'null'] } } } as const;
const trace = openObject({
  sequence: { type: 'integer', minimum: 1 }, code: { enum: ['accepted', 'in-transit', 'arrived', 'out-for-delivery', 'delivered', 'failed', 'returned', 'cancelled'] },
  time: { type: 'string', description: 'As the carrier stated it (ISO 8601, +08:00)' }, location: { type: 'string' }, description: { type: 'string' },
  signer: { type: 'string' }, reason: { type: 'string' },
}, ['sequence', 'code', 'time', 'location', 'description']);
const posting = {
  waybillNo: { type: ['string', 'null'], description: 'UPU S10 waybill number, once created' },
  orderNo: { type: 'string', description: 'Tongban\'s order number: the application id + `-R` (results) or `-M<n>` (mailing n)' },
  status: { type: 'string', description: '`waiting_for_logistics` (no mail service configured yet), `creating`, `not_created` (gave up: see lastError), then the waybill\'s: created, accepted, in-transit, arrived, out-for-delivery, delivered, failed, returned, cancelled' },
  waitingFor: { type: 'string' }, attempts: { type: 'integer' }, lastError: { type: ['string', 'null'] },
  items: { type: 'array', items: openObject({ name: { type: 'string' }, count: { type: 'integer' } }, ['name', 'count']) },
  trace: { type: 'array', items: trace, description: 'Trace events applied so far, in carrier order' },
  createdAt: nullableInstant, updatedAt: nullableInstant,
};

export const resultDeliveryView = component('ResultDelivery', openObject({
  ...posting,
  method: { enum: ['online', 'window', 'post'] },
  status: { type: 'string', description: 'online; window: awaiting_results, ready_for_collection, collected, no_results; post: awaiting_results, no_results, then the posting\'s status' },
  hall, readyAt: nullableInstant, address: maskedAddress,
  handover: { type: ['object', 'null'], description: 'Window: who collected, when, where (ID number masked)' },
}, ['method', 'status'], 'How the results reach the applicant, and where that stands'));

export const mailing = component('Mailing', openObject({ id: uuid, hall, sender: maskedAddress, ...posting }, ['id', 'status', 'trace'], 'Originals the applicant posts in (双向寄递)'));

export const mailingRequest = component('MailingRequest', {
  type: 'object', additionalProperties: false, required: ['items', 'sender'],
  properties: {
    items: { type: 'array', minItems: 1, maxItems: 20, items: text(60), description: 'The originals posted: material identities (CL001) or names' },
    sender: { type: 'object', additionalProperties: false, required: ['name', 'mobile', 'province', 'city', 'county', 'detail'], properties: { name: text(30, '寄件人'), mobile, ...place } },
  },
});

export const handoverRequest = component('HandoverRequest', {
  type: 'object', additionalProperties: false, required: ['applicationId', 'collector'],
  properties: {
    applicationId: uuid,
    collector: {
      type: 'object', additionalProperties: false, required: ['name', 'idNumber', 'idChecked', 'relation'],
      properties: {
        name: text(30), idNumber: { type: 'string', pattern: '^\\d{17}[\\dX]$', description: 'Valid 公民身份号码; for `self`, one of the application\'s holders' },
        idChecked: { const: true, description: 'The staff member checked the ID document against the person' },
        relation: { enum: ['self', 'agent'] },
      },
    },
  },
});

export const handover = component('Handover', openObject({
  applicationId: uuid, hallCode: { type: 'string' }, status: { const: 'collected' }, collectedAt: instant,
  collector: openObject({ name: { type: 'string' }, idNumber: { type: 'string', description: 'Masked: 4 + ********** + 4' }, relation: { enum: ['self', 'agent'] } }, ['name', 'idNumber', 'relation']),
  items: { type: 'array', items: { type: 'object' } }, staff: openObject({ name: { type: 'string' } }, ['name']),
}, ['applicationId', 'hallCode', 'status', 'collectedAt', 'collector']));
