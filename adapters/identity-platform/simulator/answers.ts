/** JSON answers of the platform, with the malformed-body fault applied, and its OAuth error bodies. */
import express, { type RequestHandler, type Response } from 'express';
import { corruptBody, type AnswerFault } from '../../common/faults.js';
import type { IdentityError, OAuthErrorBody } from '../identity-platform-api.js';

/** The parser of the platform's `application/x-www-form-urlencoded` requests (a repeated field becomes an array). */
export const formBody: RequestHandler = express.urlencoded({ extended: false, limit: '16kb' });

export function sendJson(res: Response, status: number, body: unknown, cacheControl = 'no-store'): void {
  const text = JSON.stringify(body);
  const fault = res.locals['fault'] as AnswerFault | undefined;
  res.status(status).set('Cache-Control', cacheControl).type('application/json').send(fault?.malformed ? corruptBody(text) : text);
}

export function oauthError(failure: IdentityError, description: string): OAuthErrorBody {
  return { error: failure.error, error_description: description, error_code: failure.code };
}
