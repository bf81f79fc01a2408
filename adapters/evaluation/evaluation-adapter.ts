/**
 * The provincial 好差评 system adapter: pushes evaluations, reads them back,
 * records the follow-up of poor ones. Signed requests (evaluation-signature.ts),
 * envelopes checked, answers validated before they are trusted. No retries
 * inside: `UpstreamError.retryable` tells the caller (the outbox).
 */
import type { ValidateFunction } from 'ajv';
import type { Evaluation, EvaluationReceipt, EvaluationSystem, RecordedEvaluation, RectificationStep } from '../../src/domain/evaluation.js';
import { validationError } from '../../src/errors/index.js';
import { createEnvelopeClient, parseBaseUrl, type EnvelopeAnswer } from '../common/envelope-client.js';
import {
  EVALUATIONS_PATH, RESULT_CODES, describeSchemaError, rectificationsPath, validateEnvelope, validateEvaluation, validateEvaluationList, validatePushResult,
  type WireEnvelope, type WireEvaluation,
} from './evaluation-api.js';
import { envelopeError, malformedError } from './evaluation-error.js';
import { signHeaders } from './evaluation-signature.js';
import { fromChinaTime, fromWireEvaluation, samePush, sameStep, toWirePush, toWireRectification } from './map-evaluation.js';

/** Settings of {@link createEvaluationAdapter}. */
export interface EvaluationAdapterSettings {
  /** e.g. `https://hcp.gd.gov.cn/gateway`; a path prefix is kept (and signed). */
  baseUrl: string;
  appId: string;
  appSecret: string;
  /** Per-call timeout (ms); default 5000. */
  timeoutMs?: number;
  /** Clock for request timestamps (epoch ms); default `Date.now`. */
  now?: () => number;
}

/** The one value the adapter converts rather than passes on: a time that is not one cannot be written in China time. */
function requireTime(pointer: string, value: unknown): void {
  if (typeof value !== 'string' || !Number.isFinite(Date.parse(value))) throw validationError([{ pointer, message: `must be an ISO 8601 time, not "${String(value)}"` }]);
}

type Answer = EnvelopeAnswer<WireEnvelope>;

