/**
 * The simulator's live catalogue: the built catalogue plus change tracking
 * (`updatedAt`, `version`, theme status), so tests and the sandbox can make
 * changes and watch incremental sync pick them up.
 */
import type { Matter, Theme, ThemeStatus } from '../../../src/domain/matter-catalog.js';
import type { Catalogue, CatalogueMatter, CatalogueTheme } from '../catalogue/build-catalogue.js';

export interface TrackedTheme extends CatalogueTheme {
  status: ThemeStatus;
  /** Epoch ms. */
  updatedAt: number;
  version: number;
}

export interface TrackedMatter extends CatalogueMatter {
  /** Epoch ms. */
  updatedAt: number;
  version: number;
}

/** Fields of a matter a test may change (everything but its code). */
export type MatterPatch = Partial<Omit<CatalogueMatter, 'code'>>;

export class CatalogueState {
  private readonly themeMap = new Map<string, TrackedTheme>();
  private readonly matterMap = new Map<string, TrackedMatter>();
  /** Time of the latest change: every change gets a strictly later time, so incremental sync can tell changes apart. */
  private lastChange: number;

  constructor(catalogue: Catalogue, private readonly clock: () => number) {
    const publishedAt = clock();
    this.lastChange = publishedAt;
    for (const theme of [...catalogue.themes].sort((a, b) => a.sequence - b.sequence)) {
      this.themeMap.set(theme.code, { ...theme, status: 'active', updatedAt: publishedAt, version: 1 });
    }
    for (const matter of catalogue.matters) this.matterMap.set(matter.code, { ...matter, updatedAt: publishedAt, version: 1 });
  }

  /** Themes in catalogue order. */
  themes(): readonly TrackedTheme[] {
    return [...this.themeMap.values()];
  }

  /** Matters in catalogue order. */
  matters(): readonly TrackedMatter[] {
    return [...this.matterMap.values()];
  }

  theme(code: string): TrackedTheme | undefined {
    return this.themeMap.get(code);
  }

  matter(code: string): TrackedMatter | undefined {
    return this.matterMap.get(code);
  }

  /** Marks a matter changed (new `updatedAt`, `version` + 1). @throws Error for an unknown code. */
  touchMatter(code: string): TrackedMatter {
    return this.updateMatter(code, {});
  }

  /** Changes a matter and marks it changed. @throws Error for an unknown code. */
  updateMatter(code: string, patch: MatterPatch): TrackedMatter {
    const matter = this.requireMatter(code);
    const updated: TrackedMatter = { ...matter, ...patch, code, updatedAt: this.stamp(), version: matter.version + 1 };
    this.matterMap.set(code, updated);
    return updated;
  }

  /** Marks a theme changed. @throws Error for an unknown code. */
  touchTheme(code: string): TrackedTheme {
    return this.changeTheme(code, {});
  }

  /** Re-bundles a theme (the province adds or drops matters) and marks it changed. @throws Error for an unknown theme or matter code. */
  updateThemeMatters(code: string, matterCodes: readonly string[]): TrackedTheme {
    for (const matter of matterCodes) this.requireMatter(matter);
    return this.changeTheme(code, { matterCodes: [...matterCodes] });
  }

  /** Withdraws a theme (status 已撤销): it stays listed so incremental sync learns of it. @throws Error for an unknown code. */
  removeTheme(code: string): TrackedTheme {
    return this.changeTheme(code, { status: 'withdrawn' });
  }

  private changeTheme(code: string, patch: Partial<TrackedTheme>): TrackedTheme {
    const theme = this.themeMap.get(code);
    if (!theme) throw new Error(`matter-system simulator: no theme "${code}"`);
    const updated: TrackedTheme = { ...theme, ...patch, code, updatedAt: this.stamp(), version: theme.version + 1 };
    this.themeMap.set(code, updated);
    return updated;
  }

  private requireMatter(code: string): TrackedMatter {
    const matter = this.matterMap.get(code);
    if (!matter) throw new Error(`matter-system simulator: no matter "${code}"`);
    return matter;
  }

  private stamp(): number {
    this.lastChange = Math.max(this.clock(), this.lastChange + 1);
    return this.lastChange;
  }
}

/** A theme as Tongban's domain type (what a correct adapter returns for it). */
export function themeSnapshot(theme: TrackedTheme): Theme {
  return { ...theme, matterCodes: [...theme.matterCodes], updatedAt: new Date(theme.updatedAt).toISOString() };
}

/** A matter as Tongban's domain type. */
export function matterSnapshot(matter: TrackedMatter): Matter {
  return { ...matter, updatedAt: new Date(matter.updatedAt).toISOString() };
}
