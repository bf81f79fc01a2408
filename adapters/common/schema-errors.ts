import type { ErrorObject } from 'ajv';

/** First schema error as `<JSON Pointer>: <message>`, the pointer prefixed with `prefix` (e.g. `/data`). */
export function describeSchemaError(errors: readonly ErrorObject[] | null | undefined, prefix = ''): string {
  const first = errors?.[0];
  const pointer = `${prefix}${first?.instancePath ?? ''}` || '/';
  return `${pointer}: ${first?.message ?? 'is invalid'}`;
}
