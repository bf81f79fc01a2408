/**
 * The government mail service (政务EMS) over its HTTP API: signed requests
 * (logistics-signature.ts), `{code, msg, data}` envelopes validated with ajv,
 * waybill numbers checked against their S10 check digit, and verification of
 * the trace events the service pushes to Tongban's callback URL.
 */
import type { CreatedWaybill, LogisticsService, PushedTraceEvent, TraceEvent, Waybill, WaybillRequest } from '../../src/domain/logistics.js';
import { createEnvelopeClient, parseBaseUrl, timeoutSetting } from '../common/envelope-client.js';
import { verifySignedCallback } from '../common/signed-callback.js';
import {
  ORDERS_PATH, RESULT_CODES, WAYBILLS_PATH, describeSchemaError, validateEnvelope, validatePush, validateTraces, validateWaybill,
  type WireOrderRequest, type WireTrace, type WireWaybill,
} from './logistics-api.js';
import { PushVerificationError, envelopeError, malformedError } from './logistics-error.js';
import {
  APP_KEY_HEADER, NONCE_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, emsSignature, emsSignatureHeaders,
} from './logistics-signature.js';
import { mapBusinessType, mapStatus, mapTraceCode, toBusinessType } from './map-status.js';
import { isValidWaybillNo } from './waybill-number.js';

export interface LogisticsSettings {
  /** Base URL of the mail service, e.g. `https://ems.example.gov.cn` (a path prefix is kept and signed). */
  readonly baseUrl: string;
  /** App key (`x-ems-appkey`). */
  readonly appKey: string;
  /** App secret: the HMAC-SHA256 key of requests and pushes. */
  readonly appSecret: string;
  /** Timeout of each HTTP call (ms). Default 5000. */
  readonly timeoutMs?: number;
  /** Path (and query) of Tongban's callback URL as the service posts to it: part of the push signature. Default `/`. */
  readonly callbackPath?: string;
  /** Allowed clock difference of push timestamps (s). Default 600. */
  readonly pushSkewSeconds?: number;
  /** Clock (epoch ms). Default `Date.now`. */
  readonly now?: () => number;
}

/** The adapter is the gateway's logistics service (src/domain/logistics.ts). */
export type LogisticsAdapter = LogisticsService;

const SYSTEM = 'logistics';

/**
 * Creates the logistics adapter. No call is made until an operation runs.
 * @throws RangeError when a setting is invalid.
 */
