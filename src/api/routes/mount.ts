import type { Express, RequestHandler } from 'express';
import { TongbanError } from '../../errors/index.js';
import type { AccessGuard, Route } from './route.js';

/**
 * Mounts routes grouped by path, so a path that exists answers a wrong method
 * with 405 and an `Allow` header instead of 404.
 */
export function mountRoutes(app: Express, routes: readonly Route[], guard: AccessGuard): void {
  const byPath = new Map<string, Route[]>();
  for (const route of routes) {
    const list = byPath.get(route.path) ?? [];
    if (list.some((existing) => existing.method === route.method)) throw new Error(`route ${route.method} ${route.path} declared twice`);
    list.push(route);
    byPath.set(route.path, list);
  }
  for (const [path, list] of byPath) {
    const chain = app.route(path);
    for (const route of list) {
      const guards = 'public' in route.access ? [] : guard(route.access);
      const handler: RequestHandler = async (req, res) => { await route.handler(req, res); };
      chain[route.method.toLowerCase() as 'get'](...guards, handler);
    }
    const allow = [...new Set(list.flatMap((route) => (route.method === 'GET' ? ['GET', 'HEAD'] : [route.method])))].join(', ');
    chain.all((req, _res, next) => {
      next(new TongbanError('METHOD_NOT_ALLOWED', `${req.method} is not allowed on ${path}; allowed: ${allow}`, { extensions: { allow } }));
    });
  }
}

/** Final handler: anything unmatched is a 404 problem. */
export const notFound: RequestHandler = (req, _res, next) => {
  next(new TongbanError('NOT_FOUND', `No resource at ${req.method} ${req.path}`));
};
