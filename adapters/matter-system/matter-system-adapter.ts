/**
 * `MatterCatalog` over the provincial matter system's HTTP API: signed GET
 * requests (matter-system-signature.ts), `{code, msg, data}` envelopes
 * validated with ajv, paged lists walked to the end.
 */
import type { ListOptions, MatterCatalog, Matter, Theme } from '../../src/domain/matter-catalog.js';
import type { ValidateFunction } from 'ajv';
import { createEnvelopeClient, parseBaseUrl, timeoutSetting } from '../common/envelope-client.js';
import { mapMatter } from './map-matter.js';
import { mapTheme } from './map-theme.js';
import {
  MATTERS_PATH, MAX_PAGE_SIZE, RESULT_CODES, THEMES_PATH, describeSchemaError, validateEnvelope, validateMatter, validateMatterPage,
  validateTheme, validateThemePage, type WireMatter, type WirePage, type WireTheme,
} from './matter-system-api.js';
import { WireValueError, envelopeError, malformedError } from './matter-system-error.js';
import { signatureHeaders } from './matter-system-signature.js';

export interface MatterSystemSettings {
  /** Base URL of the matter system, e.g. `https://sxgl.example.gov.cn` (a path prefix is kept and signed). */
  readonly baseUrl: string;
  /** App key (`x-tif-paasid`). */
  readonly appKey: string;
  /** App secret: the HMAC-SHA256 key. */
  readonly appSecret: string;
  /** Timeout of each HTTP call (ms). Default 5000. */
  readonly timeoutMs?: number;
  /** Page size of list walks, 1–100. Default 100. */
  readonly pageSize?: number;
  /** Clock for request timestamps (epoch ms). Default `Date.now`. */
  readonly now?: () => number;
}

type Query = Record<string, string | number>;

/**
 * Creates the matter-system adapter. No call is made until an operation runs.
 *
 * @throws RangeError when a setting is invalid.
 */
export function createMatterSystemAdapter(settings: MatterSystemSettings): MatterCatalog {
  const baseUrl = parseBaseUrl('createMatterSystemAdapter', settings.baseUrl);
  if (!settings.appKey) throw new RangeError('createMatterSystemAdapter: "appKey" is empty');
  if (!settings.appSecret) throw new RangeError('createMatterSystemAdapter: "appSecret" is empty');
  const pageSize = settings.pageSize ?? MAX_PAGE_SIZE;
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
    throw new RangeError(`createMatterSystemAdapter: "pageSize" must be an integer in 1–${MAX_PAGE_SIZE}, got ${pageSize}`);
  }
  const timeoutMs = timeoutSetting('createMatterSystemAdapter', settings.timeoutMs);
  const now = settings.now ?? Date.now;
  const client = createEnvelopeClient({
    system: 'matter-system', baseUrl, timeoutMs, accept: 'application/json', contentType: 'application/json',
    envelope: { validate: validateEnvelope, read: (envelope) => ({ code: envelope.code, message: envelope.msg, data: envelope.data }), okCode: RESULT_CODES.OK.code },
    authenticate: (request) => signatureHeaders({ appKey: settings.appKey, appSecret: settings.appSecret, method: request.method, pathWithQuery: request.pathWithQuery, nowMs: now() }),
    envelopeError, malformedError,
  });

  /** One signed GET; returns the envelope's `data`, or `undefined` for "not found" when allowed. */
  async function call(operation: string, path: string, query: Query, options: { notFoundIsUndefined?: boolean } = {}): Promise<unknown> {
    const search = new URLSearchParams(Object.entries(query).map(([key, value]): [string, string] => [key, String(value)])).toString();
    const notFound = RESULT_CODES.NOT_FOUND.code;
    const { code, data } = await client.call(operation, 'GET', `${path}${search ? `?${search}` : ''}`, undefined, options.notFoundIsUndefined ? [notFound] : []);
    return code === notFound ? undefined : data;
  }

  /** Validates and maps one record; any problem is a malformed answer naming the JSON Pointer. */
  function mapRecord<W, D>(operation: string, pointer: string, wire: W, map: (wire: W) => D): D {
    try {
      return map(wire);
    } catch (error) {
      if (error instanceof WireValueError) throw malformedError(operation, `${pointer}${error.pointer}: ${error.message}`);
      throw error;
    }
  }

  async function walk<W, D extends { code: string }>(
    operation: string, path: string, validatePage: ValidateFunction<WirePage<W>>, map: (wire: W) => D, options: ListOptions,
  ): Promise<D[]> {
    const since = options.updatedSince === undefined ? undefined : toEpochMs(options.updatedSince);
    const items = new Map<string, D>();
    let maxPages = Infinity;
    for (let pageNo = 1; ; pageNo++) {
      if (pageNo > maxPages) throw malformedError(operation, `paging does not end after ${maxPages} pages`);
      const query: Query = { pageNo, pageSize, ...(since === undefined ? {} : { updatedSince: since }) };
      const data = await call(operation, path, query);
      if (!validatePage(data)) throw malformedError(operation, describeSchemaError(validatePage.errors, '/data'));
      if (data.pageNo !== pageNo) throw malformedError(operation, `/data/pageNo: asked for page ${pageNo}, got ${data.pageNo}`);
      if (data.records.length > pageSize) throw malformedError(operation, `/data/records: ${data.records.length} records on a page of ${pageSize}`);
      // Items added while walking may grow `total`; one extra page absorbs that, more means the upstream loops.
      if (pageNo === 1) maxPages = Math.ceil(data.total / pageSize) + 1;
      data.records.forEach((record, index) => {
        const item = mapRecord(operation, `/data/records/${index}`, record, map);
        // A record moved by a concurrent change may appear on two pages: keep its first position, latest content.
        items.set(item.code, item);
      });
      if (data.records.length < pageSize || pageNo * pageSize >= data.total) break;
    }
    return [...items.values()];
  }

  async function detail<W, D>(operation: string, path: string, code: string, validate: ValidateFunction<W>, map: (wire: W) => D): Promise<D | undefined> {
    if (typeof code !== 'string' || code === '') throw new RangeError(`${operation}: the code must be a non-empty string`);
    const data = await call(operation, `${path}/${encodeURIComponent(code)}`, {}, { notFoundIsUndefined: true });
    if (data === undefined) return undefined;
    if (!validate(data)) throw malformedError(operation, describeSchemaError(validate.errors, '/data'));
    return mapRecord(operation, '/data', data, map);
  }

  return {
    listThemes: (options = {}) => walk('listThemes', THEMES_PATH, validateThemePage, mapTheme, options),
    listMatters: (options = {}) => walk('listMatters', MATTERS_PATH, validateMatterPage, mapMatter, options),
    getTheme: (code) => detail<WireTheme, Theme>('getTheme', THEMES_PATH, code, validateTheme, mapTheme),
    getMatter: (code) => detail<WireMatter, Matter>('getMatter', MATTERS_PATH, code, validateMatter, mapMatter),
  };
}

function toEpochMs(value: Date | number): number {
  const ms = value instanceof Date ? value.getTime() : value;
  if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`"updatedSince" is not a valid time: ${String(value)}`);
  return Math.floor(ms);
}
