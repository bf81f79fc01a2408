/**
 * Everything the forms need about one theme: its mapping file, the stored
 * catalogue theme and matters, and each matter's mapping. A theme whose
 * matters are not all mapped is refused with THEME_NOT_MAPPED (422).
 */
import type { CatalogStore } from '../catalog/index.js';
import { TongbanError } from '../errors/index.js';
import type { Matter, Theme } from '../domain/matter-catalog.js';
import type { Mappings, MatterMapping, ThemeMapping } from './mappings/types.js';

export interface ThemeContext {
  readonly theme: Theme;
  readonly mapping: ThemeMapping;
  /** Catalogue matters of the theme by code. */
  readonly matters: ReadonlyMap<string, Matter>;
  readonly matterMappings: ReadonlyMap<string, MatterMapping>;
}

/** Contexts built from the very theme and matters objects (the catalogue store hands out the same ones while it caches them). */
const built = new WeakMap<Theme, { matters: ReadonlyMap<string, Matter>; mappings: Mappings; context: ThemeContext }>();

export async function loadThemeContext(themeCode: string, catalog: CatalogStore, mappings: Mappings): Promise<ThemeContext> {
  const theme = await catalog.getTheme(themeCode);
  if (!theme) throw new TongbanError('NOT_FOUND', `No theme "${themeCode}" in the catalogue`);
  if (theme.status !== 'active') throw new TongbanError('NOT_FOUND', `Theme "${themeCode}" was withdrawn`);
  const mapping = mappings.themes.get(themeCode);
  if (!mapping) throw new TongbanError('THEME_NOT_MAPPED', `Theme "${themeCode}" (${theme.name}) has no mapping yet (mappings/themes/${themeCode}.yaml)`);
  const matters = await catalog.getMatters(theme.matterCodes);
  const unmapped = theme.matterCodes.filter((code) => !mappings.matters.has(code) || !mapping.matters.some((matter) => matter.code === code));
  if (unmapped.length > 0) {
    throw new TongbanError('THEME_NOT_MAPPED', `Theme "${themeCode}" has matters without mappings: ${unmapped.map((code) => `${code} (${matters.get(code)?.name ?? '?'})`).join(', ')}`);
  }
  const missing = theme.matterCodes.filter((code) => !matters.has(code));
  if (missing.length > 0) throw new TongbanError('SERVICE_UNAVAILABLE', `The stored catalogue lacks matters ${missing.join(', ')}; a catalogue sync is needed`);
  const previous = built.get(theme);
  if (previous && previous.matters === matters && previous.mappings === mappings) return previous.context;
  const context: ThemeContext = { theme, mapping, matters, matterMappings: new Map(theme.matterCodes.map((code) => [code, mappings.matters.get(code)!])) };
  built.set(theme, { matters, mappings, context });
  return context;
}
