/**
 * The push channel of each department, built from the department registry
 * (channel kind, endpoint) and the department's registered public keys by the
 * channel factory the composition root provides (which signs with Tongban's
 * current key). Rebuilt every minute so key rotations on either side are
 * picked up; the factory's connections (one keep-alive pool per endpoint)
 * outlive the rebuilds.
 */
import type { JWK } from 'jose';
import type { PushChannelFactory, PushDepartmentChannel } from '../domain/department-channel.js';
import type { ClientRegistry } from '../trust/client-registry.js';
import type { Department } from './department-registry.js';

export interface ChannelRegistryOptions {
  departments: readonly Department[];
  /** Department code → base URL (configuration wins over the registry file). */
  endpoints: Readonly<Record<string, string>>;
  /** Department code → most sub-applications per push (configuration wins over the registry's `batch`). */
  batch?: Readonly<Record<string, number>>;
  /** Builds each channel from the concrete adapters (the composition root's). */
  factory: PushChannelFactory;
  clients: ClientRegistry;
  timeoutMs: number;
  /** How long a built channel is reused (ms). Default 60 s. */
  refreshMs?: number;
}

export interface ChannelLookup {
  (departmentCode: string): Promise<PushDepartmentChannel | undefined>;
  /** Closes every department's connection pool (at shutdown, once no push is running); later lookups open new ones. */
  close(): void;
}

export function createChannelRegistry(options: ChannelRegistryOptions): ChannelLookup {
  const departments = new Map(options.departments.map((department) => [department.code, department]));
  for (const code of Object.keys(options.batch ?? {})) {
    const channel = departments.get(code)?.channel;
    if (channel !== 'rest') throw new Error(`TONGBAN_DEPARTMENT_BATCH: ${code} is ${channel ? `a ${channel} department` : 'no department of the registry'}; only rest departments take batched pushes`);
  }
  const cache = new Map<string, { channel: PushDepartmentChannel | undefined; until: number }>();
  const lookup = async (code: string) => {
    const cached = cache.get(code);
    if (cached && cached.until > Date.now()) return cached.channel;
    const department = departments.get(code);
    const endpoint = options.endpoints[code] ?? department?.endpoint;
    let channel: PushDepartmentChannel | undefined;
    if (department && endpoint && department.channel !== 'inbox') {
      const client = await options.clients.resolve(`dept-${code}`);
      const departmentPublicKeys: JWK[] = client ? Object.values(client.keys) : [];
      channel = options.factory.channel({
        kind: department.channel, baseUrl: endpoint, departmentCode: code, departmentPublicKeys, timeoutMs: options.timeoutMs,
        maxBatch: department.channel === 'rest' ? options.batch?.[code] ?? department.batch ?? 1 : 1,
      });
    }
    cache.set(code, { channel, until: Date.now() + (options.refreshMs ?? 60_000) });
    return channel;
  };
  return Object.assign(lookup, {
    close() {
      options.factory.close();
      cache.clear();
    },
  });
}