/** Creates the adapter. No call is made until a method is used. */
export function createEvaluationAdapter(settings: EvaluationAdapterSettings): EvaluationSystem {
  const now = settings.now ?? Date.now;
  /** One signed call; the envelope whatever its code (callers decide), or an UpstreamError when there is none. */
  const { send: call } = createEnvelopeClient({
    system: 'evaluation', baseUrl: parseBaseUrl('createEvaluationAdapter', settings.baseUrl), timeoutMs: settings.timeoutMs ?? 5000,
    contentType: 'application/json; charset=utf-8',
    envelope: { validate: validateEnvelope, read: (envelope) => ({ code: envelope.code, message: envelope.message, data: envelope.data }), okCode: RESULT_CODES.OK.code },
    authenticate: (request) => signHeaders(settings.appSecret, { ...request, appId: settings.appId, nowMs: now() }),
    envelopeError, malformedError,
  });

  function refused(operation: string, answer: Answer): never {
    const data = answer.envelope.data as { field?: unknown } | undefined;
    throw envelopeError(operation, answer.status, answer.envelope.code, answer.envelope.message, typeof data?.field === 'string' ? data.field : undefined);
  }

  function dataOf<T>(operation: string, answer: Answer, validate: ValidateFunction<T>): T {
    if (!validate(answer.envelope.data)) throw malformedError(operation, describeSchemaError(validate.errors, '/data'), answer.status);
    return answer.envelope.data;
  }

  async function getWire(operation: string, evaluationId: string): Promise<WireEvaluation | undefined> {
    const answer = await call(operation, 'GET', `${EVALUATIONS_PATH}/${encodeURIComponent(evaluationId)}`);
    if (answer.envelope.code === RESULT_CODES.NOT_FOUND.code) return undefined;
    if (answer.envelope.code !== RESULT_CODES.OK.code) refused(operation, answer);
    const wire = dataOf(operation, answer, validateEvaluation);
    if (wire.evaluationId !== evaluationId) throw malformedError(operation, `/data/evaluationId: "${wire.evaluationId}" instead of "${evaluationId}"`, answer.status);
    return wire;
  }

  async function push(evaluation: Evaluation): Promise<EvaluationReceipt> {
    requireTime('/evaluatedAt', evaluation.evaluatedAt);
    const wire = toWirePush(evaluation);
    const answer = await call('push', 'POST', EVALUATIONS_PATH, wire);
    const { code } = answer.envelope;
    if (code !== RESULT_CODES.OK.code && code !== RESULT_CODES.DUPLICATE.code) refused('push', answer);
    const receipt = dataOf('push', answer, validatePushResult);
    if (code === RESULT_CODES.DUPLICATE.code) {
      // The province keeps the first rating: ours if this is a retry of a push whose answer was lost.
      const recorded = await getWire('push', receipt.evaluationId);
      if (recorded === undefined) throw malformedError('push', `/data/evaluationId: duplicate of "${receipt.evaluationId}", which the province does not know`, answer.status);
      if (!samePush(wire, recorded)) refused('push', answer);
    }
    return { evaluationId: receipt.evaluationId, receivedAt: fromChinaTime(receipt.receivedAt), duplicate: code === RESULT_CODES.DUPLICATE.code };
  }

  async function get(evaluationId: string): Promise<RecordedEvaluation | undefined> {
    if (typeof evaluationId !== 'string' || evaluationId === '') throw validationError([{ pointer: '/evaluationId', message: 'must be a non-empty string' }]);
    const wire = await getWire('get', evaluationId);
    return wire === undefined ? undefined : fromWireEvaluation(wire);
  }

  async function listByProject(applicationNumber: string): Promise<RecordedEvaluation[]> {
    if (typeof applicationNumber !== 'string' || applicationNumber === '') throw validationError([{ pointer: '/applicationNumber', message: 'must be a non-empty string' }]);
    const answer = await call('listByProject', 'GET', `${EVALUATIONS_PATH}?projectNo=${encodeURIComponent(applicationNumber)}`);
    if (answer.envelope.code !== RESULT_CODES.OK.code) refused('listByProject', answer);
    const list = dataOf('listByProject', answer, validateEvaluationList);
    const stranger = list.records.findIndex((record) => record.projectNo !== applicationNumber);
    if (stranger >= 0) throw malformedError('listByProject', `/data/records/${stranger}/projectNo: "${list.records[stranger]!.projectNo}" is not "${applicationNumber}"`, answer.status);
    if (list.total !== list.records.length) throw malformedError('listByProject', `/data/total: ${list.total} but ${list.records.length} records`, answer.status);
    return list.records.map(fromWireEvaluation);
  }

  async function recordRectification(evaluationId: string, step: RectificationStep): Promise<RecordedEvaluation> {
    if (typeof evaluationId !== 'string' || evaluationId === '') throw validationError([{ pointer: '/evaluationId', message: 'must be a non-empty string' }]);
    requireTime('/at', step.at);
    const wire = toWireRectification(step);
    const answer = await call('recordRectification', 'POST', rectificationsPath(evaluationId), wire);
    const { code } = answer.envelope;
    if (code !== RESULT_CODES.OK.code && code !== RESULT_CODES.DUPLICATE.code) refused('recordRectification', answer);
    // Both answers carry the evaluation as recorded; a duplicate is ours when the recorded step of that status is what we sent.
    const recorded = dataOf('recordRectification', answer, validateEvaluation);
    if (code === RESULT_CODES.DUPLICATE.code) {
      const same = recorded.rectifications.find((existing) => existing.status === wire.status);
      if (same === undefined || !sameStep(wire, same)) refused('recordRectification', answer);
    }
    return fromWireEvaluation(recorded);
  }

  return { push, get, listByProject, recordRectification };
}
