/**
 * The stored catalogue: themes and matters as last synced, read by the API
 * whether or not the matter system is reachable.
 */
import { NO_COMMITMENT, NO_DEFERRAL, type Matter, type Theme } from '../domain/matter-catalog.js';
import { placeholders, type Queryable, type Store } from '../store/index.js';

interface DocumentRow { document: string }

/**
 * A stored matter document (JSON) as a `Matter`. Documents synced before the
 * matter system carried 容缺 and 告知承诺 lack the flags: they read as not
 * allowed, as the adapter maps a record without them, until the next sync
 * rewrites the document.
 */
export function parseMatterDocument(document: string): Matter {
  const matter = JSON.parse(document) as Matter;
  if (matter.materials.every((material) => material.deferral && material.commitment)) return matter;
  return {
    ...matter,
    materials: matter.materials.map((material) => ({ ...material, deferral: material.deferral ?? NO_DEFERRAL, commitment: material.commitment ?? NO_COMMITMENT })),
  };
}

export interface CatalogStoreOptions {
  /**
   * How long a theme or a set of matters read from the database is reused
   * (ms); 0 reads every time. A sync in this process drops the cache at once
   * (`invalidate`); one on another replica is seen within this time.
   */
  cacheMs?: number;
  now?: () => number;
}

/** A cached read: its promise (so concurrent readers share one query) and when it expires. */
interface Cached<T> { value: Promise<T>; expiresAt: number }

export class CatalogStore {
  private readonly cacheMs: number;
  private readonly now: () => number;
  private readonly themes = new Map<string, Cached<Theme | undefined>>();
  private readonly matterSets = new Map<string, Cached<Map<string, Matter>>>();

  constructor(private readonly store: Store, options: CatalogStoreOptions = {}) {
    this.cacheMs = options.cacheMs ?? 0;
    this.now = options.now ?? Date.now;
  }

  /** Forgets cached reads (after a sync changed the catalogue). */
  invalidate(): void {
    this.themes.clear();
    this.matterSets.clear();
  }

  async listThemes(): Promise<Theme[]> {
    const { rows } = await this.store.query<DocumentRow>('SELECT document FROM catalog_themes ORDER BY code');
    return rows.map((row) => JSON.parse(row.document) as Theme);
  }

  /** The stored theme (the same object while cached: treat it as read-only). */
  async getTheme(code: string): Promise<Theme | undefined> {
    return this.cached(this.themes, code, () => this.readTheme(code));
  }

  /** The stored matters by code (the same map while cached: treat it as read-only). */
  async getMatters(codes: readonly string[]): Promise<Map<string, Matter>> {
    return this.cached(this.matterSets, codes.join(','), () => this.readMatters(codes));
  }

  private async cached<T>(cache: Map<string, Cached<T>>, key: string, read: () => Promise<T>): Promise<T> {
    if (this.cacheMs <= 0) return read();
    const now = this.now();
    const hit = cache.get(key);
    if (hit && hit.expiresAt > now) return hit.value;
    const entry: Cached<T> = { value: read(), expiresAt: now + this.cacheMs };
    if (cache.size > 1000) cache.clear();
    cache.set(key, entry);
    // A failed read is not remembered.
    entry.value.catch(() => { if (cache.get(key) === entry) cache.delete(key); });
    return entry.value;
  }

  private async readTheme(code: string): Promise<Theme | undefined> {
    const { rows } = await this.store.query<DocumentRow>('SELECT document FROM catalog_themes WHERE code = $1', [code]);
    return rows[0] ? JSON.parse(rows[0].document) as Theme : undefined;
  }

  private async readMatters(codes: readonly string[]): Promise<Map<string, Matter>> {
    if (codes.length === 0) return new Map();
        const { rows } = await this.store.query<DocumentRow>(`SELECT document FROM catalog_matters WHERE code IN (${placeholders(codes.length)})`, [...codes]);
    const matters = rows.map((row) => parseMatterDocument(row.document));
    return new Map(matters.map((matter) => [matter.code, matter]));
  }

  async listMatters(): Promise<Matter[]> {
    const { rows } = await this.store.query<DocumentRow>('SELECT document FROM catalog_matters ORDER BY code');
    return rows.map((row) => parseMatterDocument(row.document));
  }

  async counts(): Promise<{ themes: number; matters: number }> {
    const themes = await this.store.query<{ n: number }>('SELECT COUNT(*) AS n FROM catalog_themes');
    const matters = await this.store.query<{ n: number }>('SELECT COUNT(*) AS n FROM catalog_matters');
    return { themes: Number(themes.rows[0]?.n ?? 0), matters: Number(matters.rows[0]?.n ?? 0) };
  }
}

/** Inserts or replaces a theme; returns true when it changed. */
export async function upsertTheme(tx: Queryable, theme: Theme, syncedAt: number): Promise<boolean> {
  const document = JSON.stringify(theme);
  const updatedAt = Date.parse(theme.updatedAt);
  const { rows } = await tx.query<DocumentRow>('SELECT document FROM catalog_themes WHERE code = $1', [theme.code]);
  if (rows[0]?.document === document) return false;
  await tx.query(
    `INSERT INTO catalog_themes (code, name, status, document, upstream_updated_at, synced_at) VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (code) DO UPDATE SET name = excluded.name, status = excluded.status, document = excluded.document,
       upstream_updated_at = excluded.upstream_updated_at, synced_at = excluded.synced_at`,
    [theme.code, theme.name, theme.status, document, updatedAt, syncedAt]);
  return true;
}

/** Inserts or replaces a matter; returns true when it changed. */
export async function upsertMatter(tx: Queryable, matter: Matter, syncedAt: number): Promise<boolean> {
  const document = JSON.stringify(matter);
  const updatedAt = Date.parse(matter.updatedAt);
  const { rows } = await tx.query<DocumentRow>('SELECT document FROM catalog_matters WHERE code = $1', [matter.code]);
  if (rows[0]?.document === document) return false;
  await tx.query(
    `INSERT INTO catalog_matters (code, name, department_code, document, upstream_updated_at, synced_at) VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (code) DO UPDATE SET name = excluded.name, department_code = excluded.department_code, document = excluded.document,
       upstream_updated_at = excluded.upstream_updated_at, synced_at = excluded.synced_at`,
    [matter.code, matter.name, matter.department.code, document, updatedAt, syncedAt]);
  return true;
}
