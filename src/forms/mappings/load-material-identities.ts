/**
 * Loads `mappings/materials.yaml` (the material identities) and checks what
 * refers to it: each identity's licence type and prerequisite matters, and
 * each matter mapping's `materials:` keys and `materialIdentities:` values.
 */
import { join } from 'node:path';
import type { MaterialMediaType } from '../../domain/materials.js';
import { readMappingFile } from './read-files.js';
import { materialsSchema } from './schemas.js';
import { ALL_MATERIAL_MEDIA_TYPES, type LicenceMapping, type MappingProblem, type MaterialIdentity, type MatterMapping } from './types.js';

type RawIdentity = Omit<MaterialIdentity, 'file' | 'code' | 'mediaTypes'> & { mediaTypes?: MaterialMediaType[] };

export interface LoadedMaterialIdentities {
  readonly materials: ReadonlyMap<string, MaterialIdentity>;
  readonly materialNames: ReadonlyMap<string, readonly string[]>;
}

export function loadMaterialIdentities(
  dir: string, root: string, problems: MappingProblem[],
  known: { licences: ReadonlyMap<string, LicenceMapping>; matters: ReadonlyMap<string, MatterMapping> },
): LoadedMaterialIdentities {
  const file = readMappingFile<{ materials: Record<string, RawIdentity> }>(join(dir, 'materials.yaml'), root, materialsSchema, problems);
  const materials = new Map<string, MaterialIdentity>();
  const materialNames = new Map<string, string[]>();
  for (const [code, raw] of Object.entries(file?.content.materials ?? {})) {
    const pointer = `/materials/${code}`;
    if (raw.licenceType !== undefined && !known.licences.has(raw.licenceType)) {
      problems.push({ file: file!.file, pointer: `${pointer}/licenceType`, message: `unknown licence type "${raw.licenceType}" (no mappings/licences/${raw.licenceType}.yaml)` });
    }
    raw.prerequisiteResult?.matters.forEach((matter, index) => {
      if (!known.matters.has(matter)) problems.push({ file: file!.file, pointer: `${pointer}/prerequisiteResult/matters/${index}`, message: `matter ${matter} has no mapping (mappings/matters/${matter}.yaml)` });
    });
    materials.set(code, { ...raw, file: file!.file, code, mediaTypes: raw.mediaTypes ?? ALL_MATERIAL_MEDIA_TYPES });
    for (const name of raw.names) materialNames.set(name, [...(materialNames.get(name) ?? []), code]);
  }
  if (!file) return { materials, materialNames };

  for (const mapping of known.matters.values()) {
    for (const [code, use] of mapping.materials) {
      const identity = materials.get(code);
      if (!identity) problems.push({ file: mapping.file, pointer: `/materials/${code}`, message: `no material identity ${code} in mappings/materials.yaml` });
      else if (identity.licenceType !== use.licenceType) {
        problems.push({ file: mapping.file, pointer: `/materials/${code}/licenceType`, message: identity.licenceType === undefined
          ? `mappings/materials.yaml names no licence type for ${code} (${identity.name})`
          : `mappings/materials.yaml says ${code} (${identity.name}) is supplied by ${identity.licenceType}, not ${use.licenceType}` });
      }
    }
    for (const [materialCode, code] of mapping.materialIdentities) {
      if (!materials.has(code)) problems.push({ file: mapping.file, pointer: `/materialIdentities/${materialCode}`, message: `no material identity ${code} in mappings/materials.yaml` });
    }
  }
  return { materials, materialNames };
}
