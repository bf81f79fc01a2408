import type { Command } from 'commander';
import { buildCatalogue } from '../../adapters/matter-system/catalogue/build-catalogue.js';
import { CatalogStore } from '../catalog/index.js';
import { loadDepartments } from '../delivery/department-registry.js';
import { loadMappings, MappingError, type CatalogueView } from '../forms/mappings/index.js';
import { openMigratedStore } from '../gateway.js';
import { createLogger } from '../log/index.js';
import { cliConfig } from './cli-config.js';

async function catalogueFrom(source: string): Promise<CatalogueView> {
  if (source === 'builtin') return buildCatalogue();
  if (source !== 'db') throw new Error(`--catalogue must be "db" or "builtin" (got "${source}")`);
  const config = cliConfig();
  const { store } = await openMigratedStore(config, createLogger({ level: 'warn' }));
  try {
    const catalog = new CatalogStore(store);
    const catalogue = { themes: await catalog.listThemes(), matters: await catalog.listMatters() };
    if (catalogue.themes.length === 0) {
      const where = config.databaseUrl ? 'DATABASE_URL' : config.sqlitePath;
      throw new Error(`the stored catalogue (${where}) is empty: sync it first (tongban sync run, or start the gateway with a matter system), run this where the sandbox runs (it reads the sandbox's database), or check against the simulator's catalogue with --catalogue builtin`);
    }
    return catalogue;
  } finally {
    await store.close();
  }
}

/** `tongban mappings check`: validates every mapping file; exit 1 listing every problem. */
export function registerMappingsCommands(program: Command): void {
  const mappings = program.command('mappings').description('Mapping files: dictionary, licence, matter and theme mappings (docs/mappings.md)');
  mappings.command('check')
    .description('Validate every mapping file (and against the catalogue); each problem names the file and JSON Pointer')
    .option('--catalogue <source>', '"db" (the stored catalogue) or "builtin" (the matter-system simulator\'s catalogue)', 'db')
    .option('--dir <folder>', 'mappings folder (default: the project\'s mappings/)')
    .action(async (options: { catalogue: string; dir?: string }) => {
      try {
        const loaded = loadMappings({ departments: loadDepartments(), catalogue: await catalogueFrom(options.catalogue), ...(options.dir ? { dir: options.dir } : {}) });
        process.stdout.write(`Mappings are valid: ${loaded.dictionary.size} canonical fields, ${loaded.licences.size} licence types, ${loaded.matters.size} matters, ${loaded.themes.size} themes, ${loaded.materials.size} material identities.\n`);
      } catch (error) {
        if (!(error instanceof MappingError)) throw error;
        process.stderr.write(`${error.message}\n`);
        process.exitCode = 1;
      }
    });
}
