import type { Response } from 'express';
import { corruptBody, type AnswerFault } from '../../common/faults.js';
import { RESULT_CODES, type ResultName } from '../logistics-api.js';

/**
 * Sends a `{code, msg, data}` envelope with the HTTP status of its code. When
 * the fault controller asked for a malformed answer, the body is truncated.
 */
export function answer(res: Response, result: ResultName, data?: unknown, detail?: string): void {
  const spec = RESULT_CODES[result];
  const msg = detail ? `${spec.msg}: ${detail}` : spec.msg;
  const body = JSON.stringify(data === undefined ? { code: spec.code, msg } : { code: spec.code, msg, data });
  const fault = res.locals['fault'] as AnswerFault | undefined;
  res.status(spec.status).type('application/json').send(fault?.malformed ? corruptBody(body) : body);
}
