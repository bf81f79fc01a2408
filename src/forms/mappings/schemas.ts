/** JSON Schemas of the mapping files (docs/mappings.md). Structure only; cross-references are checked by the loader. */

const GROUP_MEMBER = '^[a-z][A-Za-z0-9]*\\.[a-z][A-Za-z0-9]*$';
const CANONICAL_REF = '^(\\$subject|[a-z][A-Za-z0-9]*)\\.[a-z][A-Za-z0-9]*$';
const NAME = '^[a-z][A-Za-z0-9]*$';
/** A material identity code, `CL001`. */
const MATERIAL_IDENTITY = '^[A-Z]{2}[0-9]{3}$';

const fieldSpec = {
  type: 'object', additionalProperties: false, required: ['type', 'label'],
  properties: {
    type: { enum: ['string', 'date', 'integer', 'number', 'boolean'] },
    label: { type: 'string', minLength: 1 },
    format: { enum: ['idNumber', 'creditCode', 'organizationCode', 'licenceIdentifier', 'areaCode', 'phone'] },
    enum: { type: 'array', minItems: 1, items: { type: ['string', 'number'] } },
    maxLength: { type: 'integer', minimum: 1 }, minLength: { type: 'integer', minimum: 0 }, pattern: { type: 'string' },
    minimum: { type: 'number' }, maximum: { type: 'number' },
  },
};

export const dictionarySchema = {
  type: 'object', additionalProperties: false, required: ['fields'],
  properties: { fields: { type: 'object', propertyNames: { pattern: GROUP_MEMBER }, additionalProperties: fieldSpec, minProperties: 1 } },
};

export const codeTableSchema = {
  type: 'object', additionalProperties: false, required: ['values'],
  properties: { description: { type: 'string' }, values: { type: 'object', minProperties: 1, additionalProperties: { type: 'string' } } },
};

const transform = { type: 'string', minLength: 1 };

export const licenceSchema = {
  type: 'object', additionalProperties: false, required: ['licenceType', 'name', 'holderType', 'fields'],
  properties: {
    licenceType: { type: 'string', pattern: NAME },
    name: { type: 'string', minLength: 1 },
    holderType: { enum: ['citizen', 'organization'] },
    fields: {
      type: 'object', minProperties: 1,
      additionalProperties: { type: 'object', additionalProperties: false, required: ['canonical'], properties: { canonical: { type: 'string', pattern: CANONICAL_REF }, transform } },
    },
  },
};

const licenceUse = {
  type: 'object', additionalProperties: false, required: ['licenceType', 'subject'],
  properties: { licenceType: { type: 'string', pattern: NAME }, subject: { type: 'string', pattern: NAME } },
};

/** Where a value of an issued licence comes from (src/licence-issuance/issuance-declaration.ts); a list: the first that has one. */
const issuanceSourceOne = {
  type: 'object', minProperties: 1, maxProperties: 1, additionalProperties: false,
  properties: { canonical: { type: 'string', minLength: 1 }, result: { type: 'string', minLength: 1 }, value: { type: 'string', minLength: 1 }, completedOn: { const: true }, validUntil: { const: true } },
};
const issuanceSource = { anyOf: [issuanceSourceOne, { type: 'array', minItems: 1, items: issuanceSourceOne }] };

/** `issues:` — the matter's result is a licence the gateway issues into the library (docs/licence-issuance.md). */
const issuesSchema = {
  type: 'object', additionalProperties: false, required: ['licenceType', 'issuer', 'holder', 'number', 'file', 'surface'],
  properties: {
    licenceType: { type: 'string', pattern: NAME },
    issuer: {
      type: 'object', additionalProperties: false, required: ['name', 'creditCode', 'areaCode'],
      properties: { name: { type: 'string', minLength: 1 }, creditCode: { type: 'string', pattern: '^[0-9A-Z]{18}$' }, areaCode: { type: 'string', pattern: '^\\d{6}$' } },
    },
    holder: { type: 'object', additionalProperties: false, required: ['code', 'name'], properties: { code: issuanceSource, name: issuanceSource } },
    number: issuanceSource,
    /** The result (by name) whose sealed document is the licence's file. */
    file: { type: 'string', minLength: 1 },
    /** Years of validity from the completion date; absent = 长期. */
    validYears: { type: 'integer', minimum: 1, maximum: 100 },
    surface: { type: 'object', minProperties: 1, additionalProperties: issuanceSource },
  },
};

