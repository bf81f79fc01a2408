import type { CatalogStore, CatalogSyncer, SyncRun } from '../../catalog/index.js';
import { listRuns } from '../../catalog/index.js';
import { TongbanError, validationError } from '../../errors/index.js';
import { decodeCursor, pageOf } from '../../ops/cursor.js';
import type { Queryable, Store } from '../../store/index.js';
import { cursorQuery, limitQuery, query } from '../openapi/parameters.js';
import { syncRun, syncRunList, syncRunTrigger, themeDetail, themeList } from '../openapi/schemas/catalog.js';
import { type Route, OPS_READ } from './route.js';
import { readLimit } from './read-limit.js';

export interface CatalogRouteDependencies {
  store: Store;
  /** Where `GET /v1/ops/sync-runs` reads (the ops reader, off the request loop); default `store`. */
  reader?: Queryable;
  catalog: CatalogStore;
  /** Absent when no matter system is configured: the stored catalogue is still served. */
  syncer?: CatalogSyncer;
}

const THEME_CODE = /^[A-Za-z0-9._-]{1,64}$/;
const SYNC_RUNS_CURSOR = { list: 'sync-runs', shape: ['number'] } as const;

/** `GET /v1/themes`, `GET /v1/themes/{themeCode}`: served from the stored catalogue, also while the matter system is down. */
export function catalogRoutes(deps: CatalogRouteDependencies): Route[] {
  return [
    {
      method: 'GET', path: '/v1/themes', access: { roles: ['platform', 'counter', 'ops'] }, summary: 'List 一件事 themes with their matters and departments',
      responses: { 200: { description: 'Every theme of the stored catalogue, in the catalogue\'s order', schema: themeList } },
      handler: async (_req, res) => {
        const themes = await deps.catalog.listThemes();
        const matters = await deps.catalog.getMatters([...new Set(themes.flatMap((theme) => theme.matterCodes))]);
        res.json({
          themes: themes.map((theme) => ({
            ...theme,
            matters: theme.matterCodes.map((code) => {
              const matter = matters.get(code);
              return { code, name: matter?.name ?? null, department: matter?.department ?? null };
            }),
          })),
        });
      },
    },
    {
      method: 'GET', path: '/v1/themes/:themeCode', access: { roles: ['platform', 'counter', 'ops'] }, summary: 'One theme with the full matters (materials, form fields, time limits)',
      responses: { 200: { description: 'The theme', schema: themeDetail } },
      errors: ['VALIDATION_FAILED'],
      handler: async (req, res) => {
        const code = String(req.params['themeCode']);
        if (!THEME_CODE.test(code)) throw validationError([{ pointer: '/themeCode', message: 'must be 1–64 letters, digits, dots, dashes or underscores' }]);
        const theme = await deps.catalog.getTheme(code);
        if (!theme) throw new TongbanError('NOT_FOUND', `No theme "${code}" in the catalogue`);
        const matters = await deps.catalog.getMatters(theme.matterCodes);
        res.json({ ...theme, matters: theme.matterCodes.map((matterCode) => matters.get(matterCode) ?? { code: matterCode, missing: true }) });
      },
    },
    {
      method: 'GET', path: '/v1/ops/sync-runs', access: OPS_READ, summary: 'Catalogue sync runs, newest first (?status=failed for failures)',
      parameters: [query('status', 'Only runs in this status', { enum: ['running', 'succeeded', 'failed'] }), limitQuery(50, 500), cursorQuery],
      responses: { 200: { description: 'Sync runs, newest first', schema: syncRunList } },
      errors: ['VALIDATION_FAILED'],
      handler: async (req, res) => {
        const status = req.query['status'];
        if (status !== undefined && !['running', 'succeeded', 'failed'].includes(String(status))) {
          throw validationError([{ pointer: '/status', message: 'must be one of running, succeeded, failed' }]);
        }
        const limit = readLimit(req.query['limit'], 50, 500);
        const after = decodeCursor(req.query['cursor'], SYNC_RUNS_CURSOR.list, SYNC_RUNS_CURSOR.shape);
        const runs = await listRuns(deps.reader ?? deps.store, { ...(status ? { status: status as SyncRun['status'] } : {}), limit: limit + 1, ...(after ? { before: Number(after[0]) } : {}) });
        const page = pageOf(runs, limit, SYNC_RUNS_CURSOR.list, (run) => [run.id]);
        res.json({ runs: page.rows, nextCursor: page.nextCursor });
      },
    },
    {
      method: 'POST', path: '/v1/ops/sync-runs', access: { roles: ['ops'] }, summary: 'Run a catalogue sync now ({"kind":"full"|"incremental"}); answers the finished run',
      description: 'Waits for the run and answers it (a failed run is still 201, with `status: "failed"` and its `errorCode`). A sync running in this process is joined; one running on another replica is 409 `CONFLICT`.',
      request: { schema: syncRunTrigger, example: { kind: 'incremental' } },
      responses: { 201: { description: 'The finished run', schema: syncRun } },
      errors: ['VALIDATION_FAILED', 'CONFLICT', 'SERVICE_UNAVAILABLE'],
      handler: async (req, res) => {
        if (!deps.syncer) throw new TongbanError('SERVICE_UNAVAILABLE', 'No matter system is configured (TONGBAN_MATTER_SYSTEM_URL)');
        const kind = (req.body as { kind?: unknown } | undefined)?.kind ?? 'incremental';
        if (kind !== 'full' && kind !== 'incremental') throw validationError([{ pointer: '/kind', message: 'must be "full" or "incremental"' }]);
        const run = await deps.syncer.runNow(kind, `ops:${req.client!.id}`);
        res.status(201).json(run);
      },
    },
  ];
}
