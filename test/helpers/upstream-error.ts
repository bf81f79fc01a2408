import { expect } from 'chai';
import { UpstreamError, type UpstreamErrorKind, type UpstreamSystem } from '../../src/domain/upstream-error.js';

/** What an expected UpstreamError must carry; `upstreamCode` and `status` only when given. */
export interface ExpectedUpstreamError {
  kind: UpstreamErrorKind;
  retryable: boolean;
  upstreamCode?: string;
  status?: number;
}

/** Awaits a promise that must fail with an UpstreamError of `system` and the expected kind; returns the error. */
export async function expectUpstreamError(system: UpstreamSystem, promise: Promise<unknown>, expected: ExpectedUpstreamError): Promise<UpstreamError> {
  let error: unknown;
  try {
    await promise;
  } catch (caught) {
    error = caught;
  }
  expect(error, 'expected the call to fail').to.be.instanceOf(UpstreamError);
  const upstream = error as UpstreamError;
  expect(upstream).to.include({ system, kind: expected.kind, retryable: expected.retryable });
  if (expected.upstreamCode !== undefined) expect(upstream.upstreamCode).to.equal(expected.upstreamCode);
  if (expected.status !== undefined) expect(upstream.upstreamStatus).to.equal(expected.status);
  return upstream;
}
