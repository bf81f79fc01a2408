/**
 * A real HTTP server speaking the provincial matter system's protocol
 * (README.md in this adapter), serving the 40 themes of the seed table with
 * synthetic matter details. Tests and the sandbox run it on a real socket.
 */
import express, { type ErrorRequestHandler } from 'express';
import type { Matter, Theme } from '../../../src/domain/matter-catalog.js';
import { FaultController } from '../../common/faults.js';
import { listenSimulator } from '../../common/simulator-server.js';
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

export interface MatterSystemSimulatorOptions {
  /** Default 0 (any free port). */
  readonly port?: number;
  /** Default 127.0.0.1. */
  readonly host?: string;
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

export interface MatterSystemSimulator {
  readonly url: string;
  readonly faults: FaultController;
  /** Departments with their synthetic credit codes. */
  readonly departments: readonly CatalogueDepartment[];
  /** API requests received so far (faulted ones included, `/__control` excluded). */
  requestCount(): number;
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
  close(): Promise<void>;
}

export async function startMatterSystemSimulator(options: MatterSystemSimulatorOptions = {}): Promise<MatterSystemSimulator> {
  const now = options.now ?? Date.now;
  const catalogue = options.catalogue ?? buildCatalogue();
  const state = new CatalogueState(catalogue, now);
  const credentials = new Map((options.credentials ?? [DEFAULT_MATTER_SYSTEM_CREDENTIALS]).map((entry) => [entry.appKey, entry.appSecret]));
  const faults = new FaultController(options.faultSeed ?? 1);
  let requests = 0;

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use((req, _res, next) => {
    if (!req.path.startsWith('/__control')) requests += 1;
    next();
  });
  app.use(faults.controlRouter());
  app.use(faults.middleware());
  // The signature covers the raw body, so keep it as bytes.
  app.use(express.raw({ type: () => true, limit: '1mb' }));
  app.use(authenticate({ credentials, skewSeconds: options.skewSeconds ?? 600, now }, new NonceCache()));
  app.use(catalogueRouter(state));
  app.use((req, res) => answer(res, 'NOT_FOUND', undefined, req.path));
  const onError: ErrorRequestHandler = (_error, _req, res, _next) => answer(res, 'INTERNAL');
  app.use(onError);

  const running = await listenSimulator(app, { port: options.port ?? 0, ...(options.host ? { host: options.host } : {}) });

  return {
    url: running.url,
    faults,
    departments: catalogue.departments,
    requestCount: () => requests,
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
