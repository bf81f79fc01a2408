/**
 * `POST /oauth2/token`: the authorization code grant (RFC 6749 §4.1.3 with
 * PKCE), answering an access token and an ID token, or an RFC 6749 §5.2
 * error with the platform's code.
 */
import express, { type Router } from 'express';
import type { AnswerFault } from '../../common/faults.js';
import { ERROR_CODES, PATHS } from '../identity-platform-api.js';
import { formBody, oauthError, sendJson } from './answers.js';
import { fieldsOf } from './authorization-request.js';
import { authenticateClient } from './clients.js';
import type { GrantContext } from './grants.js';
import { signIdToken, withCorruptedSignature } from './id-token.js';
import type { SigningKeys } from './signing-keys.js';

export interface TokenContext extends GrantContext {
  readonly issuer: () => string;
  readonly keys: SigningKeys;
  readonly tokenTtlSeconds: number;
}

export function tokenRoute(context: TokenContext): Router {
  const router = express.Router();
  router.post(PATHS.token, formBody, async (req, res) => {
    const { values, duplicated } = fieldsOf(req.body);
    const client = authenticateClient(context.clients, req.headers, values);
    if (!client.ok) {
      if (client.malformed) return sendJson(res, 400, oauthError(ERROR_CODES.invalidTokenRequest, client.description));
      if (client.scheme === 'basic') res.set('WWW-Authenticate', 'Basic realm="identity-platform"');
      return sendJson(res, 401, oauthError(ERROR_CODES.invalidClient, client.description));
    }
    if (values['grant_type'] !== 'authorization_code') {
      return sendJson(res, 400, oauthError(ERROR_CODES.unsupportedGrantType, `不支持的grant_type "${values['grant_type'] ?? ''}"`));
    }
    if (duplicated !== undefined) return sendJson(res, 400, oauthError(ERROR_CODES.invalidTokenRequest, `参数${duplicated}重复`));
    const missing = ['code', 'redirect_uri', 'code_verifier'].find((name) => values[name] === undefined || values[name] === '');
    if (missing !== undefined) return sendJson(res, 400, oauthError(ERROR_CODES.invalidTokenRequest, `缺少参数${missing}`));

    const redemption = context.grants.redeem(values['code']!, {
      clientId: client.client.clientId, redirectUri: values['redirect_uri']!, codeVerifier: values['code_verifier']!,
    });
    if (!redemption.ok) return sendJson(res, 400, oauthError(redemption.failure, redemption.description));

    const { binding } = redemption;
    const idToken = await signIdToken({
      issuer: context.issuer(), clientId: binding.clientId, identity: binding.identity, nonce: binding.nonce,
      issuedAt: Math.floor(context.clock() / 1000), ttlSeconds: context.tokenTtlSeconds, key: context.keys.signing,
    });
    const fault = res.locals['fault'] as AnswerFault | undefined;
    sendJson(res, 200, {
      access_token: redemption.issueAccessToken(context.tokenTtlSeconds * 1000),
      token_type: 'Bearer',
      expires_in: context.tokenTtlSeconds,
      id_token: fault?.badSignature ? withCorruptedSignature(idToken) : idToken,
      scope: binding.scope,
    });
  });
  return router;
}
