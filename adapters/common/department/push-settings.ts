/**
 * What a push channel (REST or SOAP) needs to reach one department system:
 * where it is, how Tongban signs, which keys the receipts must verify with,
 * and the connections to use.
 */
import type { JWK } from 'jose';
import type { PrivateJwk } from '../../../src/trust/index.js';
import { createPushClient, DEPARTMENT_ANSWER_LIMIT_BYTES, type PushClient } from '../http-client.js';

export interface DepartmentPushSettings {
  /** The department system's base URL (a path prefix is kept). */
  baseUrl: string;
  /** Department code (`gaj`, …): the `aud` of Tongban's signature and the expected signer of the receipt. */
  departmentCode: string;
  /** Client id Tongban signs as (`iss`); default "tongban". */
  tongbanClientId?: string;
  /** Tongban's current private signing key. */
  signingKey: PrivateJwk;
  /** The department's registered public keys; its receipt must verify with the one its `kid` names. */
  departmentPublicKeys: readonly JWK[];
  /** Per-call timeout (ms). Default 10000. */
  timeoutMs?: number;
  /**
   * Connections to reuse (the channel registry keeps one pool per endpoint
   * while it rebuilds channels for key rotation); by default the channel
   * opens its own. Its `timeoutMs` then governs.
   */
  pushClient?: PushClient;
  /** Clock skew tolerated on the receipt signature's `iat` (s). Default 300. */
  skewSeconds?: number;
}

/** The connections a channel pushes through: the shared pool it was given, or its own. */
export function pushClientOf(settings: DepartmentPushSettings): PushClient {
  return settings.pushClient ?? createPushClient({ baseUrl: settings.baseUrl, timeoutMs: settings.timeoutMs ?? 10_000, maxAnswerBytes: DEPARTMENT_ANSWER_LIMIT_BYTES });
}
