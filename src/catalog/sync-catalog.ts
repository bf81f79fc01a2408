/**
 * One catalogue sync run: fetch (everything, or what changed since the
 * watermark), then store it in ONE transaction. A run that fails — upstream
 * down half-way, a malformed page, an inconsistent answer — writes nothing to
 * the catalogue, so the previous catalogue stays intact; the run itself is
 * always recorded for ops.
 */
import { TongbanError } from '../errors/index.js';
import type { Matter, Theme } from '../domain/matter-catalog.js';
import { UpstreamError } from '../domain/upstream-error.js';
import { placeholders, type Queryable, type Store } from '../store/index.js';
import type { CatalogSource } from './catalog-source.js';
import { upsertMatter, upsertTheme } from './catalog-store.js';
import { finishRun, startRun, type SyncRun } from './sync-runs.js';

export type SyncKind = 'full' | 'incremental';

/** Re-read this much before the watermark, so items updated during the previous run are not missed (ms). */
const WATERMARK_OVERLAP_MS = 60_000;
const WATERMARK_KEY = 'catalog.watermark';

export interface SyncOptions {
  kind: SyncKind;
  /** Who asked: `startup`, `schedule`, `ops:<client>`, `cli`. */
  trigger: string;
  now?: () => number;
}

/** Raised when the upstream answer contradicts itself (a theme naming a matter that does not exist). */
export class CatalogueInconsistentError extends Error {
  override readonly name = 'CatalogueInconsistentError';
}

/** Runs one sync and returns its record (status `succeeded` or `failed`); never throws for upstream failures. */
export async function syncCatalog(store: Store, source: CatalogSource, options: SyncOptions): Promise<SyncRun> {
  const now = options.now ?? Date.now;
  const watermark = options.kind === 'incremental' ? await readWatermark(store) : undefined;
  const updatedSince = watermark === undefined ? undefined : Math.max(0, watermark - WATERMARK_OVERLAP_MS);
  const kind: SyncKind = options.kind === 'incremental' && watermark === undefined ? 'full' : options.kind;
  const run = await startRun(store, { kind, trigger: options.trigger, updatedSince, startedAt: now() });
  try {
    const since = updatedSince === undefined ? {} : { updatedSince };
    const themes = await collect(source.listThemes(since));
    const matters = await collect(source.listMatters(since));
    const counts = await store.transaction(async (tx) => {
      await checkConsistency(tx, themes, matters);
      const syncedAt = now();
      let mattersChanged = 0;
      let themesChanged = 0;
      for (const matter of matters) if (await upsertMatter(tx, matter, syncedAt)) mattersChanged += 1;
      for (const theme of themes) if (await upsertTheme(tx, theme, syncedAt)) themesChanged += 1;
      if (kind === 'full') themesChanged += await withdrawMissing(tx, themes);
      const newest = Math.max(watermark ?? 0, ...themes.map((t) => Date.parse(t.updatedAt)), ...matters.map((m) => Date.parse(m.updatedAt)));
      if (newest > 0) await writeWatermark(tx, newest, syncedAt);
      return { themesChanged, mattersChanged };
    });
    return finishRun(store, run.id, {
      status: 'succeeded', finishedAt: now(), themesReceived: themes.length, mattersReceived: matters.length, ...counts,
    });
  } catch (error) {
    return finishRun(store, run.id, { status: 'failed', finishedAt: now(), ...describeFailure(error) });
  }
}

async function collect<T>(items: Promise<readonly T[]> | AsyncIterable<T>): Promise<T[]> {
  if (Symbol.asyncIterator in Object(items)) {
    const all: T[] = [];
    for await (const item of items as AsyncIterable<T>) all.push(item);
    return all;
  }
  return [...await (items as Promise<readonly T[]>)];
}

/** Every matter a received theme names must be received now or stored already. */
async function checkConsistency(tx: Queryable, themes: readonly Theme[], matters: readonly Matter[]): Promise<void> {
  const received = new Set(matters.map((matter) => matter.code));
  const needed = [...new Set(themes.flatMap((theme) => theme.matterCodes))].filter((code) => !received.has(code));
  if (needed.length === 0) return;
    const { rows } = await tx.query<{ code: string }>(`SELECT code FROM catalog_matters WHERE code IN (${placeholders(needed.length)})`, needed);
  const stored = new Set(rows.map((row) => row.code));
  const missing = needed.filter((code) => !stored.has(code));
  if (missing.length > 0) throw new CatalogueInconsistentError(`themes name matters the matter system did not list: ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ' …' : ''}`);
}

/** A full listing is the truth: stored themes it no longer contains are marked withdrawn, never deleted. */
async function withdrawMissing(tx: Queryable, themes: readonly Theme[]): Promise<number> {
  const { rows } = await tx.query<{ code: string; document: string }>("SELECT code, document FROM catalog_themes WHERE status <> 'withdrawn'");
  const listed = new Set(themes.map((theme) => theme.code));
  let changed = 0;
  for (const row of rows) {
    if (listed.has(row.code)) continue;
    const document = { ...JSON.parse(row.document) as Theme, status: 'withdrawn' };
    await tx.query("UPDATE catalog_themes SET status = 'withdrawn', document = $2 WHERE code = $1", [row.code, JSON.stringify(document)]);
    changed += 1;
  }
  return changed;
}

async function readWatermark(store: Store): Promise<number | undefined> {
  const { rows } = await store.query<{ value: string }>('SELECT value FROM gateway_meta WHERE key = $1', [WATERMARK_KEY]);
  return rows[0] ? Number(rows[0].value) : undefined;
}

async function writeWatermark(tx: Queryable, value: number, now: number): Promise<void> {
  await tx.query(
    'INSERT INTO gateway_meta (key, value, updated_at) VALUES ($1, $2, $3) ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at',
    [WATERMARK_KEY, String(value), now]);
}

function describeFailure(error: unknown): { errorCode: string; errorMessage: string } {
  if (error instanceof UpstreamError) return { errorCode: `UPSTREAM_${error.kind.toUpperCase()}`, errorMessage: error.message };
  if (error instanceof CatalogueInconsistentError) return { errorCode: 'CATALOGUE_INCONSISTENT', errorMessage: error.message };
  if (error instanceof TongbanError) return { errorCode: error.code, errorMessage: error.message };
  return { errorCode: 'INTERNAL_ERROR', errorMessage: (error as Error).message ?? String(error) };
}
