/**
 * A catalogue material (matter code, the matter's own material code and name)
 * → its material identity: the identity the matter mapping's
 * `materialIdentities:` names for that code, else the one identity whose
 * `names` hold the name. No identity, or two sharing the name, is unresolved.
 */
import type { Material } from '../../domain/matter-catalog.js';
import type { Mappings, MaterialIdentity } from './types.js';

export type MaterialResolution =
  | { readonly identity: MaterialIdentity; readonly candidates?: undefined }
  /** Unresolved: the identities listing the name (none, or two and more). */
  | { readonly identity?: undefined; readonly candidates: readonly string[] };

export function resolveMaterial(
  mappings: Pick<Mappings, 'matters' | 'materials' | 'materialNames'>, matterCode: string, material: Pick<Material, 'code' | 'name'>,
): MaterialResolution {
  const override = mappings.matters.get(matterCode)?.materialIdentities.get(material.code);
  const candidates = override !== undefined ? [override] : mappings.materialNames.get(material.name) ?? [];
  const identity = candidates.length === 1 ? mappings.materials.get(candidates[0]!) : undefined;
  return identity ? { identity } : { candidates };
}
