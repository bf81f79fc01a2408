/** `{code, msg, data}` answers of the simulated platform, corrupted when the fault controller says so. */
import type { Response } from 'express';
import { corruptBody, type AnswerFault } from '../../common/faults.js';

/** Sends an envelope; a `malformed` fault truncates it mid-document. */
export function sendEnvelope(res: Response, httpStatus: number, code: number, msg: string, data?: unknown): void {
  const body = JSON.stringify(data === undefined ? { code, msg } : { code, msg, data });
  const fault = res.locals['fault'] as AnswerFault | undefined;
  res.status(httpStatus).type('application/json').send(fault?.malformed ? corruptBody(body) : body);
}
