/**
 * A real HTTP server speaking the provincial matter system's protocol
 * (README.md in this adapter), serving the 40 themes of the seed table with
 * synthetic matter details. Tests and the sandbox run it on a real socket.
 */
import type { Matter, Theme } from '../../../src/domain/matter-catalog.js';
import { FaultController } from '../../common/faults.js';
import { startSignedApiSimulator, type SimulatorHandle, type SimulatorListenOptions } from '../../common/simulator-app.js';
import { buildCatalogue, type Catalogue, type CatalogueDepartment } from '../catalogue/build-catalogue.js';
import { answer } from './answer.js';
import { NonceCache, authenticate } from './authenticate.js';
import { CatalogueState, matterSnapshot, themeSnapshot, type MatterPatch } from './catalogue-state.js';
import { catalogueRouter } from './routes.js';

export interface MatterSystemCredentials {
  readonly appKey: string;
  readonly appSecret: string;
}

/** Development credentials the simulator accepts unless told otherwise (not a secret: simulators are development tools). */
export const DEFAULT_MATTER_SYSTEM_CREDENTIALS: MatterSystemCredentials = Object.freeze({
  appKey: 'tongban-dev', appSecret: 'tongban-dev-matter-system-secret',
});

export interface MatterSystemSimulatorOptions extends SimulatorListenOptions {
  /** Accepted app keys and secrets. Default: {@link DEFAULT_MATTER_SYSTEM_CREDENTIALS}. */
  readonly credentials?: readonly MatterSystemCredentials[];
  /** Allowed clock skew of request timestamps (s). Default 600. */
  readonly skewSeconds?: number;
  /** Clock (epoch ms), for timestamps checks and `updatedAt`. Default `Date.now`. */
  readonly now?: () => number;
  /** Catalogue to serve. Default: built from catalogue/themes.json. */
  readonly catalogue?: Catalogue;
  /** Seed of the fault controller's random rolls. Default 1. */
  readonly faultSeed?: number;
}

/** Its `requestCount` includes faulted requests. */
export interface MatterSystemSimulator extends SimulatorHandle {
  /** Departments with their synthetic credit codes. */
  readonly departments: readonly CatalogueDepartment[];
  /** Current themes / matters, as a correct adapter would return them. */
  themes(): Theme[];
  matters(): Matter[];
  theme(code: string): Theme | undefined;
  matter(code: string): Matter | undefined;
  /** Bumps a matter's `updatedAt` and `version`. @throws Error for an unknown code. */
  touchMatter(code: string): Matter;
  /** Changes a matter (and bumps it). @throws Error for an unknown code. */
  updateMatter(code: string, patch: MatterPatch): Matter;
  /** Bumps a theme's `updatedAt` and `version`. */
  touchTheme(code: string): Theme;
  /** Withdraws a theme: status `withdrawn`, bumped, still listed. */
  removeTheme(code: string): Theme;
  /** Re-bundles a theme: its matters become `matterCodes` (each a catalogue matter). */
  updateThemeMatters(code: string, matterCodes: readonly string[]): Theme;
}

export async function startMatterSystemSimulator(options: MatterSystemSimulatorOptions = {}): Promise<MatterSystemSimulator> {
  const now = options.now ?? Date.now;
  const catalogue = options.catalogue ?? buildCatalogue();
  const state = new CatalogueState(catalogue, now);
  const credentials = new Map((options.credentials ?? [DEFAULT_MATTER_SYSTEM_CREDENTIALS]).map((entry) => [entry.appKey, entry.appSecret]));
  const faults = new FaultController(options.faultSeed ?? 1);
  const running = await startSignedApiSimulator(faults, options, {
    bodyLimit: '1mb',
    authenticate: authenticate({ credentials, skewSeconds: options.skewSeconds ?? 600, now }, new NonceCache()),
    routes: catalogueRouter(state),
    notFound: (req, res) => answer(res, 'NOT_FOUND', undefined, req.path),
    failed: (res) => answer(res, 'INTERNAL'),
  });

  return {
    url: running.url,
    faults,
    departments: catalogue.departments,
    requestCount: running.requestCount,
    themes: () => state.themes().map(themeSnapshot),
    matters: () => state.matters().map(matterSnapshot),
    theme: (code) => { const theme = state.theme(code); return theme && themeSnapshot(theme); },
    matter: (code) => { const matter = state.matter(code); return matter && matterSnapshot(matter); },
    touchMatter: (code) => matterSnapshot(state.touchMatter(code)),
    updateMatter: (code, patch) => matterSnapshot(state.updateMatter(code, patch)),
    touchTheme: (code) => themeSnapshot(state.touchTheme(code)),
    removeTheme: (code) => themeSnapshot(state.removeTheme(code)),
    updateThemeMatters: (code, matterCodes) => themeSnapshot(state.updateThemeMatters(code, matterCodes)),
    close: async () => {
      faults.reset();
      await running.close();
    },
  };
}
