/**
 * The health of each upstream adapter, for `GET /v1/ops/adapters`: what is
 * configured, the department circuits, and the last success and failure the
 * gateway has on record (catalogue sync runs, delivery attempts, and the job
 * rows of the payment, posting, 好差评 push and licence issuance workers:
 * src/ops/upstream-outcomes.ts).
 *
 * Health rule, first match wins:
 * - `down` — not configured (nothing to call), or its circuit is open
 *   (pushes are held back);
 * - `degraded` — its circuit is half-open (one trial push), or the most
 *   recent outcome on record is a failure;
 * - `up` — otherwise, including when nothing is on record yet.
 */
import { listRuns } from '../catalog/sync-runs.js';
import type { Department } from '../delivery/department-registry.js';
import type { Queryable } from '../store/index.js';
import { departmentLatest } from './counters.js';
import { iso, NOTHING_ON_RECORD, upstreamOutcomes, type UpstreamOutcomes } from './upstream-outcomes.js';

export type AdapterKind = 'matter-system' | 'licence-library' | 'seal-platform' | 'identity-platform' | 'payment-platform' | 'logistics' | 'evaluation' | 'data-sharing' | 'department';
export type AdapterHealthState = 'up' | 'degraded' | 'down';
export type CircuitState = 'closed' | 'open' | 'halfOpen';

/** One upstream adapter as ops see it. */
export interface AdapterHealth {
  /** Stable id: the kind (`matter-system`, `licence-library`, `seal-platform`, `identity-platform`, `payment-platform`, `logistics`, `evaluation`, `data-sharing`), or `department:<code>`. */
  readonly id: string;
  readonly kind: AdapterKind;
  /** Display name, e.g. 省事项系统 or the department's official name. */
  readonly name: string;
  /** Department adapters: the department code and channel. */
  readonly department?: string;
  readonly channel?: 'rest' | 'soap' | 'inbox';
  readonly configured: boolean;
  /** Configured base URL without user, password, query or fragment; null when none (inbox: the department calls Tongban). */
  readonly baseUrl: string | null;
  /** Department circuit in this process; null where there is no breaker (inbox, other adapters) or this process runs no dispatcher. */
  readonly circuit: CircuitState | null;
  /** ISO 8601; null when none is on record (or the gateway keeps no record for this adapter). */
  readonly lastSuccessAt: string | null;
  readonly lastFailureAt: string | null;
  /** Error code of the last failure on record. */
  readonly lastErrorCode: string | null;
  readonly health: AdapterHealthState;
  /** Why `health` is what it is, in words. */
  readonly healthReason: string;
}

/** The upstreams every department shares, by their key in {@link AdapterHealthSources.upstreams}. */
export type SharedUpstream = 'matterSystem' | 'licenceLibrary' | 'sealPlatform' | 'identityPlatform' | 'paymentPlatform' | 'logistics' | 'evaluation' | 'dataSharing';

/** What {@link adapterHealth} reads. */
export interface AdapterHealthSources {
  /** Where the last outcomes are read: the ops reader (off the request loop) or the store. */
  readonly reader: Queryable;
  readonly departments: readonly Department[];
  /** The shared upstreams: whether an adapter is in use, and its configured base URL (the identity platform's: its issuer). */
  readonly upstreams: Readonly<Record<SharedUpstream, { readonly configured: boolean; readonly url?: string | undefined }>>;
  /** Department code → base URL from the settings (they win over mappings/departments.json). */
  readonly departmentEndpoints: Readonly<Record<string, string>>;
  /** The dispatcher's circuits by department; undefined when this process runs no dispatcher. */
  readonly breakerStates: (() => Record<string, CircuitState>) | undefined;
}

/** A URL as ops may see it: no credentials, no query (keys travel there), no fragment. */
export function publicBaseUrl(url: string | undefined): string | null {
  if (!url) return null;
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    parsed.search = '';
    parsed.hash = '';
    return parsed.toString();
  } catch {
    return null;
  }
}

