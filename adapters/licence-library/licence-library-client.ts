/**
 * The library's transport: POSTs `{accessId, accessToken, data}`, reads the
 * `{head, data}` envelope, and manages the access token — fetched on first
 * use, cached until shortly before it expires, fetched once by concurrent
 * callers, and on "token expired" (12) or "authentication failed" (11) for a
 * cached token, dropped, refreshed and the call repeated once. A library
 * that restarted forgets its tokens and answers 11, so a stale token must
 * not fail a call; wrong credentials still fail, on the token request.
 */
import { createHmac } from 'node:crypto';
import type { ValidateFunction } from 'ajv';
import { statusError, transportError, type PushClient } from '../common/http-client.js';
import { PATHS, STATUS, validateEnvelope, validateTokenData, type Envelope } from './licence-library-api.js';
import { envelopeError, malformedError } from './licence-library-error.js';

const SYSTEM = 'licence-library' as const;

export interface LibraryClientSettings {
  /** Keep-alive transport for the JSON calls (node:http, no per-call config merging: the look-up path's cost). */
  readonly transport: PushClient;
  readonly accessId: string;
  readonly accessSecret: string;
  readonly now: () => Date;
}

/** Refresh this long before the library's stated expiry (or at half the lifetime, for short ones). */
const REFRESH_MARGIN_MS = 30_000;

export class LibraryClient {
  private token: { value: string; refreshAt: number } | undefined;
  private pending: Promise<string> | undefined;
  /** Token requests made (for ops metrics and tests). */
  tokenRequests = 0;

  constructor(private readonly settings: LibraryClientSettings) {}

  /**
   * Calls a data operation and returns its validated `data`.
   * @param accept statuses other than 0 whose envelope is returned as `undefined` instead of thrown (e.g. 10 for a holder query).
   */
  async call<T>(operation: string, path: string, data: Record<string, unknown>, validate: ValidateFunction<T>, accept: readonly number[] = []): Promise<T | undefined> {
    for (let attempt = 1; ; attempt++) {
      const accessToken = await this.accessToken(operation);
      const envelope = await this.post(operation, path, { accessId: this.settings.accessId, accessToken, data });
      const status = envelope.head.status;
      if (status === STATUS.ok) {
        if (!validate(envelope.data)) return this.malformed(operation, validate);
        return envelope.data;
      }
      if (accept.includes(status)) return undefined;
      if ((status === STATUS.tokenExpired || status === STATUS.authenticationFailed) && attempt === 1) {
        this.forget(accessToken);
        continue;
      }
      throw envelopeError(operation, status, envelope.head.message);
    }
  }

  /** POSTs a body and returns the schema-valid envelope; transport and HTTP failures become UpstreamErrors. */
  async post(operation: string, path: string, body: unknown): Promise<Envelope> {
    let response;
    try {
      response = await this.settings.transport.post(path, JSON.stringify(body), { 'content-type': 'application/json' });
    } catch (error) {
      throw transportError(SYSTEM, operation, error);
    }
    if (response.status < 200 || response.status >= 300) throw statusError(SYSTEM, operation, response.status);
    let parsed: unknown;
    try {
      parsed = JSON.parse(response.body.toString('utf8'));
    } catch {
      throw malformedError(operation, 'the body is not JSON', response.status);
    }
    if (!validateEnvelope(parsed)) throw malformedError(operation, `the envelope ${ajvWhy(validateEnvelope)}`, response.status);
    return parsed;
  }

  private malformed(operation: string, validate: ValidateFunction): never {
    throw malformedError(operation, `data ${ajvWhy(validate)}`);
  }

  private async accessToken(operation: string): Promise<string> {
    const now = this.settings.now().getTime();
    if (this.token && now < this.token.refreshAt) return this.token.value;
    this.pending ??= this.fetchToken(operation).finally(() => { this.pending = undefined; });
    return this.pending;
  }

  private forget(value: string): void {
    if (this.token?.value === value) this.token = undefined;
  }

  private async fetchToken(operation: string): Promise<string> {
    const { accessId, accessSecret } = this.settings;
    const issuedAt = this.settings.now().getTime();
    const timestamp = String(issuedAt);
    const sign = createHmac('sha256', accessSecret).update(accessId + timestamp).digest('hex');
    this.tokenRequests += 1;
    const envelope = await this.post(`${operation}/token`, PATHS.token, { accessId, data: { timestamp, sign } });
    if (envelope.head.status !== STATUS.ok) throw envelopeError(`${operation}/token`, envelope.head.status, envelope.head.message);
    if (!validateTokenData(envelope.data)) this.malformed(`${operation}/token`, validateTokenData);
    const { accessToken, expiresIn } = envelope.data;
    const lifetimeMs = expiresIn * 1000;
    this.token = { value: accessToken, refreshAt: issuedAt + lifetimeMs - Math.min(REFRESH_MARGIN_MS, lifetimeMs / 2) };
    return accessToken;
  }
}

/** The first schema error, quoting where it is. */
export function ajvWhy(validate: ValidateFunction): string {
  const error = validate.errors?.[0];
  return error ? `at "${error.instancePath || '/'}" ${error.message ?? 'is invalid'}` : 'is invalid';
}
