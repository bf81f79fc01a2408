/**
 * The SubmitSubApplication operation of the SOAP department service: the
 * request and answer documents (only the fields Tongban reads are checked).
 *
 * Request (`POST {baseUrl}/services/SubApplicationService`, `text/xml;
 * charset=utf-8`, `SOAPAction: "urn:tongban:department:v1/SubmitSubApplication"`):
 *   <tb:SubmitSubApplication> deliveryId, idempotencyKey, applicationId,
 *   subApplicationId, matterCode, matterName, departmentCode, submittedAt,
 *   <tb:form><tb:field name="…" type="…">value</tb:field>…</tb:form>,
 *   <tb:materials><tb:material>code?, name, identity?, form?, required?, satisfiedBy?, version?,
 *     licenceIdentifier?, fileRef?, <tb:file>sha256, size, mediaType, downloadPath?, downloadExpiresAt?</tb:file>?,
 *     <tb:commitment>text, consentMethod, committedAt, signature</tb:commitment>?,
 *     <tb:outstanding>dueDate?, days</tb:outstanding>?</tb:material>…</tb:materials>,
 *   <tb:prerequisiteResults><tb:result>matterCode, subApplicationId, name, licenceIdentifier?, fileRef?</tb:result>…</tb:prerequisiteResults>?,
 *   version? (a later version of the sub-application: its own idempotency key),
 *   <tb:supplement>requestId?, reason?, <tb:changedMaterials><tb:code>…</tb:code>…</tb:changedMaterials>,
 *     <tb:changedFields><tb:code>…</tb:code>…</tb:changedFields></tb:supplement>?
 * Field `type` is absent for text, or `number`, `boolean`, `null`, `json`
 * (groups and lists, and text XML cannot carry: control characters, CR).
 * Tongban's signature rides in HTTP headers over the exact body bytes.
 *
 * Answer: <tb:SubmitSubApplicationResponse><tb:receipt>departmentCode,
 * deliveryId, subApplicationId, idempotencyKey, acceptanceNumber, receivedAt,
 * duplicate</tb:receipt><tb:signature algorithm="…" keyId="…">receipt JWS</tb:signature>,
 * or a SOAP Fault.
 */
import { Ajv } from 'ajv';
import type { DeliveryMaterial, DepartmentFormValue, ReceiptFields, SubApplicationDelivery } from '../../src/domain/department-channel.js';
import { attribute, buildEnvelope, child, children, text, type XmlNode } from './soap-envelope.js';

/** Service path under the department's base URL. */
export const SERVICE_PATH = '/services/SubApplicationService';
/** SOAPAction of the operation (sent quoted, as SOAP 1.1 wants). */
export const SUBMIT_ACTION = 'urn:tongban:department:v1/SubmitSubApplication';

/** Text XML 1.0 cannot carry, or that parsers change (CR is normalised to LF). */
const NOT_XML_SAFE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\r\ufffe\uffff]/;

/** Attribute values lose control characters and line breaks to XML attribute normalisation. */
const NOT_NAME_SAFE = /[\u0000-\u001f\ufffe\uffff]/;

function encodeField(name: string, value: DepartmentFormValue): XmlNode {
  if (NOT_NAME_SAFE.test(name)) throw new TypeError(`form field name ${JSON.stringify(name)} cannot be carried in an XML attribute`);
  if (typeof value === 'string' && !NOT_XML_SAFE.test(value)) return { '@_name': name, '#text': value };
  if (typeof value === 'number') return { '@_name': name, '@_type': 'number', '#text': String(value) };
  if (typeof value === 'boolean') return { '@_name': name, '@_type': 'boolean', '#text': String(value) };
  if (value === null) return { '@_name': name, '@_type': 'null', '#text': '' };
  return { '@_name': name, '@_type': 'json', '#text': JSON.stringify(value) };
}

function decodeField(node: unknown): [string, DepartmentFormValue] {
  const name = attribute(node, 'name');
  const value = text(node);
  if (name === undefined || value === undefined) throw new Error('a form field without a name or with child elements');
  switch (attribute(node, 'type') ?? 'string') {
    case 'string':
      return [name, value];
    case 'number': {
      const number = Number(value);
      if (value.trim() === '' || !Number.isFinite(number)) throw new Error(`form field "${name}" is not a number`);
      return [name, number];
    }
    case 'boolean':
      if (value !== 'true' && value !== 'false') throw new Error(`form field "${name}" is not true or false`);
      return [name, value === 'true'];
    case 'null':
      return [name, null];
    case 'json':
      return [name, JSON.parse(value) as DepartmentFormValue];
    default:
      throw new Error(`form field "${name}" has an unknown type`);
  }
}

