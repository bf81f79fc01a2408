import { randomUUID } from 'node:crypto';
import type { Response } from 'express';
import { corruptBody, type AnswerFault } from '../../common/faults.js';
import { RESULT_CODES, type ResultName } from '../data-sharing-api.js';

/**
 * Sends a `{resultCode, resultMsg, requestId, data}` envelope with the HTTP
 * status of its code; truncated when the fault controller asked for a malformed answer.
 */
export function answer(res: Response, result: ResultName, data?: unknown, detail?: string): void {
  const spec = RESULT_CODES[result];
  const envelope = { resultCode: spec.code, resultMsg: detail ? `${spec.msg}: ${detail}` : spec.msg, requestId: randomUUID(), ...(data === undefined ? {} : { data }) };
  const body = JSON.stringify(envelope);
  const fault = res.locals['fault'] as AnswerFault | undefined;
  res.status(spec.status).type('application/json').send(fault?.malformed ? corruptBody(body) : body);
}
