import { expect } from 'chai';
import type { NextFunction, Request, Response } from 'express';
import { createAccessGuard } from '../../src/api/middleware/authenticate.js';
import { TongbanError } from '../../src/errors/index.js';
import type { ClientRegistry } from '../../src/trust/client-registry.js';
import type { ReplayGuard } from '../../src/trust/replay-guard.js';

/** The authorisation half of the guard, in-process (no socket): role and department rules. */
describe('access guard authorisation (in-process)', () => {
  const guard = createAccessGuard({ registry: {} as ClientRegistry, replayGuard: {} as ReplayGuard, skewSeconds: 300 });

  function run(access: Parameters<typeof guard>[0], client: Request['client'], params: Record<string, string> = {}): unknown {
    const handlers = guard(access);
    const authorize = handlers[1]!;
    const req = { client, params, method: 'GET', path: '/v1/x', route: { path: '/v1/x' } } as unknown as Request;
    let passed: unknown = 'not called';
    try {
      authorize(req, {} as Response, ((error?: unknown) => { passed = error ?? 'next'; }) as NextFunction);
    } catch (error) {
      return error;
    }
    return passed;
  }

  it('public routes get no guard at all', () => {
    expect(guard({ public: true })).to.deep.equal([]);
  });

  it('lets an allowed role through', () => {
    expect(run({ roles: ['platform'] }, { id: 'platform', role: 'platform' })).to.equal('next');
  });

  it('refuses another role with ROLE_NOT_ALLOWED naming the allowed roles', () => {
    const error = run({ roles: ['platform', 'ops'] }, { id: 'dept-gaj', role: 'department', department: 'gaj' }) as TongbanError;
    expect(error.code).to.equal('ROLE_NOT_ALLOWED');
    expect(error.status).to.equal(403);
    expect(error.message).to.contain('platform, ops');
  });

  it("refuses a department acting on another department's path", () => {
    const error = run({ roles: ['department'], departmentParam: 'dept' }, { id: 'dept-gaj', role: 'department', department: 'gaj' }, { dept: 'swj' }) as TongbanError;
    expect(error.code).to.equal('DEPARTMENT_MISMATCH');
  });

  it('lets a department act on its own path, and ops on any', () => {
    expect(run({ roles: ['department', 'ops'], departmentParam: 'dept' }, { id: 'dept-gaj', role: 'department', department: 'gaj' }, { dept: 'gaj' })).to.equal('next');
    expect(run({ roles: ['department', 'ops'], departmentParam: 'dept' }, { id: 'ops', role: 'ops' }, { dept: 'gaj' })).to.equal('next');
  });
});
