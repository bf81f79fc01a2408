/**
 * The data-sharing exchange over its HTTP API: an access token from the token
 * endpoint (signed with the app secret, cached until shortly before it
 * expires, refreshed once when the exchange says it expired), `{resultCode,
 * resultMsg, requestId, data}` envelopes validated with ajv, resources by
 * shared-catalogue code with the holder's 公民身份号码 as the condition, the
 * purpose and the authorisation reference on every call.
 */
import type { SharedDataExchange, SharedDataQuery, SharedDataRecord, SharedDataVerdict } from '../../src/domain/shared-data.js';
import { createEnvelopeClient, parseBaseUrl, timeoutSetting } from '../common/envelope-client.js';
import { statusError } from '../common/http-client.js';
import {
  ACCESS_TOKEN_HEADER, RESOURCES_PATH, RESULT_CODES, TOKEN_PATH, describeSchemaError, validateEnvelope, validateRecordSet, validateToken,
  validateVerdict, type WireQueryRequest,
} from './data-sharing-api.js';
import { envelopeError, malformedError } from './data-sharing-error.js';
import { tokenSignature } from './data-sharing-signature.js';

export interface DataSharingSettings {
  /** Base URL of the exchange, e.g. `https://dsep.example.gov.cn` (a path prefix is kept). */
  readonly baseUrl: string;
  readonly appKey: string;
  /** Signs token requests (HMAC-SHA256); never sent. */
  readonly appSecret: string;
  /** Timeout of each HTTP call (ms). Default 5000. */
  readonly timeoutMs?: number;
  /** Clock (epoch ms). Default `Date.now`. */
  readonly now?: () => number;
}

const SYSTEM = 'data-sharing';
/** A token is renewed this long (ms) before the exchange would expire it. */
const TOKEN_MARGIN_MS = 60_000;

/**
 * Creates the data-sharing adapter. No call is made until an operation runs.
 * @throws RangeError when a setting is invalid.
 */
export function createDataSharingAdapter(settings: DataSharingSettings): SharedDataExchange {
  const baseUrl = parseBaseUrl('createDataSharingAdapter', settings.baseUrl);
  if (!settings.appKey) throw new RangeError('createDataSharingAdapter: "appKey" is empty');
  if (!settings.appSecret) throw new RangeError('createDataSharingAdapter: "appSecret" is empty');
  const timeoutMs = timeoutSetting('createDataSharingAdapter', settings.timeoutMs);
  const now = settings.now ?? Date.now;
  const client = createEnvelopeClient({
    system: SYSTEM, baseUrl, timeoutMs, accept: 'application/json', contentType: 'application/json',
    envelope: { validate: validateEnvelope, read: (envelope) => ({ code: envelope.resultCode, message: envelope.resultMsg, data: envelope.data }), okCode: RESULT_CODES.OK.code },
    envelopeError, malformedError,
  });
  let token: { value: string; renewAt: number } | undefined;
  let pendingToken: Promise<string> | undefined;

  /**
   * One POST; the envelope's code and data (success, or one of `accept`). Unlike the
   * client's `call`, any answer that is not 2xx fails, naming the code: the exchange
   * answers its accepted codes with 200.
   */
  async function post(operation: string, path: string, body: unknown, headers: Record<string, string>, accept: readonly string[] = []) {
    const { status, envelope } = await client.send(operation, 'POST', path, body, headers);
    if (envelope.resultCode !== RESULT_CODES.OK.code && !accept.includes(envelope.resultCode)) throw envelopeError(operation, status, envelope.resultCode, envelope.resultMsg);
    if (status < 200 || status >= 300) throw statusError(SYSTEM, operation, status, envelope.resultCode);
    return { code: envelope.resultCode, data: envelope.data };
  }

  async function fetchToken(): Promise<string> {
    const timestamp = String(Math.floor(now() / 1000));
    const { data } = await post('token', TOKEN_PATH, { appKey: settings.appKey, timestamp, signature: tokenSignature(settings.appSecret, settings.appKey, timestamp) }, {});
    if (!validateToken(data)) throw malformedError('token', describeSchemaError(validateToken.errors, '/data'));
    token = { value: data.accessToken, renewAt: now() + data.expiresIn * 1000 - TOKEN_MARGIN_MS };
    return data.accessToken;
  }

  /** The cached token, or a new one (concurrent callers share one token request). */
  function accessToken(): Promise<string> {
    if (token && now() < token.renewAt) return Promise.resolve(token.value);
    pendingToken ??= fetchToken().finally(() => { pendingToken = undefined; });
    return pendingToken;
  }

  /** A resource call with the token; an expired or unknown token is renewed and the call made once more. */
  async function call(operation: string, path: string, body: WireQueryRequest, accept: readonly string[] = []) {
    const used = await accessToken();
    try {
      return await post(operation, path, body, { [ACCESS_TOKEN_HEADER]: used }, accept);
    } catch (error) {
      const code = (error as { upstreamCode?: string }).upstreamCode;
      if (code !== RESULT_CODES.TOKEN_EXPIRED.code && code !== RESULT_CODES.BAD_TOKEN.code) throw error;
      if (token?.value === used) token = undefined;
      return post(operation, path, body, { [ACCESS_TOKEN_HEADER]: await accessToken() }, accept);
    }
  }

  function wireQuery(query: SharedDataQuery): WireQueryRequest {
    return { conditions: { GMSFHM: query.holderCode }, purpose: query.purpose, authorizationRef: query.authorizationRef };
  }

  function resourcePath(code: string, operation: 'query' | 'verify'): string {
    if (!/^[0-9A-Z-]{1,40}$/.test(code)) throw new RangeError(`${operation}: "resourceCode" is not a shared-catalogue code: "${code}"`);
    return `${RESOURCES_PATH}/${code}/${operation}`;
  }

  return {
    async query(query): Promise<SharedDataRecord | undefined> {
      const { code, data } = await call('query', resourcePath(query.resourceCode, 'query'), wireQuery(query), [RESULT_CODES.NO_DATA.code]);
      if (code === RESULT_CODES.NO_DATA.code) return undefined;
      if (!validateRecordSet(data)) throw malformedError('query', describeSchemaError(validateRecordSet.errors, '/data'));
      if (data.resourceCode !== query.resourceCode) throw malformedError('query', `/data/resourceCode: asked for "${query.resourceCode}", got "${data.resourceCode}"`);
      const record = data.records[0];
      if (!record) return undefined;
      if (record['GMSFHM'] !== undefined && record['GMSFHM'] !== query.holderCode) throw malformedError('query', '/data/records/0/GMSFHM: another person\'s record');
      return { resourceCode: data.resourceCode, resourceName: data.resourceName, sourceDepartment: data.sourceDepartment, dataTime: data.dataTime, data: { ...record } };
    },
    async verify(statement): Promise<SharedDataVerdict> {
      if (Object.keys(statement.claims).length === 0) throw new RangeError('verify: "claims" names no field');
      const { data } = await call('verify', resourcePath(statement.resourceCode, 'verify'), { ...wireQuery(statement), claims: { ...statement.claims } });
      if (!validateVerdict(data)) throw malformedError('verify', describeSchemaError(validateVerdict.errors, '/data'));
      return { holds: data.matched, resourceCode: data.resourceCode, sourceDepartment: data.sourceDepartment, verificationId: data.verificationId };
    },
  };
}
