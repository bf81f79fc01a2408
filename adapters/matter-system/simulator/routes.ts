/**
 * Catalogue endpoints of the simulated matter system:
 *
 *     GET /sxgl/v1/themes?pageNo=&pageSize=&updatedSince=     paged themes
 *     GET /sxgl/v1/themes/{themeCode}                         one theme
 *     GET /sxgl/v1/matters?pageNo=&pageSize=&updatedSince=    paged matters
 *     GET /sxgl/v1/matters/{catalogCode}                      one matter
 *
 * `pageNo` ≥ 1 (default 1), `pageSize` 1–100 (default 20); `updatedSince`
 * (epoch ms or ISO 8601) keeps items with `updateTime` ≥ it. Lists are in
 * catalogue order; a page past the end has no records.
 */
import { Router, type Request, type Response } from 'express';
import { DEFAULT_PAGE_SIZE, MATTERS_PATH, MAX_PAGE_SIZE, THEMES_PATH } from '../matter-system-api.js';
import { answer } from './answer.js';
import type { CatalogueState } from './catalogue-state.js';
import { toWireMatter, toWireTheme } from './to-wire.js';

interface ListQuery {
  pageNo: number;
  pageSize: number;
  updatedSince: number | undefined;
}

export function catalogueRouter(state: CatalogueState): Router {
  const router = Router();
  const matterOf = (code: string) => state.matter(code);

  router.get(THEMES_PATH, (req, res) => {
    const query = readListQuery(req, res);
    if (query) page(res, query, state.themes(), (theme) => toWireTheme(theme, matterOf));
  });
  router.get(`${THEMES_PATH}/:code`, (req, res) => {
    const theme = state.theme(req.params['code'] as string);
    if (!theme) return answer(res, 'NOT_FOUND', undefined, `theme ${req.params['code'] as string}`);
    answer(res, 'OK', toWireTheme(theme, matterOf));
  });
  router.get(MATTERS_PATH, (req, res) => {
    const query = readListQuery(req, res);
    if (query) page(res, query, state.matters(), toWireMatter);
  });
  router.get(`${MATTERS_PATH}/:code`, (req, res) => {
    const matter = state.matter(req.params['code'] as string);
    if (!matter) return answer(res, 'NOT_FOUND', undefined, `matter ${req.params['code'] as string}`);
    answer(res, 'OK', toWireMatter(matter));
  });
  return router;
}

function page<T extends { updatedAt: number }, W>(res: Response, query: ListQuery, items: readonly T[], toWire: (item: T) => W): void {
  const since = query.updatedSince;
  const selected = since === undefined ? items : items.filter((item) => item.updatedAt >= since);
  const start = (query.pageNo - 1) * query.pageSize;
  answer(res, 'OK', {
    pageNo: query.pageNo,
    pageSize: query.pageSize,
    total: selected.length,
    records: selected.slice(start, start + query.pageSize).map(toWire),
  });
}

/** The list parameters, or undefined after answering BAD_PARAMETER. */
function readListQuery(req: Request, res: Response): ListQuery | undefined {
  const pageNo = readInteger(req, 'pageNo', 1);
  const pageSize = readInteger(req, 'pageSize', DEFAULT_PAGE_SIZE);
  if (pageNo === null || pageNo < 1) return void answer(res, 'BAD_PARAMETER', undefined, 'pageNo must be an integer ≥ 1');
  if (pageSize === null || pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
    return void answer(res, 'BAD_PARAMETER', undefined, `pageSize must be an integer in 1–${MAX_PAGE_SIZE}`);
  }
  const raw = req.query['updatedSince'];
  let updatedSince: number | undefined;
  if (raw !== undefined) {
    updatedSince = typeof raw === 'string' ? parseTime(raw) : undefined;
    if (updatedSince === undefined) return void answer(res, 'BAD_PARAMETER', undefined, 'updatedSince must be epoch milliseconds or an ISO 8601 time');
  }
  return { pageNo, pageSize, updatedSince };
}

/** The integer value of a query parameter, its default when absent, null when malformed. */
function readInteger(req: Request, name: string, fallback: number): number | null {
  const raw = req.query[name];
  if (raw === undefined) return fallback;
  return typeof raw === 'string' && /^\d{1,9}$/.test(raw) ? Number(raw) : null;
}

function parseTime(raw: string): number | undefined {
  if (/^\d{1,15}$/.test(raw)) return Number(raw);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(raw)) return undefined;
  const ms = Date.parse(raw);
  return Number.isFinite(ms) ? ms : undefined;
}
