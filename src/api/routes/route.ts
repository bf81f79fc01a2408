import type { Request, RequestHandler, Response } from 'express';
import type { Role } from '../../spec/clients.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * Who may call a route: anyone (`public`), or authenticated clients of the
 * given roles. `departmentParam` names the path parameter that holds a
 * department code: a department client may only use its own.
 */
export type Access =
  | { readonly public: true }
  | { readonly roles: readonly Role[]; readonly departmentParam?: string };

/** One endpoint, declared as data so access rules and the OpenAPI description stay in one place. */
export interface Route {
  readonly method: HttpMethod;
  /** Express path, e.g. `/v1/departments/:dept/inbox`. */
  readonly path: string;
  readonly access: Access;
  readonly summary: string;
  readonly handler: (req: Request, res: Response) => unknown;
}

/** Turns an access rule into the middleware that enforces it (provided by src/trust). */
export type AccessGuard = (access: Access) => RequestHandler[];

export const PUBLIC: Access = Object.freeze({ public: true });
