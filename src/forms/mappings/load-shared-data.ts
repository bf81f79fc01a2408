/**
 * The shared-data part of the mappings (docs/shared-data.md, docs/mappings.md):
 * `mappings/shared-data/<resource>.yaml` maps a resource's wire fields to
 * canonical fields, and a matter's `sharedData:` names the resources (and
 * whose) that fill its fields. Checked at load: known resources, fields the
 * resource has, canonical fields, transforms, subjects.
 */
import { join } from 'node:path';
import { isSharedResourceKey, SHARED_RESOURCES } from '../../domain/shared-data.js';
import { yamlFiles, type MappingFile } from './read-files.js';
import { sharedDataSchema } from './schemas.js';
import type { MappingProblem, MatterMapping, SharedDataMapping } from './types.js';

type Read = <T>(path: string, schema: object) => MappingFile<T> | undefined;

export interface SharedDataChecks {
  readonly read: Read;
  readonly problems: MappingProblem[];
  readonly checkCanonical: (file: string, pointer: string, canonical: string) => void;
  readonly checkTransform: (file: string, pointer: string, name: string | undefined) => void;
  readonly groups: ReadonlySet<string>;
}

/** The resource mappings of `<dir>/shared-data/`. */
export function loadSharedDataMappings(dir: string, checks: SharedDataChecks): Map<string, SharedDataMapping> {
  const mappings = new Map<string, SharedDataMapping>();
  for (const path of yamlFiles(join(dir, 'shared-data'))) {
    const file = checks.read<{ resource: string; name: string; fields: Record<string, { canonical: string; transform?: string }> }>(path, sharedDataSchema);
    if (!file) continue;
    const { resource } = file.content;
    if (resource !== file.stem) checks.problems.push({ file: file.file, pointer: '/resource', message: `must equal the file name "${file.stem}"` });
    if (!isSharedResourceKey(resource)) {
      checks.problems.push({ file: file.file, pointer: '/resource', message: `unknown shared-data resource "${resource}" (known: ${Object.keys(SHARED_RESOURCES).join(', ')})` });
      continue;
    }
    const fields = Object.entries(file.content.fields).map(([surface, mapping]) => ({ surface, ...mapping }));
    for (const field of fields) {
      if (!Object.hasOwn(SHARED_RESOURCES[resource].fields, field.surface)) {
        checks.problems.push({ file: file.file, pointer: `/fields/${field.surface}`, message: `${SHARED_RESOURCES[resource].name} has no field "${field.surface}" (fields: ${Object.keys(SHARED_RESOURCES[resource].fields).join(', ')})` });
      }
      if (!field.canonical.startsWith('$subject.')) checks.checkCanonical(file.file, `/fields/${field.surface}/canonical`, field.canonical);
      checks.checkTransform(file.file, `/fields/${field.surface}/transform`, field.transform);
    }
    mappings.set(resource, { file: file.file, resource, name: file.content.name, fields });
  }
  return mappings;
}

/** A matter's `sharedData:` names mapped resources and known subjects; its `verifications:` known resources, their fields and known subjects. */
export function checkSharedDataUses(matter: Pick<MatterMapping, 'file' | 'sharedData' | 'verifications'>, resources: ReadonlyMap<string, SharedDataMapping>, checks: SharedDataChecks): void {
  (matter.sharedData ?? []).forEach((use, index) => {
    if (!resources.has(use.resource)) {
      checks.problems.push({ file: matter.file, pointer: `/sharedData/${index}/resource`, message: `unknown shared-data resource "${use.resource}" (no mappings/shared-data/${use.resource}.yaml)` });
    }
    if (!checks.groups.has(use.subject)) {
      checks.problems.push({ file: matter.file, pointer: `/sharedData/${index}/subject`, message: `unknown subject "${use.subject}" (no dictionary field starts with "${use.subject}.")` });
    }
  });
  (matter.verifications ?? []).forEach((verification, index) => {
    const pointer = `/verifications/${index}`;
    if (!isSharedResourceKey(verification.resource)) {
      checks.problems.push({ file: matter.file, pointer: `${pointer}/resource`, message: `unknown shared-data resource "${verification.resource}" (known: ${Object.keys(SHARED_RESOURCES).join(', ')})` });
    } else {
      const fields = SHARED_RESOURCES[verification.resource].fields;
      for (const field of Object.keys(verification.claims)) {
        if (!Object.hasOwn(fields, field)) checks.problems.push({ file: matter.file, pointer: `${pointer}/claims/${field}`, message: `${SHARED_RESOURCES[verification.resource].name} has no field "${field}"` });
      }
    }
    if (!checks.groups.has(verification.subject)) {
      checks.problems.push({ file: matter.file, pointer: `${pointer}/subject`, message: `unknown subject "${verification.subject}" (no dictionary field starts with "${verification.subject}.")` });
    }
  });
}