/** Leaf elements in the `tb` namespace, skipping absent optional values. */
function leaves(values: Record<string, string | undefined>): XmlNode {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined).map(([key, value]) => [`tb:${key}`, value]));
}

/** A material as XML: scalar members as leaves, the file, commitment and outstanding parts as nested elements. */
function encodeMaterial(material: DeliveryMaterial): XmlNode {
  const { file, commitment, outstanding } = material;
  for (const value of [material.name, commitment?.text]) {
    if (value !== undefined && NOT_XML_SAFE.test(value)) throw new TypeError(`material text ${JSON.stringify(value)} cannot be carried in XML`);
  }
  return {
    ...leaves({
      code: material.code, name: material.name, identity: material.identity, form: material.form,
      required: material.required === undefined ? undefined : String(material.required), satisfiedBy: material.satisfiedBy,
      version: material.version === undefined ? undefined : String(material.version), licenceIdentifier: material.licenceIdentifier, fileRef: material.fileRef,
    }),
    ...(file ? {
      'tb:file': leaves({ sha256: file.sha256, size: String(file.size), mediaType: file.mediaType, downloadPath: file.download?.path, downloadExpiresAt: file.download?.expiresAt }),
    } : {}),
    ...(commitment ? { 'tb:commitment': leaves({ ...commitment }) } : {}),
    ...(outstanding ? { 'tb:outstanding': leaves({ dueDate: outstanding.dueDate ?? undefined, days: String(outstanding.days) }) } : {}),
  };
}

/** The request document for a delivery. */
export function submitRequestXml(delivery: SubApplicationDelivery): string {
  return buildEnvelope({
    'tb:SubmitSubApplication': {
      ...leaves({
        deliveryId: delivery.deliveryId, idempotencyKey: delivery.idempotencyKey, applicationId: delivery.applicationId,
        subApplicationId: delivery.subApplicationId, matterCode: delivery.matterCode, matterName: delivery.matterName,
        departmentCode: delivery.departmentCode, submittedAt: delivery.submittedAt,
      }),
      'tb:form': { 'tb:field': Object.entries(delivery.form).map(([name, value]) => encodeField(name, value)) },
      'tb:materials': { 'tb:material': delivery.materials.map(encodeMaterial) },
      ...(delivery.prerequisiteResults ? {
        'tb:prerequisiteResults': { 'tb:result': delivery.prerequisiteResults.map((result) => leaves({ ...result })) },
      } : {}),
      ...(delivery.version === undefined ? {} : leaves({ version: String(delivery.version) })),
      ...(delivery.supplement ? { 'tb:supplement': encodeSupplement(delivery.supplement) } : {}),
    },
  });
}

/** What a later version changed, as XML: the codes as repeated `tb:code` elements. */
function encodeSupplement(supplement: NonNullable<SubApplicationDelivery['supplement']>): XmlNode {
  if (supplement.reason !== undefined && NOT_XML_SAFE.test(supplement.reason)) throw new TypeError(`supplement reason ${JSON.stringify(supplement.reason)} cannot be carried in XML`);
  return {
    ...leaves({ requestId: supplement.requestId, reason: supplement.reason }),
    'tb:changedMaterials': { 'tb:code': [...supplement.changedMaterials] },
    'tb:changedFields': { 'tb:code': [...supplement.changedFields] },
  };
}

/**
 * Reads a request Body back into a delivery-shaped object (the simulator then
 * checks it against the delivery schema). Throws Error naming what is wrong.
 */
