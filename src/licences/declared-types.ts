/**
 * "Licence access is limited to what the matters declare" (DESIGN §5): the
 * licence types a theme's matters may be prefilled or supplied from are the
 * ones their mapping files list (`mappings/matters/<code>.yaml`,
 * `licences:`). Anything else is not fetched, whatever the authorisation says.
 */
import type { CatalogStore } from '../catalog/index.js';
import { TongbanError } from '../errors/index.js';

/**
 * The parts of the loaded mappings this reads. Structural, so this room does
 * not depend on src/forms (which depends on it).
 */
export interface DeclaredLicenceSource {
  readonly matters: ReadonlyMap<string, { readonly licences: readonly { readonly licenceType: string }[] }>;
  readonly themes: ReadonlyMap<string, { readonly matters: readonly { readonly code: string }[] }>;
}

/**
 * The licence type keys the given matters of a theme declare (all the
 * theme's matters when `matterCodes` is empty).
 * @throws TongbanError THEME_NOT_MAPPED when a matter has no mapping (nothing is declared for it).
 */
export type DeclaredLicenceTypes = (themeCode: string, matterCodes: readonly string[]) => Promise<ReadonlySet<string>>;

/** {@link DeclaredLicenceTypes} from the loaded mappings and the stored catalogue. */
export function declaredLicenceTypes(mappings: DeclaredLicenceSource, catalog: Pick<CatalogStore, 'getTheme'>): DeclaredLicenceTypes {
  return async (themeCode, matterCodes) => {
    let codes = matterCodes;
    if (codes.length === 0) {
      const theme = await catalog.getTheme(themeCode);
      codes = theme?.matterCodes ?? mappings.themes.get(themeCode)?.matters.map((matter) => matter.code) ?? [];
    }
    if (codes.length === 0) throw new TongbanError('THEME_NOT_MAPPED', `Theme ${themeCode} has no matters in the catalogue or the mappings`);
    const unmapped = codes.filter((code) => !mappings.matters.has(code));
    if (unmapped.length > 0) {
      throw new TongbanError('THEME_NOT_MAPPED', `Matter${unmapped.length > 1 ? 's' : ''} ${unmapped.join(', ')} of theme ${themeCode} ha${unmapped.length > 1 ? 've' : 's'} no mapping, so no licence type is declared for ${unmapped.length > 1 ? 'them' : 'it'}`,
        { extensions: { unmappedMatterCodes: unmapped } });
    }
    return new Set(codes.flatMap((code) => mappings.matters.get(code)!.licences.map((use) => use.licenceType)));
  };
}
