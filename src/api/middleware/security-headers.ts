import type { RequestHandler } from 'express';

/**
 * The response headers helmet's defaults set, fixed once: an API answers with
 * the same ones every time, so computing them per request (helmet runs a
 * middleware per header) is wasted work on the intake path. The unit test
 * compares this table with what `helmet()` sets, so they do not drift apart.
 * Pages with other needs (the Swagger UI at /docs) override the CSP.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'Content-Security-Policy': [
    "default-src 'self'", "base-uri 'self'", "font-src 'self' https: data:", "form-action 'self'", "frame-ancestors 'self'", "img-src 'self' data:",
    "object-src 'none'", "script-src 'self'", "script-src-attr 'none'", "style-src 'self' https: 'unsafe-inline'", 'upgrade-insecure-requests',
  ].join(';'),
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Origin-Agent-Cluster': '?1',
  'Referrer-Policy': 'no-referrer',
  'Strict-Transport-Security': 'max-age=31536000; includeSubDomains',
  'X-Content-Type-Options': 'nosniff',
  'X-DNS-Prefetch-Control': 'off',
  'X-Download-Options': 'noopen',
  'X-Frame-Options': 'SAMEORIGIN',
  'X-Permitted-Cross-Domain-Policies': 'none',
  'X-XSS-Protection': '0',
});

const entries = Object.entries(SECURITY_HEADERS);

/** Sets the fixed security headers on every answer. */
export function securityHeaders(): RequestHandler {
  return (_req, res, next) => {
    for (const [name, value] of entries) res.setHeader(name, value);
    next();
  };
}
