/**
 * The issuance worker: claims due licence_issuances rows under a lease and
 * issues each into the licence library (the sealed result document as its
 * file, the issuer's data signature, the business number `TB-<sub id>` that
 * makes a retry after a lost answer get the same identifier back), or
 * withdraws one the department revoked. Retryable failures back off; a
 * refusal (the library's 200–203, 100, 102 …) or the last attempt is a dead
 * letter with the library's code, notified and replayable by ops. Without a
 * library the rows wait (status issuing), visibly.
 */
import { randomUUID } from 'node:crypto';
import type { IssuerSigningCredentials, LicenceIssuing, RevocationKind } from '../domain/licence-issuance.js';
import { isUpstreamError } from '../domain/upstream-error.js';
import { backoffMs, isRetryable, type RetryPolicy } from '../delivery/retry-policy.js';
import { OutboxWorker } from '../delivery/outbox-loop.js';
import type { Logger } from '../log/index.js';
import type { Store } from '../store/index.js';
import type { IssuanceSnapshot } from './issuance-declaration.js';
import { notifyIssuance, type IssuanceStatus } from './issuance-jobs.js';

export interface IssuanceWorkerOptions {
  store: Store;
  logger: Logger;
  /** The library's issuance operations; without one, jobs wait. */
  library: LicenceIssuing | undefined;
  /** The issuer's signing credentials by its credit code; none = the job is dead (`NO_SIGNER`). */
  signerOf: (issuerCreditCode: string) => IssuerSigningCredentials | undefined;
  retry: RetryPolicy;
  /** How long a claim lasts (ms). Default 30 s. */
  leaseMs?: number;
  /** Sleep between empty rounds (ms). Default 250. */
  idleMs?: number;
  now?: () => number;
}

interface Claimed {
  id: string; application_id: string; sub_application_id: string; licence_type: string; business_number: string; request: string;
  identifier: string | null; operation: 'issue' | 'revoke'; revocation: string | null; attempts: number | string;
}

/** A failure the job records: the library's code when it gave one. */
class JobFailure extends Error {
  constructor(message: string, readonly code: string) { super(message); }
}

/** Notified when a department event wrote a job: it looks at once. */
export class IssuanceWorker extends OutboxWorker {
  readonly owner = `licence-issuance-${randomUUID()}`;

  constructor(private readonly options: IssuanceWorkerOptions) {
    super({ idleMs: options.idleMs ?? 250, now: options.now, onError: (error) => options.logger.warn('licence issuance round failed', { error: error.message }) });
  }

  /** One round: claims due jobs and sends them. @returns how many were claimed. */
  async runOnce(): Promise<number> {
    const { library } = this.options;
    if (!library) return 0;
    const claimed = await this.claim(this.now());
    await Promise.allSettled(claimed.map((job) => this.handle(library, job)));
    return claimed.length;
  }

  private async claim(now: number): Promise<Claimed[]> {
    const { store } = this.options;
    const lock = store.capabilities.skipLocked ? 'FOR UPDATE SKIP LOCKED' : '';
    return store.transaction(async (tx) => (await tx.query<Claimed>(
      `UPDATE licence_issuances SET state = 'in_flight', lease_owner = $1, lease_expires_at = $2
        WHERE id IN (SELECT id FROM licence_issuances
                      WHERE (state = 'pending' AND next_attempt_at <= $3) OR (state = 'in_flight' AND lease_expires_at < $3)
                      ORDER BY next_attempt_at LIMIT 20 ${lock})
        RETURNING id, application_id, sub_application_id, licence_type, business_number, request, identifier, operation, revocation, attempts`,
      [this.owner, now + (this.options.leaseMs ?? 30_000), now])).rows);
  }

  private async handle(library: LicenceIssuing, job: Claimed): Promise<void> {
    let settled = false;
    try {
      settled = job.operation === 'revoke' ? await this.revoke(library, job) : await this.issue(library, job);
    } catch (error) {
      settled = await this.fail(job, error);
    } finally {
      if (!settled) {
        await this.options.store.query(
          "UPDATE licence_issuances SET state = 'pending', lease_owner = NULL, lease_expires_at = NULL, next_attempt_at = $3 WHERE id = $1 AND lease_owner = $2 AND state = 'in_flight'",
          [job.id, this.owner, this.now() + 1000]).catch(() => undefined);
      }
    }
  }

