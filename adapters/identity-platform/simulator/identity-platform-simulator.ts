/**
 * A simulator of the provincial unified identity platform (统一身份认证平台):
 * an OpenID Connect provider over a real HTTP server — discovery, a Chinese
 * login page, the authorization code flow with PKCE, ES256 ID tokens with
 * key rotation, userinfo — that knows the licence library's population plus
 * whoever is registered, with fault injection (FaultController).
 */
import express, { type NextFunction, type Request, type Response } from 'express';
import { FaultController } from '../../common/faults.js';
import { listenSimulator, type RunningSimulator } from '../../common/simulator-server.js';
import type { Population } from '../../common/population/index.js';
import { CLAIMS_SUPPORTED, ERROR_CODES, LEVELS, PATHS, SCOPES } from '../identity-platform-api.js';
import { oauthError, sendJson } from './answers.js';
import { authorizeRoutes } from './authorize-routes.js';
import { DEFAULT_IDENTITY_CLIENTS, type IdentityClient } from './clients.js';
import { controlRoutes } from './control-routes.js';
import { Grants } from './grants.js';
import {
  IdentityRegistry, sharedDefaultPopulation, type EnterpriseRegistration, type PersonRegistration, type RegisteredEnterprise, type RegisteredPerson,
} from './registry.js';
import { SigningKeys } from './signing-keys.js';
import { SmsCodes } from './sms-codes.js';
import { tokenRoute } from './token-route.js';
import { userinfoRoute } from './userinfo-route.js';

/** Settings of {@link startIdentityPlatformSimulator}. */
export interface IdentityPlatformSimulatorOptions {
  /** Registered relying parties; default {@link DEFAULT_IDENTITY_CLIENTS}. */
  clients?: readonly IdentityClient[];
  /** Whom the platform knows; default the licence library's default population (built once per process). */
  population?: Population;
  host?: string;
  /** 0 (default) = any free port. */
  port?: number;
  /** Lifetime of ID and access tokens (s). Default 600. */
  tokenTtlSeconds?: number;
  /** Only ES256 is offered, as the provincial platform does. */
  keyAlgorithm?: 'ES256';
  /** Added to every request but `/__control` ones (ms). Default 0. */
  latencyMs?: number;
  /** The simulator's clock (Unix ms), for codes, tokens, SMS codes and `iat`. Default `Date.now`. */
  clock?: () => number;
  /** Key of the subject HMAC; the default keeps `sub` stable across restarts. */
  subjectSecret?: string;
  /** Seed of the fault controller's PRNG. */
  faultSeed?: number;
}

export interface IdentityPlatformSimulator extends RunningSimulator {
  /** The issuer: the base URL, no trailing slash. */
  readonly issuer: string;
  readonly faults: FaultController;
  readonly clients: readonly IdentityClient[];
  /** Makes a new signing key; the previous one stays published until the next rotation unless `retire`. Returns the new kid. */
  rotateKeys(options?: { retire?: boolean }): { kid: string; published: string[] };
  /** Adds (or replaces) a natural person. @throws RangeError naming the field at fault. */
  registerPerson(person: PersonRegistration): RegisteredPerson;
  /** Adds (or replaces) an enterprise. @throws RangeError naming the field at fault. */
  registerEnterprise(enterprise: EnterpriseRegistration): RegisteredEnterprise;
}

/** The development secret of subject identifiers. */
const DEVELOPMENT_SUBJECT_SECRET = 'tongban-identity-platform-simulator-subject-key';

export async function startIdentityPlatformSimulator(options: IdentityPlatformSimulatorOptions = {}): Promise<IdentityPlatformSimulator> {
  if (options.keyAlgorithm !== undefined && options.keyAlgorithm !== 'ES256') {
    throw new RangeError(`startIdentityPlatformSimulator: keyAlgorithm "${String(options.keyAlgorithm)}" is not supported, only ES256`);
  }
  const clock = options.clock ?? Date.now;
  const clientList = (options.clients ?? DEFAULT_IDENTITY_CLIENTS).map((client) => ({ ...client, redirectUris: [...client.redirectUris] }));
  const clients = new Map(clientList.map((client) => [client.clientId, client]));
  const registry = new IdentityRegistry(options.population ?? sharedDefaultPopulation(), () => new Date(clock()));
  const keys = new SigningKeys();
  const grants = new Grants(clock);
  const faults = new FaultController(options.faultSeed ?? 1);
  const latencyMs = options.latencyMs ?? 0;
  let issuer = '';

  const app = express();
  app.disable('x-powered-by');
  app.use(faults.controlRouter());
  app.use(controlRoutes(registry, keys));
  app.use((_req, _res, next) => (latencyMs > 0 ? void setTimeout(next, latencyMs) : next()));
  app.use(faults.middleware());

  app.get(PATHS.discovery, (_req, res) => sendJson(res, 200, {
    issuer,
    authorization_endpoint: `${issuer}${PATHS.authorize}`,
    token_endpoint: `${issuer}${PATHS.token}`,
    userinfo_endpoint: `${issuer}${PATHS.userinfo}`,
    jwks_uri: `${issuer}${PATHS.jwks}`,
    response_types_supported: ['code'],
    grant_types_supported: ['authorization_code'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['ES256'],
    code_challenge_methods_supported: ['S256'],
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
    acr_values_supported: [...LEVELS],
    scopes_supported: [...SCOPES],
    claims_supported: [...CLAIMS_SUPPORTED],
    claims_parameter_supported: false,
    request_parameter_supported: false,
  }, 'public, max-age=300'));
  app.get(PATHS.jwks, (_req, res) => sendJson(res, 200, keys.jwks(), 'public, max-age=300'));
  app.use(authorizeRoutes({ clients, registry, smsCodes: new SmsCodes(clock), grants, subjectSecret: options.subjectSecret ?? DEVELOPMENT_SUBJECT_SECRET, clock }));
  app.use(tokenRoute({ issuer: () => issuer, clients, grants, keys, tokenTtlSeconds: options.tokenTtlSeconds ?? 600, clock }));
  app.use(userinfoRoute(grants));
  app.use((req: Request, res: Response) => sendJson(res, 404, { error: 'not_found', error_description: `${req.method} ${req.path} 不存在` }));
  app.use((error: unknown, req: Request, res: Response, _next: NextFunction) => {
    const type = (error as { type?: string }).type;
    if (type === 'entity.parse.failed' || type === 'entity.too.large' || type === 'charset.unsupported') {
      return sendJson(res, 400, oauthError(req.path === PATHS.token ? ERROR_CODES.invalidTokenRequest : ERROR_CODES.invalidRequest, '请求体无法解析'));
    }
    sendJson(res, 500, { error: 'server_error', error_description: '系统内部错误' });
  });

  const running = await listenSimulator(app, { host: options.host, port: options.port });
  issuer = running.url;
  return {
    ...running,
    issuer,
    faults,
    clients: clientList,
    close: async () => {
      faults.reset();
      await running.close();
    },
    rotateKeys: (rotation) => keys.rotate(rotation),
    registerPerson: (person) => registry.registerPerson(person),
    registerEnterprise: (enterprise) => registry.registerEnterprise(enterprise),
  };
}
