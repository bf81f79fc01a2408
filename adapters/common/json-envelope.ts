/**
 * Reading an upstream's JSON envelope: parse the answer, check it against
 * the envelope schema, and decide whose fault a failure is — on a 2xx answer
 * a body that is no JSON or no envelope is malformed; on any other status it
 * is that status's error (a gateway in front of the system answered, not the system).
 */
import type { AxiosResponse } from 'axios';
import type { ValidateFunction } from 'ajv';
import type { UpstreamError, UpstreamSystem } from '../../src/domain/upstream-error.js';
import { statusError } from './http-client.js';
import { describeSchemaError } from './schema-errors.js';

/** The validated envelope of `response`, or the UpstreamError its failure is. */
export function readJsonEnvelope<T>(
  system: UpstreamSystem, operation: string, response: AxiosResponse<string>, validate: ValidateFunction<T>,
  malformed: (operation: string, detail: string, status: number) => UpstreamError,
): T {
  const ok = response.status >= 200 && response.status < 300;
  let parsed: unknown;
  try {
    parsed = JSON.parse(response.data);
  } catch {
    throw ok ? malformed(operation, 'not JSON', response.status) : statusError(system, operation, response.status);
  }
  if (!validate(parsed)) throw ok ? malformed(operation, `envelope ${describeSchemaError(validate.errors)}`, response.status) : statusError(system, operation, response.status);
  return parsed;
}
