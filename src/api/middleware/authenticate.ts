import type { RequestHandler, Response } from 'express';
import { answerProblem, asTongbanError, TongbanError } from '../../errors/index.js';
import type { Logger } from '../../log/index.js';
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
      /** For routes with `replayCheck: 'alongside'`: the jti's record, settling with the refusal it brings (a replay), if any. */
      jtiAlongside?: Promise<TongbanError | undefined>;
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
  /** For answers a failed `jti` record replaces (`replayCheck: 'alongside'`). */
  logger: Logger;
}

/**
 * The access guard: verifies the Tongban signature of the request (401 on
 * failure), then checks the route's access rule: role (403
 * ROLE_NOT_ALLOWED) and, for department clients, that the department in the
 * path is their own (403 DEPARTMENT_MISMATCH).
 */
export function createAccessGuard(options: AccessGuardOptions): AccessGuard {
  const { replayGuard } = options;
  const authenticator = (mode: 'now' | 'in-transaction' | 'alongside'): RequestHandler => async (req, _res, next) => {
    const verified = await verifyRequest({
      method: req.method,
      pathAndQuery: req.originalUrl,
      body: req.streamedBody ? 'streamed' : req.rawBody ?? Buffer.alloc(0),
      headers: req.headers,
    }, {
      resolveClient: (id) => options.registry.resolve(id),
      markJtiUsed: async (clientId, jti, exp) => {
        if (mode === 'now') return replayGuard.markUsed(clientId, jti, exp);
        if (mode === 'alongside') {
          req.jtiAlongside = replayGuard.markUsed(clientId, jti, exp).then((first) => (first ? undefined : replayed()), asTongbanError);
          return true;
        }
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
  const authenticate = authenticator('now');
  const authenticateDeferred = authenticator('in-transaction');
  const authenticateAlongside = authenticator('alongside');
  const hold = holdAnswer(options.logger);
  return (access: Access) => {
    if ('public' in access) return [];
    if (access.replayCheck === 'alongside') return [authenticateAlongside, hold, authorize(access)];
    return [access.replayCheck === 'in-transaction' ? authenticateDeferred : authenticate, authorize(access)];
  };
}

const replayed = () => new TongbanError('REPLAY_DETECTED', '"jti" claim was already used');

/**
 * Holds the answer of a `replayCheck: 'alongside'` route until its jti is
 * recorded. A replay, or a record that failed, replaces it with that problem
 * — the headers back as they were before the route, the handler's body
 * dropped — so what the handler read never leaves for a replayed request.
 * The answer must come whole through `end` (express's `res.json`/`send`): a
 * write would send the headers before the record, so it is refused (500).
 * While one answer is held, a later one (an error after `res.json`) is
 * dropped; the held one goes out with the status and headers it had.
 */
export function holdAnswer(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const recorded = req.jtiAlongside;
    if (!recorded) {
      next();
      return;
    }
    const before = res.getHeaders();
    const end = res.end.bind(res) as (...args: unknown[]) => Response;
    let state: 'open' | 'holding' | 'released' = 'open';
    (res as { end: unknown }).end = (...args: unknown[]) => {
      if (state === 'released') return end(...args);
      // While held, the first answer stands: a later one (an error after res.json) must not slip out before the record.
      if (state === 'holding') return res;
      state = 'holding';
      const answered = { status: res.statusCode, headers: res.getHeaders() };
      void recorded.then((refusal) => {
        state = 'released';
        // Status and headers as they were at this answer (or before the route, for the problem replacing it).
        for (const name of res.getHeaderNames()) res.removeHeader(name);
        for (const [name, value] of Object.entries(refusal ? before : answered.headers)) if (value !== undefined) res.setHeader(name, value);
        if (refusal) {
          answerProblem(logger, refusal, req, res);
          return;
        }
        res.statusCode = answered.status;
        end(...args);
      }).catch((error: unknown) => {
        // Nothing can be answered any more: end the exchange rather than leave the client waiting.
        logger.error('a held answer could not be sent', { method: req.method, path: req.path, error: (error as Error).message });
        res.destroy();
      });
      return res;
    };
    // A write would send the headers and a first part before the record: such a route cannot be held.
    (res as { write: unknown }).write = () => {
      throw new Error(`${req.method} ${req.path} streams its answer: it cannot use replayCheck 'alongside'`);
    };
    next();
  };
}

function deferredJti(replayGuard: ReplayGuard, clientId: string, jti: string, exp: number): DeferredJti {
  let recorded = false;
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
