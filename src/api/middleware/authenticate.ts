import type { RequestHandler } from 'express';
import { TongbanError } from '../../errors/index.js';
import type { AuthenticatedClient } from '../../domain/clients.js';
import type { ClientRegistry } from '../../trust/client-registry.js';
import type { Queryable } from '../../store/index.js';
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
      /** `idt` of the verified request signature: the digest of the ID token it binds, if any. */
      signatureIdt?: string;
      /** For routes with `replayCheck: 'in-transaction'`: the jti the handler must record. */
      deferredJti?: DeferredJti;
    }
  }
}

/**
 * A verified request's jti whose replay check the handler does: `recordIn`
 * inside the transaction of its effect (then `committed()` once that
 * transaction is committed), or `settle()` before any other answer. Either
 * way a replayed jti ends in 401 REPLAY_DETECTED and nothing is stored twice.
 */
export interface DeferredJti {
  /** Records the jti in `tx`; throws REPLAY_DETECTED when it was used before (the transaction then rolls back). */
  recordIn(tx: Queryable): Promise<void>;
  /** The same, but a replay fails its statement, aborting `tx` on the server (for a transaction sent with its COMMIT). */
  insertIn(tx: Queryable): Promise<void>;
  /** The transaction that recorded it committed. */
  committed(): void;
  /** Records it now unless a committed transaction did; throws REPLAY_DETECTED on a replay. */
  settle(): Promise<void>;
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
  const { replayGuard } = options;
  const authenticator = (deferred: boolean): RequestHandler => async (req, _res, next) => {
    const verified = await verifyRequest({
      method: req.method,
      pathAndQuery: req.originalUrl,
      body: req.streamedBody ? 'streamed' : req.rawBody ?? Buffer.alloc(0),
      headers: req.headers,
    }, {
      resolveClient: (id) => options.registry.resolve(id),
      markJtiUsed: async (clientId, jti, exp) => {
        if (!deferred) return replayGuard.markUsed(clientId, jti, exp);
        req.deferredJti = deferredJti(replayGuard, clientId, jti, exp);
        return true;
      },
      skewSeconds: options.skewSeconds,
    });
    const { client } = verified;
    req.client = { id: client.id, role: client.role, ...(client.department ? { department: client.department } : {}), ...(client.hall ? { hall: client.hall } : {}) };
    req.signatureJti = verified.claims.jti;
    if (verified.claims.idt !== undefined) req.signatureIdt = verified.claims.idt;
    if (req.streamedBody) req.contentSha256 = verified.contentSha256;
    next();
  };
  const authenticate = authenticator(false);
  const authenticateDeferred = authenticator(true);
  return (access: Access) => {
    if ('public' in access) return [];
    return [access.replayCheck === 'in-transaction' ? authenticateDeferred : authenticate, authorize(access)];
  };
}

function deferredJti(replayGuard: ReplayGuard, clientId: string, jti: string, exp: number): DeferredJti {
  let recorded = false;
  const replayed = () => new TongbanError('REPLAY_DETECTED', '"jti" claim was already used');
  return {
    recordIn: async (tx) => {
      if (!(await replayGuard.recordIn(tx, clientId, jti, exp))) throw replayed();
    },
    insertIn: async (tx) => {
      if (!(await replayGuard.insertIn(tx, clientId, jti, exp))) throw replayed();
    },
    committed: () => { recorded = true; },
    settle: async () => {
      if (recorded) return;
      if (!(await replayGuard.markUsed(clientId, jti, exp))) throw replayed();
      recorded = true;
    },
  };
}

function authorize(access: Exclude<Access, { public: true }>): RequestHandler {
  return (req, _res, next) => {
    const refusal = refusalOf(access, req);
    if (!refusal) return next();
    if (!req.deferredJti) throw refusal;
    // The route records jtis itself, and never runs for this request: it consumes its jti here (a replay is then 401, not 403).
    req.deferredJti.settle().then(() => next(refusal), next);
  };
}

/** Why the authenticated client may not use this route (role, or another department's path), if it may not. */
function refusalOf(access: Exclude<Access, { public: true }>, req: Parameters<RequestHandler>[0]): TongbanError | undefined {
  const client = req.client!;
  if (!access.roles.includes(client.role)) {
    return new TongbanError('ROLE_NOT_ALLOWED', `Role "${client.role}" may not ${req.method} ${req.route?.path ?? req.path}; allowed: ${access.roles.join(', ')}`);
  }
  if (access.departmentParam && client.role === 'department') {
    const requested = req.params[access.departmentParam];
    if (requested !== client.department) {
      return new TongbanError('DEPARTMENT_MISMATCH', `Client "${client.id}" acts for department "${client.department}", not "${String(requested)}"`);
    }
  }
  return undefined;
}