export const matterSchema = {
  type: 'object', additionalProperties: false, required: ['matter', 'name', 'department', 'fields'],
  properties: {
    matter: { type: 'string', pattern: '^[0-9A-Z]{12}$' },
    name: { type: 'string', minLength: 1 },
    department: { type: 'string', pattern: '^[a-z0-9]{1,32}$' },
    licences: { type: 'array', items: licenceUse },
    fields: {
      type: 'object', minProperties: 1,
      additionalProperties: { type: 'object', additionalProperties: false, required: ['canonical'], properties: { canonical: { type: 'string', pattern: GROUP_MEMBER }, transform } },
    },
    constants: {
      type: 'object',
      additionalProperties: { type: 'object', additionalProperties: false, required: ['value'], properties: { value: { type: ['string', 'integer', 'boolean'] }, transform } },
    },
    materials: { type: 'object', propertyNames: { pattern: MATERIAL_IDENTITY }, additionalProperties: licenceUse },
    materialIdentities: { type: 'object', propertyNames: { minLength: 1 }, additionalProperties: { type: 'string', pattern: MATERIAL_IDENTITY } },
    issues: issuesSchema,
    /** Shared-data resources (docs/shared-data.md) whose records fill this matter's fields, and whose. */
    sharedData: {
      type: 'array',
      items: { type: 'object', additionalProperties: false, required: ['resource', 'subject'], properties: { resource: { type: 'string', pattern: NAME }, subject: { type: 'string', pattern: NAME } } },
    },
    /** Statements about a subject verified through the data-sharing exchange at intake (在线核验). */
    verifications: {
      type: 'array',
      items: {
        type: 'object', additionalProperties: false, required: ['resource', 'subject', 'claims'],
        properties: { resource: { type: 'string', pattern: NAME }, subject: { type: 'string', pattern: NAME }, claims: { type: 'object', minProperties: 1, additionalProperties: { type: 'string', minLength: 1 } } },
      },
    },
  },
};

/** `mappings/shared-data/<resource>.yaml`: a shared-data resource's fields → canonical fields (like a licence's surface). */
export const sharedDataSchema = {
  type: 'object', additionalProperties: false, required: ['resource', 'name', 'fields'],
  properties: {
    resource: { type: 'string', pattern: NAME },
    name: { type: 'string', minLength: 1 },
    fields: licenceSchema.properties.fields,
  },
};

const materialName = { type: 'string', minLength: 1, maxLength: 100 };

export const materialsSchema = {
  type: 'object', additionalProperties: false, required: ['materials'],
  properties: {
    materials: {
      type: 'object', minProperties: 1, propertyNames: { pattern: MATERIAL_IDENTITY },
      additionalProperties: {
        type: 'object', additionalProperties: false, required: ['name', 'names'],
        properties: {
          name: materialName,
          names: { type: 'array', minItems: 1, uniqueItems: true, items: materialName },
          licenceType: { type: 'string', pattern: NAME },
          generated: { enum: ['application-form'] },
          prerequisiteResult: {
            type: 'object', additionalProperties: false, required: ['resultName', 'matters'],
            properties: { resultName: materialName, matters: { type: 'array', minItems: 1, uniqueItems: true, items: { type: 'string', pattern: '^[0-9A-Z]{12}$' } } },
          },
          mediaTypes: { type: 'array', minItems: 1, uniqueItems: true, items: { enum: ['application/pdf', 'application/ofd', 'image/jpeg', 'image/png'] } },
        },
      },
    },
  },
};

const question = {
  type: 'object', additionalProperties: false, required: ['id', 'label', 'type'],
  properties: {
    id: { type: 'string', pattern: NAME },
    label: { type: 'string', minLength: 1 },
    type: { enum: ['boolean', 'enum', 'integer'] },
    options: { type: 'array', minItems: 1, items: { type: 'object', additionalProperties: false, required: ['value', 'label'], properties: { value: { type: 'string' }, label: { type: 'string' } } } },
    default: { type: ['boolean', 'string', 'integer'] },
    minimum: { type: 'integer' }, maximum: { type: 'integer' },
  },
};

export const themeSchema = {
  type: 'object', additionalProperties: false, required: ['theme', 'name', 'matters'],
  properties: {
    theme: { type: 'string', pattern: '^[A-Za-z0-9._-]{1,64}$' },
    name: { type: 'string', minLength: 1 },
    subjects: { type: 'array', items: { type: 'string', pattern: NAME } },
    questions: { type: 'array', items: question },
    sameAs: {
      type: 'object', propertyNames: { pattern: NAME },
      additionalProperties: {
        type: 'array', minItems: 1,
        items: { type: 'object', additionalProperties: false, required: ['subject'], properties: { subject: { type: 'string', pattern: NAME }, when: {} } },
      },
    },
    matters: {
      type: 'array', minItems: 1,
      items: {
        type: 'object', additionalProperties: false, required: ['code'],
        properties: {
          code: { type: 'string', pattern: '^[0-9A-Z]{12}$' },
          when: {},
          after: { type: 'array', items: { type: 'string' } },
          resultAs: { type: 'string', pattern: GROUP_MEMBER },
        },
      },
    },
  },
};
