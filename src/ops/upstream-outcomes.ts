/**
 * The last success and failure of the upstreams Tongban calls from durable
 * workers, read from the workers' own job rows: the payment platform
 * (payments), the mail service (postings), the 好差评 system (evaluation
 * pushes) and the e-licence library (licence issuance jobs). There is no
 * per-call history for them: a job row keeps the outcome of its latest call
 * (`last_error` set on a failure, cleared on a success) and the time of its
 * latest change, so "last success" is the newest change of a job whose
 * latest call succeeded, "last failure" the newest of one whose latest call
 * failed. Each read is the head of an index (migration 020, and
 * `evaluation_pushes_state_updated`): one row, whatever the tables hold.
 *
 * The identity platform and the data-sharing exchange are called within
 * the requests that need them, and nothing of those calls is kept: they have
 * no outcomes here.
 */
import type { UpstreamErrorKind } from '../domain/upstream-error.js';
import type { Queryable } from '../store/index.js';

/** An upstream's last success and failure on record (ISO 8601), and the failure's error code; all null when nothing is on record. */
export interface UpstreamOutcomes {
  readonly lastSuccessAt: string | null;
  readonly lastFailureAt: string | null;
  readonly lastErrorCode: string | null;
}

export const NOTHING_ON_RECORD: UpstreamOutcomes = Object.freeze({ lastSuccessAt: null, lastFailureAt: null, lastErrorCode: null });

/** The upstreams whose outcomes the workers record. */
export type RecordedUpstream = 'licenceLibrary' | 'paymentPlatform' | 'logistics' | 'evaluation';

/** Where each recorded upstream's outcomes are read (exported for the query-plan test). The WHERE of each is its index's, word for word. */
export const UPSTREAM_OUTCOME_SQL: Readonly<Record<RecordedUpstream, { readonly success: string; readonly failure: string; readonly fallbackCode: string }>> = {
  licenceLibrary: {
    success: "SELECT updated_at FROM licence_issuances WHERE state = 'done' ORDER BY updated_at DESC LIMIT 1",
    // Tongban's own refusals (no mapped value, no signer, no result file) are not the library's failures.
    failure: "SELECT updated_at, last_error, error_code FROM licence_issuances WHERE error_code NOT IN ('MAPPING', 'NO_SIGNER', 'NO_FILE') ORDER BY updated_at DESC LIMIT 1",
    fallbackCode: 'ISSUANCE_FAILED',
  },
  paymentPlatform: {
    success: 'SELECT updated_at FROM payments WHERE notice_no IS NOT NULL AND last_error IS NULL ORDER BY updated_at DESC LIMIT 1',
    failure: 'SELECT updated_at, last_error FROM payments WHERE last_error IS NOT NULL ORDER BY updated_at DESC LIMIT 1',
    fallbackCode: 'PAYMENT_FAILED',
  },
  logistics: {
    success: 'SELECT updated_at FROM postings WHERE waybill_no IS NOT NULL AND last_error IS NULL ORDER BY updated_at DESC LIMIT 1',
    failure: 'SELECT updated_at, last_error FROM postings WHERE last_error IS NOT NULL ORDER BY updated_at DESC LIMIT 1',
    fallbackCode: 'POSTING_FAILED',
  },
  evaluation: {
    success: "SELECT updated_at FROM evaluation_pushes WHERE state = 'delivered' ORDER BY updated_at DESC, id DESC LIMIT 1",
    failure: "SELECT updated_at, last_error FROM evaluation_pushes WHERE state <> 'in_flight' AND last_error IS NOT NULL ORDER BY updated_at DESC LIMIT 1",
    fallbackCode: 'EVALUATION_PUSH_FAILED',
  },
};

/** Every kind of upstream failure (a record, so a new kind fails to compile until it is listed). */
const UPSTREAM_KINDS: Readonly<Record<UpstreamErrorKind, true>> = {
  timeout: true, connection: true, unavailable: true, auth: true, signature: true, malformed: true, rejected: true,
};

/**
 * The code of a recorded failure: `UPSTREAM_<KIND>` — as for delivery attempts
 * and sync runs — when the upstream failed (the workers record `<kind>: …`, or
 * `<kind> <upstream code>: …`), else `fallback` (the gateway's own failure).
 */
export function recordedErrorCode(lastError: string | null, fallback: string): string {
  const kind = /^([a-z]+)[ :]/.exec(lastError ?? '')?.[1];
  return kind !== undefined && Object.hasOwn(UPSTREAM_KINDS, kind) ? `UPSTREAM_${kind.toUpperCase()}` : fallback;
}

/** A stored Unix ms instant as ISO 8601; null when there is none. */
export const iso = (millis: number | string | null | undefined): string | null => (millis === null || millis === undefined ? null : new Date(Number(millis)).toISOString());

async function outcomesOf(reader: Queryable, upstream: RecordedUpstream): Promise<UpstreamOutcomes> {
  const sql = UPSTREAM_OUTCOME_SQL[upstream];
  const [success, failure] = await Promise.all([
    reader.query<{ updated_at: number | string }>(sql.success),
    reader.query<{ updated_at: number | string; last_error: string | null; error_code?: string | null }>(sql.failure),
  ]);
  const failed = failure.rows[0];
  return {
    lastSuccessAt: iso(success.rows[0]?.updated_at),
    lastFailureAt: iso(failed?.updated_at),
    lastErrorCode: failed ? recordedErrorCode(failed.last_error, failed.error_code ?? sql.fallbackCode) : null,
  };
}

/** The recorded outcomes of the licence library, the payment platform, the mail service and the 好差评 system, read together. */
export async function upstreamOutcomes(reader: Queryable): Promise<Record<RecordedUpstream, UpstreamOutcomes>> {
  const upstreams = Object.keys(UPSTREAM_OUTCOME_SQL) as RecordedUpstream[];
  const outcomes = await Promise.all(upstreams.map((upstream) => outcomesOf(reader, upstream)));
  return Object.fromEntries(upstreams.map((upstream, index) => [upstream, outcomes[index]!])) as Record<RecordedUpstream, UpstreamOutcomes>;
}
