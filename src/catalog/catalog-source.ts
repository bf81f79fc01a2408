/**
 * What the catalogue sync needs from the matter system: every theme and
 * matter, or only those changed since a time. The matter-system adapter
 * (`MatterCatalog` in src/spec) satisfies it.
 */
import type { MatterCatalog } from '../domain/matter-catalog.js';

export type CatalogSource = Pick<MatterCatalog, 'listThemes' | 'listMatters'>;