export function readSubmitRequest(body: XmlNode): unknown {
  const operation = child(body, 'SubmitSubApplication');
  if (operation === undefined) throw new Error('the Body holds no SubmitSubApplication');
  const leaf = (node: unknown, name: string) => {
    const value = text(child(node, name));
    return value === undefined ? undefined : value.trim();
  };
  const optional = (node: unknown, names: string[]) => Object.fromEntries(names.map((name) => [name, leaf(node, name)]).filter(([, value]) => value !== undefined));
  const prerequisites = child(operation, 'prerequisiteResults');
  const supplement = child(operation, 'supplement');
  return {
    ...optional(operation, ['deliveryId', 'idempotencyKey', 'applicationId', 'subApplicationId', 'matterCode', 'matterName', 'departmentCode', 'submittedAt']),
    form: Object.fromEntries(children(child(operation, 'form'), 'field').map(decodeField)),
    materials: children(child(operation, 'materials'), 'material').map((material) => {
      // Numbers and booleans travel as text; a value that is not one stays text, and the delivery schema refuses it.
      const scalar = optional(material, ['code', 'name', 'identity', 'form', 'required', 'satisfiedBy', 'version', 'licenceIdentifier', 'fileRef']) as Record<string, unknown>;
      if (scalar['required'] === 'true' || scalar['required'] === 'false') scalar['required'] = scalar['required'] === 'true';
      if (typeof scalar['version'] === 'string' && /^\d+$/.test(scalar['version'])) scalar['version'] = Number(scalar['version']);
      const file = child(material, 'file');
      const commitment = child(material, 'commitment');
      const outstanding = child(material, 'outstanding');
      return {
        ...scalar,
        ...(file === undefined ? {} : (() => {
          const parts = optional(file, ['sha256', 'size', 'mediaType', 'downloadPath', 'downloadExpiresAt']) as Record<string, string | undefined>;
          return {
            file: {
              sha256: parts['sha256'], size: /^\d+$/.test(parts['size'] ?? '') ? Number(parts['size']) : parts['size'], mediaType: parts['mediaType'],
              ...(parts['downloadPath'] === undefined ? {} : { download: { path: parts['downloadPath'], expiresAt: parts['downloadExpiresAt'] } }),
            },
          };
        })()),
        ...(commitment === undefined ? {} : { commitment: optional(commitment, ['text', 'consentMethod', 'committedAt', 'signature']) }),
        ...(outstanding === undefined ? {} : (() => {
          const parts = optional(outstanding, ['dueDate', 'days']) as Record<string, string | undefined>;
          return { outstanding: { dueDate: parts['dueDate'] ?? null, days: /^\d+$/.test(parts['days'] ?? '') ? Number(parts['days']) : parts['days'] } };
        })()),
      };
    }),
    ...(prerequisites === undefined ? {} : {
      prerequisiteResults: children(prerequisites, 'result').map((result) => optional(result, ['matterCode', 'subApplicationId', 'name', 'licenceIdentifier', 'fileRef'])),
    }),
    ...(() => {
      const version = leaf(operation, 'version');
      return version === undefined ? {} : { version: /^\d+$/.test(version) ? Number(version) : version };
    })(),
    ...(supplement === undefined ? {} : {
      supplement: {
        ...optional(supplement, ['requestId', 'reason']),
        changedMaterials: children(child(supplement, 'changedMaterials'), 'code').map((code) => text(code)?.trim()),
        changedFields: children(child(supplement, 'changedFields'), 'code').map((code) => text(code)?.trim()),
      },
    }),
  };
}

/** The receipt fields of an answer. */
export type SoapReceipt = ReceiptFields;

/** The answer document: receipt fields and the department's signature element. */
export function submitResponseXml(receipt: SoapReceipt, signature: { token: string; algorithm: string; keyId: string }): string {
  return buildEnvelope({
    'tb:SubmitSubApplicationResponse': {
      'tb:receipt': leaves({ ...receipt, duplicate: String(receipt.duplicate) }),
      'tb:signature': { '@_algorithm': signature.algorithm, '@_keyId': signature.keyId, '#text': signature.token },
    },
  });
}

const text200 = { type: 'string', minLength: 1, maxLength: 200 } as const;
const answerSchema = {
  type: 'object', required: ['receipt', 'signature'],
  properties: {
    receipt: {
      type: 'object', required: ['departmentCode', 'deliveryId', 'subApplicationId', 'idempotencyKey', 'acceptanceNumber', 'receivedAt', 'duplicate'],
      properties: {
        departmentCode: text200, deliveryId: text200, subApplicationId: text200, idempotencyKey: text200,
        acceptanceNumber: { type: 'string', pattern: '^[0-9A-Za-z-]{4,64}$' }, receivedAt: text200,
        duplicate: { enum: ['true', 'false'] },
      },
    },
    signature: { type: 'string', minLength: 1, maxLength: 16_384 },
  },
} as const;
const isAnswer = new Ajv().compile<{ receipt: Record<keyof SoapReceipt, string>; signature: string }>(answerSchema);

/** Reads an answer Body; undefined when it is not a well-formed SubmitSubApplicationResponse. */
export function readSubmitResponse(body: XmlNode): { receipt: SoapReceipt; signature: string } | undefined {
  const response = child(body, 'SubmitSubApplicationResponse');
  const receiptNode = child(response, 'receipt');
  const fields = ['departmentCode', 'deliveryId', 'subApplicationId', 'idempotencyKey', 'acceptanceNumber', 'receivedAt', 'duplicate'] as const;
  const candidate = {
    receipt: Object.fromEntries(fields.map((name) => [name, text(child(receiptNode, name))?.trim()]).filter(([, value]) => value !== undefined)),
    signature: text(child(response, 'signature'))?.trim(),
  };
  if (!isAnswer(candidate)) return undefined;
  return { receipt: { ...candidate.receipt, duplicate: candidate.receipt.duplicate === 'true' }, signature: candidate.signature };
}
