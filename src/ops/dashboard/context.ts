/** What the dashboard pages read from: the store and a few live views of the running gateway. */
import type { CatalogSyncer } from '../../catalog/index.js';
import type { Department } from '../../delivery/department-registry.js';
import type { LicenceUseLedger } from '../../licences/index.js';
import type { Mappings } from '../../forms/mappings/types.js';
import type { Queryable, Store } from '../../store/index.js';

export interface DashboardContext {
  /** For what the pages write (audit entries, replays). */
  readonly store: Store;
  /** For what the pages read: the ops reader (off the request loop, src/store/ops-reader.ts), or the store itself. */
  readonly reader: Queryable;
  readonly departments: readonly Department[];
  readonly ledger: LicenceUseLedger;
  /** Circuit state per department, from this process's dispatcher (empty until it has delivered). */
  breakerStates(): Record<string, 'open' | 'halfOpen' | 'closed'>;
  /** Present when a matter system is configured: runs a sync on demand. */
  readonly catalogSyncer?: CatalogSyncer | undefined;
  /** Which upstream systems are configured, and each rest/soap department's base URL. */
  readonly upstreams: {
    readonly matterSystem: boolean;
    readonly licenceLibrary: boolean;
    readonly sealPlatform: boolean;
    readonly identityPlatform: boolean;
    readonly paymentPlatform: boolean;
    readonly logistics: boolean;
    readonly evaluation: boolean;
    readonly dataSharing: boolean;
    readonly departmentEndpoints: Readonly<Record<string, string>>;
  };
  /** Whether this process runs the dispatcher (circuit states come from it). */
  readonly dispatcherEnabled: boolean;
  now(): number;
  /** The mappings, for the statistics page's 可导办 / 可网办 (absent: the page is not served). */
  readonly mappings?: Pick<Mappings, 'matters' | 'materials' | 'materialNames' | 'themes'> | undefined;
}