function judge(entry: { configured: boolean; circuit: CircuitState | null; lastSuccessAt: string | null; lastFailureAt: string | null }): { health: AdapterHealthState; healthReason: string } {
  if (!entry.configured) return { health: 'down', healthReason: 'not configured' };
  if (entry.circuit === 'open') return { health: 'down', healthReason: 'circuit open: pushes are held back' };
  if (entry.circuit === 'halfOpen') return { health: 'degraded', healthReason: 'circuit half-open: one trial push' };
  if (entry.lastFailureAt !== null && (entry.lastSuccessAt === null || entry.lastFailureAt > entry.lastSuccessAt)) {
    return { health: 'degraded', healthReason: 'the most recent outcome on record is a failure' };
  }
  return { health: 'up', healthReason: entry.lastSuccessAt === null ? 'configured; nothing on record yet' : 'the most recent outcome on record is a success' };
}

/** Last delivered and last failed attempt per department (retry, dead: failures; deferred by an open circuit: neither), from the counts kept by migration 011. */
async function departmentOutcomes(reader: Queryable): Promise<Map<string, UpstreamOutcomes>> {
  const outcomes = new Map<string, UpstreamOutcomes>();
  for (const [code, latest] of await departmentLatest(reader)) {
    outcomes.set(code, { lastSuccessAt: iso(latest.successAt), lastFailureAt: iso(latest.failureAt), lastErrorCode: latest.failureAt === null ? null : latest.failureErrorCode });
  }
  return outcomes;
}

/**
 * Every upstream adapter, in a fixed order: the matter system, the licence
 * library, the seal platform, the identity platform, the payment platform,
 * the mail service, the 好差评 system, the data-sharing exchange, then each
 * department in registry order.
 */
export async function adapterHealth(sources: AdapterHealthSources): Promise<AdapterHealth[]> {
  const [[lastSucceeded], [lastFailed], outcomes, recorded] = await Promise.all([
    listRuns(sources.reader, { status: 'succeeded', limit: 1 }),
    listRuns(sources.reader, { status: 'failed', limit: 1 }),
    departmentOutcomes(sources.reader),
    upstreamOutcomes(sources.reader),
  ]);
  const circuits = sources.breakerStates?.();

  const upstream = (id: Exclude<AdapterKind, 'department'>, name: string, { configured, url }: { configured: boolean; url?: string | undefined }, record: UpstreamOutcomes): AdapterHealth => {
    const base = { id, kind: id, name, configured, baseUrl: publicBaseUrl(url), circuit: null, ...record };
    return { ...base, ...judge(base) };
  };
  // The licence library's reads, the seal platform, the identity platform and the exchange are called within the request that
  // needs them, and nothing of those calls is kept: only the workers' jobs (issuance, payments, postings, pushes) are on record.
  const adapters: AdapterHealth[] = [
    upstream('matter-system', '省事项系统', sources.upstreams.matterSystem, {
      lastSuccessAt: lastSucceeded?.finishedAt ?? null, lastFailureAt: lastFailed?.finishedAt ?? null, lastErrorCode: lastFailed?.errorCode ?? null,
    }),
    upstream('licence-library', '电子证照库', sources.upstreams.licenceLibrary, recorded.licenceLibrary),
    upstream('seal-platform', '电子印章平台', sources.upstreams.sealPlatform, NOTHING_ON_RECORD),
    upstream('identity-platform', '统一身份认证平台', sources.upstreams.identityPlatform, NOTHING_ON_RECORD),
    upstream('payment-platform', '统一公共支付平台', sources.upstreams.paymentPlatform, recorded.paymentPlatform),
    upstream('logistics', 'EMS 邮政寄递', sources.upstreams.logistics, recorded.logistics),
    upstream('evaluation', '好差评系统', sources.upstreams.evaluation, recorded.evaluation),
    upstream('data-sharing', '数据共享交换平台', sources.upstreams.dataSharing, NOTHING_ON_RECORD),
  ];
  for (const department of sources.departments) {
    const url = department.channel === 'inbox' ? undefined : sources.departmentEndpoints[department.code] ?? department.endpoint;
    const circuit = department.channel === 'inbox' || circuits === undefined ? null : circuits[department.code] ?? 'closed';
    const entry = {
      id: `department:${department.code}`, kind: 'department' as const, name: department.name, department: department.code, channel: department.channel,
      configured: department.channel === 'inbox' || !!url, baseUrl: publicBaseUrl(url), circuit, ...(outcomes.get(department.code) ?? NOTHING_ON_RECORD),
    };
    adapters.push({ ...entry, ...judge(entry) });
  }
  return adapters;
}