export function createLogisticsAdapter(settings: LogisticsSettings): LogisticsAdapter {
  const baseUrl = parseBaseUrl('createLogisticsAdapter', settings.baseUrl);
  if (!settings.appKey) throw new RangeError('createLogisticsAdapter: "appKey" is empty');
  if (!settings.appSecret) throw new RangeError('createLogisticsAdapter: "appSecret" is empty');
  const timeoutMs = timeoutSetting('createLogisticsAdapter', settings.timeoutMs);
  const now = settings.now ?? Date.now;
  const callbackPath = settings.callbackPath ?? '/';
  const pushSkewSeconds = settings.pushSkewSeconds ?? 600;
  /** Signed calls; `call` returns the envelope's code and data (success, or one of `accept`). */
  const { call } = createEnvelopeClient({
    system: SYSTEM, baseUrl, timeoutMs, accept: 'application/json', contentType: 'application/json',
    envelope: { validate: validateEnvelope, read: (envelope) => ({ code: envelope.code, message: envelope.msg, data: envelope.data }), okCode: RESULT_CODES.OK.code },
    authenticate: (request) => emsSignatureHeaders({ appKey: settings.appKey, appSecret: settings.appSecret, ...request, nowMs: now() }),
    envelopeError, malformedError,
  });

  function toWaybill(operation: string, data: unknown): Waybill {
    if (!validateWaybill(data)) throw malformedError(operation, describeSchemaError(validateWaybill.errors, '/data'));
    return mapWaybill(operation, data);
  }

  function requireWaybillNo(operation: string, waybillNo: string): void {
    if (!isValidWaybillNo(waybillNo)) throw new RangeError(`${operation}: "waybillNo" is not an S10 waybill number with a valid check digit: "${String(waybillNo)}"`);
  }

  return {
    async createWaybill(request) {
      const wire: WireOrderRequest = {
        orderNo: request.orderNo, businessType: toBusinessType(request.direction),
        sender: { ...request.sender }, recipient: { ...request.recipient },
        items: request.items.map((item) => ({ name: item.name, count: item.count })),
        ...(request.remark === undefined ? {} : { remark: request.remark }),
      };
      const { code, data } = await call('createWaybill', 'POST', ORDERS_PATH, wire, [RESULT_CODES.DUPLICATE_ORDER.code]);
      const waybill = toWaybill('createWaybill', data);
      if (waybill.orderNo !== request.orderNo) throw malformedError('createWaybill', `/data/orderNo: asked for "${request.orderNo}", got "${waybill.orderNo}"`);
      return { ...waybill, duplicate: code === RESULT_CODES.DUPLICATE_ORDER.code };
    },
    async getWaybill(waybillNo) {
      requireWaybillNo('getWaybill', waybillNo);
      const { code, data } = await call('getWaybill', 'GET', `${WAYBILLS_PATH}/${waybillNo}`, undefined, [RESULT_CODES.WAYBILL_NOT_FOUND.code]);
      return code === RESULT_CODES.WAYBILL_NOT_FOUND.code ? undefined : toWaybill('getWaybill', data);
    },
    async traces(waybillNo) {
      requireWaybillNo('traces', waybillNo);
      const { data } = await call('traces', 'GET', `${WAYBILLS_PATH}/${waybillNo}/traces`);
      if (!validateTraces(data)) throw malformedError('traces', describeSchemaError(validateTraces.errors, '/data'));
      return data.traces.map((trace, index) => mapTrace('traces', `/data/traces/${index}`, data.waybillNo, trace));
    },
    async cancel(waybillNo) {
      requireWaybillNo('cancel', waybillNo);
      const { data } = await call('cancel', 'POST', `${WAYBILLS_PATH}/${waybillNo}/cancel`);
      return toWaybill('cancel', data);
    },
    verifyPush(headers, rawBody) {
      const { body: parsed } = verifySignedCallback({
        noun: 'push', headers: { account: APP_KEY_HEADER, timestamp: TIMESTAMP_HEADER, nonce: NONCE_HEADER, signature: SIGNATURE_HEADER },
        account: settings.appKey, accountNoun: 'app key', skewSeconds: pushSkewSeconds, now,
        expectedSignature: ({ timestamp, nonce, body }) => emsSignature(settings.appSecret, { timestamp, nonce, method: 'POST', pathWithQuery: callbackPath, body }),
        validate: validatePush, error: (field, message) => new PushVerificationError(field, message),
      }, headers, rawBody);
      if (parsed.trace.eventId !== parsed.eventId) throw new PushVerificationError('/trace/eventId', 'push "/trace/eventId" differs from "/eventId"');
      let event: TraceEvent;
      try {
        event = mapTrace('verifyPush', '/trace', parsed.waybillNo, parsed.trace);
      } catch (error) {
        throw new PushVerificationError('/trace', error instanceof Error ? error.message : String(error));
      }
      return { ...event, orderNo: parsed.orderNo };
    },
  };
}

function mapWaybill(operation: string, wire: WireWaybill): Waybill {
  if (!isValidWaybillNo(wire.waybillNo)) throw malformedError(operation, `/data/waybillNo: "${wire.waybillNo}" has no valid S10 check digit`);
  const status = mapStatus(wire.status);
  if (!status) throw malformedError(operation, `/data/status: unknown status "${wire.status}"`);
  const direction = mapBusinessType(wire.businessType);
  if (!direction) throw malformedError(operation, `/data/businessType: unknown business type "${String(wire.businessType)}"`);
  return { waybillNo: wire.waybillNo, orderNo: wire.orderNo, direction, status, createdAt: wire.createdAt };
}

function mapTrace(operation: string, pointer: string, waybillNo: string, wire: WireTrace): TraceEvent {
  if (!isValidWaybillNo(waybillNo)) throw malformedError(operation, `waybillNo "${waybillNo}" has no valid S10 check digit`);
  const code = mapTraceCode(wire.code);
  if (!code) throw malformedError(operation, `${pointer}/code: unknown trace code "${wire.code}"`);
  return {
    eventId: wire.eventId, waybillNo, sequence: wire.sequence, code, time: wire.time, location: wire.location, description: wire.description,
    ...(wire.signer === undefined ? {} : { signer: wire.signer }), ...(wire.reason === undefined ? {} : { reason: wire.reason }),
  };
}
