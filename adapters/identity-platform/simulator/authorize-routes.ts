/**
 * `GET /oauth2/authorize` (the login page), `POST /oauth2/authorize` (the
 * login form: a code, or an error, redirected to the client) and
 * `POST /oauth2/sms-codes` (the SMS code, handed back as `debugCode`).
 */
import express, { type Request, type Response, type Router } from 'express';
import { validateIdNumber } from '../../../src/domain/identifiers/index.js';
import { ERROR_CODES, PATHS, type IdentityError } from '../identity-platform-api.js';
import { formBody, oauthError, sendJson } from './answers.js';
import { checkAuthorizationRequest, checkClient, fieldsOf, redirectTo, type Fields } from './authorization-request.js';
import type { GrantContext } from './grants.js';
import { errorPage, loginPage } from './login-page.js';
import type { IdentityRegistry } from './registry.js';
import { maskPhone, type SmsCodes } from './sms-codes.js';
import { verifyLogin } from './verify-login.js';

export interface AuthorizeContext extends GrantContext {
  readonly registry: IdentityRegistry;
  readonly smsCodes: SmsCodes;
  readonly subjectSecret: string;
}

export function authorizeRoutes(context: AuthorizeContext): Router {
  const router = express.Router();

  /** Steps common to GET and POST; answers the request itself and returns nothing when it fails. */
  const checked = (fields: Fields, res: Response, req: Request) => {
    const client = checkClient(context.clients, fields);
    if (!client.ok) return void notRedirected(req, res, client.failure, client.description);
    const request = checkAuthorizationRequest(client, fields);
    if (!request.ok) {
      return void res.redirect(302, redirectTo(client.redirectUri, { ...oauthError(request.failure, request.description), state: fields.values['state'] }));
    }
    return request.request;
  };

  router.get(PATHS.authorize, (req, res) => {
    const fields = fieldsOf(req.query);
    const request = checked(fields, res, req);
    if (request === undefined) return;
    res.status(200).set('Cache-Control', 'no-store').type('text/html').send(loginPage(fields.values, request.client.clientId));
  });

  router.post(PATHS.authorize, formBody, (req, res) => {
    const fields = fieldsOf(req.body);
    const request = checked(fields, res, req);
    if (request === undefined) return;
    const now = context.clock();
    const login = verifyLogin(fields.values, { ...context, minimumLevel: request.minimumLevel, now });
    if (!login.ok) {
      return void res.redirect(302, redirectTo(request.redirectUri, { ...oauthError(login.failure, login.description), state: request.state }));
    }
    const code = context.grants.issueCode({
      clientId: request.client.clientId, redirectUri: request.redirectUri, codeChallenge: request.codeChallenge,
      nonce: request.nonce, scope: request.scope, identity: login.identity,
    });
    res.redirect(302, redirectTo(request.redirectUri, { code, state: request.state }));
  });

  router.post(PATHS.smsCodes, formBody, (req, res) => {
    const { values } = fieldsOf(req.body);
    const idNumber = values['id_number'];
    const idCheck = validateIdNumber(idNumber, { today: new Date(context.clock()) });
    if (!idCheck.ok) return sendJson(res, 400, oauthError(ERROR_CODES.invalidLoginForm, `id_number: ${idCheck.reason}`));
    const person = context.registry.person(idNumber!);
    if (person === undefined || person.deceased) return sendJson(res, 400, oauthError(ERROR_CODES.unknownPerson, '人口库中无此公民身份号码'));
    if (person.phone === null) return sendJson(res, 400, oauthError(ERROR_CODES.noMobilePhone, '该公民未登记手机号码'));
    sendJson(res, 200, { sent: true, maskedPhone: maskPhone(person.phone), debugCode: context.smsCodes.send(person.idNumber) });
  });

  return router;
}

/** A request whose client or redirect URI is unknown must not be redirected (RFC 6749 §4.1.2.1): a 400 page or JSON. */
function notRedirected(req: Request, res: Response, failure: IdentityError, description: string): void {
  res.status(400).set('Cache-Control', 'no-store');
  if (req.accepts(['html', 'json']) === 'json') return sendJson(res, 400, oauthError(failure, description));
  res.type('text/html').send(errorPage(failure.code, description));
}
