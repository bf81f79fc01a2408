import { expect } from 'chai';
import { TongbanError, type ErrorCode } from '../../../src/errors/index.js';

/** Awaits `promise`, expects a TongbanError with `code`, and returns it for further checks. */
export async function expectTongbanError(promise: Promise<unknown>, code: ErrorCode): Promise<TongbanError> {
  let caught: unknown;
  try {
    await promise;
  } catch (error) {
    caught = error;
  }
  expect(caught, `expected TongbanError ${code}`).to.be.instanceOf(TongbanError);
  const error = caught as TongbanError;
  expect(error.code, error.message).to.equal(code);
  return error;
}
