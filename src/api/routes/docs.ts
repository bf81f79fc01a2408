import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Response } from 'express';
import { TongbanError } from '../../errors/index.js';
import type { OpenApiDocument } from '../openapi/index.js';
import { PUBLIC, type Route } from './route.js';

/** Where swagger-ui-dist keeps its files (served from here, never from a CDN). */
const swaggerUiDir: string = (createRequire(import.meta.url)('swagger-ui-dist/absolute-path.js') as () => string)();

/** The dist files the page needs; its own index.html and initializer (petstore) are replaced by ours. */
const ASSETS = ['swagger-ui.css', 'index.css', 'swagger-ui-bundle.js', 'swagger-ui-standalone-preset.js', 'favicon-16x16.png', 'favicon-32x32.png'] as const;

/**
 * Only for /docs: Swagger UI loads its own scripts and styles and sets
 * inline styles on elements; nothing else is allowed (no other origin, no
 * inline script). Everywhere else the stricter default (helmet's, src/api/middleware/security-headers.ts) stays.
 */
export const DOCS_CSP = [
  "default-src 'self'", "base-uri 'self'", "connect-src 'self'", "font-src 'self' data:", "form-action 'self'", "frame-ancestors 'self'",
  "img-src 'self' data:", "object-src 'none'", "script-src 'self'", "script-src-attr 'none'", "style-src 'self' 'unsafe-inline'",
].join('; ');

const INDEX_HTML = `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="UTF-8">
    <title>Tongban (通办) API</title>
    <link rel="stylesheet" type="text/css" href="./swagger-ui.css">
    <link rel="stylesheet" type="text/css" href="./index.css">
    <link rel="icon" type="image/png" href="./favicon-32x32.png" sizes="32x32">
    <link rel="icon" type="image/png" href="./favicon-16x16.png" sizes="16x16">
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script src="./swagger-ui-bundle.js" charset="UTF-8"></script>
    <script src="./swagger-ui-standalone-preset.js" charset="UTF-8"></script>
    <script src="./swagger-initializer.js" charset="UTF-8"></script>
  </body>
</html>
`;

// A relative URL, so the docs work behind a proxy that adds a path prefix; no validator badge (it would call validator.swagger.io).
const INITIALIZER = `window.onload = function () {
  window.ui = SwaggerUIBundle({
    url: new URL('../openapi.json', window.location.href).href,
    dom_id: '#swagger-ui',
    deepLinking: true,
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    plugins: [SwaggerUIBundle.plugins.DownloadUrl],
    layout: 'StandaloneLayout',
  });
};
`;

function sendFile(res: Response, path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    res.sendFile(path, { maxAge: '1h', dotfiles: 'deny' }, (error) => (error ? reject(error) : resolve()));
  });
}

export interface DocsRouteDependencies {
  /** The OpenAPI description (built once, when first asked). */
  document: () => OpenApiDocument;
}

/** `GET /openapi.json` and the Swagger UI at `/docs/`, served offline. */
export function docsRoutes(deps: DocsRouteDependencies): Route[] {
  const available = new Set(readdirSync(swaggerUiDir));
  const missing = ASSETS.filter((asset) => !available.has(asset));
  if (missing.length > 0) throw new Error(`swagger-ui-dist at ${swaggerUiDir} lacks ${missing.join(', ')}`);
  const docsResponse = (description: string, contentType: string) => ({ 200: { description, contentType, schema: { type: 'string' } } });
  return [
    {
      method: 'GET', path: '/openapi.json', access: PUBLIC, summary: 'This OpenAPI 3.1 description, generated from the route declarations',
      responses: { 200: { description: 'OpenAPI 3.1 document', schema: { type: 'object' } } },
      handler: (_req, res) => {
        res.setHeader('Cache-Control', 'no-cache');
        res.json(deps.document());
      },
    },
    {
      method: 'GET', path: '/docs', access: PUBLIC, summary: 'API documentation (Swagger UI, served by the gateway itself)',
      responses: { ...docsResponse('The Swagger UI page', 'text/html'), 301: { description: '`/docs` → `/docs/`', headers: { Location: 'docs/' } } },
      handler: (req, res) => {
        // Relative asset URLs need the trailing slash (strict routing is off, so /docs and /docs/ both land here).
        if (!req.originalUrl.split('?')[0]!.endsWith('/')) {
          res.redirect(301, 'docs/');
          return;
        }
        res.setHeader('Content-Security-Policy', DOCS_CSP);
        res.setHeader('Cache-Control', 'no-cache');
        res.type('html').send(INDEX_HTML);
      },
    },
    {
      method: 'GET', path: '/docs/:file', access: PUBLIC, summary: 'Swagger UI assets (scripts, styles, icons)',
      responses: docsResponse('The asset', 'application/octet-stream'),
      handler: async (req, res) => {
        const file = String(req.params['file']);
        res.setHeader('Content-Security-Policy', DOCS_CSP);
        if (file === 'swagger-initializer.js') {
          res.setHeader('Cache-Control', 'no-cache');
          res.type('js').send(INITIALIZER);
          return;
        }
        if (!(ASSETS as readonly string[]).includes(file)) throw new TongbanError('NOT_FOUND', `No documentation asset "${file}"`);
        await sendFile(res, join(swaggerUiDir, file));
      },
    },
  ];
}
