/**
 * Service halls (政务服务大厅): where results are handed over at the window
 * (一窗出件), the sender of posted results and the recipient of posted-in
 * originals. Data in mappings/halls.yaml, validated at first use (file,
 * JSON Pointer, message on failure).
 */
import { join } from 'node:path';
import { MAPPINGS_DIR } from '../forms/mappings/load-mappings.js';
import { readMappingFile } from '../forms/mappings/read-files.js';
import type { MappingProblem } from '../forms/mappings/types.js';
import { HALL_CODE_PATTERN } from '../trust/client-registry.js';
import type { Address } from '../domain/logistics.js';

export interface ServiceHall {
  readonly code: string;
  readonly name: string;
  readonly address: { readonly province: string; readonly city: string; readonly county: string; readonly detail: string; readonly postcode?: string };
  /** Who answers for parcels at the hall (a window, not a person). */
  readonly contact: { readonly name: string; readonly mobile: string };
  /** Departments whose results the hall hands over and whose posted-in materials it receives. */
  readonly departments: readonly string[];
}

const text = { type: 'string', minLength: 1, maxLength: 100 } as const;
const schema = {
  type: 'object', additionalProperties: false, required: ['halls'],
  properties: {
    halls: {
      type: 'array', minItems: 1,
      items: {
        type: 'object', additionalProperties: false, required: ['code', 'name', 'address', 'contact', 'departments'],
        properties: {
          code: { type: 'string', pattern: HALL_CODE_PATTERN }, name: text,
          address: {
            type: 'object', additionalProperties: false, required: ['province', 'city', 'county', 'detail'],
            properties: { province: text, city: text, county: text, detail: text, postcode: { type: 'string', pattern: '^\\d{6}$' } },
          },
          contact: { type: 'object', additionalProperties: false, required: ['name', 'mobile'], properties: { name: text, mobile: { type: 'string', pattern: '^1\\d{10}$' } } },
          departments: { type: 'array', items: { type: 'string', pattern: '^[a-z0-9]{1,32}$' } },
        },
      },
    },
  },
} as const;

/** Raised when halls.yaml is malformed; the message lists each problem as `file pointer: message`. */
export class HallsFileError extends Error {
  override readonly name = 'HallsFileError';
}

let cached: ReadonlyMap<string, ServiceHall> | undefined;

/** The halls of mappings/halls.yaml by code (read once). @throws HallsFileError naming the file, pointer and problem. */
export function serviceHalls(): ReadonlyMap<string, ServiceHall> {
  if (cached) return cached;
  const problems: MappingProblem[] = [];
  const file = readMappingFile<{ halls: ServiceHall[] }>(join(MAPPINGS_DIR, 'halls.yaml'), join(MAPPINGS_DIR, '..'), schema, problems);
  const halls = new Map<string, ServiceHall>();
  file?.content.halls.forEach((hall, index) => {
    if (halls.has(hall.code)) problems.push({ file: file.file, pointer: `/halls/${index}/code`, message: `repeats hall "${hall.code}"` });
    halls.set(hall.code, hall);
  });
  if (problems.length > 0) throw new HallsFileError(problems.map((problem) => `${problem.file} ${problem.pointer}: ${problem.message}`).join('; '));
  cached = halls;
  return halls;
}

/** The hall that serves a department (its results, its posted-in materials): the first listing it, else the first hall. */
export function hallOfDepartment(departmentCode: string | undefined): ServiceHall {
  const halls = [...serviceHalls().values()];
  return halls.find((hall) => departmentCode !== undefined && hall.departments.includes(departmentCode)) ?? halls[0]!;
}

/** A hall as a postal address (sender of results, recipient of materials). */
export function hallAddress(hall: ServiceHall): Address {
  return {
    name: hall.contact.name, mobile: hall.contact.mobile, province: hall.address.province, city: hall.address.city, county: hall.address.county,
    address: `${hall.name} ${hall.address.detail}`.slice(0, 200), ...(hall.address.postcode ? { postcode: hall.address.postcode } : {}),
  };
}
