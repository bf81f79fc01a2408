/**
 * `GET|POST /oauth2/userinfo` with a Bearer access token (RFC 6750 §2.1):
 * the identity claims of the login, without the ID token's own claims.
 */
import express, { type Request, type Response, type Router } from 'express';
import { ERROR_CODES, PATHS } from '../identity-platform-api.js';
import { oauthError, sendJson } from './answers.js';
import type { Grants } from './grants.js';

const WHY = { unknown: '访问令牌无效', expired: '访问令牌已过期', revoked: '访问令牌已撤销' } as const;

export function userinfoRoute(grants: Grants): Router {
  const router = express.Router();
  const answer = (req: Request, res: Response) => {
    const match = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/i.exec(req.get('authorization') ?? '');
    if (match === null) {
      // RFC 6750 §3.1: a request without credentials gets the challenge with no error code.
      res.set('WWW-Authenticate', 'Bearer realm="identity-platform"');
      return sendJson(res, 401, oauthError(ERROR_CODES.invalidToken, '缺少访问令牌'));
    }
    const record = grants.accessToken(match[1]!);
    if (typeof record === 'string') {
      res.set('WWW-Authenticate', `Bearer realm="identity-platform", error="invalid_token", error_description="access token ${record}"`);
      return sendJson(res, 401, oauthError(ERROR_CODES.invalidToken, WHY[record]));
    }
    sendJson(res, 200, record.identity);
  };
  router.get(PATHS.userinfo, answer);
  router.post(PATHS.userinfo, answer);
  return router;
}
