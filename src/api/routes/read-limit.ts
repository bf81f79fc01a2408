import { validationError } from '../../errors/index.js';

/**
 * A `limit` query parameter: `fallback` when absent, else an integer from 1 to `max`.
 * @throws TongbanError VALIDATION_FAILED naming `/limit`.
 */
export function readLimit(value: unknown, fallback: number, max: number): number {
  const limit = value === undefined ? fallback : Number(value);
  if (!Number.isInteger(limit) || limit < 1 || limit > max) throw validationError([{ pointer: '/limit', message: `must be an integer from 1 to ${max}` }]);
  return limit;
}
