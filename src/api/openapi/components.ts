/**
 * Named schemas: a schema wrapped with {@link component} is published once
 * under `components.schemas.<name>` and referenced (`$ref`) wherever a route
 * uses it, so a shape shared by several routes is described once.
 */
import type { JsonSchema } from '../routes/route.js';

const names = new WeakMap<object, string>();

/** Registers `schema` under `name` (returned unchanged, so it can be used inline). */
export function component<T extends JsonSchema>(name: string, schema: T): T {
  if (!/^[A-Za-z0-9._-]+$/.test(name)) throw new Error(`schema component name "${name}" is not allowed in OpenAPI`);
  names.set(schema, name);
  return schema;
}

/** The component name of a registered schema. */
export function componentName(schema: unknown): string | undefined {
  return typeof schema === 'object' && schema !== null ? names.get(schema) : undefined;
}
