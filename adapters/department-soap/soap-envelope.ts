/**
 * SOAP 1.1 envelopes and faults, built and read with fast-xml-parser.
 *
 * fast-xml-parser is not namespace-aware, so elements are matched by local
 * name, and the one namespace that matters — the envelope's — is checked by
 * hand (SOAP 1.2 is refused as a version mismatch). Documents with a DTD are
 * refused outright (SOAP 1.1 §3 forbids them; they are also how entity
 * expansion attacks arrive).
 */
import { XMLBuilder, XMLParser, XMLValidator } from 'fast-xml-parser';

export const SOAP11_NAMESPACE = 'http://schemas.xmlsoap.org/soap/envelope/';
export const SOAP12_NAMESPACE = 'http://www.w3.org/2003/05/soap-envelope';
/** Namespace of the department service's own elements (prefix `tb`). */
export const SERVICE_NAMESPACE = 'urn:tongban:department:v1';

/** A parsed element: child elements by qualified name, attributes as `@_name`, text as `#text`. */
export type XmlNode = { [key: string]: unknown };

/** Elements that may repeat, by local name (parsed as arrays even when single). */
const REPEATED = new Set(['field', 'material', 'result']);

const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@_', textNodeName: '#text', suppressEmptyNode: false, format: false });
const parser = new XMLParser({
  ignoreAttributes: false, attributeNamePrefix: '@_', textNodeName: '#text',
  parseTagValue: false, parseAttributeValue: false, trimValues: false, ignoreDeclaration: true,
  // Character references (&#20013;) are common in legacy output; named HTML entities come along with them.
  processEntities: true, htmlEntities: true,
  isArray: (tagName) => REPEATED.has(localName(tagName)),
});

/** `soap:Envelope` → `Envelope`. */
export function localName(qualified: string): string {
  return qualified.slice(qualified.indexOf(':') + 1);
}

/** The first child element with this local name. */
export function child(node: unknown, name: string): unknown {
  if (node === null || typeof node !== 'object') return undefined;
  for (const [key, value] of Object.entries(node)) if (!key.startsWith('@_') && key !== '#text' && localName(key) === name) return value;
  return undefined;
}

/** All children with this local name (repeated elements are arrays). */
export function children(node: unknown, name: string): unknown[] {
  const found = child(node, name);
  return found === undefined ? [] : Array.isArray(found) ? found : [found];
}

/** The text of a leaf element (an empty element is ""); undefined when it is absent or has child elements. */
export function text(node: unknown): string | undefined {
  if (typeof node === 'string') return node;
  if (node !== null && typeof node === 'object' && !Array.isArray(node)) {
    const entries = Object.keys(node).filter((key) => !key.startsWith('@_'));
    if (entries.length === 0) return '';
    if (entries.length === 1 && entries[0] === '#text') return String((node as XmlNode)['#text']);
  }
  return undefined;
}

/** An attribute of an element. */
export function attribute(node: unknown, name: string): string | undefined {
  if (node === null || typeof node !== 'object') return undefined;
  const value = (node as XmlNode)[`@_${name}`];
  return typeof value === 'string' ? value : undefined;
}

/** A complete SOAP 1.1 document whose Body holds `body` (qualified names, e.g. `tb:SubmitSubApplication`). */
export function buildEnvelope(body: XmlNode): string {
  return `<?xml version="1.0" encoding="UTF-8"?>${builder.build({
    'soap:Envelope': { '@_xmlns:soap': SOAP11_NAMESPACE, '@_xmlns:tb': SERVICE_NAMESPACE, 'soap:Body': body },
  })}`;
}

/** SOAP 1.1 fault codes (`faultcode` local part before any `.` refinement). */
export type FaultCode = 'Client' | 'Server' | 'VersionMismatch' | 'MustUnderstand';

/** A SOAP fault as read, or to be written. */
export interface SoapFault {
  faultcode: string;
  faultstring: string;
  /** The service's own error code (`detail/tb:error/tb:code`), if any. */
  code?: string;
}

/** A fault document. */
export function buildFault(fault: { faultcode: FaultCode; faultstring: string; code?: string }): string {
  return buildEnvelope({
    'soap:Fault': {
      faultcode: `soap:${fault.faultcode}`,
      faultstring: fault.faultstring,
      ...(fault.code ? { detail: { 'tb:error': { 'tb:code': fault.code } } } : {}),
    },
  });
}

/** The Body of a SOAP 1.1 document, or why there is none. */
export type ParsedEnvelope =
  | { ok: true; body: XmlNode }
  | { ok: false; problem: string; versionMismatch?: boolean };

/** Parses and checks an envelope. Never throws. */
export function parseEnvelope(xml: string): ParsedEnvelope {
  if (/<!DOCTYPE/i.test(xml)) return { ok: false, problem: 'a document type declaration is not allowed in a SOAP message' };
  const valid = XMLValidator.validate(xml);
  if (valid !== true) return { ok: false, problem: `not well-formed XML (${valid.err.msg} at line ${valid.err.line})` };
  let document: unknown;
  try {
    document = parser.parse(xml);
  } catch (error) {
    return { ok: false, problem: `not parseable XML (${(error as Error).message})` };
  }
  const rootKey = Object.keys(document as XmlNode).find((key) => !key.startsWith('?') && !key.startsWith('#'));
  if (rootKey === undefined || localName(rootKey) !== 'Envelope') return { ok: false, problem: 'the root element is not a SOAP Envelope' };
  const envelope = (document as XmlNode)[rootKey];
  const prefix = rootKey.includes(':') ? rootKey.slice(0, rootKey.indexOf(':')) : undefined;
  const namespace = attribute(envelope, prefix ? `xmlns:${prefix}` : 'xmlns');
  if (namespace === SOAP12_NAMESPACE) return { ok: false, problem: 'a SOAP 1.2 envelope; this service speaks SOAP 1.1', versionMismatch: true };
  if (namespace !== SOAP11_NAMESPACE) return { ok: false, problem: `the Envelope namespace is ${JSON.stringify(namespace)}, not SOAP 1.1`, versionMismatch: true };
  const body = child(envelope, 'Body');
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return { ok: false, problem: 'the Envelope has no Body' };
  return { ok: true, body: body as XmlNode };
}

/** The fault in a Body, if it holds one. */
export function readFault(body: XmlNode): SoapFault | undefined {
  const fault = child(body, 'Fault');
  if (fault === undefined) return undefined;
  const code = text(child(child(child(fault, 'detail'), 'error'), 'code'))?.trim();
  return {
    faultcode: text(child(fault, 'faultcode'))?.trim() ?? '',
    faultstring: text(child(fault, 'faultstring'))?.trim() ?? '',
    ...(code ? { code } : {}),
  };
}
