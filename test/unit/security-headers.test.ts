import { expect } from 'chai';
import helmet from 'helmet';
import type { Request, Response } from 'express';
import { SECURITY_HEADERS, securityHeaders } from '../../src/api/middleware/security-headers.js';

/** Runs a middleware against a minimal response and returns the headers it set. */
function headersSetBy(middleware: (req: Request, res: Response, next: (error?: unknown) => void) => void): Record<string, string> {
  const headers: Record<string, string> = {};
  const res = { setHeader: (name: string, value: string) => { headers[name.toLowerCase()] = String(value); }, removeHeader: () => undefined } as unknown as Response;
  let called = false;
  middleware({} as Request, res, () => { called = true; });
  expect(called, 'next() called').to.equal(true);
  return headers;
}

describe('security headers', () => {
  it('are exactly the headers helmet\'s defaults set', () => {
    expect(headersSetBy(securityHeaders())).to.deep.equal(headersSetBy(helmet() as never));
  });

  it('forbid framing by other origins, sniffing and inline scripts', () => {
    expect(SECURITY_HEADERS['X-Frame-Options']).to.equal('SAMEORIGIN');
    expect(SECURITY_HEADERS['X-Content-Type-Options']).to.equal('nosniff');
    expect(SECURITY_HEADERS['Content-Security-Policy']).to.contain("script-src 'self'").and.not.contain("script-src 'self' 'unsafe-inline'");
  });
});
