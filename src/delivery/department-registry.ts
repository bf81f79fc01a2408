/**
 * The department registry (mappings/departments.json): every department
 * system Tongban routes sub-applications to — its code, names as the
 * catalogue spells them, and the algorithm its client signs with.
 */
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { MAX_BATCH } from '../domain/department-channel.js';
import { SIGNATURE_ALGORITHMS, type SignatureAlgorithm } from '../trust/algorithms.js';

export interface Department {
  /** Stable ASCII code (pinyin initials), used in paths: `/v1/departments/{code}/…`. */
  readonly code: string;
  /** Official name (Chinese). */
  readonly name: string;
  /** Every spelling the catalogue uses for it. */
  readonly names: readonly string[];
  /** Algorithm of the department's client key (client id `dept-<code>`). */
  readonly algorithm: SignatureAlgorithm;
  /** How sub-applications reach it: pushed as JSON (`rest`) or SOAP (`soap`), or pulled from its `inbox`. */
  readonly channel: 'rest' | 'soap' | 'inbox';
  /** Base URL of a rest/soap department system; set per deployment. */
  readonly endpoint?: string;
  /**
   * Most sub-applications one push may carry, for a rest department system
   * that implements the batched operation; absent: one per push.
   */
  readonly batch?: number;
}

const schema = {
  type: 'object', additionalProperties: false, required: ['departments'],
  properties: {
    $comment: { type: 'string' },
    departments: {
      type: 'array', minItems: 1,
      items: {
        type: 'object', additionalProperties: false, required: ['code', 'name', 'names', 'algorithm', 'channel'],
        properties: {
          code: { type: 'string', pattern: '^[a-z0-9]{1,32}$' },
          name: { type: 'string', minLength: 1 },
          names: { type: 'array', minItems: 1, items: { type: 'string', minLength: 1 } },
          algorithm: { enum: [...SIGNATURE_ALGORITHMS] },
          channel: { enum: ['rest', 'soap', 'inbox'] },
          endpoint: { type: 'string', pattern: '^https?://' },
          batch: { type: 'integer', minimum: 1, maximum: MAX_BATCH },
        },
      },
    },
  },
} as const;

const validate = new Ajv({ allErrors: true }).compile(schema);

/** Default location of the registry, relative to the project root. */
export const DEPARTMENTS_FILE = new URL('../../mappings/departments.json', import.meta.url);

/**
 * Loads and validates the department registry.
 * @throws Error naming the file and the JSON Pointer of each problem.
 */
export function loadDepartments(file: string | URL = DEPARTMENTS_FILE): Department[] {
  const content = JSON.parse(readFileSync(file, 'utf8')) as unknown;
  const where = String(file instanceof URL ? file.pathname : file);
  if (!validate(content)) {
    const problems = (validate.errors ?? []).map((error) => `${where}#${error.instancePath || '/'}: ${error.message ?? 'is invalid'}`);
    throw new Error(`department registry is invalid:\n  ${problems.join('\n  ')}`);
  }
  const departments = (content as { departments: Department[] }).departments;
  const codes = new Set<string>();
  const names = new Set<string>();
  departments.forEach((department, index) => {
    if (codes.has(department.code)) throw new Error(`${where}#/departments/${index}/code: duplicate code "${department.code}"`);
    codes.add(department.code);
    if (department.batch !== undefined && department.channel !== 'rest') {
      throw new Error(`${where}#/departments/${index}/batch: only a rest department takes batched pushes, ${department.code} is ${department.channel}`);
    }
    for (const name of department.names) {
      if (names.has(name)) throw new Error(`${where}#/departments/${index}/names: "${name}" is claimed twice`);
      names.add(name);
    }
  });
  return departments;
}