  private async issue(library: LicenceIssuing, job: Claimed): Promise<boolean> {
    const { store } = this.options;
    const snapshot = JSON.parse(job.request) as IssuanceSnapshot;
    const signer = this.options.signerOf(snapshot.issuer.creditCode);
    if (!signer) throw new JobFailure(`no signing credentials for issuer ${snapshot.issuer.name} (${snapshot.issuer.creditCode})`, 'NO_SIGNER');
    const { rows } = await store.query<{ pdf: Buffer | Uint8Array }>('SELECT pdf FROM result_documents WHERE id = $1', [snapshot.documentId]);
    if (!rows[0]) throw new JobFailure(`result document ${snapshot.documentId} is gone`, 'NO_FILE');
    const { documentId: _file, ...request } = snapshot;
    const receipt = await library.issue({ ...request, businessNumber: job.business_number, file: Buffer.from(rows[0].pdf), signer });
    const at = this.now();
    // A revocation that arrived while issuing follows at once.
    const revokeNext = job.revocation !== null;
    return store.transaction(async (tx) => {
      const { rowCount } = await tx.query(
        `UPDATE licence_issuances SET identifier = $3, status = $4, operation = $5, state = $6, attempts = $7, next_attempt_at = $8, last_error = NULL, error_code = NULL,
           lease_owner = NULL, lease_expires_at = NULL, updated_at = $8 WHERE id = $1 AND lease_owner = $2 AND state = 'in_flight'`,
        [job.id, this.owner, receipt.identifier, revokeNext ? 'revoking' : 'issued', revokeNext ? 'revoke' : 'issue', revokeNext ? 'pending' : 'done', revokeNext ? 0 : Number(job.attempts) + 1, at]);
      if (rowCount === 0) return false;
      await notifyIssuance(tx, { applicationId: job.application_id, subApplicationId: job.sub_application_id }, { licenceType: job.licence_type, identifier: receipt.identifier, status: 'issued' }, at);
      return true;
    });
  }

  private async revoke(library: LicenceIssuing, job: Claimed): Promise<boolean> {
    const revocation = JSON.parse(job.revocation ?? '{}') as { kind: RevocationKind; reason: string };
    const answer = await library.revoke(job.identifier!, revocation.kind, revocation.reason);
    const at = this.now();
    return this.options.store.transaction(async (tx) => {
      const { rowCount } = await tx.query(
        `UPDATE licence_issuances SET status = $3, state = 'done', attempts = attempts + 1, last_error = NULL, error_code = NULL, lease_owner = NULL, lease_expires_at = NULL,
           updated_at = $4 WHERE id = $1 AND lease_owner = $2 AND state = 'in_flight'`, [job.id, this.owner, answer.status, at]);
      if (rowCount === 0) return false;
      await notifyIssuance(tx, { applicationId: job.application_id, subApplicationId: job.sub_application_id }, { licenceType: job.licence_type, identifier: job.identifier, status: answer.status }, at);
      return true;
    });
  }

  /** Schedules a retry, or — a refusal, or the last attempt — a dead letter with the library's code, notified. */
  private async fail(job: Claimed, error: unknown): Promise<boolean> {
    const { store, logger, retry } = this.options;
    const attempt = Number(job.attempts) + 1;
    const dead = error instanceof JobFailure || !isRetryable(error) || attempt >= retry.maxAttempts;
    const code = error instanceof JobFailure ? error.code : isUpstreamError(error) ? (error.upstreamCode ?? error.kind) : 'ERROR';
    const message = `${isUpstreamError(error) ? `${error.kind}: ` : ''}${(error as Error).message ?? String(error)}`.slice(0, 1000);
    const at = this.now();
    if (dead) logger.warn('licence issuance dead', { issuanceId: job.id, operation: job.operation, attempt, code, error: message });
    const failedStatus: IssuanceStatus = job.operation === 'issue' ? 'failed' : 'issued';
    return store.transaction(async (tx) => {
      const { rowCount } = await tx.query(
        `UPDATE licence_issuances SET state = $3, status = CASE WHEN $4 THEN $5 ELSE status END, attempts = $6, next_attempt_at = $7, last_error = $8, error_code = $9,
           lease_owner = NULL, lease_expires_at = NULL, updated_at = $10 WHERE id = $1 AND lease_owner = $2 AND state = 'in_flight'`,
        [job.id, this.owner, dead ? 'dead' : 'pending', dead, failedStatus, attempt, at + backoffMs(retry, attempt), message, code, at]);
      if (rowCount === 0) return false;
      if (dead) {
        await notifyIssuance(tx, { applicationId: job.application_id, subApplicationId: job.sub_application_id },
          { licenceType: job.licence_type, identifier: job.identifier, status: failedStatus, errorCode: code }, at);
      }
      return true;
    });
  }
}
