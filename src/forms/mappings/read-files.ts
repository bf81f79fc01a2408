import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import { parseDocument } from 'yaml';
import type { MappingProblem } from './types.js';

/** A parsed mapping file. */
export interface MappingFile<T> {
  /** Path relative to the project root, for messages. */
  readonly file: string;
  /** File name without `.yaml`. */
  readonly stem: string;
  readonly content: T;
}

const ajv = new Ajv({ allErrors: true, strict: false });
const compiled = new WeakMap<object, ValidateFunction>();

function validatorFor(schema: object): ValidateFunction {
  let validate = compiled.get(schema);
  if (!validate) {
    validate = ajv.compile(schema);
    compiled.set(schema, validate);
  }
  return validate;
}

/**
 * Reads one YAML file and checks it against a schema. Problems (YAML syntax
 * with line numbers, schema violations with JSON Pointers) are pushed to
 * `problems`; the content is returned only when the file is well-formed.
 */
export function readMappingFile<T>(path: string, root: string, schema: object, problems: MappingProblem[]): MappingFile<T> | undefined {
  const file = relative(root, path) || path;
  if (!existsSync(path)) {
    problems.push({ file, pointer: '', message: 'file is missing' });
    return undefined;
  }
  const document = parseDocument(readFileSync(path, 'utf8'), { prettyErrors: true, uniqueKeys: true });
  if (document.errors.length > 0) {
    for (const error of document.errors) problems.push({ file, pointer: '', message: `YAML: ${error.message.split('\n')[0]}` });
    return undefined;
  }
  const content: unknown = document.toJS();
  const validate = validatorFor(schema);
  if (!validate(content)) {
    for (const error of validate.errors ?? []) {
      const extra = error.keyword === 'additionalProperties' ? ` "${String((error.params as { additionalProperty?: string }).additionalProperty)}"`
        : error.keyword === 'enum' ? ` (${((error.params as { allowedValues?: unknown[] }).allowedValues ?? []).join(', ')})` : '';
      problems.push({ file, pointer: error.instancePath || '/', message: `${error.message ?? 'is invalid'}${extra}` });
    }
    return undefined;
  }
  return { file, stem: basename(path, '.yaml'), content: content as T };
}

/** The `.yaml` files of a folder (sorted); none when it does not exist. */
export function yamlFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((name) => name.endsWith('.yaml')).sort().map((name) => join(dir, name));
}
