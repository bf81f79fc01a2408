import type { RequestHandler } from 'express';
import { TongbanError } from '../../errors/index.js';
import type { AuthenticatedClient } from '../../spec/clients.js';
import type { ClientRegistry } from '../../trust/client-registry.js';
import type { ReplayGuard } from '../../trust/replay-guard.js';
import { verifyRequest } from '../../trust/verify-request.js';
import type { Access, AccessGuard } from '../routes/route.js';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** The authenticated caller (set by the access guard). */
      client?: AuthenticatedClient;
      /** `jti` of the verified request signature (echoed as `rjti` in the signed answer). */
      signatureJti?: string;
    }
  }
}

export interface AccessGuardOptions {
  registry: ClientRegistry;
  replayGuard: ReplayGuard;
  /** Allowed clock skew on `iat` (s). */
  skewSeconds: number;
}

/**
 * The access guard: verifies the Tongban signature of the request (401 on
 * failure), then checks the route's access rule: role (403
 * ROLE_NOT_ALLOWED) and, for department clients, that the department in the
 * path is their own (403 DEPARTMENT_MISMATCH).
 */
export function createAccessGuard(options: AccessGuardOptions): AccessGuard {
  const authenticate: RequestHandler = async (req, _res, next) => {
    const verified = await verifyRequest({
      method: req.method,
      pathAndQuery: req.originalUrl,
      body: req.rawBody ?? Buffer.alloc(0),
      headers: req.headers,
    }, {
      resolveClient: (id) => options.registry.resolve(id),
      markJtiUsed: (clientId, jti, exp) => options.replayGuard.markUsed(clientId, jti, exp),
      skewSeconds: options.skewSeconds,
    });
    const { client } = verified;
    req.client = { id: client.id, role: client.role, ...(client.department ? { department: client.department } : {}) };
    req.signatureJti = verified.claims.jti;
    next();
  };
  return (access: Access) => {
    if ('public' in access) return [];
    return [authenticate, authorize(access)];
  };
}

function authorize(access: Exclude<Access, { public: true }>): RequestHandler {
  return (req, _res, next) => {
    const client = req.client!;
    if (!access.roles.includes(client.role)) {
      throw new TongbanError('ROLE_NOT_ALLOWED', `Role "${client.role}" may not ${req.method} ${req.route?.path ?? req.path}; allowed: ${access.roles.join(', ')}`);
    }
    if (access.departmentParam && client.role === 'department') {
      const requested = req.params[access.departmentParam];
      if (requested !== client.department) {
        throw new TongbanError('DEPARTMENT_MISMATCH', `Client "${client.id}" acts for department "${client.department}", not "${String(requested)}"`);
      }
    }
    next();
  };
}
