/**
 * 可导办率 and 可网办率: how much of the catalogue Tongban can guide and take
 * online, from the stored catalogue and the mappings (not from traffic).
 *
 * - guided (可导办): a catalogue matter with a matter mapping
 *   (`mappings/matters/<code>.yaml`) — Tongban can split a merged form for it
 *   and answer its guide; within a theme, the theme's mapping must also list it.
 * - online (可网办): guided, and every required catalogue material of the
 *   matter can be handed in without paper: a copy (复印件: an uploaded file
 *   stands for it), or an original (原件) that a licence of the matter's
 *   mapping, a document Tongban generates, a prerequisite's result or a
 *   commitment (告知承诺) replaces. One required original with none of these
 *   means a trip to the window or the post: not 可网办.
 */
import type { Matter, Material } from '../domain/matter-catalog.js';
import { resolveMaterial } from '../forms/mappings/resolve-material.js';
import type { Mappings } from '../forms/mappings/types.js';
import type { Queryable } from '../store/index.js';

/** The stored catalogue's themes (a small table: one row per theme). */
export const CATALOG_THEMES_SQL = 'SELECT code, name, document FROM catalog_themes';
/** The stored catalogue's matters (a small table: one row per matter). */
export const CATALOG_MATTERS_SQL = 'SELECT code, name, department_code, document FROM catalog_matters';

export interface CatalogView {
  /** Theme code → name and matter codes. */
  readonly themes: ReadonlyMap<string, { readonly name: string; readonly matterCodes: readonly string[] }>;
  /** Matter code → its department and readiness. */
  readonly matters: ReadonlyMap<string, { readonly department: string; readonly guided: boolean; readonly online: boolean }>;
}

/** Reads the stored catalogue and rates each matter against the mappings. */
export async function readCatalogView(reader: Queryable, mappings: Pick<Mappings, 'matters' | 'materials' | 'materialNames' | 'themes'>): Promise<CatalogView> {
  const [themeRows, matterRows] = await Promise.all([
    reader.query<{ code: string; name: string; document: string }>(CATALOG_THEMES_SQL),
    reader.query<{ code: string; name: string; department_code: string; document: string }>(CATALOG_MATTERS_SQL),
  ]);
  const themes = new Map(themeRows.rows.map((row) => {
    const document = JSON.parse(row.document) as { matterCodes?: string[] };
    return [row.code, { name: row.name, matterCodes: document.matterCodes ?? [] }] as const;
  }));
  const matters = new Map(matterRows.rows.map((row) => {
    const matter = JSON.parse(row.document) as Matter;
    const guided = mappings.matters.has(row.code);
    const online = guided && (matter.materials ?? []).every((material) => !material.required || paperless(mappings, row.code, material));
    return [row.code, { department: row.department_code, guided, online }] as const;
  }));
  return { themes, matters };
}

/** Whether a material can be handed in without paper (see the module's note). */
function paperless(mappings: Pick<Mappings, 'matters' | 'materials' | 'materialNames'>, matterCode: string, material: Material): boolean {
  if (material.form === 'copy' || material.commitment?.allowed) return true;
  const identity = resolveMaterial(mappings, matterCode, material).identity;
  if (!identity) return false;
  return identity.generated !== undefined || identity.prerequisiteResult !== undefined || mappings.matters.get(matterCode)!.materials.has(identity.code);
}

/** Whether a theme's mapping lists the matter (its guide can include it). */
export function themeGuides(mappings: Pick<Mappings, 'themes'>, themeCode: string, matterCode: string): boolean {
  return mappings.themes.get(themeCode)?.matters.some((matter) => matter.code === matterCode) ?? false;
}
