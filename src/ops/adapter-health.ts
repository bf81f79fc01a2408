/**
 * The health of each upstream adapter, for `GET /v1/ops/adapters`: what is
 * configured, the department circuits, and the last success and failure the
 * gateway has on record (catalogue sync runs, delivery attempts).
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

export type AdapterKind = 'matter-system' | 'licence-library' | 'seal-platform' | 'department';
export type AdapterHealthState = 'up' | 'degraded' | 'down';
export type CircuitState = 'closed' | 'open' | 'halfOpen';

/** One upstream adapter as ops see it. */
export interface AdapterHealth {
  /** Stable id: `matter-system`, `licence-library`, `seal-platform`, `department:<code>`. */
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

/** What {@link adapterHealth} reads. */
export interface AdapterHealthSources {
  /** Where the last outcomes are read: the ops reader (off the request loop) or the store. */
  readonly reader: Queryable;
  readonly departments: readonly Department[];
  /** The three shared upstreams: whether an adapter is in use, and its configured base URL. */
  readonly upstreams: Readonly<Record<'matterSystem' | 'licenceLibrary' | 'sealPlatform', { readonly configured: boolean; readonly url?: string | undefined }>>;
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

const iso = (millis: number | string | null | undefined): string | null => (millis === null || millis === undefined ? null : new Date(Number(millis)).toISOString());

function judge(entry: { configured: boolean; circuit: CircuitState | null; lastSuccessAt: string | null; lastFailureAt: string | null }): { health: AdapterHealthState; healthReason: string } {
  if (!entry.configured) return { health: 'down', healthReason: 'not configured' };
  if (entry.circuit === 'open') return { health: 'down', healthReason: 'circuit open: pushes are held back' };
  if (entry.circuit === 'halfOpen') return { health: 'degraded', healthReason: 'circuit half-open: one trial push' };
  if (entry.lastFailureAt !== null && (entry.lastSuccessAt === null || entry.lastFailureAt > entry.lastSuccessAt)) {
    return { health: 'degraded', healthReason: 'the most recent outcome on record is a failure' };
  }
  return { health: 'up', healthReason: entry.lastSuccessAt === null ? 'configured; nothing on record yet' : 'the most recent outcome on record is a success' };
}

interface DepartmentOutcomes { lastSuccessAt: string | null; lastFailureAt: string | null; lastErrorCode: string | null }

/** Last delivered and last failed attempt per department (retry, dead: failures; deferred by an open circuit: neither), from the counts kept by migration 011. */
async function departmentOutcomes(reader: Queryable): Promise<Map<string, DepartmentOutcomes>> {
  const outcomes = new Map<string, DepartmentOutcomes>();
  for (const [code, latest] of await departmentLatest(reader)) {
    outcomes.set(code, { lastSuccessAt: iso(latest.successAt), lastFailureAt: iso(latest.failureAt), lastErrorCode: latest.failureAt === null ? null : latest.failureErrorCode });
  }
  return outcomes;
}

/** Every upstream adapter: the matter system, the licence library, the seal platform, then each department in registry order. */
export async function adapterHealth(sources: AdapterHealthSources): Promise<AdapterHealth[]> {
  const [lastSucceeded] = await listRuns(sources.reader, { status: 'succeeded', limit: 1 });
  const [lastFailed] = await listRuns(sources.reader, { status: 'failed', limit: 1 });
  const circuits = sources.breakerStates?.();
  const outcomes = await departmentOutcomes(sources.reader);

  const upstream = (id: Exclude<AdapterKind, 'department'>, name: string, { configured, url }: { configured: boolean; url?: string | undefined }, record: DepartmentOutcomes): AdapterHealth => {
    const base = { id, kind: id, name, configured, baseUrl: publicBaseUrl(url), circuit: null, ...record };
    return { ...base, ...judge(base) };
  };
  // Tongban keeps no per-call record of the licence library and the seal platform (their calls are answered in the request that made them).
  const unrecorded: DepartmentOutcomes = { lastSuccessAt: null, lastFailureAt: null, lastErrorCode: null };
  const adapters: AdapterHealth[] = [
    upstream('matter-system', '省事项系统', sources.upstreams.matterSystem, {
      lastSuccessAt: lastSucceeded?.finishedAt ?? null, lastFailureAt: lastFailed?.finishedAt ?? null, lastErrorCode: lastFailed?.errorCode ?? null,
    }),
    upstream('licence-library', '电子证照库', sources.upstreams.licenceLibrary, unrecorded),
    upstream('seal-platform', '电子印章平台', sources.upstreams.sealPlatform, unrecorded),
  ];
  for (const department of sources.departments) {
    const url = department.channel === 'inbox' ? undefined : sources.departmentEndpoints[department.code] ?? department.endpoint;
    const circuit = department.channel === 'inbox' || circuits === undefined ? null : circuits[department.code] ?? 'closed';
    const entry = {
      id: `department:${department.code}`, kind: 'department' as const, name: department.name, department: department.code, channel: department.channel,
      configured: department.channel === 'inbox' || !!url, baseUrl: publicBaseUrl(url), circuit, ...(outcomes.get(department.code) ?? unrecorded),
    };
    adapters.push({ ...entry, ...judge(entry) });
  }
  return adapters;
}
