/** `{code, message, data}` answers of the simulated 好差评 system, truncated when the fault controller says so. */
import type { Response } from 'express';
import { corruptBody, type AnswerFault } from '../../common/faults.js';
import { RESULT_CODES, type ResultName } from '../evaluation-api.js';

/** Sends the envelope of a result code with its HTTP status; `detail` is appended to the code's message. */
export function reply(res: Response, name: ResultName, data?: unknown, detail?: string): void {
  const result = RESULT_CODES[name];
  const message = detail === undefined ? result.message : `${result.message}: ${detail}`;
  const body = JSON.stringify(data === undefined ? { code: result.code, message } : { code: result.code, message, data });
  res.locals['answeredCode'] = result.code;
  const fault = res.locals['fault'] as AnswerFault | undefined;
  res.status(result.status).type('application/json').send(fault?.malformed ? corruptBody(body) : body);
}

/** 4001 naming the field (`data.field`, dotted path as the province writes it). */
export function replyFieldInvalid(res: Response, field: string, reason: string): void {
  reply(res, 'FIELD_INVALID', { field }, `${field} ${reason}`);
}
