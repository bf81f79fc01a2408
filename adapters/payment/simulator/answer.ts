import type { Response } from 'express';
import { corruptBody, type AnswerFault } from '../../common/faults.js';
import { RESULT_CODES, type ResultName } from '../payment-api.js';

/** Sends a `{resultCode, resultMsg, data}` envelope with the HTTP status of its code (truncated when a malformed answer was asked for). */
export function answer(res: Response, result: ResultName, data?: unknown, detail?: string): void {
  const spec = RESULT_CODES[result];
  const resultMsg = detail ? `${spec.msg}: ${detail}` : spec.msg;
  const body = JSON.stringify(data === undefined ? { resultCode: spec.code, resultMsg } : { resultCode: spec.code, resultMsg, data });
  const fault = res.locals['fault'] as AnswerFault | undefined;
  res.status(spec.status).type('application/json').send(fault?.malformed ? corruptBody(body) : body);
}
