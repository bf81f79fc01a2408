import type { Request, RequestHandler, Response } from 'express';
import type { ErrorCode } from '../../errors/index.js';
import type { Role } from '../../domain/clients.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * Who may call a route: anyone (`public`), or authenticated clients of the
 * given roles. `departmentParam` names the path parameter that holds a
 * department code: a department client may only use its own.
 */
export type Access =
  | { readonly public: true }
  | {
    readonly roles: readonly Role[];
    readonly departmentParam?: string;
    /**
     * `in-transaction`: the handler records the request's `jti` itself
     * (`req.deferredJti`), inside the transaction that stores its effect, and
     * before any other answer (`settle`). The signature and every other check
     * still run first. Saves a store round trip per request on the intake path.
     *
     * `alongside`: for reads that answer whole (`res.json`, never a stream)
     * and have no effect: the handler runs while the `jti` is being recorded,
     * and its answer is held until the record is durable; a replay (or a
     * record that failed) replaces the answer with that problem, so nothing
     * the handler read leaves Tongban for it. Saves the record's wait
     * (its group commit and sync) on an operator's read.
     */
    readonly replayCheck?: 'in-transaction' | 'alongside';
  };

/** Access of the ops API's reads (`GET /v1/ops/…`): the `ops` role; each runs alongside its jti's record (whole JSON, CSV or XLSX answers, no effect). */
export const OPS_READ: Access = { roles: ['ops'], replayCheck: 'alongside' };

/** A JSON Schema (2020-12, as OpenAPI 3.1 uses it). */
export type JsonSchema = { readonly [keyword: string]: unknown };

/** A query, header or path parameter, for the OpenAPI description. */
export interface RouteParameter {
  readonly name: string;
  readonly in: 'query' | 'header' | 'path';
  readonly description: string;
  readonly required?: boolean;
  readonly schema: JsonSchema;
  readonly example?: unknown;
  /** Name under `components.parameters` when the parameter is shared by several routes. */
  readonly component?: string;
}

/** A request or response body, for the OpenAPI description. */
export interface RouteBody {
  readonly description?: string;
  /** Default `application/json`. */
  readonly contentType?: string;
  /** Several media types sharing the schema (a file body); takes the place of `contentType`. */
  readonly contentTypes?: readonly string[];
  readonly schema: JsonSchema;
  readonly example?: unknown;
}

/** One documented answer of a route. */
export interface RouteResponse extends Partial<RouteBody> {
  readonly description: string;
  /** Response headers (name → description). */
  readonly headers?: Readonly<Record<string, string>>;
}

/** One endpoint, declared as data so access rules and the OpenAPI description stay in one place. */
export interface Route {
  readonly method: HttpMethod;
  /** Express path, e.g. `/v1/departments/:dept/inbox`. */
  readonly path: string;
  readonly access: Access;
  readonly summary: string;
  readonly handler: (req: Request, res: Response) => unknown;
  /**
   * `stream`: the handler reads the body itself from `req`, as it arrives
   * (an upload), instead of the JSON body parser buffering it. The signature
   * is verified before a byte is read, all but the body's digest, which the
   * handler checks against `req.contentSha256` at the end of the body.
   */
  readonly body?: 'stream';
  // --- OpenAPI only (src/api/openapi); optional, the route works without them ---
  /** Longer Markdown description. */
  readonly description?: string;
  /** OpenAPI tags; default derived from the path. */
  readonly tags?: readonly string[];
  /** Query and header parameters (path parameters are derived from `path`; declare one here to describe it). */
  readonly parameters?: readonly RouteParameter[];
  /** The JSON body the route reads. */
  readonly request?: RouteBody;
  /** Successful answers by status; default `200` with a JSON object. */
  readonly responses?: Readonly<Record<number, RouteResponse>>;
  /**
   * Error codes this route answers besides those every route of its kind can
   * (authentication, role, body parsing, 404 on path parameters, 500/503).
   */
  readonly errors?: readonly ErrorCode[];
}

/** Turns an access rule into the middleware that enforces it (provided by src/trust). */
export type AccessGuard = (access: Access) => RequestHandler[];

export const PUBLIC: Access = Object.freeze({ public: true });
